/**
 * Clinic path templates on a real Strapi: an editor saving a bad template through the admin gets a
 * 400 that names the field and the rule, a good one is saved, and the Document Service checks a
 * partial update against the locales and templates stored in the database.
 */
import { UIDS } from '../../src/content/model';
import { startApp, type TestApp } from '../helpers/strapi';
import { paths, rejection } from '../helpers/validation';

const ADMIN = { email: 'paths-admin@clinic-content.test', password: 'Paths-Pass-123' };
const COLLECTION = `/content-manager/collection-types/${UIDS.clinic}`;

let app: TestApp;
let token = '';

interface AdminError {
  status: number;
  message: string;
  details: { errors: Array<{ path: string[]; message: string }> };
}

async function admin(path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: { data?: Record<string, unknown>; error?: AdminError } }> {
  const response = await fetch(`${app.baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json()) as { data?: Record<string, unknown>; error?: AdminError } };
}

function clinic(slug: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `Clinic ${slug}`,
    slug,
    phone: '+1 416 555 0199',
    email: `hello@${slug}.example`,
    website: `https://${slug}.example`,
    address: { street: '1 Lake Shore Blvd', city: 'Toronto', country: 'CA' },
    locales: ['en', 'fr'],
    ...extra,
  };
}

type Documents = { update(params: object): Promise<unknown>; create(params: object): Promise<{ documentId: string }>; delete(params: object): Promise<unknown> };
const clinics = () => app.strapi.documents(UIDS.clinic) as unknown as Documents;

beforeAll(async () => {
  app = await startApp({ isListening: true, environment: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
  const login = await fetch(`${app.baseUrl}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  token = ((await login.json()) as { data: { token: string } }).data.token;
});

afterAll(async () => {
  await app?.stop();
});

describe('clinic path templates through the admin', () => {
  it('refuses a template without {slug} with a 400 that names the field and the rule, and creates nothing', async () => {
    const response = await admin(`${COLLECTION}?locale=en`, { method: 'POST', body: clinic('lakeside-rehab', { techniquePathTemplate: '/{locale}/therapies' }) });
    expect(response.status).toBe(400);
    expect(response.body.error?.message).toBe(
      'techniquePathTemplate "/{locale}/therapies" must contain {slug} once: it is what tells two pages apart (e.g. "/{locale}/techniques/{slug}")',
    );
    expect(response.body.error?.details.errors.map((error) => error.path)).toEqual([['techniquePathTemplate']]);
    expect(await app.strapi.db.query(UIDS.clinic).count({ where: { slug: 'lakeside-rehab' } })).toBe(0);
  });

  it('saves a good template and an empty one, and refuses an update dropping {locale} while the clinic publishes two locales', async () => {
    const created = await admin(`${COLLECTION}?locale=en`, {
      method: 'POST',
      body: clinic('riverside-rehab', { techniquePathTemplate: '/{locale}/therapies/{slug}', conditionPathTemplate: '' }),
    });
    expect(created.status).toBe(201);
    const documentId = String(created.body.data?.documentId);
    const read = await admin(`${COLLECTION}/${documentId}?locale=en`);
    expect(read.body.data).toMatchObject({ techniquePathTemplate: '/{locale}/therapies/{slug}' });
    expect([null, '']).toContain(read.body.data?.conditionPathTemplate);

    const updated = await admin(`${COLLECTION}/${documentId}?locale=en`, {
      method: 'PUT',
      body: { ...(read.body.data ?? {}), techniquePathTemplate: '/therapies/{slug}' },
    });
    expect(updated.status).toBe(400);
    expect(updated.body.error?.message).toMatch(/^techniquePathTemplate "\/therapies\/\{slug\}" must contain \{locale\}: the clinic publishes 2 locales \(en, fr\)/);
    expect(updated.body.error?.details.errors.map((error) => error.path)).toEqual([['techniquePathTemplate']]);
    expect((await admin(`${COLLECTION}/${documentId}?locale=en`)).body.data).toMatchObject({ techniquePathTemplate: '/{locale}/therapies/{slug}' });
  });

  it("refuses a template longer than the field's 200 characters", async () => {
    const response = await admin(`${COLLECTION}?locale=en`, {
      method: 'POST',
      body: clinic('hillside-rehab', { conditionPathTemplate: `/{locale}/${'a'.repeat(200)}/{slug}` }),
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.error)).toContain('conditionPathTemplate');
  });
});

describe('clinic path templates through the Document Service', () => {
  it('checks an update carrying only a template against the locales stored', async () => {
    const { documentId } = await clinics().create({ locale: 'en', data: clinic('bayside-rehab') });
    const error = await rejection(() => clinics().update({ documentId, locale: 'en', data: { conditionPathTemplate: '/health/{slug}' } }));
    expect(error.message).toMatch(/^conditionPathTemplate "\/health\/\{slug\}" must contain \{locale\}: the clinic publishes 2 locales \(en, fr\)/);
    expect(paths(error)).toEqual(['conditionPathTemplate']);
    await clinics().update({ documentId, locale: 'en', data: { conditionPathTemplate: '/{locale}/health/{slug}' } });
    expect(await app.strapi.db.query(UIDS.clinic).findOne({ where: { documentId }, select: ['conditionPathTemplate'] })).toEqual({ conditionPathTemplate: '/{locale}/health/{slug}' });
    await clinics().delete({ documentId });
  });

  it('refuses a second locale for a clinic whose stored template has no {locale}, naming the template', async () => {
    const { documentId } = await clinics().create({ locale: 'en', data: clinic('seaside-rehab', { locales: ['en'], techniquePathTemplate: '/therapies/{slug}' }) });
    const error = await rejection(() => clinics().update({ documentId, locale: 'en', data: { locales: ['en', 'fr'] } }));
    expect(error.message).toContain('techniquePathTemplate "/therapies/{slug}" must contain {locale}: the clinic publishes 2 locales (en, fr)');
    expect(paths(error)).toEqual(['techniquePathTemplate']);
    await clinics().delete({ documentId });
  });

  it('refuses a technique template that gives the same paths as the stored condition template', async () => {
    const { documentId } = await clinics().create({ locale: 'en', data: clinic('parkside-rehab', { conditionPathTemplate: '/{locale}/care/{slug}' }) });
    const error = await rejection(() => clinics().update({ documentId, locale: 'en', data: { techniquePathTemplate: '/{locale}/care/{slug}' } }));
    expect(error.message).toContain('can give a technique the same path as a condition with the same slug under conditionPathTemplate "/{locale}/care/{slug}"');
    expect(paths(error)).toEqual(['techniquePathTemplate']);
    await clinics().delete({ documentId });
  });
});
