/**
 * Clinic editors over a real Strapi and the real admin API: the "Clinic editor" role is made at start
 * (once, and reset at a restart when an administrator widened it), the demo clinic editor of
 * ADMIN_CLINIC_EDITOR_EMAIL signs in at /admin/login and works through the content manager's routes on
 * the seeded Harbour Chiropractic clinic: their adaptations and contact details yes, anything else 403.
 */
import { CLINIC_EDITOR_ROLE, clinicEditorPermissions, ensureClinicEditorRole } from '../../src/clinics/editors';
import { createClinicKey, hashKey } from '../../src/clinics/keys';
import { ADAPTATION, UIDS } from '../../src/content/model';
import { ensureDemoClinicEditor } from '../../src/admin-account/ensure-demo-clinic-editor';
import { parseSettings } from '../../src/settings';
import { startApp, type TestApp } from '../helpers/strapi';

const ADMIN = { email: 'admin@clinic-content.test', password: 'Admin-Pass-123' };
const EDITOR = { email: 'front-desk@harbour-chiro.test', password: 'Editor-Pass-123' };
const HARBOUR = 'harbour-chiro';
const NORTHSIDE = 'northside-physio';
const TECHNIQUE = 'myofascial-release-therapy';
const ENVIRONMENT = {
  SEED_ON_EMPTY: 'true',
  ADMIN_EMAIL: ADMIN.email,
  ADMIN_PASSWORD: ADMIN.password,
  ADMIN_CLINIC_EDITOR_EMAIL: EDITOR.email,
  ADMIN_CLINIC_EDITOR_PASSWORD: EDITOR.password,
};
const CM = '/content-manager/collection-types';
const ADAPTATIONS = `${CM}/${ADAPTATION.uid}`;
const CLINICS = `${CM}/${UIDS.clinic}`;

interface Answer {
  status: number;
  body: {
    data?: Record<string, unknown> & { documentId?: string };
    results?: Array<Record<string, unknown>>;
    error?: { status: number; name: string; message: string; details?: { code?: string; clinic?: string; fields?: string[] } };
  };
}

type Documents = {
  create(params: object): Promise<{ documentId: string }>;
  delete(params: object): Promise<unknown>;
};

let app: TestApp;
const tokens = { admin: '', editor: '' };
const documents = (uid: string) => app.strapi.documents(uid as never) as unknown as Documents;

