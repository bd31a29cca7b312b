/**
 * Revalidation webhooks on a real Strapi, delivered to a real local HTTP receiver that checks every
 * signature: who is told what on publish, unpublish and delete, nothing for rolled-back writes,
 * retries with backoff, giving up, and the editors' view of it all.
 *
 * Clinics: northside-physio (en, fr-CA; its own receiver path), rive-gauche (de; another path),
 * harbour-chiro and montreal-physio (no revalidation URL).
 */
import { createHmac, timingSafeEqual } from 'crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'http';
import type { AddressInfo } from 'net';
import { claimDelivery, DELIVERIES_TABLE } from '../../src/revalidation/outbox';
import type { RevalidationPayload } from '../../src/revalidation/payload';
import type { DeliveryView } from '../../src/revalidation/routes';
import { runSeed } from '../../src/seed';
import { startApp, type TestApp } from '../helpers/strapi';

const ADMIN = { email: 'webhooks-admin@clinic-content.test', password: 'Webhook-Pass-123' };
const MRT = 'myofascial-release-therapy';
const MAX_ATTEMPTS = 4;
const SECRETS: Record<string, string> = {
  '/northside': 'northside-signing-secret-0123456789',
  '/rive-gauche': 'rive-gauche-signing-secret-abcdef',
};

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  payload: RevalidationPayload;
  isSignatureValid: boolean;
}

interface DeliveryRecord {
  id: number;
  delivery_id: string;
  clinic_slug: string;
  url: string;
  payload: string;
  signing_secret: string | null;
  status: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
}

type Documents = {
  findFirst(params: object): Promise<{ documentId: string } | null>;
  create(params: object): Promise<{ documentId: string }>;
  update(params: object): Promise<unknown>;
  publish(params: object): Promise<unknown>;
  unpublish(params: object): Promise<unknown>;
  delete(params: object): Promise<unknown>;
};

let app: TestApp;
let receiver: Server;
let receiverUrl = '';
const received: Received[] = [];
/** Per path, the statuses the receiver answers with next (then 200). */
const scripts = new Map<string, number[]>();
/** Rows written before the current test. */
let since = 0;

const documents = (uid: string) => app.strapi.documents(uid as never) as unknown as Documents;
const deliveries = () => app.strapi.db.connection(DELIVERIES_TABLE);

function isSigned(headers: IncomingHttpHeaders, body: string, secret: string | undefined): boolean {
  const timestamp = headers['x-revalidation-timestamp'];
  const signature = headers['x-revalidation-signature'];
  if (secret === undefined || typeof timestamp !== 'string' || typeof signature !== 'string') return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function startReceiver(): Promise<void> {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ path, headers: request.headers, body, payload: JSON.parse(body) as RevalidationPayload, isSignatureValid: isSigned(request.headers, body, SECRETS[path]) });
      const status = scripts.get(path)?.shift() ?? 200;
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'revalidated' : 'receiver says no');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Rows written since the current test began, oldest first. */
async function newRows(): Promise<DeliveryRecord[]> {
  const rows = (await deliveries().select('*').where('id', '>', since).orderBy('id')) as DeliveryRecord[];
  return rows.map((row) => ({ ...row, attempts: Number(row.attempts), last_status: row.last_status === null ? null : Number(row.last_status) }));
}

/** Waits until no row is pending any more. */
async function settle(): Promise<DeliveryRecord[]> {
  await waitFor('every delivery to be sent', async () => Number(((await deliveries().count({ n: '*' }).where('status', 'pending')) as Array<{ n: number | string }>)[0]?.n) === 0);
  return newRows();
}

async function documentId(uid: string, slug: string): Promise<string> {
  const entry = await documents(uid).findFirst({ filters: { slug }, locale: 'en' });
  if (entry === null) throw new Error(`no ${uid} ${slug}`);
  return entry.documentId;
}

