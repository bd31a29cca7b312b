/**
 * Several service processes on one PostgreSQL and one Redis (whichever database the rest of the suite
 * uses, this is about PostgreSQL): starting together, publishing through one and reading through
 * another, a long randomized run of edits and reads with no stale answer, persisted queries
 * registered on one instance known to the other, each CDN purge sent once by one of them, and a
 * clinic's change feed read through both in turn while both publish at once, and across a restart;
 * the audit trail kept as one chain; scheduled jobs run once each, whichever instance takes them.
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
import type { FeedChange } from '../../../src/sync/change';
import { FEED_TABLE } from '../../../src/sync/feed-table';
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

async function createKey(slug = 'northside-physio', options: string[] = []): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'clinic-key.js'), 'create', slug, ...options], {
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

const SEED_CONDITIONS = ['back-pain', 'fibromyalgia', 'migraine-headaches', 'myofascial-pain-syndrome', 'shoulder-pain', 'tissue-tightness-restricting-motion'];
const CHANGES = `query Changes($after: String, $first: Int!) {
  changes(after: $after, first: $first) {
    events { kind cursor occurredAt ... on PageChanged { type slug locales } ... on PageRemoved { type slug locale reason } ... on ClinicChanged { locales } }
    pageInfo { endCursor hasNextPage }
  }
}`;

/** One event of a clinic's change feed, every field the schema gives it. */
interface ChangeEvent {
  kind: 'PAGE_CHANGED' | 'PAGE_REMOVED' | 'CLINIC_CHANGED';
  cursor: string;
  occurredAt: string;
  type?: 'TECHNIQUE' | 'CONDITION';
  slug?: string;
  locales?: string[];
  locale?: string;
  reason?: string;
}

interface ChangeFeed {
  events: ChangeEvent[];
  pageInfo: { endCursor: string; hasNextPage: boolean };
}

/** A write of a page as the feed table recorded it: its row (the feed position it is told at) and the page. */
interface RecordedWrite {
  rowId: number;
  isDraft: boolean;
  type: 'TECHNIQUE' | 'CONDITION';
  slug: string;
  locales: string[];
}

