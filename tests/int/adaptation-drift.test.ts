/**
 * Drift of clinic adaptations on a real Strapi: an override remembers the base it was written
 * against; publishing the base with another value lists the adaptation as out of date (function,
 * admin route, command), with the old and new base text; a hide whose link the base removes is listed
 * too; confirming (or saving) records the new base and clears it; an unpublished base lists nothing.
 */
import { spawn } from 'child_process';
import { createServer, type Server } from 'http';
import path from 'path';
import { outdatedAdaptations } from '../../src/clinics/adaptations/drift';
import { runSeed } from '../../src/seed';
import { ROOT, startApp, type TestApp } from '../helpers/strapi';
import { eventually } from '../helpers/eventually';

const ADMIN = { email: 'drift-editor@clinic-content.test', password: 'Drift-Pass-123' };
const TECHNIQUE = 'api::technique.technique';
const CONDITION = 'api::condition.condition';
const ADAPTATION = 'api::clinic-adaptation.clinic-adaptation';

let app: TestApp;
let token: string;
let receiver: Server;
/** Bodies the clinic sites' webhook endpoints received, by path (/harbour, /northside). */
const received: Array<{ path: string; body: any }> = [];

type Documents = {
  create(params: object): Promise<{ documentId: string }>;
  update(params: object): Promise<unknown>;
  publish(params: object): Promise<unknown>;
  unpublish(params: object): Promise<unknown>;
  findFirst(params: object): Promise<{ documentId: string } | null>;
};
const documents = (uid: string) => app.strapi.documents(uid as never) as unknown as Documents;
const paragraph = (text: string) => [{ type: 'paragraph', children: [{ type: 'text', text }] }];
const review = { reviewedBy: 'Dr. D. Rift', reviewerCredentials: 'MD', lastReviewed: '2026-01-01', nextReviewDue: '2027-12-01' };

async function request(pathAndQuery: string, init: { method?: string; bearer?: string | null } = {}) {
  const bearer = init.bearer === undefined ? token : init.bearer;
  const response = await fetch(`${app.baseUrl}${pathAndQuery}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
  });
  return { status: response.status, body: (await response.json()) as any };
}

let techniqueId: string;
let conditionSlug: string;

/** A published technique of our own, linked to one seeded condition, and a clinic's adaptation of it. */
async function technique(slug: string, intro: string): Promise<string> {
  const condition = await documents(CONDITION).findFirst({ locale: 'en', status: 'published' });
  const conditionRow = (await app.strapi.db.query(CONDITION).findOne({ where: { documentId: condition?.documentId } })) as { slug: string };
  conditionSlug = conditionRow.slug;
  const created = await documents(TECHNIQUE).create({
    locale: 'en',
    data: { name: `Technique ${slug}`, slug, summary: 'A technique for the drift tests.', intro: paragraph(intro), goal: 'Testing drift.', medicalReview: review, treats: [condition?.documentId] },
  });
  await documents(TECHNIQUE).publish({ documentId: created.documentId, locale: 'en' });
  return created.documentId;
}

const ours = (report: { adaptations: Array<{ target: string }> }) => report.adaptations.filter((item) => item.target.startsWith('drift-'));

/** Points a seeded clinic's revalidation webhook at the local receiver, and publishes it. */
async function hook(slug: string): Promise<void> {
  const clinic = await documents('api::clinic.clinic').findFirst({ filters: { slug }, locale: 'en' });
  await documents('api::clinic.clinic').update({
    documentId: clinic?.documentId,
    locale: 'en',
    data: { revalidationUrl: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/${slug}`, revalidationSecret: `${slug}-signing-secret-0123456789` },
  });
  await documents('api::clinic.clinic').publish({ documentId: clinic?.documentId, locale: 'en' });
}

