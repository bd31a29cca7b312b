/**
 * GET /editor/audit[?since=&until=&action=&limit=&cursor=] — the audit trail for super admins (a
 * Strapi admin session of a user with the Super Admin role; any other admin gets 403 FORBIDDEN: the
 * trail names every admin's actions). Newest first; `since` inclusive and `until` exclusive take an
 * ISO date (midnight UTC) or date-time; `limit` 1–500 (100); `cursor` is the `nextCursor` of the page
 * before (a row id, so pages stay stable while rows are appended). Never cached.
 *
 * 200 { data: { entries: [{ id, at, actor, actorEmail, action, target: { uid, documentId, locale },
 * details, hash }], nextCursor } }; 400 BAD_USER_INPUT for a bad filter.
 */
import type { Core } from '@strapi/strapi';
import { adminJsonRoute, RouteInputError, RouteRefusal } from '../../http/admin-routes';
import { AuditInputError, auditAction, auditRows, auditTime, auditView, type AuditQuery } from '.';

export const AUDIT_PATH = '/editor/audit';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 500;
const SUPER_ADMIN_CODE = 'strapi-super-admin';

function positive(name: string, text: string, max: number): number {
  if (!/^[1-9]\d{0,15}$/.test(text) || Number(text) > max) throw new RouteInputError(`${name} takes a whole number from 1 to ${max}, not "${text}".`);
  return Number(text);
}

function filtersOf(query: Record<string, string | undefined>): Pick<AuditQuery, 'since' | 'until' | 'action'> {
  try {
    return {
      ...(query.since === undefined ? {} : { since: auditTime('since', query.since) }),
      ...(query.until === undefined ? {} : { until: auditTime('until', query.until) }),
      ...(query.action === undefined ? {} : { action: auditAction(query.action) }),
    };
  } catch (error) {
    throw error instanceof AuditInputError ? new RouteInputError(error.message) : error;
  }
}

export function auditRoutes(input: { strapi: Core.Strapi }): Core.Route[] {
  const { strapi } = input;
  return [
    adminJsonRoute({
      path: AUDIT_PATH,
      parameters: ['since', 'until', 'action', 'limit', 'cursor'],
      load: async (query, { user }) => {
        if (!(user?.roles ?? []).some((role) => role.code === SUPER_ADMIN_CODE)) throw new RouteRefusal('FORBIDDEN', 'Only super admins may read the audit trail.');
        const limit = query.limit === undefined ? DEFAULT_LIMIT : positive('limit', query.limit, MAX_LIMIT);
        const filters = filtersOf(query);
        const beforeId = query.cursor === undefined ? undefined : positive('cursor', query.cursor, Number.MAX_SAFE_INTEGER);
        // One more than asked tells whether a next page exists.
        const rows = await auditRows(strapi, { ...filters, ...(beforeId === undefined ? {} : { beforeId }), limit: limit + 1, order: 'desc' });
        const page = rows.slice(0, limit);
        return { entries: page.map(auditView), nextCursor: rows.length > limit ? String(page[page.length - 1]?.id) : null };
      },
    }),
  ];
}
