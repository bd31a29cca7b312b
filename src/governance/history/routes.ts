/**
 * Content history's admin routes:
 * - GET /editor/history?uid=&documentId=[&locale=] — the entry's versions (in that locale, or every
 *   one), newest first, each with who, when, what action and its changes field by field.
 * - POST /editor/history/:id/restore — writes that version's values as the entry's draft in its
 *   locale (never a publish); 400 BAD_USER_INPUT for a version that cannot be restored (a deletion, an
 *   entry since deleted), 404 for an unknown version.
 * Admin session only (src/http/admin-routes.ts), with the admin's own rights on the type (read, update);
 * a clinic editor only for their clinics' adaptations and profile. Never cached.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { ClinicEditorRefusal } from '../../clinics/editors';
import { adminJsonRoute, RouteInputError, RouteRefusal, type AdminRequest } from '../../http/admin-routes';
import { entryRefusal, type EntryRight } from '../access';
import { currentActor } from '../actor';
import { diffOf, documentVersions, findVersion, isRecordedUid, restoreVersion, RestoreRefusal, type HistoryVersion } from './index';

export const HISTORY_PATH = '/editor/history';
export const RESTORE_PATH = '/editor/history/:id/restore';
const LIMIT = 100;

/** What the history view shows of a version. */
function versionView(version: HistoryVersion) {
  const { id, uid, documentId, locale, status, action, actor, admin, changed } = version;
  return { id, uid, documentId, locale, status, action, actor, admin, at: new Date(version.at).toISOString(), changed, diff: diffOf(version) };
}

export function historyRoutes(input: { strapi: Core.Strapi }): Core.Route[] {
  const { strapi } = input;

  async function authorize(user: AdminRequest['user'], right: EntryRight, uid: string, documentId: string): Promise<void> {
    const refusal = await entryRefusal(strapi, { user, right, uid, documentId, what: 'history' });
    if (refusal !== null) throw new RouteRefusal('FORBIDDEN', refusal);
  }

  return [
    adminJsonRoute({
      path: HISTORY_PATH,
      parameters: ['uid', 'documentId', 'locale'],
      load: async ({ uid, documentId, locale }, { user }) => {
        if (uid === undefined || !isRecordedUid(uid)) throw new RouteInputError('uid must name a content type the service keeps history of (e.g. api::technique.technique).');
        if (documentId === undefined || documentId === '') throw new RouteInputError('documentId names the entry.');
        await authorize(user, 'read', uid, documentId);
        const versions = await documentVersions(strapi, { uid, documentId, locale: locale ?? null, limit: LIMIT });
        return { versions: versions.map(versionView) };
      },
    }),
    adminJsonRoute({
      path: RESTORE_PATH,
      method: 'POST',
      parameters: [],
      load: async (_query, { user, params }) => {
        const id = Number(params.id);
        if (!Number.isSafeInteger(id) || id <= 0) throw new RouteInputError('The version id is a positive whole number.');
        const version = await findVersion(strapi, id);
        if (version === null) throw new RouteRefusal('NOT_FOUND', `There is no version ${id}.`);
        await authorize(user, 'update', version.uid, version.documentId);
        try {
          const restored = await restoreVersion(strapi, { version, actor: currentActor(strapi) });
          return { restored: { ...restored, from: id, status: 'draft' } };
        } catch (error) {
          if (error instanceof RestoreRefusal) throw new RouteInputError(error.message);
          if (error instanceof ClinicEditorRefusal) throw new RouteRefusal('FORBIDDEN', error.message);
          if (error instanceof errors.ValidationError) throw new RouteInputError(`This version cannot be saved as it is: ${error.message}`);
          throw error;
        }
      },
    }),
  ];
}
