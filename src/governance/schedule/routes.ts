/**
 * Scheduled publishing's admin routes (the admin's Schedule panel and list column, and scripts that
 * log in as an admin):
 * - GET /editor/schedules?uid=&documentId=[&locale=] — the entry's jobs, latest due first;
 *   GET /editor/schedules?uid=[&locale=][&status=pending,failed] — the type's jobs in those statuses
 *   (default: pending, failed and flagged), soonest due first: what the list view shows.
 * - POST /editor/schedules {uid, documentId, locale, action: publish|unpublish, at} — a new job;
 *   400 BAD_USER_INPUT naming what is wrong (a time in the past or without its offset, an unknown
 *   locale, an entry without that locale, the same job twice).
 * - POST /editor/schedules/:id/cancel — cancels a pending job; 409 SCHEDULE_CLOSED once it ran,
 *   failed or was cancelled; 404 for an unknown job.
 * Reading needs the admin's read right on the type, setting and cancelling its publish right; a clinic
 * editor reaches their clinics' adaptations and profile only. Never cached.
 */
import type { Core } from '@strapi/strapi';
import { isClinicEditor } from '../../clinics/editors';
import { adminJsonRoute, RouteInputError, RouteRefusal, type AdminRequest } from '../../http/admin-routes';
import { entryRefusal, typeRefusal, type EntryRight } from '../access';
import { currentActor } from '../actor';
import { isRecordedUid } from '../history';
import { cancelJob, entryJobs, findJob, jobView, scheduleJob, ScheduleInputError, SCHEDULE_STATUSES, typeJobs, type Scheduler, type ScheduleStatus } from './index';
import { ScheduleClosedError } from './jobs';

export const SCHEDULES_PATH = '/editor/schedules';
export const CANCEL_PATH = '/editor/schedules/:id/cancel';
const ENTRY_LIMIT = 100;
const TYPE_LIMIT = 500;
const LISTED: readonly ScheduleStatus[] = ['pending', 'failed', 'flagged'];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function recordedUid(uid: unknown): string {
  if (typeof uid !== 'string' || !isRecordedUid(uid)) throw new RouteInputError('uid must name a content type the service publishes (e.g. api::technique.technique).');
  return uid;
}

function statusesOf(raw: string | undefined): ScheduleStatus[] {
  if (raw === undefined) return [...LISTED];
  const statuses = raw.split(',').map((status) => status.trim());
  const unknown = statuses.filter((status) => !(SCHEDULE_STATUSES as readonly string[]).includes(status));
  if (unknown.length > 0 || statuses.length === 0) throw new RouteInputError(`status is a comma-separated list of ${SCHEDULE_STATUSES.join(', ')} (got "${raw}").`);
  return statuses as ScheduleStatus[];
}

export function scheduleRoutes(input: { strapi: Core.Strapi; scheduler: Scheduler }): Core.Route[] {
  const { strapi, scheduler } = input;

  async function authorize(user: AdminRequest['user'], right: EntryRight, uid: string, documentId: string): Promise<void> {
    const refusal = await entryRefusal(strapi, { user, right, uid, documentId, what: 'schedule' });
    if (refusal !== null) throw new RouteRefusal('FORBIDDEN', refusal);
  }

  /** A job the user may act on, or a 404/403. */
  async function jobFor(user: AdminRequest['user'], rawId: string | undefined) {
    const id = Number(rawId);
    if (!Number.isSafeInteger(id) || id <= 0) throw new RouteInputError('The job id is a positive whole number.');
    const job = await findJob(strapi, id);
    if (job === null) throw new RouteRefusal('NOT_FOUND', `There is no scheduled job ${id}.`);
    await authorize(user, 'publish', job.uid, job.documentId);
    return job;
  }

  return [
    adminJsonRoute({
      path: SCHEDULES_PATH,
      parameters: ['uid', 'documentId', 'locale', 'status'],
      load: async (query, { user }) => {
        const uid = recordedUid(query.uid);
        const locale = query.locale ?? null;
        if (query.documentId !== undefined) {
          if (query.status !== undefined) throw new RouteInputError("status filters a type's jobs; an entry's are all listed.");
          await authorize(user, 'read', uid, query.documentId);
          return { schedules: (await entryJobs(strapi, { uid, documentId: query.documentId, locale, limit: ENTRY_LIMIT })).map(jobView) };
        }
        const refusal = await typeRefusal(strapi, { user, right: 'read', uid, what: 'schedule' });
        if (refusal !== null) throw new RouteRefusal('FORBIDDEN', refusal);
        const jobs = await typeJobs(strapi, { uid, statuses: statusesOf(query.status), locale, limit: TYPE_LIMIT });
        // A clinic editor sees their clinics' entries only: each entry checked once.
        const readable = new Map<string, boolean>();
        for (const documentId of isClinicEditor(user) ? new Set(jobs.map((job) => job.documentId)) : []) {
          readable.set(documentId, (await entryRefusal(strapi, { user, right: 'read', uid, documentId, what: 'schedule' })) === null);
        }
        const visible = isClinicEditor(user) ? jobs.filter((job) => readable.get(job.documentId) === true) : jobs;
        return { schedules: visible.map(jobView) };
      },
    }),
    adminJsonRoute({
      path: SCHEDULES_PATH,
      method: 'POST',
      parameters: [],
      load: async (_query, { user, body }) => {
        if (!isRecord(body)) throw new RouteInputError('Send a JSON object: {"uid", "documentId", "locale", "action": "publish" | "unpublish", "at": "2026-12-07T08:00:00Z"}.');
        const unknown = Object.keys(body).filter((key) => !['uid', 'documentId', 'locale', 'action', 'at'].includes(key));
        if (unknown.length > 0) throw new RouteInputError(`Unknown field ${unknown.map((key) => `"${key}"`).join(', ')}; a job has uid, documentId, locale, action and at.`);
        const uid = recordedUid(body.uid);
        if (typeof body.documentId !== 'string' || body.documentId === '') throw new RouteInputError('documentId names the entry.');
        await authorize(user, 'publish', uid, body.documentId);
        try {
          const job = await scheduleJob(strapi, { uid, documentId: body.documentId, locale: body.locale, action: body.action, at: body.at, actor: currentActor(strapi) });
          scheduler.kick();
          return { schedule: jobView(job) };
        } catch (error) {
          throw error instanceof ScheduleInputError ? new RouteInputError(error.message) : error;
        }
      },
    }),
    adminJsonRoute({
      path: CANCEL_PATH,
      method: 'POST',
      parameters: [],
      load: async (_query, { user, params }) => {
        const job = await jobFor(user, params.id);
        try {
          return { schedule: jobView(await cancelJob(strapi, { job, actor: currentActor(strapi) })) };
        } catch (error) {
          throw error instanceof ScheduleClosedError ? new RouteRefusal('SCHEDULE_CLOSED', error.message) : error;
        }
      },
    }),
  ];
}