beforeAll(async () => {
  receiver = createServer((incoming, response) => {
    let text = '';
    incoming.on('data', (chunk) => (text += chunk));
    incoming.on('end', () => {
      received.push({ path: incoming.url ?? '', body: JSON.parse(text) });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  app = await startApp({
    isListening: true,
    environment: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, REVALIDATION_POLL_MS: '100', REVALIDATION_RETRY_BASE_MS: '50' },
  });
  await runSeed({ strapi: app.strapi });
  await hook('harbour-chiro');
  await hook('northside-physio');
  const response = await fetch(`${app.baseUrl}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  token = ((await response.json()) as any).data.token as string;
  techniqueId = await technique('drift-technique', 'The vetted intro, first version.');
}, 240000);

afterAll(async () => {
  await app?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('adaptation drift', () => {
  let adaptationId: string;

  it('lists no outdated adaptation in a freshly seeded database', async () => {
    expect((await outdatedAdaptations(app.strapi, { clinics: null })).adaptations).toEqual([]);
  });

  it('flags an override after its base is published with another value, with old and new text', async () => {
    const created = await documents(ADAPTATION).create({
      locale: 'en',
      data: { clinic: 'harbour-chiro', technique: 'drift-technique', intro: paragraph('Our own intro at Harbour.'), hidden: [{ relation: 'treats', slug: conditionSlug }] },
    });
    adaptationId = created.documentId;
    await documents(ADAPTATION).publish({ documentId: adaptationId, locale: 'en' });
    expect(ours(await outdatedAdaptations(app.strapi, { clinics: null }))).toEqual([]);

    await documents(TECHNIQUE).update({ documentId: techniqueId, locale: 'en', data: { intro: paragraph('The vetted intro, second version.') } });
    // A draft of the base changes nothing served: still up to date.
    expect(ours(await outdatedAdaptations(app.strapi, { clinics: null }))).toEqual([]);
    await documents(TECHNIQUE).publish({ documentId: techniqueId, locale: 'en' });

    const [item, ...rest] = ours(await outdatedAdaptations(app.strapi, { clinics: null })) as any[];
    expect(rest).toEqual([]);
    expect(item).toMatchObject({ documentId: adaptationId, clinic: 'harbour-chiro', type: 'technique', target: 'drift-technique', locale: 'en', hidden: [] });
    expect(item.fields).toEqual([
      { field: 'intro', was: { locale: 'en', text: 'The vetted intro, first version.' }, now: { locale: 'en', text: 'The vetted intro, second version.' } },
    ]);
  });

  it("tells only the adapting clinic's site, with an adaptation.outdated webhook", async () => {
    const delivery = await eventually(() => received.find((item) => item.body.event === 'adaptation.outdated'));
    expect(delivery.path).toBe('/harbour-chiro');
    expect(delivery.body).toMatchObject({
      clinic: { slug: 'harbour-chiro' },
      entries: [{ type: 'technique', slug: 'drift-technique', locales: ['en'] }],
      adaptations: [{ documentId: adaptationId, type: 'technique', slug: 'drift-technique', locale: 'en', fields: ['intro'], hidden: [] }],
    });
    expect(received.filter((item) => item.body.event === 'adaptation.outdated' && item.path !== '/harbour-chiro')).toEqual([]);
  });

  it('serves the same report to admins over HTTP, filtered by clinic, and refuses an unknown clinic', async () => {
    const all = await request('/editor/adaptations/outdated');
    expect(all.status).toBe(200);
    expect(ours(all.body.data).map((item: any) => item.documentId)).toEqual([adaptationId]);
    const other = await request('/editor/adaptations/outdated?clinic=northside-physio');
    expect(other.status).toBe(200);
    expect(ours(other.body.data)).toEqual([]);
    const unknown = await request('/editor/adaptations/outdated?clinic=no-such-clinic');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toEqual({ code: 'BAD_USER_INPUT', message: expect.stringContaining('"no-such-clinic"') });
    expect((await request('/editor/adaptations/outdated', { bearer: null })).status).toBe(401);
  });

  it('prints it from the command, as JSON only on stdout with --json', async () => {
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn('node', [path.join(ROOT, 'dist', 'scripts', 'adaptations.js'), '--clinic', 'harbour-chiro', '--json'], {
        cwd: ROOT,
        env: { ...process.env },
      });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.on('close', (exitCode) => resolve({ code: exitCode, stdout: out }));
    });
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.clinics).toEqual(['harbour-chiro']);
    expect(ours(report).map((item: any) => item.documentId)).toEqual([adaptationId]);
  });

  it('flags a hide whose link the base removes', async () => {
    await documents(TECHNIQUE).update({ documentId: techniqueId, locale: 'en', data: { treats: [] } });
    await documents(TECHNIQUE).publish({ documentId: techniqueId, locale: 'en' });
    const [item] = ours(await outdatedAdaptations(app.strapi, { clinics: ['harbour-chiro'] })) as any[];
    expect(item.hidden).toEqual([{ relation: 'treats', slug: conditionSlug }]);
  });

  it('clears the fields once the clinic confirms, over HTTP; 404 for an unknown adaptation', async () => {
    const confirmed = await request(`/editor/adaptations/${adaptationId}/confirm`, { method: 'POST' });
    expect(confirmed.status).toBe(200);
    const [item] = ours(await outdatedAdaptations(app.strapi, { clinics: null })) as any[];
    // The text is confirmed; the hide stays listed until the clinic removes it.
    expect(item.fields).toEqual([]);
    expect(item.hidden).toEqual([{ relation: 'treats', slug: conditionSlug }]);
    expect((await request('/editor/adaptations/nope/confirm', { method: 'POST' })).status).toBe(404);
  });

  it('leaves an adaptation of an unpublished base unlisted, and in place', async () => {
    await documents(TECHNIQUE).unpublish({ documentId: techniqueId, locale: 'en' });
    expect(ours(await outdatedAdaptations(app.strapi, { clinics: null }))).toEqual([]);
    expect(await app.strapi.db.query(ADAPTATION).count({ where: { documentId: adaptationId } })).toBeGreaterThan(0);
  });
});
