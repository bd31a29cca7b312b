/**
 * Runs one due job, exactly once across instances: the job is closed (`done`) and the entry published
 * or unpublished in one transaction. On PostgreSQL the close locks the row, so a second instance's
 * claim waits for that transaction and then finds the job no longer pending; a crash mid-way rolls
 * both back and the job is run again by whichever instance polls next. The write is an ordinary
 * Document Service publish, so it passes the checks a manual one does (required fields, medical
 * review, content format) and reaches the cache purge, webhooks, CDN purges and change feed the same
 * way. A check that refuses it closes the job as failed, with the reason, and nothing is applied.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Knex } from 'knex';
import { writePipeline } from '../../content/writes';
import { actingAs, type Actor } from '../actor';
import { appendAuditRow } from '../audit';
import { closeJob, countAttempt, table, type ScheduleJob } from './table';

/** Who a scheduled write is recorded as (history, audit): the job says who set it. */
export const SCHEDULER: Actor = { kind: 'service', name: 'schedule' };

/** A run that fails for a reason other than its checks (the database away) is tried this many times. */
export const MAX_ATTEMPTS = 5;

/** `taken`: it was not pending any more when claimed (run, cancelled or failed on another instance). */
export type RunResult = 'done' | 'failed' | 'taken';

/** Refused before anything is written: the entry is gone, or there is nothing to publish. */
class JobRefusal extends errors.ApplicationError {}

interface DocumentsResult {
  entries?: unknown[];
}

/** The reason a refusal gives, with each field's message when Strapi lists them. */
function refusalText(error: errors.ApplicationError): string {
  const details = (error as { details?: { errors?: Array<{ path?: unknown[]; message?: string }> } }).details;
  const listed = (details?.errors ?? []).map((item) => `${(item.path ?? []).join('.')}: ${item.message ?? ''}`.replace(/^: /, ''));
  const extra = listed.filter((line) => !error.message.includes(line.replace(/^[^:]*: /, '')));
  return [error.message, ...extra].join('; ');
}

async function apply(strapi: Core.Strapi, job: ScheduleJob): Promise<string> {
  const documents = strapi.documents(job.uid as never) as unknown as Record<ScheduleJob['action'], (params: object) => Promise<DocumentsResult | null>>;
  const exists = await strapi.db.query(job.uid).findOne({ where: { documentId: job.documentId, locale: job.locale }, select: ['id'] });
  if (exists === null) {
    if (job.action === 'publish') throw new JobRefusal(`The entry no longer exists in "${job.locale}": there is nothing to publish.`);
    return `nothing to unpublish: the entry no longer exists in "${job.locale}"`;
  }
  const result = await documents[job.action]({ documentId: job.documentId, locale: job.locale });
  const count = result?.entries?.length ?? 0;
  if (count > 0) return job.action === 'publish' ? `published in "${job.locale}"` : `unpublished in "${job.locale}"`;
  if (job.action === 'publish') throw new JobRefusal(`There is no draft in "${job.locale}" to publish.`);
  return `nothing to unpublish: it was not published in "${job.locale}"`;
}

function auditTarget(job: ScheduleJob) {
  return { uid: job.uid, documentId: job.documentId, locale: job.locale };
}

function jobDetails(job: ScheduleJob) {
  return { scheduleId: job.id, action: job.action, dueAt: new Date(job.dueAt).toISOString(), reason: job.reason, scheduledBy: job.createdBy };
}

/** Runs `job` if it is still pending; says what became of it. */
export async function runJob(strapi: Core.Strapi, job: ScheduleJob): Promise<RunResult> {
  try {
    const ran = await actingAs(SCHEDULER, () =>
      strapi.db.transaction(async ({ trx }: { trx: Knex.Transaction }) => {
        if (!(await closeJob(strapi, trx, { id: job.id, status: 'done', by: SCHEDULER, outcome: null }))) return false;
        const outcome = await apply(strapi, job);
        await table(strapi, trx).where('id', job.id).update({ outcome });
        await appendAuditRow(strapi, trx, { actor: SCHEDULER, action: 'schedule.ran', target: auditTarget(job), details: { ...jobDetails(job), outcome } });
        return true;
      }),
    );
    // The purges, webhooks and other instances' caches let go of the old version before the next job.
    await writePipeline(strapi).settled();
    return ran ? 'done' : 'taken';
  } catch (error) {
    if (error instanceof errors.ApplicationError) {
      const outcome = refusalText(error);
      const closed = await strapi.db.transaction(async ({ trx }: { trx: Knex.Transaction }) => {
        if (!(await closeJob(strapi, trx, { id: job.id, status: 'failed', by: SCHEDULER, outcome }))) return false;
        await appendAuditRow(strapi, trx, { actor: SCHEDULER, action: 'schedule.failed', target: auditTarget(job), details: { ...jobDetails(job), outcome } });
        return true;
      });
      strapi.log.warn(`Scheduled ${job.action} ${job.id} of ${job.uid} ${job.documentId} (${job.locale}) failed its checks: ${outcome}`);
      return closed ? 'failed' : 'taken';
    }
    const message = error instanceof Error ? error.message : String(error);
    const attempts = job.attempts + 1;
    if (attempts < MAX_ATTEMPTS) {
      await countAttempt(strapi, { id: job.id, attempts, outcome: `attempt ${attempts} of ${MAX_ATTEMPTS} failed: ${message}` }).catch(() => undefined);
      throw error;
    }
    const outcome = `gave up after ${attempts} attempts: ${message}`;
    await strapi.db
      .transaction(async ({ trx }: { trx: Knex.Transaction }) => {
        if (await closeJob(strapi, trx, { id: job.id, status: 'failed', by: SCHEDULER, outcome, attempts })) {
          await appendAuditRow(strapi, trx, { actor: SCHEDULER, action: 'schedule.failed', target: auditTarget(job), details: { ...jobDetails(job), outcome } });
        }
      })
      .catch(() => undefined);
    throw error;
  }
}
