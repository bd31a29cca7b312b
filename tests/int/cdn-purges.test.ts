/**
 * CDN purges after a write, on a real Strapi with the seed, with Varnish, Fastly and Cloudflare all
 * configured and answered by local receivers (tests/int/varnish.test.ts runs a real Varnish): a
 * publish purges, at every CDN, the edge tags its answers carry; a CDN that is down is retried until it
 * answers; a Cloudflare 429 is waited out without using up attempts; a purge that keeps failing is
 * kept as failed and listed for admins; rows left by a stopped instance are sent by the next one; the
 * metrics count purges; revoking a key, or its expiry, purges its clinic's answers at every CDN.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import { edgeTag } from '../../src/cdn/edge-tags';
import { createClinicKey, revokeClinicKey } from '../../src/clinics/keys';
import { UIDS } from '../../src/content/model';
import { clinicTag, entryTag } from '../../src/content/tags';
import { runSeed } from '../../src/seed';
import { graphql } from '../helpers/graphql';
import { startApp, type TestApp } from '../helpers/strapi';
import { eventually as waitFor } from '../helpers/eventually';

const ADMIN = { email: 'cdn-editor@clinic-content.test', password: 'Cdn-Pass-1234' };
const MRT = 'myofascial-release-therapy';
const FASTLY = { token: 'fastly-token-0123456789abcdef', service: 'SU1Z0isxPaozGVKXdv0eY' };
const METRICS_TOKEN = 'cdn-metrics-token-0123456789';
const CLOUDFLARE = { token: 'cloudflare-token-0123456789abcdef', zone: '023e105f4ecef8ad9ca31a8372d0c353' };

interface Received {
  cdn: 'varnish' | 'fastly' | 'cloudflare';
  tags: string[];
  at: number;
}

let app: TestApp;
let receiver: Server;
let port = 0;
const received: Received[] = [];
/** Per CDN, answers to give before the normal one (a status, or 'close' to drop the connection). */
const scripted: Record<Received['cdn'], Array<number | 'close' | { status: number; retryAfter: string }>> = { varnish: [], fastly: [], cloudflare: [] };
let token = '';
let key = '';

function answer(cdn: Received['cdn'], request: IncomingMessage, response: ServerResponse, body: string): void {
  const next = scripted[cdn].shift();
  if (next === 'close') {
    request.socket.destroy();
    return;
  }
  if (typeof next === 'object') {
    response.writeHead(next.status, { 'content-type': 'application/json', 'retry-after': next.retryAfter }).end(JSON.stringify({ success: false, errors: [{ code: 971, message: 'Please wait and consider throttling your request speed' }] }));
    return;
  }
  if (typeof next === 'number') {
    response.writeHead(next).end('unavailable');
    return;
  }
  const tags =
    cdn === 'varnish' ? String(request.headers.xkey ?? '').split(' ') : cdn === 'fastly' ? (JSON.parse(body) as { surrogate_keys: string[] }).surrogate_keys : (JSON.parse(body) as { tags: string[] }).tags;
  received.push({ cdn, tags, at: Date.now() });
  if (cdn === 'cloudflare') response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ success: true, errors: [], messages: [], result: { id: CLOUDFLARE.zone } }));
  else if (cdn === 'fastly') response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  else response.writeHead(200).end();
}

function environment(): Record<string, string> {
  return {
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    VARNISH_PURGE_URLS: `http://127.0.0.1:${port}/varnish`,
    FASTLY_API_TOKEN: FASTLY.token,
    FASTLY_SERVICE_ID: FASTLY.service,
    FASTLY_API_URL: `http://127.0.0.1:${port}/fastly`,
    CLOUDFLARE_API_TOKEN: CLOUDFLARE.token,
    CLOUDFLARE_ZONE_ID: CLOUDFLARE.zone,
    CLOUDFLARE_API_URL: `http://127.0.0.1:${port}/cloudflare`,
    CDN_PURGE_RETRY_BASE_MS: '50',
    CDN_PURGE_MAX_ATTEMPTS: '4',
    CDN_PURGE_POLL_MS: '100',
    METRICS_TOKEN,
  };
}