const bySlug = (rows: DeliveryRecord[]) => Object.fromEntries(rows.map((row) => [row.clinic_slug, row]));
const requestsTo = (path: string) => received.filter((request) => request.path === path);

beforeAll(async () => {
  await startReceiver();
  app = await startApp({
    isListening: true,
    environment: {
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      REVALIDATION_POLL_MS: '100',
      REVALIDATION_RETRY_BASE_MS: '50',
      REVALIDATION_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      REVALIDATION_TIMEOUT_MS: '3000',
    },
  });
  await runSeed({ strapi: app.strapi });
  const clinics = documents('api::clinic.clinic');
  const northside = await documentId('api::clinic.clinic', 'northside-physio');
  await clinics.update({
    documentId: northside,
    locale: 'en',
    data: { locales: ['en', 'fr-CA'], revalidationUrl: `${receiverUrl}/northside`, revalidationSecret: SECRETS['/northside'] },
  });
  await clinics.publish({ documentId: northside, locale: 'en' });
  const rive = await clinics.create({
    locale: 'en',
    data: {
      name: 'Clinique Rive Gauche',
      slug: 'rive-gauche',
      phone: '+49 30 5550 1234',
      email: 'praxis@rive-gauche.example',
      address: { street: 'Uferstraße 5', city: 'Berlin', country: 'DE' },
      locales: ['de'],
      revalidationUrl: `${receiverUrl}/rive-gauche`,
      revalidationSecret: SECRETS['/rive-gauche'],
    },
  });
  await clinics.publish({ documentId: rive.documentId, locale: 'en' });
  await settle();
}, 240000);

beforeEach(async () => {
  await settle();
  received.length = 0;
  scripts.clear();
  since = Number(((await deliveries().max({ id: 'id' })) as Array<{ id: number | string | null }>)[0]?.id ?? 0);
});

