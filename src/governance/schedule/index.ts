/**
 * Scheduled publishing: editors (the admin's Schedule panel), scripts (the same admin routes) ask for a
 * publish or an unpublish of an entry in a locale at a date and time (jobs.ts, kept in table.ts's
 * table); a worker on every instance runs the jobs that fell due (runner.ts: each exactly once across
 * instances, after a restart too, and those that fell due while no instance ran), and acts on lapsed
 * medical reviews (lapses.ts, REVIEW_LAPSE_POLICY).
 *
 * The worker looks every SCHEDULE_POLL_MS, and wakes at the due time of the next job this instance knows
 * of, so a job runs within one period of its time on any instance.
 */
import type { Core } from '@strapi/strapi';
import { createDrainLoop, type DrainLoop } from '../../database/drain-loop';
import { settings } from '../../settings';
import { handleLapses } from './lapses';
import { runJob } from './runner';
import { dueJobs, ensureScheduleTable, nextDueAt } from './table';

export { scheduleJob, cancelJob, jobView, ScheduleInputError, type JobView } from './jobs';
export { entryJobs, typeJobs, findJob, SCHEDULE_ACTIONS, SCHEDULE_STATUSES, SCHEDULE_TABLE, type ScheduleJob, type ScheduleStatus } from './table';
export { currentLapses, REVIEW_LAPSE_POLICIES, type ReviewLapsePolicy } from './lapses';

interface Hook {
  register(handler: () => Promise<void>): unknown;
}

/** Jobs taken per query: a round runs until none is due. */
const BATCH = 50;

export interface Scheduler {
  /** In Strapi's register(): the table, right after Strapi's schema sync. */
  register(): void;
  /** Starts the worker: due jobs (those missed while stopped first), then every SCHEDULE_POLL_MS. */
  start(): void;
  /** A job was added on this instance: the worker wakes for its due time. */
  kick(): void;
  /** Resolves when the current round is done (tests, shutdown). */
  whenIdle(): Promise<void>;
  stop(): Promise<void>;
}

export function createScheduler(input: { strapi: Core.Strapi }): Scheduler {
  const { strapi } = input;
  let loop: DrainLoop | null = null;

  async function drain(signal: AbortSignal): Promise<number | null> {
    const policy = settings().REVIEW_LAPSE_POLICY;
    await handleLapses(strapi, { policy });
    // A job that failed for a reason other than its checks stays pending (runner.ts counts its
    // attempts): the others still run this round, and the first failure is reported.
    const tried = new Set<number>();
    let failure: unknown = null;
    for (;;) {
      if (signal.aborted) return null;
      const due = (await dueJobs(strapi, { now: Date.now(), limit: BATCH + tried.size })).filter((job) => !tried.has(job.id));
      for (const job of due) {
        if (signal.aborted) return null;
        tried.add(job.id);
        await runJob(strapi, job).catch((error: unknown) => {
          failure ??= error;
        });
      }
      if (due.length < BATCH) break;
    }
    if (failure !== null) throw failure;
    return nextDueAt(strapi);
  }

  return {
    register() {
      (strapi.hook('strapi::content-types.afterSync') as Hook).register(() => ensureScheduleTable(strapi));
    },
    start() {
      loop = createDrainLoop({
        pollMs: settings().SCHEDULE_POLL_MS,
        drain,
        onError: (message, isNew) => {
          if (isNew) strapi.log.warn(`Scheduled publishing could not run (tried again in ${settings().SCHEDULE_POLL_MS} ms): ${message}`);
        },
      });
      loop.start();
    },
    kick() {
      loop?.kick();
    },
    async whenIdle() {
      await loop?.whenIdle();
    },
    async stop() {
      await loop?.stop();
      loop = null;
    },
  };
}
