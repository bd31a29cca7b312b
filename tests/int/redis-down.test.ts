/**
 * Redis going away: the service keeps answering with no client error, caches in its own memory for a
 * short while, counts rate limits itself, says so once in the log, and uses Redis again once it is back.
 */
import { randomBytes } from 'crypto';
import { createClinicKey } from '../../src/clinics/keys';
import { runSeed } from '../../src/seed';
import { CuttableProxy } from '../helpers/proxy';
import { dropRedisPrefix } from '../helpers/redis';
import { startApp, type TestApp } from '../helpers/strapi';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `test-down-${randomBytes(6).toString('hex')}`;
let app: TestApp;
let proxy: CuttableProxy;
let key: string;

const ask = async (query = '{ clinic { name } }') => {
  const response = await fetch(`${app.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, cache: response.headers.get('x-cache'), json: (await response.json()) as any };
};

beforeAll(async () => {
  const redis = new URL(REDIS_URL);
  proxy = new CuttableProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
  await proxy.open();
  app = await startApp({
    isListening: true,
    environment: { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_PREFIX: PREFIX, RATE_LIMIT_PER_MINUTE: '40', RESPONSE_CACHE_FALLBACK_MS: '60000' },
  });
  await runSeed({ strapi: app.strapi });
  key = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
});

afterAll(async () => {
  await app?.stop();
  await proxy?.cut();
  await dropRedisPrefix(REDIS_URL, PREFIX);
});

it('falls back to its own cache and rate limits with a warning, no client errors, and returns to Redis', async () => {
  expect((await ask()).cache).toBe('MISS');
  expect((await ask()).cache).toBe('HIT');
  const warn = jest.spyOn(app.strapi.log, 'warn');

  await proxy.cut();
  const during = [];
  for (let index = 0; index < 6; index += 1) during.push(await ask('{ clinic { slug name } }'));
  expect(during.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
  expect(during.map((answer) => answer.json.data.clinic.slug)).toEqual(Array(6).fill('northside-physio'));
  // Answered from this instance's own cache once Redis is known to be gone.
  expect(during.slice(2).map((answer) => answer.cache)).toContain('HIT');
  expect(warn.mock.calls.map(([message]) => String(message)).join('\n')).toMatch(/Redis at REDIS_URL is unreachable/);

  // Rate limits are counted here meanwhile (from zero): 40 a minute, of which 6 are spent.
  const statuses = [];
  for (let index = 0; index < 40; index += 1) statuses.push((await ask()).status);
  expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
  expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);

  await proxy.open();
  const back = Date.now();
  let answer = await ask('{ clinic { email } }');
  while (Date.now() - back < 10000 && (answer.status !== 200 || answer.cache !== 'MISS')) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    answer = await ask(`{ clinic { email phone } }`);
  }
  expect(answer.status).toBe(200);
});
