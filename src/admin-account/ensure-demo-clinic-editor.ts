/**
 * Creates a demo clinic editor from ADMIN_CLINIC_EDITOR_EMAIL / ADMIN_CLINIC_EDITOR_PASSWORD (role
 * "Clinic editor"), linked to the Harbour Chiropractic clinic of the seed, so a newcomer can see the
 * admin as a clinic's staff sees it. Not in production, like the development admin (ensure-dev-admin.ts);
 * the seed itself creates no admin users. Runs after the seed and the role at start: a user that
 * exists is left as it is, and only the link to the clinic is made again if it was removed.
 */
import type { Core } from '@strapi/strapi';
import { CLINIC_EDITOR_ROLE, EDITORS_FIELD, editorEmails } from '../clinics/editors';
import { UIDS } from '../content/model';
import { settings, type Settings } from '../settings';
import { AdminAccountError, developmentCredentials } from './ensure-dev-admin';

/** The seed's clinic the demo editor edits (data/seed/clinics.json). */
export const DEMO_CLINIC = 'harbour-chiro';

interface AdminUserService {
  findOneByEmail(email: string): Promise<{ id: number } | null>;
  create(attributes: Record<string, unknown>): Promise<{ id: number }>;
}

interface AdminRoleService {
  findOne(where: Record<string, unknown>): Promise<{ id: number } | null>;
}

export type DemoClinicEditorResult = 'created' | 'exists' | 'not-configured' | 'ignored-in-production';

/** Adds `email` to the demo clinic's editors, in every version of it; false when the clinic does not exist. */
async function linkToDemoClinic(strapi: Core.Strapi, email: string): Promise<boolean> {
  const query = strapi.db.query(UIDS.clinic);
  const rows = (await query.findMany({ where: { slug: DEMO_CLINIC }, select: ['id', 'publishedAt', EDITORS_FIELD] })) as Array<Record<string, unknown>>;
  const draft = rows.find((row) => row.publishedAt === null);
  if (draft === undefined) return false;
  const editors = editorEmails(draft[EDITORS_FIELD]);
  if (editors.includes(email)) return true;
  // Straight to the rows, not through the Document Service: the list is never served, so a site has
  // nothing to purge or be told, and the clinic's draft and published versions stay alike.
  await query.updateMany({ where: { slug: DEMO_CLINIC }, data: { [EDITORS_FIELD]: [...editors, email] } });
  strapi.log.info(`Linked the demo clinic editor ${email} to the clinic ${DEMO_CLINIC}.`);
  return true;
}

export async function ensureDemoClinicEditor(strapi: Core.Strapi, from: Settings = settings()): Promise<DemoClinicEditorResult> {
  const credentials = developmentCredentials({
    strapi,
    from,
    names: { email: 'ADMIN_CLINIC_EDITOR_EMAIL', password: 'ADMIN_CLINIC_EDITOR_PASSWORD' },
    account: 'the demo clinic editor',
    productionHint: 'invite clinic editors at /admin instead',
  });
  if (typeof credentials === 'string') return credentials;
  const { email, password } = credentials;
  const normalizedEmail = email.toLowerCase();
  if (normalizedEmail === (from.ADMIN_EMAIL ?? '').toLowerCase()) {
    throw new AdminAccountError('ADMIN_CLINIC_EDITOR_EMAIL must differ from ADMIN_EMAIL: the development admin is a super admin, the demo clinic editor is not.');
  }

  const users = strapi.service('admin::user') as AdminUserService;
  let result: DemoClinicEditorResult = 'exists';
  if ((await users.findOneByEmail(normalizedEmail)) === null) {
    const role = await (strapi.service('admin::role') as AdminRoleService).findOne({ code: CLINIC_EDITOR_ROLE.code });
    if (role === null) throw new AdminAccountError(`The admin role "${CLINIC_EDITOR_ROLE.name}" is missing: it is created at start before the demo clinic editor.`);
    await users.create({
      email: normalizedEmail,
      firstname: 'Clinic',
      lastname: 'Editor',
      password,
      isActive: true,
      registrationToken: null,
      roles: [role.id],
    });
    strapi.log.info(`Created the demo clinic editor ${normalizedEmail}.`);
    result = 'created';
  }
  if (!(await linkToDemoClinic(strapi, normalizedEmail))) {
    strapi.log.warn(`The demo clinic editor ${normalizedEmail} is linked to the clinic ${DEMO_CLINIC} once it exists: run \`npm run seed\`, then start again.`);
  }
  return result;
}