async function signIn(): Promise<void> {
  const response = await fetch(`${app.baseUrl}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  token = ((await response.json()) as { data: { token: string } }).data.token;
}

/** CDN purges go out after commit, on the sender's next round: given a little longer, looked at often. */
const eventually = <T>(read: () => T | undefined | Promise<T | undefined>, options: { timeoutMs?: number } = {}) => waitFor(read, { timeoutMs: 8000, everyMs: 25, ...options });

type Documents = { findFirst(params: object): Promise<{ documentId: string }>; update(params: object): Promise<unknown>; publish(params: object): Promise<unknown> };
const techniques = () => app.strapi.documents(UIDS.technique as never) as unknown as Documents;

/** Publishes a new summary of the MRT article in en, as an editor would. */
async function publishSummary(summary: string): Promise<{ documentId: string; at: number }> {
  const mrt = await techniques().findFirst({ filters: { slug: MRT }, locale: 'en' });
  await techniques().update({ documentId: mrt.documentId, locale: 'en', data: { summary } });
  await techniques().publish({ documentId: mrt.documentId, locale: 'en' });
  return { documentId: mrt.documentId, at: Date.now() };
}

const editorCdn = async (query = '') => {
  const response = await fetch(`${app.baseUrl}/editor/cdn${query}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as any };
};

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const url = request.url ?? '';
      if (url.startsWith('/varnish') && request.method === 'PURGE') return answer('varnish', request, response, body);
      if (url === `/fastly/service/${FASTLY.service}/purge` && request.headers['fastly-key'] === FASTLY.token) return answer('fastly', request, response, body);
      if (url === `/cloudflare/zones/${CLOUDFLARE.zone}/purge_cache` && request.headers.authorization === `Bearer ${CLOUDFLARE.token}`) return answer('cloudflare', request, response, body);
      response.writeHead(400).end(`unexpected ${request.method} ${url}`);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  port = (receiver.address() as { port: number }).port;
  app = await startApp({ isListening: true, environment: environment() });
  await runSeed({ strapi: app.strapi });
  await signIn();
  key = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
}, 240000);

