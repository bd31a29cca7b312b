/**
 * The service behind a real Varnish (Debian's varnishd, the shipped deploy/varnish/default.vcl, the
 * xkey vmod), over real HTTP: a page is a MISS then a HIT with Age > 0; a publish through the admin
 * API makes the next read through Varnish fresh, while a page that does not show the entry stays a HIT,
 * and a clinic's adaptation purges that clinic's page only, another clinic's staying a HIT (the purge
 * was exact); one clinic's cached copy never reaches another clinic's key; and with
 * Varnish's purge endpoint unreachable during a publish, the purge is retried and lands when it is
 * back, Varnish serving the old copy only until then.
 *
 * Run once, not per database (jest.config.js: SINGLE_PASS_SUITES).
 */
import { createServer } from 'net';
import { startVarnish, type Varnish } from '../../bench/varnish';
import { Editor } from '../../bench/instances';
import { createClinicKey } from '../../src/clinics/keys';
import { runSeed } from '../../src/seed';
import { CuttableProxy } from '../helpers/proxy';
import { startApp, type TestApp } from '../helpers/strapi';

const ADMIN = { email: 'varnish-editor@clinic-content.test', password: 'Varnish-Pass-123' };
const MRT = 'myofascial-release-therapy';
const PAGE = `{ therapyPage(slug: "${MRT}") { technique { name summary } clinic { name } } }`;
/** A page that does not show the technique: the condition alone, not the techniques treating it. */
const OTHER = `{ condition(slug: "back-pain", locale: "en") { name summary } }`;

let app: TestApp;
let varnish: Varnish;
/** Between the service and Varnish's purge endpoint: cut to make Varnish unreachable for purges. */
let purgePath: CuttableProxy;
let editor: Editor;
let mrt = '';
const keys = { northside: '', harbour: '' };

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function throughVarnish(query: string, key: string) {
  const response = await fetch(`${varnish.url}/graphql?${new URLSearchParams({ query })}`, { headers: { authorization: `Bearer ${key}`, 'apollo-require-preflight': 'true' } });
  const text = await response.text();
  expect(response.status).toBe(200);
  return { edge: response.headers.get('x-edge-cache'), age: Number(response.headers.get('age') ?? '0'), body: JSON.parse(text) as { data: any } };
}

