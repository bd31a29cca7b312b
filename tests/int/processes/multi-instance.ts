/**
 * Several service processes on one PostgreSQL and one Redis (whichever database the rest of the suite
 * uses, this is about PostgreSQL): starting together, publishing through one and reading through
 * another, a long randomized run of edits and reads with no stale answer, persisted queries
 * registered on one instance known to the other, and each CDN purge sent once by one of them.
 */
import { execFile } from 'child_process';
import { createServer } from 'http';
import { createHash, randomBytes } from 'crypto';
import path from 'path';
import { promisify } from 'util';
import { Client } from 'pg';
import { Editor, startInstance, type Instance } from '../../../bench/instances';
import { edgeTag } from '../../../src/cdn/edge-tags';
import { entryTag } from '../../../src/content/tags';
import { dropRedisPrefix } from '../../helpers/redis';
import { ROOT, testSecrets } from '../../helpers/strapi';

jest.setTimeout(600000);

const BASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const NAME = `clinic_multi_${process.pid}_${randomBytes(4).toString('hex')}`;
const url = new URL(BASE_URL);
url.pathname = `/${NAME}`;

const TECHNIQUE = 'api::technique.technique';
const CONDITION = 'api::condition.condition';
const CLINIC = 'api::clinic.clinic';
const MRT = 'myofascial-release-therapy';
const PAGE = `query Page($slug: String!) { therapyPage(slug: $slug) { technique { name treats { slug } } clinic { phone } } }`;

const environment: Record<string, string> = {
  ...testSecrets(),
  DATABASE_URL: url.toString(),
  DATABASE_POOL_MIN: '0',
  DATABASE_POOL_MAX: '5',
  REDIS_URL,
  REDIS_PREFIX: `test-multi-${randomBytes(6).toString('hex')}`,
  SEED_ON_EMPTY: 'true',
  RATE_LIMIT_PER_MINUTE: '0',
};

let instances: Instance[] = [];

async function sql<T = Record<string, unknown>>(text: string): Promise<T[]> {
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

async function admin(text: string): Promise<void> {
  const client = new Client({ connectionString: BASE_URL });
  await client.connect();
  await client.query(text);
  await client.end();
}

async function startAll(names: string[], extra: Record<string, Record<string, string>> = {}): Promise<Instance[]> {
  instances = await Promise.all(names.map((name) => startInstance(name, { ...environment, ...(extra[name] ?? {}) })));
  return instances;
}

async function stopAll(): Promise<void> {
  await Promise.all(instances.map((instance) => instance.stop()));
  instances = [];
}

/** What must exist exactly once however many instances started. */
async function footprint() {
  const [counts] = await sql<Record<string, string>>(`select
      (select count(*) from techniques) as techniques,
      (select count(*) from conditions) as conditions,
      (select count(*) from clinics) as clinics,
      (select count(*) from i18n_locale) as locales,
      (select count(*) from admin_roles) as roles,
      (select count(*) from strapi_api_tokens) as tokens`);
  const duplicates = await sql(`select key, count(*) from strapi_core_store_settings group by key having count(*) > 1`);
  return { counts, duplicates };
}

async function createKey(): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'clinic-key.js'), 'create', 'northside-physio'], {
    cwd: ROOT,
    env: { ...process.env, ...environment, NODE_ENV: 'production', ENV_PATH: path.join(ROOT, 'bench', 'no.env'), LOG_LEVEL: 'error', SEED_ON_EMPTY: 'false' },
    encoding: 'utf8',
    timeout: 240000,
  });
  return stdout.trim().split('\n').pop() as string;
}

async function read(instance: Instance, key: string): Promise<{ body: any; cache: string | null }> {
  const response = await fetch(`${instance.base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: PAGE, variables: { slug: MRT } }),
  });
  return { body: await response.json(), cache: response.headers.get('x-cache') };
}

beforeAll(async () => {
  await admin(`CREATE DATABASE ${NAME}`);
});

afterAll(async () => {
  await stopAll();
  await admin(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`);
  await dropRedisPrefix(REDIS_URL, environment.REDIS_PREFIX as string);
});

