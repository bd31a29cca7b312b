/**
 * Automatic persisted queries are registered on every path, the response cache's hits included, and
 * kept in Redis when REDIS_URL is set (the multi-instance suite checks that another instance knows
 * them: tests/int/processes/multi-instance.ts).
 */
import { createHash, randomBytes } from 'crypto';
import { createClinicKey } from '../../src/clinics/keys';
import { runSeed } from '../../src/seed';
import { send } from '../helpers/graphql';
import { dropRedisPrefix } from '../helpers/redis';
import { startApp, type TestApp } from '../helpers/strapi';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REDIS_PREFIX = `test-apq-${randomBytes(6).toString('hex')}`;

let app: TestApp;
const keys: Record<'northside' | 'harbour', string> = { northside: '', harbour: '' };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(query) } });

beforeAll(async () => {
  app = await startApp({ isListening: true, environment: { RESPONSE_CACHE: 'on', REDIS_URL, REDIS_PREFIX } });
  await runSeed({ strapi: app.strapi });
  keys.northside = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
  keys.harbour = (await createClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', kind: 'public' })).key;
});

afterAll(async () => {
  await app?.stop();
  await dropRedisPrefix(REDIS_URL, REDIS_PREFIX);
});

describe('persisted-query registration', () => {
  it('registers a document whose registering POST was answered from the response cache', async () => {
    const query = 'query RegisteredFromCache { clinic { slug phone } }';
    const plain = await send(app, { key: keys.northside, body: { query } });
    expect([plain.status, plain.headers.get('x-cache')]).toEqual([200, 'MISS']);
    const registering = await send(app, { key: keys.northside, body: { query, extensions: persisted(query) } });
    expect([registering.status, registering.headers.get('x-cache')]).toEqual([200, 'HIT']);

    const byHash = await send(app, { method: 'GET', key: keys.northside, params: { extensions: persisted(query) } });
    expect(byHash.body?.errors).toBeUndefined();
    expect(byHash.status).toBe(200);
    expect(byHash.body?.data).toEqual(plain.body?.data);
  });

  it("knows a document registered with one clinic's key when another clinic asks for it by hash", async () => {
    const query = 'query RegisteredAcrossClinics { clinic { slug name } }';
    await send(app, { key: keys.northside, body: { query, extensions: persisted(query) } });
    const byHash = await send(app, { method: 'GET', key: keys.harbour, params: { extensions: persisted(query) } });
    expect([byHash.status, byHash.body?.errors]).toEqual([200, undefined]);
    expect(byHash.body?.data).toEqual({ clinic: { slug: 'harbour-chiro', name: 'Harbour Chiropractic & Wellness' } });
  });

  it('still answers an unknown hash with PERSISTED_QUERY_NOT_FOUND', async () => {
    const answer = await send(app, { method: 'GET', key: keys.northside, params: { extensions: persisted('query NeverSent { clinic { slug } }') } });
    expect([answer.status, answer.body?.errors?.map((error) => error.extensions?.code)]).toEqual([200, ['PERSISTED_QUERY_NOT_FOUND']]);
  });
});
