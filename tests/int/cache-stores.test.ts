/**
 * The stores' promise, on both: a response computed before a purge that touched its tags is never
 * stored, whoever purged (another connection stands in for another instance).
 */
import { randomBytes } from 'crypto';
import { Redis } from 'ioredis';
import { dropRedisPrefix } from '../helpers/redis';
import { createMemoryStore, createRedisStore, type CachedResponse, type ResponseStore } from '../../src/cache/store';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const response = (body: string, tags: string[]): CachedResponse => ({ body, etag: `"${body}"`, tags, storedAt: Date.now() });

const connections: Redis[] = [];
const prefixes: string[] = [];
afterAll(async () => {
  await Promise.all(connections.map((redis) => redis.quit()));
  for (const prefix of prefixes) await dropRedisPrefix(REDIS_URL, prefix);
});

function redisPair(): [ResponseStore, ResponseStore] {
  const prefix = `test-store-${randomBytes(6).toString('hex')}`;
  prefixes.push(prefix);
  const a = new Redis(REDIS_URL);
  const b = new Redis(REDIS_URL);
  connections.push(a, b);
  return [createRedisStore({ redis: a, prefix, ttlSeconds: 60 }), createRedisStore({ redis: b, prefix, ttlSeconds: 60 })];
}

describe.each([
  ['memory', (): [ResponseStore, ResponseStore] => {
    const store = createMemoryStore(1024 * 1024);
    return [store, store];
  }],
  ['redis', redisPair],
])('the %s store', (_name, make) => {
  it('stores and answers, and a purge removes exactly the tagged responses', async () => {
    const [a, b] = make();
    await a.set('page', response('page', ['technique:1:en', 'clinic:9']), await a.ticket());
    await a.set('other', response('other', ['technique:2:en', 'clinic:9']), await a.ticket());
    expect((await b.get('page'))?.body).toBe('page');
    await b.purge(['technique:1:en']);
    expect(await a.get('page')).toBeUndefined();
    expect((await a.get('other'))?.body).toBe('other');
  });

  it('refuses a response computed before a purge of one of its tags, and accepts one untouched by it', async () => {
    const [a, b] = make();
    const ticket = await a.ticket();
    // ...the response is being computed from old data when another writer purges what it read...
    await b.purge(['technique:1:en']);
    expect(await a.set('late', response('late', ['technique:1:en']), ticket)).toBe(false);
    expect(await a.get('late')).toBeUndefined();
    expect(await a.set('unrelated', response('unrelated', ['technique:2:en']), ticket)).toBe(true);
    expect(await a.set('fresh', response('fresh', ['technique:1:en']), await a.ticket())).toBe(true);
  });
});

it('the memory store keeps within its byte bound, dropping the least recently used', async () => {
  const store = createMemoryStore(64 * 1024);
  for (let index = 0; index < 100; index += 1) await store.set(`k${index}`, response('x'.repeat(4000), [`t:${index}`]), await store.ticket());
  const stats = store.stats();
  expect(stats?.bytes).toBeLessThanOrEqual(64 * 1024);
  expect(await store.get('k0')).toBeUndefined();
  expect(await store.get('k99')).toBeDefined();
});