afterAll(async () => {
  await app?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

beforeEach(async () => {
  // What the seed's own writes purged is not these tests' business.
  await eventually(async () => ((await editorCdn()).body.data.counts.pending === 0 ? true : undefined));
  received.length = 0;
});

it('answers carry edge tags, and a publish purges them at every configured CDN', async () => {
  const page = await graphql(app, { key, query: `query { technique(slug: "${MRT}", locale: "en") { summary } }` });
  const tagged = (page.headers.get('cache-tag') ?? '').split(',');
  expect(page.headers.get('surrogate-key')?.split(' ')).toEqual(tagged);
  const publishing = Date.now();
  const { documentId } = await publishSummary('A summary published for the CDN purge test.');
  const tag = edgeTag(entryTag(UIDS.technique, documentId, 'en'));
  expect(tagged).toContain(tag);
  for (const cdn of ['varnish', 'fastly', 'cloudflare'] as const) {
    const purge = await eventually(() => received.find((entry) => entry.cdn === cdn && entry.tags.includes(tag)));
    // Only edge tags travel: nothing of our raw tags (document ids, slugs) reaches a CDN.
    expect(purge.tags.every((sent) => /^c[a-z2-7]{16}$/.test(sent))).toBe(true);
  }
  // Varnish gets the purge again two seconds later, for a fetch that was in flight at the first one.
  const [once, again] = await eventually(() => {
    const varnish = received.filter((entry) => entry.cdn === 'varnish' && entry.tags.includes(tag));
    return varnish.length >= 2 ? varnish : undefined;
  });
  // Counted from the publish (the repeat is due two seconds after the write): the first purge's own
  // sending time varies with the machine's load, so the gap between the two arrivals does not say it.
  expect((again?.at ?? 0) - publishing).toBeGreaterThanOrEqual(2000);
  expect(again?.at ?? 0).toBeGreaterThan(once?.at ?? 0);
  const listed = await editorCdn();
  expect(listed.status).toBe(200);
  expect(listed.body.data.cdns).toEqual(['varnish', 'fastly', 'cloudflare']);
  expect(listed.body.data.purges[0]).toMatchObject({ status: 'done', attempts: 1, lastError: null });
});

it('retries a CDN that is down until it answers, and counts the attempts in /metrics', async () => {
  scripted.varnish.push(503, 'close');
  const { documentId } = await publishSummary('A summary published while Varnish is down.');
  const tag = edgeTag(entryTag(UIDS.technique, documentId, 'en'));
  await eventually(() => received.find((entry) => entry.cdn === 'varnish' && entry.tags.includes(tag)));
  const rows = (await editorCdn()).body.data.purges as Array<{ cdn: string; status: string; attempts: number }>;
  expect(rows.filter((row) => row.cdn === 'varnish')).toContainEqual(expect.objectContaining({ status: 'done', attempts: 3 }));
  const metrics = await (await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  expect(metrics).toMatch(/cdn_purges_total\{cdn="varnish",result="failed"\} [2-9]/);
  expect(metrics).toMatch(/cdn_purges_total\{cdn="fastly",result="sent"\} [1-9]/);
  expect(metrics).toMatch(/cdn_purge_lag_seconds_count\{cdn="cloudflare"\} [1-9]/);
});

it('waits out a Cloudflare 429 with Retry-After without using up attempts', async () => {
  scripted.cloudflare.push(...Array.from({ length: 4 }, () => ({ status: 429, retryAfter: '1' })));
  const published = await publishSummary('A summary published while Cloudflare is rate limiting.');
  const tag = edgeTag(entryTag(UIDS.technique, published.documentId, 'en'));
  // More 429s than CDN_PURGE_MAX_ATTEMPTS (4): the purge still lands, each after the second it was told.
  const purge = await eventually(() => received.find((entry) => entry.cdn === 'cloudflare' && entry.tags.includes(tag)), { timeoutMs: 15000 });
  expect(purge.at - published.at).toBeGreaterThanOrEqual(4000);
  expect(((await editorCdn()).body.data.purges as Array<{ cdn: string; status: string }>).find((row) => row.cdn === 'cloudflare')?.status).toBe('done');
}, 30000);

it('keeps a purge that keeps failing as failed, listed for admins', async () => {
  scripted.fastly.push(500, 500, 500, 500);
  await publishSummary('A summary published while Fastly keeps failing.');
  const failed = await eventually(async () => {
    const rows = (await editorCdn('?status=failed')).body.data.purges as Array<{ cdn: string; attempts: number; lastStatus: number; lastError: string }>;
    return rows.find((row) => row.cdn === 'fastly');
  });
  expect(failed).toMatchObject({ attempts: 4, lastStatus: 500 });
  expect(failed.lastError).not.toContain(FASTLY.token);
  expect((await editorCdn('?status=gone')).status).toBe(400);
  expect((await fetch(`${app.baseUrl}/editor/cdn`)).status).toBe(401);
});

it("purges a clinic's answers at every CDN when one of its keys is revoked, and when one expires", async () => {
  const clinic = (await app.strapi.db.query(UIDS.clinic).findOne({ where: { slug: 'harbour-chiro' }, select: ['documentId'] })) as { documentId: string };
  const tag = edgeTag(clinicTag(clinic.documentId));
  const purgedAt = (cdn: Received['cdn']) => received.filter((entry) => entry.cdn === cdn && entry.tags.includes(tag));

  const revoked = await createClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', kind: 'public' });
  await eventually(async () => ((await editorCdn()).body.data.counts.pending === 0 ? true : undefined));
  received.length = 0;
  await revokeClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', keyId: revoked.id });
  for (const cdn of ['varnish', 'fastly', 'cloudflare'] as const) await eventually(() => purgedAt(cdn)[0]);

  const expiring = await createClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', kind: 'public', expiresAt: new Date(Date.now() + 4000) });
  await eventually(async () => ((await editorCdn()).body.data.counts.pending === 0 ? true : undefined));
  received.length = 0;
  // Nothing writes when a key expires: the purge is made at its expiry (within a poll, here 100 ms).
  for (const cdn of ['varnish', 'fastly', 'cloudflare'] as const) {
    const purge = await eventually(() => purgedAt(cdn)[0], { timeoutMs: 8000 });
    expect(purge.at).toBeGreaterThanOrEqual(Date.parse(expiring.expiresAt ?? ''));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  // Once per CDN, however many rounds looked at the expired key.
  for (const cdn of ['varnish', 'fastly', 'cloudflare'] as const) expect(purgedAt(cdn)).toHaveLength(1);
});

it('sends after a restart what a stopped instance left pending', async () => {
  scripted.varnish.push(...Array.from({ length: 3 }, () => 'close' as const));
  const { documentId } = await publishSummary('A summary published just before the instance stops.');
  const tag = edgeTag(entryTag(UIDS.technique, documentId, 'en'));
  await app.stop({ isKeepingDatabase: true });
  expect(received.some((entry) => entry.cdn === 'varnish' && entry.tags.includes(tag))).toBe(false);
  scripted.varnish.length = 0;
  app = await startApp({ isListening: true, environment: environment(), database: app.database });
  await signIn();
  await eventually(() => received.find((entry) => entry.cdn === 'varnish' && entry.tags.includes(tag)));
}, 120000);
