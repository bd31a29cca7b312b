/**
 * Who is a clinic editor, and which clinics they edit.
 *
 * Admin users cannot carry fields of our own, and Strapi 5 keeps relations of a localized type per
 * locale, so the link lives on the clinic: its non-localized, private `editors` field, a list of the
 * editors' e-mail addresses that only administrators can read or change (the clinic editor role has
 * no permission on it). The list of the clinic's draft counts: a change takes effect when it is saved,
 * without a publish. A user is a clinic editor when they have the "Clinic editor" role and are not a
 * super admin; their e-mail is their link, so they may not change it themselves (email-guard.ts).
 *
 * The admin evaluates the role's conditions on every request of the user (once per permission), and
 * the write checks ask again: the clinics are read once per request.
 */
import type { Core } from '@strapi/strapi';
import { UIDS } from '../../content/model';

export const CLINIC_EDITOR_ROLE = {
  code: 'clinic-editor',
  name: 'Clinic editor',
  description: "A clinic's own staff: writes and publishes the adaptations of their clinics and edits their clinic's contact details.",
} as const;

/** The clinic's field that lists its editors' e-mail addresses. */
export const EDITORS_FIELD = 'editors';

/** Strapi's code of the super admin role. */
const SUPER_ADMIN_CODE = 'strapi-super-admin';

/** An admin user as Strapi's admin authentication hands it on (`ctx.state.user`, roles populated). */
export interface AdminUserLike {
  id: number | string;
  email?: string | null;
  roles?: ReadonlyArray<{ code?: string | null }>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function asAdminUser(value: unknown): AdminUserLike | null {
  if (!isRecord(value) || !Array.isArray(value.roles)) return null;
  const { id } = value;
  if (typeof id !== 'number' && typeof id !== 'string') return null;
  return value as unknown as AdminUserLike;
}

/** True for a user with the Clinic editor role who is not a super admin. */
export function isClinicEditor(user: AdminUserLike | null | undefined): boolean {
  const codes = (user?.roles ?? []).map((role) => role.code);
  return codes.includes(CLINIC_EDITOR_ROLE.code) && !codes.includes(SUPER_ADMIN_CODE);
}

/** An e-mail address as it is compared: Strapi keeps admin e-mails in lower case; editors lists may not. */
export function normalizedEmail(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : null;
}

/** The e-mail addresses a clinic's `editors` value lists (anything else in it is ignored). */
export function editorEmails(value: unknown): string[] {
  return Array.isArray(value) ? value.map(normalizedEmail).filter((email): email is string => email !== null) : [];
}

/** Per request (Strapi's request context), the clinics of each e-mail asked about. */
const perRequest = new WeakMap<object, Map<string, Promise<string[]>>>();

async function readClinicsOf(strapi: Core.Strapi, email: string): Promise<string[]> {
  const rows = (await strapi.db.query(UIDS.clinic).findMany({
    where: { publishedAt: null },
    select: ['slug', EDITORS_FIELD],
  })) as Array<Record<string, unknown>>;
  const slugs = rows.filter((row) => editorEmails(row[EDITORS_FIELD]).includes(email)).map((row) => String(row.slug));
  return [...new Set(slugs)].sort();
}

/** The slugs of the clinics whose editors list names `email` (none for an unknown or empty one). */
export function clinicsOfEmail(strapi: Core.Strapi, email: unknown): Promise<string[]> {
  const normalized = normalizedEmail(email);
  if (normalized === null) return Promise.resolve([]);
  const request: unknown = strapi.requestContext.get();
  if (!isRecord(request)) return readClinicsOf(strapi, normalized);
  let known = perRequest.get(request);
  if (known === undefined) {
    known = new Map();
    perRequest.set(request, known);
  }
  let clinics = known.get(normalized);
  if (clinics === undefined) {
    clinics = readClinicsOf(strapi, normalized);
    known.set(normalized, clinics);
  }
  return clinics;
}

/** The clinics (slugs) an admin user edits; null for a user who is not a clinic editor (every clinic). */
export async function clinicsOfUser(strapi: Core.Strapi, user: AdminUserLike | null): Promise<string[] | null> {
  if (!isClinicEditor(user)) return null;
  return clinicsOfEmail(strapi, user?.email);
}

/** The clinic editor making the current request (an admin session), or null for anyone else. */
export function requestClinicEditor(strapi: Core.Strapi): AdminUserLike | null {
  const request: unknown = strapi.requestContext.get();
  const state = isRecord(request) ? request.state : undefined;
  const user = isRecord(state) ? asAdminUser(state.user) : null;
  return isClinicEditor(user) ? user : null;
}

/** How a clinic editor's clinics are named in messages. */
export function describeClinics(clinics: readonly string[]): string {
  return clinics.length === 0 ? 'you are not linked to any clinic yet: an administrator adds your e-mail to a clinic\'s "Clinic editors"' : clinics.join(', ');
}
