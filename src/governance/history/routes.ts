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
import { ClinicEditorRefusal, clinicsOfUser, isClinicEditor } from '../../clinics/editors';
import { ADAPTATION, UIDS } from '../../content/model';
import { adminJsonRoute, RouteInputError, RouteRefusal, type AdminRequest } from '../../http/admin-routes';
import { currentActor } from '../actor';
import { diffOf, documentVersions, findVersion, isRecordedUid, restoreVersion, RestoreRefusal, type HistoryVersion } from './index';

export const HISTORY_PATH = '/editor/history';
export const RESTORE_PATH = '/editor/history/:id/restore';
const LIMIT = 100;

type Right = 'read' | 'update';

interface Ability {
  can(action: string, subject: string): boolean;
}

interface PermissionService {
  engine: { generateUserAbility(user: unknown): Promise<Ability> };
}

/** What the history view shows of a version. */
function versionView(version: HistoryVersion) {
  const { id, uid, documentId, locale, status, action, actor, admin, changed } = version;
  return { id, uid, documentId, locale, status, action, actor, admin, at: new Date(version.at).toISOString(), changed, diff: diffOf(version) };
}

export function historyRoutes(input: { strapi: Core.Strapi }): Core.Route[] {
  const { strapi } = input;

  /** The clinic (slug) an entry belongs to, as stored or, for an entry since deleted, as its newest version recorded it. */
  async function clinicOf(uid: string, documentId: string): Promise<string | null> {
    const field = uid === ADAPTATION.uid ? ADAPTATION.clinicField : 'slug';
    const row = (await strapi.db.query(uid).findOne({ where: { documentId } as never, select: [field] })) as Record<string, unknown> | null;
    if (row !== null) return typeof row[field] === 'string' ? row[field] : null;
    const [newest] = await documentVersions(strapi, { uid, documentId, locale: null, limit: 1 });
    const value = newest?.after?.[field] ?? newest?.before?.[field];
    return typeof value === 'string' ? value : null;
  }

  /** The admin's right on the entry, or a 403: their role's right on the type; a clinic editor's clinics. */
  async function authorize(user: AdminRequest['user'], right: Right, uid: string, documentId: string): Promise<void> {
    if (user === null) throw new RouteRefusal('FORBIDDEN', 'An admin session is needed.');
    const permissions = strapi.service('admin::permission') as unknown as PermissionService;
    const ability = await permissions.engine.generateUserAbility(user);
    if (!ability.can(`plugin::content-manager.explorer.${right}`, uid)) throw new RouteRefusal('FORBIDDEN', `You may not ${right} ${uid} entries, so not their history either.`);
    if (!isClinicEditor(user)) return;
    const clinics = (await clinicsOfUser(strapi, user)) ?? [];
    if (uid !== ADAPTATION.uid && uid !== UIDS.clinic) throw new RouteRefusal('FORBIDDEN', 'A clinic editor sees the history of their clinics\' adaptations and profile only.');
    const clinic = await clinicOf(uid, documentId);
    if (clinic === null || !clinics.includes(clinic)) throw new RouteRefusal('FORBIDDEN', `This entry is not one of your clinics' (${clinics.join(', ') || 'none'}).`);
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
