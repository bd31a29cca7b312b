/**
 * The schedule table (`content_schedule`): one row per publish or unpublish an editor (or a script)
 * asked for at a date and time, per entry and locale. Kept apart from the entry itself, so setting a
 * schedule never marks the draft modified. A row is pending until a worker runs it (done), its checks
 * refuse it (failed, with why), or an editor cancels it. A lapsed medical review under the `flag`
 * policy only records the lapse (flagged), until the review served there is renewed (cleared).
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { ensureOutboxTable, num, numOrNull, outboxTable } from '../../database/outbox-table';
import type { Actor } from '../actor';
import { actorName } from '../actor';

export const SCHEDULE_TABLE = 'content_schedule';

export const SCHEDULE_ACTIONS = ['publish', 'unpublish'] as const;
export type ScheduleAction = (typeof SCHEDULE_ACTIONS)[number];

export const SCHEDULE_STATUSES = ['pending', 'done', 'failed', 'cancelled', 'flagged', 'cleared'] as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];

/** Why a job exists: an editor's (or a script's) request, or a medical review that lapsed. */
export type ScheduleReason = 'requested' | 'review-lapsed';

export interface ScheduleJob {
  id: number;
  uid: string;
  documentId: string;
  locale: string;
  action: ScheduleAction;
  /** When it is due, in milliseconds since the epoch. */
  dueAt: number;
  status: ScheduleStatus;
  reason: ScheduleReason;
  /** `admin:<id>`, `cli:<command>` or `service:<name>`: who set it. */
  createdBy: string;
  createdByEmail: string | null;
  createdAt: number;
  /** When it ran, failed, was cancelled or flagged. */
  closedAt: number | null;
  closedBy: string | null;
  /** What happened: why it failed, or what it did ("not published: nothing to unpublish"). */
  outcome: string | null;
  /** Failed runs for a reason other than its checks (the database away): tried again until MAX_ATTEMPTS. */
  attempts: number;
}

interface StoredRow {
  id: number | string;
  uid: string;
  document_id: string;
  locale: string;
  action: string;
  due_at: number | string;
  status: string;
  reason: string;
  lapse_key: string | null;
  created_by: string;
  created_by_email: string | null;
  created_at: number | string;
  closed_at: number | string | null;
  closed_by: string | null;
  outcome: string | null;
  attempts: number | string;
}

export const table = (strapi: Core.Strapi, trx?: Knex.Transaction) => outboxTable(strapi, SCHEDULE_TABLE, trx);

/** Creates the table when missing. Runs at start, after Strapi's schema sync, under the start-up lock. */
export async function ensureScheduleTable(strapi: Core.Strapi): Promise<void> {
  await ensureOutboxTable(strapi, SCHEDULE_TABLE, (t) => {
    t.bigIncrements('id').primary();
    t.string('uid', 128).notNullable();
    t.string('document_id', 64).notNullable();
    t.string('locale', 32).notNullable();
    t.string('action', 16).notNullable();
    t.bigInteger('due_at').notNullable();
    t.string('status', 16).notNullable();
    t.string('reason', 32).notNullable();
    // One row per lapse of one review (`<next review due>`): instances that notice it together add it once.
    t.string('lapse_key', 160).nullable().unique('content_schedule_lapse_key_unique');
    t.string('created_by', 160).notNullable();
    t.string('created_by_email', 255).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('closed_at').nullable();
    t.string('closed_by', 160).nullable();
    t.text('outcome').nullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.index(['status', 'due_at'], 'content_schedule_due_idx');
    t.index(['uid', 'document_id', 'locale'], 'content_schedule_document_idx');
  });
}

function fromStored(row: StoredRow): ScheduleJob {
  return {
    id: num(row.id),
    uid: row.uid,
    documentId: row.document_id,
    locale: row.locale,
    action: row.action as ScheduleAction,
    dueAt: num(row.due_at),
    status: row.status as ScheduleStatus,
    reason: row.reason as ScheduleReason,
    createdBy: row.created_by,
    createdByEmail: row.created_by_email,
    createdAt: num(row.created_at),
    closedAt: numOrNull(row.closed_at),
    closedBy: row.closed_by,
    outcome: row.outcome,
    attempts: num(row.attempts),
  };
}

export interface NewJob {
  uid: string;
  documentId: string;
  locale: string;
  action: ScheduleAction;
  dueAt: number;
  reason: ScheduleReason;
  actor: Actor;
  /** Only for a lapse: its key (one row per lapse), and the row's status when it is only flagged. */
  lapseKey?: string;
  status?: 'pending' | 'flagged';
  outcome?: string;
}

