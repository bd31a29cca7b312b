/**
 * Rate limits per clinic key: 429 with Retry-After and RATE_LIMITED, each key its own budget, a clinic's
 * own limit, cache hits counted too; shared through Redis, and counted locally while Redis is down.
 */
import { randomBytes } from 'crypto';
import { createClinicKey } from '../../src/clinics/keys';
import { createRateLimiter } from '../../src/graphql/rate-limit';
import { runSeed } from '../../src/seed';
import { Redis } from 'ioredis';
import { dropRedisPrefix } from '../helpers/redis';
import { startApp, type TestApp } from '../helpers/strapi';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
let app: TestApp;

async function ask(key: string, init: { method?: 'GET' | 'POST' } = {}) {
  const query = '{ clinic { name } }';
  const response =
    init.method === 'GET'
      ? await fetch(`${app.baseUrl}/graphql?${new URLSearchParams({ query })}`, { headers: { authorization: `Bearer ${key}`, 'apollo-require-preflight': 'true' } })
      : await fetch(`${app.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });
  return { status: response.status, headers: response.headers, json: (await response.json()) as any };
}

beforeAll(async () => {
  app = await startApp({ isListening: true, environment: { RATE_LIMIT_PER_MINUTE: '5' } });
  await runSeed({ strapi: app.strapi });
});

afterAll(async () => {
  await app?.stop();
});

describe('rate limits per clinic key', () => {
  it('answers the request over the limit with 429, Retry-After and RATE_LIMITED; another key has its own budget', async () => {
    const key = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
    const statuses: number[] = [];
    for (let index = 0; index < 5; index += 1) statuses.push((await ask(key, { method: index % 2 === 0 ? 'GET' : 'POST' })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const refused = await ask(key, { method: 'GET' }); // a cache hit by now, still counted
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(refused.json.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect((await ask(key)).status).toBe(429);

    const other = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
    expect((await ask(other)).status).toBe(200);
  });

  it("uses a clinic's own limit when an admin set one (0: none)", async () => {
    const clinics = app.strapi.documents('api::clinic.clinic') as unknown as {
      findFirst(params: object): Promise<{ documentId: string }>;
      update(params: object): Promise<unknown>;
      publish(params: object): Promise<unknown>;
    };
    const harbour = await clinics.findFirst({ filters: { slug: 'harbour-chiro' }, locale: 'en' });
    // Saved and published, as other clinic data: the published value is the one in force.
    await clinics.update({ documentId: harbour.documentId, locale: 'en', data: { rateLimitPerMinute: 0 } });
    await clinics.publish({ documentId: harbour.documentId, locale: 'en' });
    const key = (await createClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', kind: 'public' })).key;
    for (let index = 0; index < 8; index += 1) expect((await ask(key)).status).toBe(200);

    await clinics.update({ documentId: harbour.documentId, locale: 'en', data: { rateLimitPerMinute: 2 } });
    await clinics.publish({ documentId: harbour.documentId, locale: 'en' });
    const statuses = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await ask(key)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe('rate limits across instances', () => {
  const log = { warn: jest.fn(), info: jest.fn(), error: jest.fn() };
  const strapi = { log } as never;

  it('count in Redis, so two instances share one budget', async () => {
    const prefix = `test-rl-${randomBytes(6).toString('hex')}`;
    const [a, b] = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
    try {
      await Promise.all([a.ping(), b.ping()]);
      const one = createRateLimiter({ strapi, redis: a, prefix, defaultPerMinute: 4 });
      const two = createRateLimiter({ strapi, redis: b, prefix, defaultPerMinute: 4 });
      const allowed = [];
      for (const limiter of [one, two, one, two, one, two]) allowed.push((await limiter.take('key-1', null))?.allowed);
      expect(allowed).toEqual([true, true, true, true, false, false]);
    } finally {
      await Promise.all([a.quit(), b.quit()]);
      await dropRedisPrefix(REDIS_URL, prefix);
    }
  });

  it('count in this instance, with a warning and no error, while Redis is unreachable', async () => {
    const down = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    down.on('error', () => undefined);
    try {
      const limiter = createRateLimiter({ strapi, redis: down, prefix: 'unreachable', defaultPerMinute: 2 });
      const allowed = [];
      for (let index = 0; index < 3; index += 1) allowed.push((await limiter.take('key-2', null))?.allowed);
      expect(allowed).toEqual([true, true, false]);
      expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('Redis is unreachable'));
    } finally {
      down.disconnect();
    }
  });
});