/** Waits until the CDN outbox has sent everything due so far and its repeats (what the seed wrote). */
async function edgeSettled(): Promise<void> {
  for (const started = Date.now(); Date.now() - started < 15000; ) {
    const rows = (await app.strapi.db.connection('cdn_purges').where({ status: 'pending' }).count({ count: '*' })) as Array<{ count: number | string }>;
    if (Number(rows[0]?.count ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('CDN purges still pending after 15 s');
}

/** Reads until Varnish holds the page (a HIT). */
async function warm(query: string, key: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt += 1) if ((await throughVarnish(query, key)).edge === 'HIT') return;
  throw new Error('Varnish did not cache the page');
}

beforeAll(async () => {
  const port = await freePort();
  varnish = await startVarnish({ backendPort: port });
  purgePath = new CuttableProxy({ host: '127.0.0.1', port: varnish.port });
  await purgePath.open();
  app = await startApp({
    isListening: true,
    environment: {
      PORT: String(port),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      VARNISH_PURGE_URLS: `http://127.0.0.1:${purgePath.port}`,
      CDN_PURGE_RETRY_BASE_MS: '100',
      CDN_PURGE_POLL_MS: '100',
    },
  });
  await runSeed({ strapi: app.strapi });
  await edgeSettled();
  keys.northside = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
  keys.harbour = (await createClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', kind: 'public' })).key;
  editor = await Editor.signIn(app.baseUrl, ADMIN.email, ADMIN.password);
  mrt = (await editor.find(app.baseUrl, 'api::technique.technique', MRT)).documentId;
  await edgeSettled();
}, 240000);

afterAll(async () => {
  await app?.stop();
  await purgePath?.cut();
  await varnish?.stop();
});

it('caches a page per key: a MISS, then a HIT with Age > 0, never another clinic’s copy', async () => {
  const first = await throughVarnish(PAGE, keys.northside);
  expect(first.edge).toBe('MISS');
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const second = await throughVarnish(PAGE, keys.northside);
  expect(second).toMatchObject({ edge: 'HIT', body: first.body });
  expect(second.age).toBeGreaterThan(0);
  const harbour = await throughVarnish(PAGE, keys.harbour);
  expect(harbour.edge).toBe('MISS');
  expect(harbour.body.data.therapyPage.clinic.name).not.toBe(first.body.data.therapyPage.clinic.name);
});

it('is fresh through Varnish right after a publish, and keeps unrelated pages cached', async () => {
  await edgeSettled();
  await warm(PAGE, keys.northside);
  await warm(PAGE, keys.harbour);
  await warm(OTHER, keys.northside);
  const summary = 'Published through the admin API, purged at the edge.';
  await editor.publish(app.baseUrl, 'api::technique.technique', mrt, { summary });
  const published = Date.now();
  let fresh = await throughVarnish(PAGE, keys.northside);
  while (fresh.body.data.therapyPage.technique.summary !== summary) {
    if (Date.now() - published > 2000) throw new Error('Varnish still served the old page 2 s after the publish returned');
    await new Promise((resolve) => setTimeout(resolve, 10));
    fresh = await throughVarnish(PAGE, keys.northside);
  }
  expect(fresh.edge).toBe('MISS');
  // Another clinic's copy of the same page was purged too (the entry changed for everyone) …
  expect((await throughVarnish(PAGE, keys.harbour)).body.data.therapyPage.technique.summary).toBe(summary);
  // … but a page that does not show the technique stays cached.
  expect((await throughVarnish(OTHER, keys.northside)).edge).toBe('HIT');
});

it("purges only the clinic's own pages when a clinic publishes its adaptation", async () => {
  await edgeSettled();
  await warm(PAGE, keys.northside);
  await warm(PAGE, keys.harbour);
  const adaptation = (await editor.call(app.baseUrl, 'GET', `/collection-types/api::clinic-adaptation.clinic-adaptation?filters[clinic][$eq]=harbour-chiro&locale=en`)) as {
    results: Array<{ documentId: string }>;
  };
  const summary = 'Harbour’s own summary, published by the clinic.';
  await editor.publish(app.baseUrl, 'api::clinic-adaptation.clinic-adaptation', adaptation.results[0]?.documentId ?? '', { summary });
  const published = Date.now();
  while ((await throughVarnish(PAGE, keys.harbour)).body.data.therapyPage.technique.summary !== summary) {
    if (Date.now() - published > 2000) throw new Error('Harbour’s page was still old through Varnish 2 s after the publish');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  // Another clinic's copy of the same page was not purged.
  const northside = await throughVarnish(PAGE, keys.northside);
  expect(northside.edge).toBe('HIT');
  expect(northside.body.data.therapyPage.technique.summary).not.toBe(summary);
});

it('retries the purge while Varnish cannot be reached, and is fresh once it lands', async () => {
  await edgeSettled();
  await warm(PAGE, keys.northside);
  await purgePath.cut();
  const summary = 'Published while the edge could not be purged.';
  try {
    await editor.publish(app.baseUrl, 'api::technique.technique', mrt, { summary });
    // Our origin is fresh at once; Varnish still holds the old copy, since its purge cannot land.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stale = await throughVarnish(PAGE, keys.northside);
    expect(stale.edge).toBe('HIT');
    expect(stale.body.data.therapyPage.technique.summary).not.toBe(summary);
  } finally {
    await purgePath.open();
  }
  const reopened = Date.now();
  for (;;) {
    if ((await throughVarnish(PAGE, keys.northside)).body.data.therapyPage.technique.summary === summary) break;
    if (Date.now() - reopened > 5000) throw new Error('the purge did not land within 5 s of Varnish being reachable again');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}, 30000);
