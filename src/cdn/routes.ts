/**
 * GET /editor/cdn[?status=pending|done|failed] — for admins (a Strapi admin access token): which CDNs
 * are purged, the outbox's rows per status, and the 50 most recent purges, newest first, with the
 * outcome of their last attempt (a purge that finally failed stays listed as failed). Never cached.
 *
 * 200 { data: { cdns: ['varnish', …], counts: { pending, done, failed }, purges: [{ id, cdn, tags,
 * status, attempts, lastStatus, lastError, createdAt, doneAt, nextAttemptAt }] } }; 400 BAD_USER_INPUT
 * for another status.
 */
import type { Core } from '@strapi/strapi';
import { adminJsonRoute, RouteInputError } from '../http/admin-routes';
import type { Cdn } from './edge-tags';
import { purgeCounts, recentPurges, type PurgeRow, type PurgeStatus } from './outbox';

export const CDN_PATH = '/editor/cdn';
const LIMIT = 50;
const STATUSES: readonly PurgeStatus[] = ['pending', 'done', 'failed'];

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function view(row: PurgeRow) {
  return {
    id: row.id,
    cdn: row.cdn,
    tags: row.tags.length,
    status: row.status,
    attempts: row.attempts,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    createdAt: iso(row.createdAt),
    doneAt: iso(row.doneAt),
    nextAttemptAt: row.status === 'pending' ? iso(row.nextAttemptAt) : null,
  };
}

export function cdnRoutes(input: { strapi: Core.Strapi; cdns: readonly Cdn[] }): Core.Route[] {
  const { strapi, cdns } = input;
  return [
    adminJsonRoute({
      path: CDN_PATH,
      parameters: ['status'],
      load: async ({ status }) => {
        if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
          throw new RouteInputError(`status must be one of ${STATUSES.join(', ')}, not "${status}".`);
        }
        const [counts, purges] = await Promise.all([purgeCounts(strapi), recentPurges(strapi, { limit: LIMIT, ...(status === undefined ? {} : { status: status as PurgeStatus }) })]);
        return { cdns, counts, purges: purges.map(view) };
      },
    }),
  ];
}
