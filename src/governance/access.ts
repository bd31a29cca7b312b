/**
 * Who may see or act on an entry's governance records (its history, its schedule): the admin's role
 * must grant the content manager's right on the type (read, update, publish), and a clinic editor
 * only reaches their clinics' adaptations and profile. A refusal is its reason (routes answer 403).
 */
import type { Core } from '@strapi/strapi';
import { clinicsOfUser, isClinicEditor, type AdminUserLike } from '../clinics/editors';
import { ADAPTATION, UIDS } from '../content/model';
import { documentVersions } from './history/table';

export type EntryRight = 'read' | 'update' | 'publish';

interface Ability {
  can(action: string, subject: string): boolean;
}

interface PermissionService {
  engine: { generateUserAbility(user: unknown): Promise<Ability> };
}

/** The clinic (slug) an entry belongs to, as stored or, for an entry since deleted, as its newest version recorded it. */
async function clinicOf(strapi: Core.Strapi, uid: string, documentId: string): Promise<string | null> {
  const field = uid === ADAPTATION.uid ? ADAPTATION.clinicField : 'slug';
  const row = (await strapi.db.query(uid).findOne({ where: { documentId } as never, select: [field] })) as Record<string, unknown> | null;
  if (row !== null) return typeof row[field] === 'string' ? row[field] : null;
  const [newest] = await documentVersions(strapi, { uid, documentId, locale: null, limit: 1 });
  const value = newest?.after?.[field] ?? newest?.before?.[field];
  return typeof value === 'string' ? value : null;
}

/** Null when `user` holds `right` on the type's entries (a clinic editor: on their own clinics' ones); otherwise why not. */
export async function typeRefusal(strapi: Core.Strapi, input: { user: AdminUserLike | null; right: EntryRight; uid: string; what: 'history' | 'schedule' }): Promise<string | null> {
  const { user, right, uid, what } = input;
  if (user === null) return 'An admin session is needed.';
  const permissions = strapi.service('admin::permission') as unknown as PermissionService;
  const ability = await permissions.engine.generateUserAbility(user);
  if (!ability.can(`plugin::content-manager.explorer.${right}`, uid)) return `You may not ${right} ${uid} entries, so not their ${what} either.`;
  if (isClinicEditor(user) && uid !== ADAPTATION.uid && uid !== UIDS.clinic) return `A clinic editor sees the ${what} of their clinics' adaptations and profile only.`;
  return null;
}

/** Null when `user` holds `right` on the entry; otherwise why not. */
export async function entryRefusal(
  strapi: Core.Strapi,
  input: { user: AdminUserLike | null; right: EntryRight; uid: string; documentId: string; what: 'history' | 'schedule' },
): Promise<string | null> {
  const { user, uid, documentId } = input;
  const refusal = await typeRefusal(strapi, input);
  if (refusal !== null || !isClinicEditor(user)) return refusal;
  const clinics = (await clinicsOfUser(strapi, user)) ?? [];
  const clinic = await clinicOf(strapi, uid, documentId);
  if (clinic === null || !clinics.includes(clinic)) return `This entry is not one of your clinics' (${clinics.join(', ') || 'none'}).`;
  return null;
}