/** Adds a job in `trx`; null when a lapse with the same key is there already (another instance added it). */
export async function insertJob(strapi: Core.Strapi, trx: Knex.Transaction, job: NewJob): Promise<ScheduleJob | null> {
  const now = Date.now();
  const isFlag = job.status === 'flagged';
  const row = {
    uid: job.uid,
    document_id: job.documentId,
    locale: job.locale,
    action: job.action,
    due_at: job.dueAt,
    status: job.status ?? 'pending',
    reason: job.reason,
    lapse_key: job.lapseKey ?? null,
    created_by: actorName(job.actor),
    created_by_email: job.actor.kind === 'admin' ? job.actor.email : null,
    created_at: now,
    closed_at: isFlag ? now : null,
    closed_by: isFlag ? actorName(job.actor) : null,
    outcome: job.outcome ?? null,
    attempts: 0,
  };
  const insert = table(strapi, trx).insert(row);
  const inserted = (await (job.lapseKey === undefined ? insert : insert.onConflict('lapse_key').ignore()).returning('id')) as Array<{ id: number | string } | number>;
  const first = inserted[0];
  if (first === undefined) return null;
  return findJob(strapi, typeof first === 'object' ? num(first.id) : num(first), trx);
}

export async function findJob(strapi: Core.Strapi, id: number, trx?: Knex.Transaction): Promise<ScheduleJob | null> {
  const [row] = (await table(strapi, trx).select('*').where('id', id)) as StoredRow[];
  return row === undefined ? null : fromStored(row);
}

/** The jobs of one entry (in one locale, or all), the latest due first. */
export async function entryJobs(strapi: Core.Strapi, input: { uid: string; documentId: string; locale: string | null; limit: number }): Promise<ScheduleJob[]> {
  const query = table(strapi).select('*').where({ uid: input.uid, document_id: input.documentId });
  if (input.locale !== null) query.andWhere('locale', input.locale);
  return ((await query.orderBy([{ column: 'due_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(input.limit)) as StoredRow[]).map(fromStored);
}

/** The jobs of a type in the given statuses (the list view's column), soonest due first. */
export async function typeJobs(strapi: Core.Strapi, input: { uid: string; statuses: readonly ScheduleStatus[]; locale: string | null; limit: number }): Promise<ScheduleJob[]> {
  const query = table(strapi).select('*').where('uid', input.uid).whereIn('status', [...input.statuses]);
  if (input.locale !== null) query.andWhere('locale', input.locale);
  return ((await query.orderBy([{ column: 'due_at', order: 'asc' }, { column: 'id', order: 'asc' }]).limit(input.limit)) as StoredRow[]).map(fromStored);
}

/** Pending jobs due by `now`, oldest due first (so a publish and a later unpublish run in that order). */
export async function dueJobs(strapi: Core.Strapi, input: { now: number; limit: number }): Promise<ScheduleJob[]> {
  const rows = (await table(strapi)
    .select('*')
    .where('status', 'pending')
    .andWhere('due_at', '<=', input.now)
    .orderBy([{ column: 'due_at', order: 'asc' }, { column: 'id', order: 'asc' }])
    .limit(input.limit)) as StoredRow[];
  return rows.map(fromStored);
}

/** When the next pending job falls due; null when none is pending. */
export async function nextDueAt(strapi: Core.Strapi): Promise<number | null> {
  const row = (await table(strapi).min({ at: 'due_at' }).where('status', 'pending').first()) as { at: number | string | null } | undefined;
  return row?.at === null || row?.at === undefined ? null : num(row.at);
}

/**
 * Closes a pending job in `trx`: true when this call did (on PostgreSQL the row stays locked until
 * `trx` ends, so a second instance's claim waits, then finds it no longer pending); false when it was
 * not pending any more (run, cancelled or failed elsewhere).
 */
export async function closeJob(
  strapi: Core.Strapi,
  trx: Knex.Transaction,
  input: { id: number; status: Exclude<ScheduleStatus, 'pending'>; by: Actor; outcome: string | null; attempts?: number },
): Promise<boolean> {
  const changed = await table(strapi, trx)
    .where({ id: input.id, status: 'pending' })
    .update({ status: input.status, closed_at: Date.now(), closed_by: actorName(input.by), outcome: input.outcome, ...(input.attempts === undefined ? {} : { attempts: input.attempts }) });
  return Number(changed) === 1;
}

/** Counts a failed attempt of a pending job (its checks passed, something else failed) and says why. */
export async function countAttempt(strapi: Core.Strapi, input: { id: number; attempts: number; outcome: string }): Promise<void> {
  await table(strapi).where({ id: input.id, status: 'pending' }).update({ attempts: input.attempts, outcome: input.outcome });
}