async function request(who: keyof typeof tokens | null, path: string, init: { method?: string; body?: unknown } = {}): Promise<Answer> {
  const token = who === null ? '' : tokens[who];
  const response = await fetch(`${app.baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(token === '' ? {} : { authorization: `Bearer ${token}` }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const asEditor = (path: string, init?: { method?: string; body?: unknown }) => request('editor', path, init);

async function logIn(): Promise<void> {
  for (const [who, credentials] of [['admin', ADMIN], ['editor', EDITOR]] as const) {
    const login = await request(null, '/admin/login', { method: 'POST', body: credentials });
    expect({ who, status: login.status }).toEqual({ who, status: 200 });
    tokens[who] = String(login.body.data?.token ?? '');
  }
}

async function start(database?: TestApp['database']): Promise<void> {
  app = await startApp({ isListening: true, environment: ENVIRONMENT, ...(database === undefined ? {} : { database }) });
  await logIn();
}

/** The refusal as a test compares it: status, stable code, and the message. */
function refusal(answer: Answer): { status: number; code: string | undefined; message: string } {
  return { status: answer.status, code: answer.body.error?.details?.code, message: answer.body.error?.message ?? '' };
}

async function documentIdOf(uid: string, where: Record<string, unknown>): Promise<string> {
  const row = (await app.strapi.db.query(uid).findOne({ where, select: ['documentId'] })) as { documentId: string } | null;
  if (row === null) throw new Error(`no ${uid} where ${JSON.stringify(where)}`);
  return row.documentId;
}

async function clinicDraft(slug: string): Promise<Record<string, unknown>> {
  return (await app.strapi.db.query(UIDS.clinic).findOne({ where: { slug, locale: 'en', publishedAt: null } })) as Record<string, unknown>;
}

/** A condition no adaptation of `clinic` targets yet (whatever the seed adapts). */
async function unadaptedCondition(clinic: string): Promise<string> {
  const conditions = (await app.strapi.db.query(UIDS.condition).findMany({ where: { locale: 'en', publishedAt: null }, select: ['slug'] })) as Array<{ slug: string }>;
  const adapted = (await app.strapi.db.query(ADAPTATION.uid).findMany({ where: { clinic }, select: ['condition'] })) as Array<{ condition: string | null }>;
  const slug = conditions.map((row) => row.slug).find((candidate) => !adapted.some((row) => row.condition === candidate));
  if (slug === undefined) throw new Error(`every condition has an adaptation of ${clinic}`);
  return slug;
}

/** An adaptation made by a script (no admin request) for a test, deleted after it. */
async function withAdaptation(data: Record<string, unknown>, test: (documentId: string) => Promise<void>): Promise<void> {
  const { documentId } = await documents(ADAPTATION.uid).create({ locale: 'en', data });
  try {
    await test(documentId);
  } finally {
    await documents(ADAPTATION.uid).delete({ documentId, locale: '*' });
  }
}

async function roleRows(): Promise<Array<{ id: number }>> {
  return (await app.strapi.db.query('admin::role').findMany({ where: { $or: [{ code: CLINIC_EDITOR_ROLE.code }, { name: CLINIC_EDITOR_ROLE.name }] } })) as Array<{ id: number }>;
}

/** The role's permissions as the admin API answers them, in the form its PUT takes. */
async function rolePermissions(roleId: number): Promise<Array<Record<string, unknown>>> {
  const answer = await request('admin', `/admin/roles/${roleId}/permissions`);
  expect(answer.status).toBe(200);
  const permissions = answer.body.data as unknown as Array<Record<string, unknown>>;
  return permissions.map(({ action, subject, properties, conditions }) => ({ action, subject, properties, conditions }));
}

/** An administrator widens the role in Settings → Roles: update rights on techniques. */
async function widenRole(roleId: number): Promise<void> {
  const permissions = await rolePermissions(roleId);
  const widened = [...permissions, { action: 'plugin::content-manager.explorer.update', subject: UIDS.technique, properties: { fields: ['summary'], locales: ['en'] }, conditions: [] }];
  const answer = await request('admin', `/admin/roles/${roleId}/permissions`, { method: 'PUT', body: { permissions: widened } });
  expect(answer.status).toBe(200);
}

beforeAll(async () => {
  await start();
});

afterAll(async () => {
  await app?.stop();
});

describe('the clinic editor role', () => {
  it('exists after the start, once, with exactly the built-in permissions', async () => {
    const roles = await roleRows();
    expect(roles).toHaveLength(1);
    const stored = await app.strapi.db.query('admin::permission').count({ where: { role: { id: roles[0]?.id } } });
    expect(stored).toBe((await clinicEditorPermissions(app.strapi)).length);
  });

  it('is the demo clinic editor’s role, and the demo editor is linked to Harbour Chiropractic', async () => {
    const me = await asEditor('/admin/users/me');
    expect(me.status).toBe(200);
    expect((me.body.data?.roles as Array<{ code: string }>).map((role) => role.code)).toEqual([CLINIC_EDITOR_ROLE.code]);
    expect((await clinicDraft(HARBOUR)).editors).toEqual([EDITOR.email]);
  });

  it('is reset to the built-in permissions, and says so, when an administrator widened it', async () => {
    const [role] = await roleRows();
    await widenRole(role?.id ?? 0);
    const warn = jest.spyOn(app.strapi.log, 'warn');
    try {
      expect(await ensureClinicEditorRole(app.strapi)).toBe('reset');
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(`Reset the permissions of the admin role "${CLINIC_EDITOR_ROLE.name}"`));
    } finally {
      warn.mockRestore();
    }
    expect(await ensureClinicEditorRole(app.strapi)).toBe('unchanged');
  });
});

describe('a clinic editor in the content manager', () => {
  it('creates, updates and publishes an adaptation for their clinic', async () => {
    const condition = await unadaptedCondition(HARBOUR);
    const created = await asEditor(`${ADAPTATIONS}?locale=en`, { method: 'POST', body: { clinic: HARBOUR, condition, summary: 'We treat this every day.' } });
    expect(created.status).toBe(201);
    const documentId = created.body.data?.documentId ?? '';
    try {
      const updated = await asEditor(`${ADAPTATIONS}/${documentId}?locale=en`, { method: 'PUT', body: { summary: 'Ask our front desk about it.' } });
      expect(updated.status).toBe(200);
      const published = await asEditor(`${ADAPTATIONS}/${documentId}/actions/publish?locale=en`, { method: 'POST', body: {} });
      expect(published.status).toBe(200);
      const live = (await app.strapi.db.query(ADAPTATION.uid).findOne({ where: { documentId, locale: 'en', publishedAt: { $notNull: true } } })) as Record<string, unknown> | null;
      expect(live).toEqual(expect.objectContaining({ clinic: HARBOUR, condition, summary: 'Ask our front desk about it.' }));
    } finally {
      await documents(ADAPTATION.uid).delete({ documentId, locale: '*' });
    }
  });

  it('gets 403 naming the clinic when creating an adaptation for another clinic', async () => {
    const before = await app.strapi.db.query(ADAPTATION.uid).count({});
    const answer = await asEditor(`${ADAPTATIONS}?locale=en`, { method: 'POST', body: { clinic: NORTHSIDE, condition: await unadaptedCondition(NORTHSIDE), summary: 'Not ours.' } });
    expect(refusal(answer)).toEqual({ status: 403, code: 'NOT_YOUR_CLINIC', message: expect.stringContaining(`Clinic "${NORTHSIDE}" is not one of yours (${HARBOUR})`) });
    expect(await app.strapi.db.query(ADAPTATION.uid).count({})).toBe(before);
  });

  it('gets 403 when moving their adaptation to another clinic, and the adaptation stays theirs', async () => {
    await withAdaptation({ clinic: HARBOUR, condition: await unadaptedCondition(HARBOUR), summary: 'Ours.' }, async (documentId) => {
      const answer = await asEditor(`${ADAPTATIONS}/${documentId}?locale=en`, { method: 'PUT', body: { clinic: NORTHSIDE } });
      expect(refusal(answer)).toEqual({ status: 403, code: 'NOT_YOUR_CLINIC', message: expect.stringContaining(`"${NORTHSIDE}"`) });
      expect(await app.strapi.db.query(ADAPTATION.uid).count({ where: { documentId, clinic: HARBOUR } })).toBeGreaterThan(0);
    });
  });

  it('gets 403 updating, translating, publishing or deleting another clinic’s adaptation, and does not list it', async () => {
    await withAdaptation({ clinic: NORTHSIDE, condition: await unadaptedCondition(NORTHSIDE), summary: 'Northside’s own.' }, async (documentId) => {
      const path = `${ADAPTATIONS}/${documentId}`;
      const update = await asEditor(`${path}?locale=en`, { method: 'PUT', body: { summary: 'Taken over.' } });
      expect(refusal(update)).toEqual({ status: 403, code: 'NOT_YOUR_CLINIC', message: expect.stringContaining(`"${NORTHSIDE}"`) });
      const translate = await asEditor(`${path}?locale=fr`, { method: 'PUT', body: { summary: 'Repris.' } });
      expect(refusal(translate)).toEqual({ status: 403, code: 'NOT_YOUR_CLINIC', message: expect.stringContaining(`"${NORTHSIDE}"`) });
      expect((await asEditor(`${path}/actions/publish?locale=en`, { method: 'POST', body: {} })).status).toBe(403);
      expect((await asEditor(`${path}?locale=en`, { method: 'DELETE' })).status).toBe(403);
      expect((await asEditor(`${path}?locale=en`)).status).toBe(403);
      const list = await asEditor(`${ADAPTATIONS}?locale=en&page=1&pageSize=100`);
      expect(list.status).toBe(200);
      expect((list.body.results ?? []).map((row) => row.clinic)).not.toContain(NORTHSIDE);
      const rows = (await app.strapi.db.query(ADAPTATION.uid).findMany({ where: { documentId } })) as Array<Record<string, unknown>>;
      expect(rows.map((row) => [row.locale, row.summary, row.publishedAt === null])).toEqual([['en', 'Northside’s own.', true]]);
    });
  });
});

describe('a clinic editor and clinic profiles', () => {
  it('edits the contact fields of their clinic, sending the name back unchanged as the admin’s form does', async () => {
    const documentId = await documentIdOf(UIDS.clinic, { slug: HARBOUR });
    const { name, phone } = await clinicDraft(HARBOUR);
    try {
      const answer = await asEditor(`${CLINICS}/${documentId}?locale=en`, { method: 'PUT', body: { name, slug: HARBOUR, phone: '+1 250 555 0199' } });
      expect(answer.status).toBe(200);
      expect((await clinicDraft(HARBOUR)).phone).toBe('+1 250 555 0199');
    } finally {
      await app.strapi.db.query(UIDS.clinic).updateMany({ where: { slug: HARBOUR }, data: { phone } });
    }
  });

  it.each([
    ['locales', ['en', 'fr']],
    ['revalidationSecret', 'a-new-secret-of-the-clinic-editor'],
    ['name', 'Harbour Chiropractic (renamed)'],
  ])('gets 403 changing %s of their own clinic, and nothing is saved', async (field, value) => {
    const documentId = await documentIdOf(UIDS.clinic, { slug: HARBOUR });
    const before = await clinicDraft(HARBOUR);
    const answer = await asEditor(`${CLINICS}/${documentId}?locale=en`, { method: 'PUT', body: { phone: '+1 250 555 0100', [field]: value } });
    expect(refusal(answer)).toEqual({ status: 403, code: 'CONTACT_FIELDS_ONLY', message: expect.stringContaining(`${field} of clinic "${HARBOUR}" is for an administrator to change`) });
    const after = await clinicDraft(HARBOUR);
    expect({ [field]: after[field], phone: after.phone }).toEqual({ [field]: before[field], phone: before.phone });
  });

  it('gets 403 naming the clinic when editing another clinic’s profile', async () => {
    const documentId = await documentIdOf(UIDS.clinic, { slug: NORTHSIDE });
    const before = await clinicDraft(NORTHSIDE);
    const answer = await asEditor(`${CLINICS}/${documentId}?locale=en`, { method: 'PUT', body: { phone: '+1 604 555 0000' } });
    expect(refusal(answer)).toEqual({ status: 403, code: 'NOT_YOUR_CLINIC', message: expect.stringContaining(`Clinic "${NORTHSIDE}" is not one of yours`) });
    expect((await clinicDraft(NORTHSIDE)).phone).toBe(before.phone);
  });

  it('sees their clinic’s name and contact fields, never its keys, webhook, locales or editors, and no other clinic', async () => {
    const { key } = await createClinicKey({ strapi: app.strapi, slug: HARBOUR, kind: 'public' });
    const list = await asEditor(`${CLINICS}?locale=en&page=1&pageSize=100`);
    expect(list.status).toBe(200);
    expect((list.body.results ?? []).map((row) => row.slug)).toEqual([HARBOUR]);
    const documentId = await documentIdOf(UIDS.clinic, { slug: HARBOUR });
    const answer = await asEditor(`${CLINICS}/${documentId}?locale=en`);
    expect(answer.status).toBe(200);
    const fields = Object.keys(answer.body.data ?? {});
    expect(fields).toEqual(expect.arrayContaining(['name', 'slug', 'phone', 'email', 'website', 'bookingUrl', 'address']));
    for (const hidden of ['accessKeys', 'revalidationSecret', 'revalidationUrl', 'rateLimitPerMinute', 'locales', 'editors', 'offeredTechniques', 'description']) {
      expect({ hidden, isShown: fields.includes(hidden) }).toEqual({ hidden, isShown: false });
    }
    expect(JSON.stringify([answer.body, list.body])).not.toContain(hashKey(key));
  });

  it('publishes their clinic’s contact details but gets 403 taking the clinic offline', async () => {
    const documentId = await documentIdOf(UIDS.clinic, { slug: HARBOUR });
    const published = await asEditor(`${CLINICS}/${documentId}/actions/publish?locale=en`, { method: 'POST', body: {} });
    expect(published.status).toBe(200);
    const unpublished = await asEditor(`${CLINICS}/${documentId}/actions/unpublish?locale=en`, { method: 'POST', body: {} });
    expect(refusal(unpublished)).toEqual({ status: 403, code: 'ADMINISTRATOR_ONLY', message: expect.stringContaining('is for an administrator') });
    expect(await app.strapi.db.query(UIDS.clinic).count({ where: { documentId, locale: 'en', publishedAt: { $notNull: true } } })).toBe(1);
  });

  it('edits another clinic once an administrator adds them to its editors, and not after they are removed', async () => {
    const documentId = await documentIdOf(UIDS.clinic, { slug: NORTHSIDE });
    const clinicsSeen = async () => ((await asEditor(`${CLINICS}?locale=en&page=1&pageSize=100`)).body.results ?? []).map((row) => row.slug).sort();
    const linked = await request('admin', `${CLINICS}/${documentId}?locale=en`, { method: 'PUT', body: { editors: [EDITOR.email.toUpperCase()] } });
    expect(linked.status).toBe(200);
    expect(await clinicsSeen()).toEqual([HARBOUR, NORTHSIDE]);
    const unlinked = await request('admin', `${CLINICS}/${documentId}?locale=en`, { method: 'PUT', body: { editors: [] } });
    expect(unlinked.status).toBe(200);
    expect(await clinicsSeen()).toEqual([HARBOUR]);
  });

  it('answers an administrator who lists something other than e-mail addresses as editors with 400 naming it', async () => {
    const documentId = await documentIdOf(UIDS.clinic, { slug: NORTHSIDE });
    const answer = await request('admin', `${CLINICS}/${documentId}?locale=en`, { method: 'PUT', body: { editors: ['front desk'] } });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.message).toContain('editors[0] "front desk" is not an email address');
  });

  it('gets 403 changing their own e-mail address, which links them to their clinic', async () => {
    const answer = await asEditor('/admin/users/me', { method: 'PUT', body: { email: 'front-desk@northside-physio.test' } });
    expect(refusal(answer)).toEqual({ status: 403, code: 'ADMINISTRATOR_ONLY', message: expect.stringContaining('an administrator changes it') });
  });
});

describe('a clinic editor and the vetted content', () => {
  it('reads a technique but gets 403 creating or updating one', async () => {
    const documentId = await documentIdOf(UIDS.technique, { slug: TECHNIQUE });
    expect((await asEditor(`${CM}/${UIDS.technique}/${documentId}?locale=en`)).status).toBe(200);
    const update = await asEditor(`${CM}/${UIDS.technique}/${documentId}?locale=en`, { method: 'PUT', body: { summary: 'Our own summary.' } });
    expect(update.status).toBe(403);
    const create = await asEditor(`${CM}/${UIDS.technique}?locale=en`, { method: 'POST', body: { name: 'Cupping', slug: 'cupping' } });
    expect(create.status).toBe(403);
    expect(await app.strapi.db.query(UIDS.technique).count({ where: { slug: 'cupping' } })).toBe(0);
  });
});

describe('a clinic editor and the adaptations to check', () => {
  it('gets only their clinics in the outdated report, 403 for another clinic, and 403 confirming another clinic’s adaptation', async () => {
    const own = await asEditor('/editor/adaptations/outdated');
    expect(own.status).toBe(200);
    expect((own.body.data as unknown as { clinics: string[] }).clinics).toEqual([HARBOUR]);
    const other = await asEditor(`/editor/adaptations/outdated?clinic=${NORTHSIDE}`);
    expect(other.status).toBe(403);
    expect(JSON.stringify(other.body)).toContain(NORTHSIDE);
    const admin = await request('admin', '/editor/adaptations/outdated');
    expect((admin.body.data as unknown as { clinics: string[] | null }).clinics).toBeNull();
    const montreal = (await app.strapi.db.query(ADAPTATION.uid).findOne({ where: { clinic: 'montreal-physio' }, select: ['documentId'] })) as { documentId: string };
    expect((await asEditor(`/editor/adaptations/${montreal.documentId}/confirm`, { method: 'POST' })).status).toBe(403);
    expect((await request('admin', `/editor/adaptations/${montreal.documentId}/confirm`, { method: 'POST' })).status).toBe(200);
  });

  it('sees only their clinics in the site updates report', async () => {
    const report = await asEditor('/editor/revalidation');
    expect(report.status).toBe(200);
    expect((report.body.data as unknown as { clinics: Array<{ slug: string }> }).clinics.map((clinic) => clinic.slug)).toEqual([HARBOUR]);
  });
});

describe('the demo clinic editor', () => {
  const demo = (environment: Record<string, string>) => ensureDemoClinicEditor(app.strapi, parseSettings({ NODE_ENV: 'development', ...environment }));

  it('is made once: a second start finds it and leaves it as it is', async () => {
    expect(await demo({ ADMIN_CLINIC_EDITOR_EMAIL: EDITOR.email, ADMIN_CLINIC_EDITOR_PASSWORD: EDITOR.password })).toBe('exists');
    expect(await app.strapi.db.query('admin::user').count({ where: { email: EDITOR.email } })).toBe(1);
    expect((await clinicDraft(HARBOUR)).editors).toEqual([EDITOR.email]);
  });

  it('is not made in production', async () => {
    const result = await ensureDemoClinicEditor(
      app.strapi,
      parseSettings({ NODE_ENV: 'production', ADMIN_CLINIC_EDITOR_EMAIL: 'prod-desk@harbour-chiro.test', ADMIN_CLINIC_EDITOR_PASSWORD: EDITOR.password }),
    );
    expect(result).toBe('ignored-in-production');
    expect(await app.strapi.db.query('admin::user').count({ where: { email: 'prod-desk@harbour-chiro.test' } })).toBe(0);
  });

  it('needs both variables and a strong password', async () => {
    await expect(demo({ ADMIN_CLINIC_EDITOR_EMAIL: 'other-desk@harbour-chiro.test' })).rejects.toThrow('Set both ADMIN_CLINIC_EDITOR_EMAIL and ADMIN_CLINIC_EDITOR_PASSWORD');
    await expect(demo({ ADMIN_CLINIC_EDITOR_EMAIL: 'other-desk@harbour-chiro.test', ADMIN_CLINIC_EDITOR_PASSWORD: 'password1' })).rejects.toThrow(
      'ADMIN_CLINIC_EDITOR_PASSWORD must contain an uppercase letter.',
    );
  });
});

describe('a restart', () => {
  it('keeps one clinic editor role and resets the permissions an administrator widened', async () => {
    const [role] = await roleRows();
    await widenRole(role?.id ?? 0);
    const database = app.database;
    await app.stop({ isKeepingDatabase: true });
    await start(database);

    const roles = await roleRows();
    expect(roles.map((row) => row.id)).toEqual([role?.id]);
    const stored = await app.strapi.db.query('admin::permission').findMany({ where: { role: { id: role?.id } } });
    expect(stored).toHaveLength((await clinicEditorPermissions(app.strapi)).length);
    expect(stored.filter((permission: { subject: string; action: string }) => permission.subject === UIDS.technique && permission.action.endsWith('.update'))).toEqual([]);
    const documentId = await documentIdOf(UIDS.technique, { slug: TECHNIQUE });
    expect((await asEditor(`${CM}/${UIDS.technique}/${documentId}?locale=en`, { method: 'PUT', body: { summary: 'Our own summary.' } })).status).toBe(403);
    expect(await app.strapi.db.query('admin::user').count({ where: { email: EDITOR.email } })).toBe(1);
  });
});