afterAll(async () => {
  await app?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('on publish', () => {
  it('sends one signed POST to each clinic whose locales show the change, and nothing to a clinic without a URL', async () => {
    const technique = await documentId('api::technique.technique', MRT);
    await documents('api::technique.technique').publish({ documentId: technique, locale: 'en' });

    // Written with the publish: there when the call returns.
    const rows = await newRows();
    expect(rows.map((row) => row.clinic_slug).sort()).toEqual(['northside-physio', 'rive-gauche']);
    await settle();
    expect(requestsTo('/northside')).toHaveLength(1);
    expect(requestsTo('/rive-gauche')).toHaveLength(1);

    const [northside] = requestsTo('/northside');
    expect(northside?.isSignatureValid).toBe(true);
    expect(northside?.headers['content-type']).toBe('application/json');
    expect(northside?.headers['user-agent']).toBe('clinic-content-revalidation/1');
    expect(northside?.headers['x-revalidation-id']).toBe(bySlug(rows)['northside-physio']?.delivery_id);
    expect(Math.abs(Number(northside?.headers['x-revalidation-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(northside?.payload).toMatchObject({
      event: 'publish',
      deliveryId: northside?.headers['x-revalidation-id'],
      clinic: { slug: 'northside-physio' },
      entries: [{ type: 'technique', slug: MRT, locales: ['en', 'fr-CA'] }],
    });
    expect(new Date(northside?.payload.occurredAt ?? '').getTime()).toBeGreaterThan(Date.now() - 60000);
    // The pages that list the technique: the conditions it treats, its provider types, …
    expect(northside?.payload.related).toEqual(expect.arrayContaining([{ type: 'condition', slug: 'back-pain' }]));
    expect(northside?.payload.related).not.toContainEqual({ type: 'technique', slug: MRT });

    const [rive] = requestsTo('/rive-gauche');
    expect(rive?.isSignatureValid).toBe(true);
    expect(rive?.payload).toMatchObject({ event: 'publish', clinic: { slug: 'rive-gauche' }, entries: [{ type: 'technique', slug: MRT, locales: ['de'] }] });
    expect(received.every((request) => request.path !== '/harbour')).toBe(true);
  });

  it('tells only the clinics with a locale whose fallback chain reaches the published locale', async () => {
    const technique = await documentId('api::technique.technique', MRT);
    await documents('api::technique.technique').publish({ documentId: technique, locale: 'fr' });

    const rows = await settle();
    // fr-CA falls back to fr; de does not.
    expect(rows.map((row) => row.clinic_slug)).toEqual(['northside-physio']);
    expect(requestsTo('/northside').map((request) => request.payload.entries)).toEqual([[{ type: 'technique', slug: MRT, locales: ['fr-CA'] }]]);
    expect(requestsTo('/rive-gauche')).toHaveLength(0);
  });

  it('tells a clinic of its own publish, and no other clinic', async () => {
    const clinic = await documentId('api::clinic.clinic', 'northside-physio');
    await documents('api::clinic.clinic').publish({ documentId: clinic, locale: 'en' });

    const rows = await settle();
    expect(rows.map((row) => row.clinic_slug)).toEqual(['northside-physio']);
    expect(requestsTo('/northside').map((request) => request.payload)).toEqual([
      expect.objectContaining({ event: 'publish', entries: [{ type: 'clinic', slug: 'northside-physio', locales: ['en', 'fr-CA'] }], related: [] }),
    ]);
  });
});

describe('on unpublish and delete', () => {
  it('sends unpublish with the locales that stopped being served and the pages that listed the entry', async () => {
    const condition = await documentId('api::condition.condition', 'back-pain');
    await documents('api::condition.condition').unpublish({ documentId: condition, locale: 'en' });
    const rows = await settle();
    await documents('api::condition.condition').publish({ documentId: condition, locale: 'en' });

    expect(rows.map((row) => [row.clinic_slug, row.status]).sort()).toEqual([['northside-physio', 'delivered'], ['rive-gauche', 'delivered']]);
    const [northside] = requestsTo('/northside');
    expect(northside?.isSignatureValid).toBe(true);
    expect(northside?.payload).toMatchObject({ event: 'unpublish', entries: [{ type: 'condition', slug: 'back-pain', locales: ['en', 'fr-CA'] }] });
    expect(northside?.payload.related).toContainEqual({ type: 'technique', slug: MRT });
    expect(requestsTo('/rive-gauche')[0]?.payload.entries).toEqual([{ type: 'condition', slug: 'back-pain', locales: ['de'] }]);
  });

  it('sends delete for a published document deleted in all its locales', async () => {
    const benefits = documents('api::benefit.benefit');
    const created = await benefits.create({ locale: 'en', data: { name: 'Better posture', slug: 'better-posture', summary: 'Standing and sitting more upright.' } });
    await benefits.publish({ documentId: created.documentId, locale: 'en' });
    await settle();
    received.length = 0;

    await benefits.delete({ documentId: created.documentId, locale: '*' });
    await settle();
    expect(requestsTo('/northside').map((request) => [request.payload.event, request.payload.entries])).toEqual([
      ['delete', [{ type: 'benefit', slug: 'better-posture', locales: ['en', 'fr-CA'] }]],
    ]);
    expect(requestsTo('/northside')[0]?.isSignatureValid).toBe(true);
    expect(requestsTo('/rive-gauche').map((request) => request.payload.event)).toEqual(['delete']);
  });

  it('sends nothing when a document that was never published is deleted', async () => {
    const benefits = documents('api::benefit.benefit');
    const created = await benefits.create({ locale: 'en', data: { name: 'Deeper sleep', slug: 'deeper-sleep', summary: 'Sleeping through the night.' } });
    await benefits.delete({ documentId: created.documentId, locale: '*' });

    expect(await newRows()).toEqual([]);
  });
});

describe('transactions', () => {
  it('sends nothing for a publish whose transaction rolls back', async () => {
    const technique = await documentId('api::technique.technique', MRT);
    await expect(
      app.strapi.db.transaction(async () => {
        await documents('api::technique.technique').publish({ documentId: technique, locale: 'en' });
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');

    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await newRows()).toEqual([]);
    expect(received).toEqual([]);
  });

  it('announces writes of an outer transaction once it commits, one request per clinic for all of them', async () => {
    const technique = await documentId('api::technique.technique', MRT);
    const condition = await documentId('api::condition.condition', 'shoulder-pain');
    await app.strapi.db.transaction(async () => {
      await documents('api::technique.technique').publish({ documentId: technique, locale: 'en' });
      await documents('api::condition.condition').publish({ documentId: condition, locale: 'en' });
    });

    await settle();
    expect(requestsTo('/northside')).toHaveLength(1);
    expect(requestsTo('/northside')[0]?.payload.entries).toEqual([
      { type: 'technique', slug: MRT, locales: ['en', 'fr-CA'] },
      { type: 'condition', slug: 'shoulder-pain', locales: ['en', 'fr-CA'] },
    ]);
    expect(requestsTo('/northside')[0]?.isSignatureValid).toBe(true);
  });
});

describe('delivery', () => {
  it('retries a receiver that fails twice and records the attempts once it answers 2xx', async () => {
    scripts.set('/rive-gauche', [500, 500]);
    const technique = await documentId('api::technique.technique', MRT);
    await documents('api::technique.technique').publish({ documentId: technique, locale: 'en' });

    const rive = bySlug(await settle())['rive-gauche'];
    expect(rive).toMatchObject({ status: 'delivered', attempts: 3, last_status: 200, last_error: null, signing_secret: null });
    const attempts = requestsTo('/rive-gauche');
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((request) => request.headers['x-revalidation-id']))).toEqual(new Set([rive?.delivery_id]));
    expect(attempts.every((request) => request.isSignatureValid)).toBe(true);
  });

  it('gives up after the last attempt, marks the delivery failed and logs an error naming clinic and URL', async () => {
    scripts.set('/rive-gauche', Array.from({ length: MAX_ATTEMPTS }, () => 503));
    const errors = jest.spyOn(app.strapi.log, 'error');
    const warnings = jest.spyOn(app.strapi.log, 'warn');
    try {
      const technique = await documentId('api::technique.technique', MRT);
      await documents('api::technique.technique').publish({ documentId: technique, locale: 'en' });

      const rive = bySlug(await settle())['rive-gauche'];
      expect(rive).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, last_status: 503, last_error: 'HTTP 503: receiver says no', signing_secret: null });
      expect(requestsTo('/rive-gauche')).toHaveLength(MAX_ATTEMPTS);
      const logged = errors.mock.calls.map(([message]) => String(message));
      expect(logged).toContainEqual(expect.stringContaining(`Revalidation of clinic "rive-gauche" at ${receiverUrl}/rive-gauche failed for good after ${MAX_ATTEMPTS} attempts: HTTP 503`));
      expect(warnings.mock.calls.filter(([message]) => String(message).includes('"rive-gauche"'))).toHaveLength(MAX_ATTEMPTS - 1);
      expect([...errors.mock.calls, ...warnings.mock.calls].join('\n')).not.toContain(SECRETS['/rive-gauche']);
    } finally {
      errors.mockRestore();
      warnings.mockRestore();
    }
  });

  it('finishes a delivery another instance left pending when its lease ran out', async () => {
    const payload = JSON.stringify({ event: 'publish', deliveryId: '00000000-0000-4000-8000-000000000002', occurredAt: new Date().toISOString(), clinic: { slug: 'northside-physio' }, entries: [], related: [] });
    await deliveries().insert({
      delivery_id: '00000000-0000-4000-8000-000000000002',
      clinic_document_id: await documentId('api::clinic.clinic', 'northside-physio'),
      clinic_slug: 'northside-physio',
      url: `${receiverUrl}/northside`,
      payload,
      signing_secret: SECRETS['/northside'],
      status: 'pending',
      attempts: 1,
      next_attempt_at: Date.now() - 60000,
      // Claimed by an instance that stopped mid-request: its lease is over.
      locked_until: Date.now() - 1000,
      created_at: Date.now() - 60000,
    });

    const [row] = await settle();
    expect(row).toMatchObject({ delivery_id: '00000000-0000-4000-8000-000000000002', status: 'delivered', attempts: 2 });
    expect(requestsTo('/northside').map((request) => [request.body, request.isSignatureValid])).toEqual([[payload, true]]);
  });

  it('lets only one of two instances racing for a due row claim it', async () => {
    // Due only for the racers' clock: this process's own worker never sees it due.
    const later = Date.now() + 3600000;
    await deliveries().insert({
      delivery_id: '00000000-0000-4000-8000-000000000001',
      clinic_document_id: 'race',
      clinic_slug: 'race',
      url: `${receiverUrl}/race`,
      payload: '{}',
      signing_secret: 'race-signing-secret-0000',
      status: 'pending',
      attempts: 0,
      next_attempt_at: later,
      locked_until: 0,
      created_at: later,
    });
    try {
      const claim = () => claimDelivery(app.strapi, { deliveryId: '00000000-0000-4000-8000-000000000001', attempts: 0, now: later + 1, leaseMs: 60000 });
      const claims = await Promise.all([claim(), claim()]);
      expect(claims.filter((taken) => taken !== null)).toHaveLength(1);
      expect(await claim()).toBeNull();
    } finally {
      await deliveries().where({ delivery_id: '00000000-0000-4000-8000-000000000001' }).delete();
    }
  });

  it('records a clinic with a URL but no secret as failed, with the reason, and sends nothing', async () => {
    const clinics = documents('api::clinic.clinic');
    const harbour = await documentId('api::clinic.clinic', 'harbour-chiro');
    // A partial update cannot see the stored secret, so the format check lets it through.
    await clinics.update({ documentId: harbour, locale: 'en', data: { revalidationUrl: `${receiverUrl}/harbour` } });
    await clinics.publish({ documentId: harbour, locale: 'en' });
    try {
      const rows = await settle();
      expect(rows.map((row) => [row.clinic_slug, row.status, row.attempts])).toEqual([['harbour-chiro', 'failed', 0]]);
      expect(rows[0]?.last_error).toContain('no revalidation secret');
      expect(requestsTo('/harbour')).toEqual([]);
    } finally {
      await clinics.update({ documentId: harbour, locale: 'en', data: { revalidationUrl: null } });
      await clinics.publish({ documentId: harbour, locale: 'en' });
    }
  });
});

describe('clinic settings', () => {
  const update = async (data: object) => {
    const harbour = await documentId('api::clinic.clinic', 'harbour-chiro');
    return documents('api::clinic.clinic').update({ documentId: harbour, locale: 'en', data });
  };

  it('refuses a revalidation URL that is not an absolute http(s) URL', async () => {
    await expect(update({ revalidationUrl: 'ftp://harbour-chiro.example/hook', revalidationSecret: 'harbour-signing-secret-42' })).rejects.toThrow(
      'revalidationUrl "ftp://harbour-chiro.example/hook" is not an absolute http(s) URL',
    );
  });

  it('refuses a secret shorter than 16 characters without repeating it', async () => {
    const refusal = update({ revalidationUrl: 'https://harbour-chiro.example/hook', revalidationSecret: 'tooshort' });
    await expect(refusal).rejects.toThrow('revalidationSecret must be at least 16 characters');
    await expect(refusal).rejects.not.toThrow('tooshort');
  });

  it('refuses a URL with an empty secret, on the secret field', async () => {
    const error = (await update({ revalidationUrl: 'https://harbour-chiro.example/hook', revalidationSecret: '' }).catch((caught: unknown) => caught)) as {
      message: string;
      details: { errors: Array<{ path: string[] }> };
    };
    expect(error.message).toContain('revalidationSecret is needed when revalidationUrl is set');
    expect(error.details.errors[0]?.path).toEqual(['revalidationSecret']);
  });
});

interface RouteBody {
  data?: { clinics: Array<{ slug: string; name: string; url: string | null; isConfigured: boolean }>; deliveries: DeliveryView[] };
  error?: { code: string; message: string };
}

describe('GET /editor/revalidation', () => {
  const get = async (query: string, token?: string) => {
    const response = await fetch(`${app.baseUrl}/editor/revalidation${query}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
    const text = await response.text();
    return { status: response.status, cacheControl: response.headers.get('cache-control'), text, body: JSON.parse(text) as RouteBody };
  };
  let token = '';

  beforeAll(async () => {
    const login = await fetch(`${app.baseUrl}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    token = ((await login.json()) as { data: { token: string } }).data.token;
  });

  it('answers 401 without an admin token or with a bad one', async () => {
    for (const attempt of [await get(''), await get('', 'not-a-token')]) {
      expect([attempt.status, attempt.body.error?.code, attempt.cacheControl]).toEqual([401, 'UNAUTHENTICATED', 'no-store']);
    }
  });

  it('shows editors the clinics and the failed delivery with its last error, never a secret', async () => {
    const response = await get('?status=failed', token);
    expect(response.status).toBe(200);
    expect(response.cacheControl).toBe('no-store');
    expect(response.body.data?.clinics).toEqual([
      { slug: 'harbour-chiro', name: 'Harbour Chiropractic & Wellness', url: null, isConfigured: false },
      { slug: 'montreal-physio', name: 'Physio Montréal', url: null, isConfigured: false },
      { slug: 'northside-physio', name: 'Northside Physiotherapy & Massage', url: `${receiverUrl}/northside`, isConfigured: true },
      { slug: 'rive-gauche', name: 'Clinique Rive Gauche', url: `${receiverUrl}/rive-gauche`, isConfigured: true },
    ]);
    const failed = response.body.data?.deliveries.find((delivery) => delivery.clinic === 'rive-gauche');
    expect(failed).toEqual({
      id: expect.any(String),
      clinic: 'rive-gauche',
      url: `${receiverUrl}/rive-gauche`,
      event: 'publish',
      entries: [{ type: 'technique', slug: MRT, locales: ['de'] }],
      status: 'failed',
      attempts: MAX_ATTEMPTS,
      lastStatus: 503,
      lastError: 'HTTP 503: receiver says no',
      createdAt: expect.any(String),
      deliveredAt: null,
      nextAttemptAt: null,
    });
    expect(response.body.data?.deliveries.every((delivery) => delivery.status === 'failed')).toBe(true);
    for (const secret of Object.values(SECRETS)) expect(response.text).not.toContain(secret);
  });

  it('lists the most recent deliveries first when no status is asked for', async () => {
    const response = await get('', token);
    const created = response.body.data?.deliveries.map((delivery) => delivery.createdAt) ?? [];
    expect(created.length).toBeGreaterThan(1);
    expect([...created].sort().reverse()).toEqual(created);
    expect(response.body.data?.deliveries[0]).toMatchObject({ status: expect.stringMatching(/^(pending|delivered|failed)$/) });
  });

  it('shows editors the clinic\'s revalidation settings in the admin, where they set them', async () => {
    const northside = await documentId('api::clinic.clinic', 'northside-physio');
    const response = await fetch(`${app.baseUrl}/content-manager/collection-types/api::clinic.clinic/${northside}?locale=en`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { data: Record<string, unknown> };
    expect(body.data).toMatchObject({ revalidationUrl: `${receiverUrl}/northside`, revalidationSecret: SECRETS['/northside'] });
  });

  it.each([['?status=lost'], ['?clinic=rive-gauche'], ['?status=failed&status=pending']])('refuses %s with BAD_USER_INPUT', async (query) => {
    const response = await get(query, token);
    expect([response.status, response.body.error?.code]).toEqual([400, 'BAD_USER_INPUT']);
  });
});
