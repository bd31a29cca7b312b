import { ensureDevAdmin } from '../../src/admin-account/ensure-dev-admin';
import { parseSettings } from '../../src/settings';
import { FIELD_HELP } from '../../src/editor-help/field-help';
import { startApp, type TestApp } from '../helpers/strapi';

const ADMIN = { email: 'editor@clinic-content.test', password: 'Editor-Pass-123' };

let app: TestApp;
let token: string;

async function adminRequest(path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${app.baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  app = await startApp({ isListening: true, environment: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
  const login = await adminRequest('/admin/login', { method: 'POST', body: ADMIN });
  expect(login.status).toBe(200);
  token = login.body.data.token;
});

afterAll(async () => {
  await app?.stop();
});

describe('the admin for content editors', () => {
  it('lets the development admin from ADMIN_EMAIL/ADMIN_PASSWORD sign in without registering', async () => {
    expect(token).toEqual(expect.any(String));
    const me = await adminRequest('/admin/users/me');
    expect(me.status).toBe(200);
    expect(me.body.data.email).toBe(ADMIN.email);
    expect(me.body.data.roles.map((role: { code: string }) => role.code)).toContain('strapi-super-admin');
  });

  it('does not create the development admin twice', async () => {
    expect(await ensureDevAdmin(app.strapi, parseSettings({ NODE_ENV: 'development', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }))).toBe('exists');
    expect(await app.strapi.db.query('admin::user').count({})).toBe(1);
  });

  it('refuses a weak development admin password with the reason', async () => {
    await expect(
      ensureDevAdmin(app.strapi, parseSettings({ NODE_ENV: 'development', ADMIN_EMAIL: 'other@clinic-content.test', ADMIN_PASSWORD: 'password1' })),
    ).rejects.toThrow('ADMIN_PASSWORD must contain an uppercase letter.');
  });

  it('shows our label and help text on every field of the technique edit view', async () => {
    const response = await adminRequest('/content-manager/content-types/api::technique.technique/configuration');
    expect(response.status).toBe(200);
    const metadatas = response.body.data.contentType.metadatas as Record<string, { edit: { label: string; description: string } }>;
    for (const [field, help] of Object.entries(FIELD_HELP['api::technique.technique'] ?? {})) {
      if (field === 'accessKeys') continue;
      expect({ field, ...metadatas[field]?.edit }).toEqual(expect.objectContaining({ field, label: help.label, description: help.description }));
    }
    const faq = response.body.data.components['content.faq-item'].metadatas;
    expect(faq.question.edit.label).toBe('Question');
  });

  it('keeps clinic access key hashes out of the edit view', async () => {
    const response = await adminRequest('/content-manager/content-types/api::clinic.clinic/configuration');
    const rows = (response.body.data.contentType.layouts.edit as Array<Array<{ name: string }>>).flat().map((cell) => cell.name);
    expect(rows).toContain('email');
    expect(rows).not.toContain('accessKeys');
  });

  it('answers an editor who saves a bad slug with a clear message on the field', async () => {
    const response = await adminRequest('/content-manager/collection-types/api::condition.condition?locale=en', {
      method: 'POST',
      body: { name: 'Neck pain', slug: 'Neck_Pain', summary: 'Pain in the neck.' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain('slug "Neck_Pain" must be lowercase-kebab');
    expect(response.body.error.details.errors[0].path).toEqual(['slug']);
  });

  it('answers an editor who publishes without a required field with the field name', async () => {
    const created = await adminRequest('/content-manager/collection-types/api::benefit.benefit?locale=en', {
      method: 'POST',
      body: { name: 'Better sleep', slug: 'better-sleep' },
    });
    expect(created.status).toBe(201);
    const published = await adminRequest(
      `/content-manager/collection-types/api::benefit.benefit/${created.body.data.documentId}/actions/publish?locale=en`,
      { method: 'POST', body: { name: 'Better sleep', slug: 'better-sleep' } },
    );
    expect(published.status).toBe(400);
    expect(JSON.stringify(published.body.error)).toMatch(/summary/);
  });
});
