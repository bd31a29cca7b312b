/**
 * Setting and cancelling a scheduled publish or unpublish: what the admin routes (the Schedule panel,
 * scripts) call. Each is checked here, with a reason an editor can act on, and recorded on the audit
 * trail in the same transaction.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { localeSettings } from '../../locales/config';
import type { Actor } from '../actor';
import { actorName } from '../actor';
import { appendAuditRow } from '../audit';
import { closeJob, findJob, insertJob, table, SCHEDULE_ACTIONS, type ScheduleAction, type ScheduleJob } from './table';

/** A request that cannot be scheduled as asked: a 400 with this message. */
export class ScheduleInputError extends Error {}

/** The job is no longer pending (it ran, failed or was cancelled): a 409 with this message. */
export class ScheduleClosedError extends Error {}

/** A date and time with its offset: 2026-12-07T08:00Z, 2026-12-07T08:00:00+01:00 (seconds optional). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;
/** A schedule years ahead is a typo in the year. */
const MAX_AHEAD_MS = 5 * 366 * 24 * 60 * 60 * 1000;

export interface JobView {
  id: number;
  uid: string;
  documentId: string;
  locale: string;
  action: ScheduleAction;
  at: string;
  status: ScheduleJob['status'];
  reason: ScheduleJob['reason'];
  createdBy: string;
  createdAt: string;
  closedAt: string | null;
  closedBy: string | null;
  outcome: string | null;
  attempts: number;
}

/** What editors and scripts see of a job (times as ISO strings; the e-mail stays in the table). */
export function jobView(job: ScheduleJob): JobView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: job.id,
    uid: job.uid,
    documentId: job.documentId,
    locale: job.locale,
    action: job.action,
    at: new Date(job.dueAt).toISOString(),
    status: job.status,
    reason: job.reason,
    createdBy: job.createdBy,
    createdAt: new Date(job.createdAt).toISOString(),
    closedAt: iso(job.closedAt),
    closedBy: job.closedBy,
    outcome: job.outcome,
    attempts: job.attempts,
  };
}

/** The due time of `at`, or why it cannot be one. */
export function parseDueAt(at: unknown, now: number = Date.now()): number {
  if (typeof at !== 'string' || !DATE_TIME.test(at)) {
    throw new ScheduleInputError(`at is a date and time with its offset, such as 2026-12-07T08:00:00Z or 2026-12-07T09:00:00+01:00 (got ${JSON.stringify(at)}).`);
  }
  const [year, month, day] = at.slice(0, 10).split('-').map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  const dueAt = Date.parse(at);
  // Date.parse takes 2026-02-30 for 2 March: the day must exist as written.
  if (Number.isNaN(dueAt) || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) throw new ScheduleInputError(`at names no such date and time: ${at}.`);
  if (dueAt <= now) throw new ScheduleInputError(`at (${at}) is in the past: publish or unpublish the entry now instead, or pick a later time.`);
  if (dueAt - now > MAX_AHEAD_MS) throw new ScheduleInputError(`at (${at}) is more than five years ahead.`);
  return dueAt;
}

/**
 * Adds a job for `actor` (whose right to publish the entry the caller has checked): the entry must
 * exist in that locale; the same action at the same time is not added twice.
 */
export async function scheduleJob(
  strapi: Core.Strapi,
  input: { uid: string; documentId: string; locale: unknown; action: unknown; at: unknown; actor: Actor },
): Promise<ScheduleJob> {
  const { uid, documentId, actor } = input;
  if (typeof input.action !== 'string' || !(SCHEDULE_ACTIONS as readonly string[]).includes(input.action)) {
    throw new ScheduleInputError(`action is one of ${SCHEDULE_ACTIONS.join(', ')} (got ${JSON.stringify(input.action)}).`);
  }
  const action = input.action as ScheduleAction;
  const locales = localeSettings(strapi).locales.map((locale) => locale.code);
  if (typeof input.locale !== 'string' || !locales.includes(input.locale)) {
    throw new ScheduleInputError(`locale is one of the service's locales (${locales.join(', ')}), got ${JSON.stringify(input.locale)}.`);
  }
  const locale = input.locale;
  const dueAt = parseDueAt(input.at);
  const row = await strapi.db.query(uid).findOne({ where: { documentId, locale } as never, select: ['id'] });
  if (row === null) throw new ScheduleInputError(`Entry ${documentId} has no "${locale}" version to ${action}: save it in that locale first.`);
  return strapi.db.transaction(async ({ trx }: { trx: Knex.Transaction }) => {
    const same = await table(strapi, trx).select('id').where({ uid, document_id: documentId, locale, action, due_at: dueAt, status: 'pending' }).first();
    if (same !== undefined) throw new ScheduleInputError(`This ${action} is scheduled for that time already (job ${String((same as { id: unknown }).id)}).`);
    const job = (await insertJob(strapi, trx, { uid, documentId, locale, action, dueAt, reason: 'requested', actor })) as ScheduleJob;
    await appendAuditRow(strapi, trx, {
      actor,
      action: 'schedule.created',
      target: { uid, documentId, locale },
      details: { scheduleId: job.id, action, dueAt: new Date(dueAt).toISOString() },
    });
    return job;
  });
}

/** Cancels a pending job; a job that already ran, failed or was cancelled is a ScheduleClosedError. */
export async function cancelJob(strapi: Core.Strapi, input: { job: ScheduleJob; actor: Actor }): Promise<ScheduleJob> {
  const { job, actor } = input;
  const isCancelled = await strapi.db.transaction(async ({ trx }: { trx: Knex.Transaction }) => {
    if (!(await closeJob(strapi, trx, { id: job.id, status: 'cancelled', by: actor, outcome: `cancelled by ${actorName(actor)}` }))) return false;
    await appendAuditRow(strapi, trx, {
      actor,
      action: 'schedule.cancelled',
      target: { uid: job.uid, documentId: job.documentId, locale: job.locale },
      details: { scheduleId: job.id, action: job.action, dueAt: new Date(job.dueAt).toISOString() },
    });
    return true;
  });
  const now = (await findJob(strapi, job.id)) as ScheduleJob;
  if (!isCancelled) throw new ScheduleClosedError(`Job ${job.id} is ${now.status}, not pending: it can no longer be cancelled.`);
  return now;
}