async function ask<T>(instance: Instance, key: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${instance.base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors !== undefined || body.data === undefined) throw new Error(`${instance.name} answered ${response.status}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** Reads the feed from `after` to its end through one instance. */
async function readToEnd(instance: Instance, key: string, after: string): Promise<{ events: ChangeEvent[]; endCursor: string }> {
  const events: ChangeEvent[] = [];
  let cursor = after;
  for (let page = 0; page < 100; page += 1) {
    const { changes } = await ask<{ changes: ChangeFeed }>(instance, key, CHANGES, { after: cursor, first: 100 });
    events.push(...changes.events);
    cursor = changes.pageInfo.endCursor;
    if (!changes.pageInfo.hasNextPage) return { events, endCursor: cursor };
  }
  throw new Error(`the feed read through ${instance.name} did not end`);
}

/**
 * A site polling its feed from `after` while `isWriting()`, each poll through the other instance than
 * the last with the cursor the last one handed out, then once more to the end. One poll in two asks for
 * three events only, so that many of the cursors handed over point inside a row.
 */
async function pollInTurn(input: { instances: readonly Instance[]; key: string; after: string; isWriting: () => boolean }) {
  const events: ChangeEvent[] = [];
  let cursor = input.after;
  let pollsWhileWriting = 0;
  let eventsWhileWriting = 0;
  for (let poll = 0; ; poll += 1) {
    const isFinal = !input.isWriting();
    const via = input.instances[poll % input.instances.length] as Instance;
    const { changes } = await ask<{ changes: ChangeFeed }>(via, input.key, CHANGES, { after: cursor, first: poll % 2 === 0 ? 100 : 3 });
    events.push(...changes.events);
    cursor = changes.pageInfo.endCursor;
    if (isFinal && !changes.pageInfo.hasNextPage) return { events, endCursor: cursor, pollsWhileWriting, eventsWhileWriting };
    if (!isFinal) {
      pollsWhileWriting += 1;
      eventsWhileWriting += changes.events.length;
    }
  }
}

/** The feed row a cursor names (`f1.<row>[.<event>]`). */
const rowOf = (cursor: string): number => Number(cursor.split('.')[1]);

/** The writes of pages (publishes, and draft saves when `isDraftIncluded`) the feed table holds after a row, oldest first. */
async function writesAfter(rowId: number, isDraftIncluded: boolean): Promise<RecordedWrite[]> {
  const rows = await sql<{ id: string; is_draft: boolean; body: string }>(
    `select id, is_draft, body from ${FEED_TABLE} where id > ${rowId}${isDraftIncluded ? '' : ' and not is_draft'} order by id`,
  );
  return rows.flatMap((row): RecordedWrite[] => {
    const change = JSON.parse(row.body) as FeedChange;
    if (change.kind !== 'content' || change.entry === null) return [];
    const { entry } = change;
    return [{ rowId: Number(row.id), isDraft: row.is_draft, type: entry.type === 'techniques' ? 'TECHNIQUE' : 'CONDITION', slug: entry.slugs[0] ?? '', locales: entry.locales }];
  });
}

/** Is the write told at its own row, as a PAGE_CHANGED of its page in the locales it wrote? */
const isTold = (events: readonly ChangeEvent[], write: RecordedWrite): boolean =>
  events.some(
    (event) =>
      rowOf(event.cursor) === write.rowId &&
      event.kind === 'PAGE_CHANGED' &&
      event.type === write.type &&
      event.slug === write.slug &&
      write.locales.every((locale) => event.locales?.includes(locale)),
  );

describe("a clinic's change feed read through two instances", () => {
  let a: Instance;
  let b: Instance;
  /**
   * Montréal's keys (its site is in en, fr and fr-CA, so writes in en and in fr both reach its pages):
   * the live site's, and the preview's, which is told of the draft saved in the same transaction as each
   * publish, well before that transaction commits.
   */
  const keys = { live: '', preview: '' };
  let editor: Editor;
  let conditions: Array<{ slug: string; documentId: string }>;
  /** Each site's stored cursor, as it keeps it between reads. */
  const stored = { live: '', preview: '' };

  beforeAll(async () => {
    await stopAll();
    [a, b] = (await startAll(['a', 'b'])) as [Instance, Instance];
    [keys.live, keys.preview] = await Promise.all([createKey('montreal-physio'), createKey('montreal-physio', ['--preview'])]);
    editor = await Editor.signIn(a.base, 'editor@example.com', 'Editor-passw0rd');
    conditions = await Promise.all(SEED_CONDITIONS.map(async (slug) => ({ slug, documentId: (await editor.find(a.base, CONDITION, slug)).documentId })));
    // A site starts where the feed stands: what earlier tests wrote is read first (a cached manifest may be behind).
    for (const site of ['live', 'preview'] as const) {
      const { manifest } = await ask<{ manifest: { feedCursor: string } }>(a, keys[site], '{ manifest { feedCursor } }');
      stored[site] = (await readToEnd(a, keys[site], manifest.feedCursor)).endCursor;
    }
  });

  afterAll(stopAll);

  it('tell a site polling each instance in turn of every one of 24 publishes made through both at once, and each instance then reads the same events from its first cursor', async () => {
    const start = { ...stored };
    let isWriting = true;
    const polling = (['live', 'preview'] as const).map((site) => pollInTurn({ instances: [a, b], key: keys[site], after: start[site], isWriting: () => isWriting }));
    // Settled, so that a failing poll is reported after the writes rather than left unhandled.
    const polled = Promise.allSettled(polling);

    // Two publishes of each condition in en and in fr, half through a and half through b in each round:
    // twelve at a time, never two of one entry and locale at once.
    const ROUNDS = 2;
    const chains = conditions.flatMap((condition) => ['en', 'fr'].map((locale) => ({ ...condition, locale })));
    try {
      await Promise.all(
        chains.map(async (chain, index) => {
          for (let round = 0; round < ROUNDS; round += 1) {
            const via = (index + round) % 2 === 0 ? a : b;
            await editor.publish(via.base, CONDITION, chain.documentId, { summary: `${chain.slug} in ${chain.locale}, round ${round}, through ${via.name}.` }, chain.locale);
          }
        }),
      );
    } finally {
      isWriting = false;
    }
    const [live, preview] = (await polled).map((outcome) => {
      if (outcome.status === 'rejected') throw outcome.reason;
      return outcome.value;
    }) as [Awaited<ReturnType<typeof pollInTurn>>, Awaited<ReturnType<typeof pollInTurn>>];

    // Each publish is one row, and the draft saved with it another (previews only).
    const published = chains.flatMap((chain) => Array.from({ length: ROUNDS }, () => `${chain.slug} ${chain.locale}`)).sort();
    const writes = await writesAfter(Math.min(rowOf(start.live), rowOf(start.preview)), true);
    expect(writes.filter((write) => !write.isDraft).map((write) => `${write.slug} ${write.locales.join(',')}`).sort()).toEqual(published);
    expect(writes.filter((write) => write.isDraft).map((write) => `${write.slug} ${write.locales.join(',')}`).sort()).toEqual(published);

    for (const [site, read] of [['live', live], ['preview', preview]] as const) {
      const told = writes.filter((write) => write.rowId > rowOf(start[site]) && (site === 'preview' || !write.isDraft));
      expect({ site, untold: told.filter((write) => !isTold(read.events, write)) }).toEqual({ site, untold: [] });
      const positions = read.events.map((event) => event.cursor);
      expect(new Set(positions).size).toBe(positions.length);
      // The site did read while the writes were under way, not only after them.
      expect(read.pollsWhileWriting).toBeGreaterThan(4);
      expect(read.eventsWhileWriting).toBeGreaterThan(0);

      const onA = await readToEnd(a, keys[site], start[site]);
      const onB = await readToEnd(b, keys[site], start[site]);
      expect(onA.events).toEqual(read.events);
      expect(onB.events).toEqual(read.events);
      expect([onA.endCursor, onB.endCursor]).toEqual([read.endCursor, read.endCursor]);
      stored[site] = read.endCursor;
    }
  });

  it('read on, through an instance restarted, from the cursor it handed out before it stopped: what the other published meanwhile is there', async () => {
    stored.live = (await readToEnd(b, keys.live, stored.live)).endCursor;
    const handedOut = stored.live;
    await b.stop();
    const mrt = (await editor.find(a.base, TECHNIQUE, MRT)).documentId;
    const [first, second] = conditions as [{ slug: string; documentId: string }, { slug: string; documentId: string }];
    await editor.publish(a.base, CONDITION, first.documentId, { summary: `${first.slug}, published while b was down.` }, 'en');
    await editor.publish(a.base, TECHNIQUE, mrt, { summary: 'Myofascial release therapy, published while b was down.' }, 'fr');
    await editor.publish(a.base, CONDITION, second.documentId, { summary: `${second.slug}, published while b was down.` }, 'fr');
    b = await startInstance('b', environment);
    instances = [a, b];

    const onB = await readToEnd(b, keys.live, handedOut);
    const publishes = await writesAfter(rowOf(handedOut), false);
    expect(publishes.map((publish) => `${publish.type} ${publish.slug} ${publish.locales.join(',')}`)).toEqual([`CONDITION ${first.slug} en`, `TECHNIQUE ${MRT} fr`, `CONDITION ${second.slug} fr`]);
    expect(publishes.filter((publish) => !isTold(onB.events, publish))).toEqual([]);
    expect(onB.events).toEqual((await readToEnd(a, keys.live, handedOut)).events);
    stored.live = onB.endCursor;
  });
});

describe('the audit trail on two instances', () => {
  it('stays one chain that verifies after concurrent publishes through both', async () => {
    await stopAll();
    try {
      const [a, b] = await startAll(['a', 'b']);
      const editor = await Editor.signIn(a!.base, 'editor@example.com', 'Editor-passw0rd');
      const uids = [CONDITION, 'api::cause.cause', 'api::benefit.benefit', 'api::provider-type.provider-type'];
      const lists = await Promise.all(uids.map((uid) => editor.call(a!.base, 'GET', `/collection-types/${uid}?locale=en&pageSize=100`) as Promise<{ results: Array<{ documentId: string }> }>));
      const documents = lists.flatMap((list, index) => list.results.map((result) => ({ uid: uids[index] as string, documentId: result.documentId })));
      const before = (await sql<{ count: string }>(`select count(*) from audit_log`))[0]?.count;
      // Every other publish through the other instance, all at once.
      await Promise.all(documents.map((document, index) => editor.publish((index % 2 === 0 ? a : b)!.base, document.uid, document.documentId)));

      const after = (await sql<{ count: string }>(`select count(*) from audit_log`))[0]?.count;
      expect(Number(after) - Number(before)).toBeGreaterThanOrEqual(documents.length);
      expect(await sql(`select prev_hash from audit_log group by prev_hash having count(*) > 1`)).toEqual([]);
      const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'audit.js'), 'verify'], {
        cwd: ROOT,
        env: { ...process.env, ...environment, NODE_ENV: 'production', ENV_PATH: path.join(ROOT, 'bench', 'no.env'), LOG_LEVEL: 'error', SEED_ON_EMPTY: 'false' },
        encoding: 'utf8',
        timeout: 240000,
      });
      expect(stdout).toMatch(/^The audit trail is intact: \d+ rows/);
    } finally {
      await stopAll();
    }
  });
});

describe('scheduled publishing on two instances', () => {
  it('runs each of the jobs due at once (one per seeded entry) exactly once, whichever instance takes it, serves the result from both, and catches up on a job that fell due while both were down', async () => {
    await stopAll();
    const polling = { SCHEDULE_POLL_MS: '100' };
    try {
      const [a, b] = await startAll(['a', 'b'], { a: polling, b: polling });
      const editor = await Editor.signIn(a!.base, 'editor@example.com', 'Editor-passw0rd');
      const key = await createKey();
      const uids = [CONDITION, 'api::cause.cause', 'api::benefit.benefit', 'api::provider-type.provider-type'];
      const lists = await Promise.all(uids.map((uid) => editor.call(a!.base, 'GET', `/collection-types/${uid}?locale=en&pageSize=100`) as Promise<{ results: Array<{ documentId: string }> }>));
      const mrt = await editor.find(a!.base, TECHNIQUE, MRT);
      // Every entry of the seed: the MRT article with a new name saved as its draft, the rest as they are.
      const targets = [{ uid: TECHNIQUE, documentId: mrt.documentId }, ...lists.flatMap((list, index) => list.results.map((result) => ({ uid: uids[index] as string, documentId: result.documentId })))];
      const name = `Myofascial Release Therapy, scheduled ${Date.now()}`;
      await editor.save(a!.base, TECHNIQUE, mrt.documentId, { name });
      const at = new Date(Date.now() + 3000).toISOString();
      // Half the jobs set through each instance; all due at the same moment.
      const jobs = (await Promise.all(
        targets.map((target, index) => editor.route((index % 2 === 0 ? a : b)!.base, 'POST', '/editor/schedules', { ...target, locale: 'en', action: 'publish', at })),
      )) as Array<{ data: { schedule: { id: number } } }>;
      const ids = jobs.map((job) => job.data.schedule.id);
      expect(ids.length).toBeGreaterThanOrEqual(15);

      const until = Date.now() + 20000;
      for (;;) {
        const [pending] = await sql<{ count: string }>(`select count(*) from content_schedule where status = 'pending' and id in (${ids.join(',')})`);
        if (Number(pending?.count) === 0) break;
        if (Date.now() > until) throw new Error(`${pending?.count} scheduled jobs still pending`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await sql(`select status, count(*)::int as count from content_schedule where id in (${ids.join(',')}) group by status`)).toEqual([{ status: 'done', count: ids.length }]);
      const ran = await sql<{ schedule_id: string; count: number }>(
        `select details::json->>'scheduleId' as schedule_id, count(*)::int as count from audit_log where action = 'schedule.ran' group by 1 having count(*) > 1`,
      );
      expect(ran).toEqual([]);
      const [ranCount] = await sql<{ count: number }>(`select count(*)::int as count from audit_log where action = 'schedule.ran' and (details::json->>'scheduleId')::int in (${ids.join(',')})`);
      expect(ranCount?.count).toBe(ids.length);
      // One published version per job in history, by the scheduler.
      const versions = await sql<{ count: number }>(
        `select count(*)::int as count from content_history where actor = 'service:schedule' and action = 'publish' and status = 'published' and document_id in (${targets.map((target) => `'${target.documentId}'`).join(',')})`,
      );
      expect(versions[0]?.count).toBe(ids.length);
      const ranBy = await sql<{ closed_at: string }>(`select closed_at from content_schedule where id in (${ids.join(',')})`);
      expect(Math.max(...ranBy.map((row) => Number(row.closed_at))) - Date.parse(at)).toBeLessThan(5000);
      // Both instances serve the scheduled version, from their caches or not.
      for (const instance of [a!, b!]) expect((await read(instance, key)).body.data.therapyPage.technique.name).toBe(name);

      // Both down when the next job falls due; the first to start runs it.
      const later = `Myofascial Release Therapy, caught up ${Date.now()}`;
      await editor.save(b!.base, TECHNIQUE, mrt.documentId, { name: later });
      const missed = (await editor.route(b!.base, 'POST', '/editor/schedules', { uid: TECHNIQUE, documentId: mrt.documentId, locale: 'en', action: 'publish', at: new Date(Date.now() + 1500).toISOString() })) as {
        data: { schedule: { id: number } };
      };
      await stopAll();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const [c] = await startAll(['c'], { c: polling });
      const deadline = Date.now() + 15000;
      for (;;) {
        const [row] = await sql<{ status: string }>(`select status from content_schedule where id = ${missed.data.schedule.id}`);
        if (row?.status === 'done') break;
        if (Date.now() > deadline) throw new Error(`the missed job is ${row?.status}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await read(c!, key)).body.data.therapyPage.technique.name).toBe(later);
    } finally {
      await stopAll();
    }
  });
});