describe('two instances on one PostgreSQL and one Redis', () => {
  it('start together on an empty database, then on the existing one, creating and importing everything once', async () => {
    await startAll(['a', 'b']);
    const first = await footprint();
    expect(first.duplicates).toEqual([]);
    // Rows, a draft and a published one per locale: techniques in en, es, fr, fr-CA; conditions in en, es,
    // fr; clinics: two in en, es, fr, fr-CA and Montréal's in en, fr, fr-CA; the five configured locales.
    expect(first.counts).toMatchObject({ techniques: '8', conditions: '36', clinics: '22', locales: '5' });
    await stopAll();

    await startAll(['a', 'b']);
    expect(await footprint()).toEqual(first);
    await stopAll();
  });

  it('serve a publish made through one instance from the other within 250 ms, and never a stale answer in 500 random steps', async () => {
    // c has no response cache: it answers from the database, so its answer is the truth to compare with.
    const [a, b, c] = await startAll(['a', 'b', 'c'], { c: { RESPONSE_CACHE: 'off' } });
    const key = await createKey();
    const editor = await Editor.signIn(a!.base, 'editor@example.com', 'Editor-passw0rd');
    const mrt = (await editor.find(a!.base, TECHNIQUE, MRT)).documentId;
    const clinic = (await editor.find(a!.base, CLINIC, 'northside-physio')).documentId;

    // Publish through a, read through b (whose cache holds the old answer).
    expect((await read(b!, key)).cache).toBe('MISS');
    expect((await read(b!, key)).cache).toBe('HIT');
    await editor.publish(a!.base, TECHNIQUE, mrt, { name: 'Myofascial Release Therapy (revised)' });
    const published = Date.now();
    let fresh = await read(b!, key);
    while (fresh.body.data?.therapyPage?.technique?.name !== 'Myofascial Release Therapy (revised)' && Date.now() - published < 1000) {
      fresh = await read(b!, key);
    }
    const freshAfter = Date.now() - published;
    expect(fresh.body.data.therapyPage.technique.name).toBe('Myofascial Release Therapy (revised)');
    expect(freshAfter).toBeLessThan(250);

    // The randomized run: writes through a or b, reads through a or b, each read compared with c's.
    const conditions = await Promise.all(
      ['fibromyalgia', 'back-pain', 'migraine-headaches'].map(async (slug) => ({ slug, documentId: (await editor.find(a!.base, CONDITION, slug)).documentId })),
    );
    let seed = 20261125;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
    const published_ = new Map(conditions.map((condition) => [condition.slug, true]));
    let name = 'Myofascial Release Therapy (revised)';
    let reads = 0;
    let stale = 0;
    const mismatches: string[] = [];
    for (let step = 0; step < 500; step += 1) {
      const via = pick([a!, b!]);
      const roll = random();
      if (roll < 0.12) {
        name = `Myofascial Release Therapy r${step}`;
        await editor.publish(via.base, TECHNIQUE, mrt, { name });
      } else if (roll < 0.2) {
        await editor.save(via.base, TECHNIQUE, mrt, { name: `Draft only ${step}` });
      } else if (roll < 0.3) {
        const condition = pick(conditions);
        if (published_.get(condition.slug)) await editor.unpublish(via.base, CONDITION, condition.documentId);
        else await editor.publish(via.base, CONDITION, condition.documentId);
        published_.set(condition.slug, !published_.get(condition.slug));
      } else if (roll < 0.34) {
        await editor.publish(via.base, CLINIC, clinic, { phone: `+1 604 555 ${String(1000 + step).slice(-4)}` });
      } else {
        const served = await read(via, key);
        const truth = await read(c!, key);
        reads += 1;
        const servedName = served.body.data?.therapyPage?.technique?.name;
        if (JSON.stringify(served.body) !== JSON.stringify(truth.body) || servedName !== name) {
          stale += 1;
          if (mismatches.length < 5) mismatches.push(`step ${step} via ${via.name} (${served.cache}): ${JSON.stringify(served.body)} vs ${JSON.stringify(truth.body)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(stale).toBe(0);
    expect(reads).toBeGreaterThan(250);
  });

  it('share persisted-query registrations: a hash registered through one instance is served by the other, even when the registering request was a cache hit', async () => {
    await stopAll();
    const [a, b] = await startAll(['a', 'b']);
    const key = await createKey();
    const ask = (instance: Instance, init: { method: 'GET' | 'POST'; body?: object; params?: Record<string, unknown> }) => {
      const search = new URLSearchParams(Object.entries(init.params ?? {}).map(([name, value]): [string, string] => [name, JSON.stringify(value)]));
      return fetch(`${instance.base}/graphql${init.method === 'GET' ? `?${search}` : ''}`, {
        method: init.method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'apollo-require-preflight': 'true' },
        body: init.method === 'POST' ? JSON.stringify(init.body) : undefined,
      }).then(async (response) => ({
        status: response.status,
        cache: response.headers.get('x-cache'),
        body: (await response.json()) as { data?: { clinic: { slug: string } }; errors?: unknown },
      }));
    };
    const hashOf = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } });

    const registered = 'query RegisteredOnA { clinic { slug name } }';
    expect((await ask(a!, { method: 'POST', body: { query: registered, extensions: hashOf(registered) } })).body.errors).toBeUndefined();
    const onB = await ask(b!, { method: 'GET', params: { extensions: hashOf(registered) } });
    expect([onB.status, onB.body.errors]).toEqual([200, undefined]);
    expect(onB.body.data?.clinic.slug).toBe('northside-physio');

    // Cached in Redis through a without a hash, "registered" through b as a cache hit, read by hash on a.
    const cached = 'query CachedThenRegistered { clinic { slug phone } }';
    expect((await ask(a!, { method: 'POST', body: { query: cached } })).cache).toBe('MISS');
    expect((await ask(b!, { method: 'POST', body: { query: cached, extensions: hashOf(cached) } })).cache).toBe('HIT');
    const onA = await ask(a!, { method: 'GET', params: { extensions: hashOf(cached) } });
    expect([onA.status, onA.body.errors]).toEqual([200, undefined]);
    expect(onA.body.data?.clinic.slug).toBe('northside-physio');
    await stopAll();
  });

  it('send each CDN purge once, whichever instance takes it', async () => {
    await stopAll();
    // A Varnish stand-in: records the keys of every PURGE it gets.
    const purges: string[][] = [];
    const receiver = createServer((request, response) => {
      if (request.method === 'PURGE') purges.push(String(request.headers.xkey ?? '').split(' '));
      request.resume();
      response.writeHead(200).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      // Both poll every 20 ms, so both reach for every due row (the first send, and its repeat 2 s later).
      const cdn = { VARNISH_PURGE_URLS: `http://127.0.0.1:${(receiver.address() as { port: number }).port}`, CDN_PURGE_POLL_MS: '20' };
      const [a] = await startAll(['a', 'b'], { a: cdn, b: cdn });
      const editor = await Editor.signIn(a!.base, 'editor@example.com', 'Editor-passw0rd');
      const mrt = (await editor.find(a!.base, TECHNIQUE, MRT)).documentId;
      const tag = edgeTag(entryTag(TECHNIQUE, mrt, 'en'));
      // What a seed at start purged (when this test runs alone) is not this test's business.
      for (let waited = 0; Number((await sql<{ count: string }>(`select count(*) from cdn_purges where status = 'pending'`))[0]?.count) > 0 && waited < 100; waited += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      purges.length = 0;
      for (let publish = 1; publish <= 3; publish += 1) {
        await editor.publish(a!.base, TECHNIQUE, mrt, { summary: `Summary ${publish}, purged at the edge once.` });
        await new Promise((resolve) => setTimeout(resolve, 2600));
        // Each publish: one purge and its repeat, never a second copy from the other instance.
        expect(purges.filter((keys) => keys.includes(tag))).toHaveLength(2 * publish);
      }
    } finally {
      await stopAll();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
