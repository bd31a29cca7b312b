/**
 * Content history over a real Strapi (seeded) and the real admin API: every write path records a
 * version per document, locale and status, with who, what and the field values before and after —
 * admin writes through the content manager, commands' Document Service writes, the seed and the XLIFF
 * import (as imports); private fields only as "changed"; a restore writes an old version as the draft,
 * recorded in turn, and publishes nothing; a clinic editor sees only their clinics' history.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { ADAPTATION, UIDS } from '../../src/content/model';
import { actingAs } from '../../src/governance/actor';
import { HISTORY_TABLE } from '../../src/governance/history';
import { exportXliff, importXliff } from '../../src/l10n/xliff';
import { startApp, type TestApp } from '../helpers/strapi';

const ADMIN = { email: 'admin@clinic-content.test', password: 'Admin-Pass-123' };
const EDITOR = { email: 'front-desk@harbour-chiro.test', password: 'Editor-Pass-123' };
const CM = '/content-manager/collection-types';
const BENEFITS = `${CM}/${UIDS.benefit}`;
const MRT = 'myofascial-release-therapy';

interface Version {
  id: number;
  uid: string;
  documentId: string;
  locale: string | null;
  status: 'draft' | 'published';
  action: string;
  actor: string;
  admin: { id: number; email: string } | null;
  at: string;
  changed: string[];
  diff: Array<{ field: string; before: unknown; after: unknown }>;
}

interface Answer {
  status: number;
  body: { data?: Record<string, unknown>; error?: { code?: string; message?: string } };
}

type Documents = {
  update(params: object): Promise<unknown>;
  publish(params: object): Promise<unknown>;
};

let app: TestApp;
let dir: string;
const tokens = { admin: '', editor: '' };
const adminIds = { admin: 0 };
const documents = (uid: string) => app.strapi.documents(uid as never) as unknown as Documents;

async function request(who: keyof typeof tokens | null, urlPath: string, init: { method?: string; body?: unknown } = {}): Promise<Answer> {
  const token = who === null ? '' : tokens[who];
  const response = await fetch(`${app.baseUrl}${urlPath}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(token === '' ? {} : { authorization: `Bearer ${token}` }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

async function history(who: keyof typeof tokens, query: { uid: string; documentId: string; locale?: string }): Promise<Answer & { versions: Version[] }> {
  const answer = await request(who, `/editor/history?${new URLSearchParams(query).toString()}`);
  return { ...answer, versions: ((answer.body.data?.versions ?? []) as Version[]) };
}

async function documentIdOf(uid: string, where: Record<string, unknown>): Promise<string> {
  const row = (await app.strapi.db.query(uid).findOne({ where, select: ['documentId'] })) as { documentId: string } | null;
  if (row === null) throw new Error(`no ${uid} where ${JSON.stringify(where)}`);
  return row.documentId;
}

const summaryOf = (version: Version | undefined) => version?.diff.find((item) => item.field === 'summary');

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'content-history-'));
  app = await startApp({
    isListening: true,
    environment: {
      SEED_ON_EMPTY: 'true',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ADMIN_CLINIC_EDITOR_EMAIL: EDITOR.email,
      ADMIN_CLINIC_EDITOR_PASSWORD: EDITOR.password,
    },
  });
  for (const [who, credentials] of [['admin', ADMIN], ['editor', EDITOR]] as const) {
    const login = await request(null, '/admin/login', { method: 'POST', body: credentials });
    expect(login.status).toBe(200);
    tokens[who] = String((login.body.data as { token?: string }).token ?? '');
  }
  const admin = (await app.strapi.db.query('admin::user').findOne({ where: { email: ADMIN.email }, select: ['id'] })) as { id: number };
  adminIds.admin = admin.id;
}, 180_000);

afterAll(async () => {
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('recording', () => {
  it('records the seed as imports by the seed, per locale and status, with components and relations as documentIds', async () => {
    const documentId = await documentIdOf(UIDS.technique, { slug: MRT, locale: 'en' });
    const { status, versions } = await history('admin', { uid: UIDS.technique, documentId, locale: 'en' });
    expect(status).toBe(200);
    expect(new Set(versions.map((version) => `${version.action} ${version.actor} ${version.status}`))).toEqual(new Set(['import service:seed draft', 'import service:seed published']));
    const created = versions.find((version) => version.status === 'draft' && version.diff.some((item) => item.field === 'name' && item.before === null));
    const fields = new Map(created?.diff.map((item) => [item.field, item.after]));
    expect(fields.get('name')).toBe('Myofascial Release Therapy');
    // Components with their fields (no row ids), relations as the documentIds they point at.
    expect(fields.get('procedure')).toEqual(expect.arrayContaining([expect.objectContaining({ title: expect.any(String) })]));
    expect(JSON.stringify(fields.get('procedure'))).not.toMatch(/"id":/);
    const treats = fields.get('treats') as string[];
    expect(treats.length).toBeGreaterThan(0);
    expect(treats.every((id) => typeof id === 'string' && id.length > 10)).toBe(true);
  });

  it('records every admin write through the content manager, by that admin, newest first', async () => {
    const technique = await documentIdOf(UIDS.technique, { slug: MRT, locale: 'en', publishedAt: null });
    const created = await request('admin', `${BENEFITS}?locale=en`, {
      method: 'POST',
      body: { name: 'Better sleep', slug: 'better-sleep', summary: 'Sleep better.', techniques: { connect: [{ documentId: technique, locale: 'en' }] } },
    });
    expect(created.status).toBe(201);
    const documentId = String((created.body.data as { documentId: string }).documentId);
    const steps: Array<[string, string, unknown?]> = [
      ['PUT', `${BENEFITS}/${documentId}?locale=en`, { summary: 'Sleep much better.' }],
      ['POST', `${BENEFITS}/${documentId}/actions/publish?locale=en`, {}],
      ['PUT', `${BENEFITS}/${documentId}?locale=en`, { summary: 'A draft to throw away.' }],
      ['POST', `${BENEFITS}/${documentId}/actions/discard?locale=en`, {}],
      ['POST', `${BENEFITS}/${documentId}/actions/unpublish?locale=en`, {}],
      ['DELETE', `${BENEFITS}/${documentId}?locale=en`],
    ];
    for (const [method, url, body] of steps) {
      const answer = await request('admin', url, { method, body });
      expect({ url, method, status: answer.status }).toEqual({ url, method, status: 200 });
    }
    const { versions } = await history('admin', { uid: UIDS.benefit, documentId, locale: 'en' });
    expect(versions.map((version) => `${version.action} ${version.status}`)).toEqual([
      'delete draft',
      'unpublish published',
      'discard draft',
      'update draft',
      'publish published',
      'update draft',
      'create draft',
    ]);
    expect(new Set(versions.map((version) => version.actor))).toEqual(new Set([`admin:${adminIds.admin}`]));
    expect(versions.every((version) => version.admin?.email === ADMIN.email)).toBe(true);
    const [deleted, unpublished, discarded, , published, updated, create] = versions;
    expect(create?.diff.find((item) => item.field === 'techniques')).toEqual({ field: 'techniques', before: null, after: [technique] });
    expect(summaryOf(updated)).toEqual({ field: 'summary', before: 'Sleep better.', after: 'Sleep much better.' });
    expect(summaryOf(published)).toEqual({ field: 'summary', before: null, after: 'Sleep much better.' });
    expect(summaryOf(discarded)).toEqual({ field: 'summary', before: 'A draft to throw away.', after: 'Sleep much better.' });
    expect(summaryOf(unpublished)).toEqual({ field: 'summary', before: 'Sleep much better.', after: null });
    expect(summaryOf(deleted)).toEqual({ field: 'summary', before: 'Sleep much better.', after: null });

    // A deletion has nothing to restore.
    const refused = await request('admin', `/editor/history/${deleted?.id}/restore`, { method: 'POST' });
    expect([refused.status, refused.body.error?.code]).toEqual([400, 'BAD_USER_INPUT']);
    expect(refused.body.error?.message).toMatch(/no longer exists|restore a version from before it/);
  });

  it('records a duplicate made in the admin as the creation of the new entry', async () => {
    const source = await documentIdOf(UIDS.benefit, { locale: 'en', publishedAt: null });
    const cloned = await request('admin', `${CM}/${UIDS.benefit}/clone/${source}?locale=en`, { method: 'POST', body: { name: 'A copy', slug: 'a-copy-of-a-benefit', summary: 'Copied.' } });
    expect(cloned.status).toBe(200);
    const documentId = String((cloned.body.data as { documentId: string }).documentId);
    try {
      const { versions } = await history('admin', { uid: UIDS.benefit, documentId, locale: 'en' });
      expect(versions.map((version) => `${version.action} ${version.status} ${version.actor}`)).toEqual([`create draft admin:${adminIds.admin}`]);
      expect(summaryOf(versions[0])).toEqual({ field: 'summary', before: null, after: 'Copied.' });
    } finally {
      await (app.strapi.documents(UIDS.benefit as never) as unknown as { delete(params: object): Promise<unknown> }).delete({ documentId, locale: '*' });
    }
  });

  it('records a command’s write as that command’s, and the seed and the XLIFF import as imports', async () => {
    const documentId = await documentIdOf(UIDS.cause, { locale: 'en' });
    await actingAs({ kind: 'command', command: 'review:due' }, () => documents(UIDS.cause).update({ documentId, locale: 'en', data: { summary: 'Fixed by a command.' } }));
    await actingAs({ kind: 'command', command: 'seed' }, () => documents(UIDS.cause).update({ documentId, locale: 'en', data: { summary: 'Seeded again.' } }));
    const [seeded, command] = (await history('admin', { uid: UIDS.cause, documentId, locale: 'en' })).versions;
    expect([command?.action, command?.actor, command?.admin, summaryOf(command)?.after]).toEqual(['update', 'cli:review:due', null, 'Fixed by a command.']);
    expect([seeded?.action, seeded?.actor, summaryOf(seeded)?.after]).toEqual(['import', 'cli:seed', 'Seeded again.']);

    const benefit = await documentIdOf(UIDS.benefit, { locale: 'en' });
    const exported = await exportXliff(app.strapi, { locale: 'de', types: ['benefit'] });
    const translated = exported.xml.replace(/(\s*)<source>([\s\S]*?)<\/source>(\s*<target>[\s\S]*?<\/target>)?/g, (_, space: string, inner: string) => `${space}<source>${inner}</source>${space}<target>[de] ${inner}</target>`);
    const file = path.join(dir, 'benefits-de.xlf');
    writeFileSync(file, translated);
    await actingAs({ kind: 'command', command: 'l10n:import' }, () => importXliff(app.strapi, { file }));
    const [imported] = (await history('admin', { uid: UIDS.benefit, documentId: benefit, locale: 'de' })).versions;
    expect([imported?.action, imported?.actor, imported?.status]).toEqual(['import', 'cli:l10n:import', 'draft']);
    expect(String(summaryOf(imported)?.after)).toMatch(/^\[de\] /);
  });

  it('never stores a private field: a changed secret is only marked changed, an unchanged one is left out', async () => {
    const documentId = await documentIdOf(UIDS.clinic, { slug: 'northside-physio', locale: 'en' });
    const secret = 'history-test-secret-0123456789';
    await actingAs({ kind: 'command', command: 'clinic:key' }, () => documents(UIDS.clinic).update({ documentId, locale: 'en', data: { revalidationSecret: secret } }));
    await actingAs({ kind: 'command', command: 'clinic:key' }, () => documents(UIDS.clinic).update({ documentId, locale: 'en', data: { phone: '+1 604 555 0199' } }));
    const [phone, secretChange] = (await history('admin', { uid: UIDS.clinic, documentId, locale: 'en' })).versions;
    expect(secretChange?.diff).toEqual([{ field: 'revalidationSecret', before: { changed: true }, after: { changed: true } }]);
    expect(phone?.changed).toEqual(['phone']);
    const rows = (await app.strapi.db.connection(HISTORY_TABLE).select('before', 'after')) as Array<{ before: string | null; after: string | null }>;
    const stored = rows.map((row) => `${row.before ?? ''}${row.after ?? ''}`).join('\n');
    expect(stored).not.toContain(secret);
    for (const field of ['revalidationUrl', 'accessKeys', 'editors', 'rateLimitPerMinute']) expect(stored).not.toMatch(new RegExp(`"${field}":(?!\\{"changed":true\\})`));
  });
});

describe('restoring', () => {
  it('writes an old version as the draft, recorded as the admin’s update, and publishes nothing', async () => {
    const documentId = await documentIdOf(UIDS.technique, { slug: MRT, locale: 'en' });
    const draft = () => app.strapi.db.query(UIDS.technique).findOne({ where: { documentId, locale: 'en', publishedAt: null }, populate: { seo: true, faqs: true, treats: { select: ['documentId'] } } }) as Promise<Record<string, unknown>>;
    const published = () => app.strapi.db.query(UIDS.technique).findOne({ where: { documentId, locale: 'en', publishedAt: { $notNull: true } }, populate: { seo: true } }) as Promise<Record<string, unknown>>;
    const original = await draft();
    await actingAs({ kind: 'command', command: 'review:due' }, async () => {
      await documents(UIDS.technique).update({ documentId, locale: 'en', data: { summary: 'A changed summary.', seo: { metaTitle: 'A changed title', metaDescription: 'Changed.' }, faqs: [] } });
      await documents(UIDS.technique).publish({ documentId, locale: 'en' });
    });
    const livePublished = await published();
    const before = (await history('admin', { uid: UIDS.technique, documentId, locale: 'en' })).versions;
    // The draft as it was before the change: the newest draft version before the command's update.
    const change = before.find((version) => version.status === 'draft' && version.actor === 'cli:review:due');
    const old = before.find((version) => version.status === 'draft' && version.id < (change?.id ?? 0));
    expect(old).toBeDefined();

    const restored = await request('admin', `/editor/history/${old?.id}/restore`, { method: 'POST' });
    expect(restored.status).toBe(200);
    expect(restored.body.data).toEqual({ restored: { uid: UIDS.technique, documentId, locale: 'en', from: old?.id, status: 'draft' } });

    const now = await draft();
    const strip = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (key, item: unknown) => (key === 'id' ? undefined : item)));
    for (const field of ['summary', 'name', 'goal', 'intro']) expect({ field, value: now[field] }).toEqual({ field, value: original[field] });
    expect(strip(now.seo)).toEqual(strip(original.seo));
    expect(strip(now.faqs)).toEqual(strip(original.faqs));
    expect((now.treats as Array<{ documentId: string }>).map((row) => row.documentId)).toEqual((original.treats as Array<{ documentId: string }>).map((row) => row.documentId));
    // Nothing published: the published row is the one the command published.
    const stillPublished = await published();
    expect([stillPublished.summary, stillPublished.publishedAt]).toEqual([livePublished.summary, livePublished.publishedAt]);

    const [newest] = (await history('admin', { uid: UIDS.technique, documentId, locale: 'en' })).versions;
    expect([newest?.action, newest?.status, newest?.actor]).toEqual(['update', 'draft', `admin:${adminIds.admin}`]);
    expect(summaryOf(newest)).toEqual({ field: 'summary', before: 'A changed summary.', after: original.summary });
  });

  it('answers 404 for an unknown version', async () => {
    const answer = await request('admin', '/editor/history/999999999/restore', { method: 'POST' });
    expect([answer.status, answer.body.error?.code]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('who may read it', () => {
  it('shows a clinic editor their clinic’s history and refuses another clinic’s or vetted content', async () => {
    const own = await documentIdOf(UIDS.clinic, { slug: 'harbour-chiro', locale: 'en' });
    const other = await documentIdOf(UIDS.clinic, { slug: 'northside-physio', locale: 'en' });
    const ownAdaptation = await documentIdOf(ADAPTATION.uid, { clinic: 'harbour-chiro' });
    const otherAdaptation = await documentIdOf(ADAPTATION.uid, { clinic: 'montreal-physio' });
    const technique = await documentIdOf(UIDS.technique, { slug: MRT, locale: 'en' });
    for (const [uid, documentId] of [[UIDS.clinic, own], [ADAPTATION.uid, ownAdaptation]] as const) {
      const answer = await history('editor', { uid, documentId });
      expect([uid, answer.status, answer.versions.length > 0]).toEqual([uid, 200, true]);
    }
    for (const [uid, documentId] of [[UIDS.clinic, other], [ADAPTATION.uid, otherAdaptation], [UIDS.technique, technique]] as const) {
      const answer = await history('editor', { uid, documentId });
      expect([uid, answer.status, answer.body.error?.code]).toEqual([uid, 403, 'FORBIDDEN']);
    }
  });

  it('refuses an unknown type and a missing session', async () => {
    const unknown = await history('admin', { uid: 'admin::user', documentId: 'x' });
    expect([unknown.status, unknown.body.error?.code]).toEqual([400, 'BAD_USER_INPUT']);
    const anonymous = await request(null, `/editor/history?uid=${UIDS.technique}&documentId=x`);
    expect([anonymous.status, anonymous.body.error?.code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});
