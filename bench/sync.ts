/**
 * npm run bench:sync — sync for static sites on the 10x dataset (SQLite), one service process with its
 * response cache off (every answer computed), the sites' own operations (src/graphql/operations/sync.graphql)
 * POSTed over HTTP with a clinic key, one request at a time:
 * - manifest: a typical clinic's whole manifest, and that of a clinic made to offer every technique, read
 *   in pages of 100, pass after pass: per-page p50/p95 and the time of a whole manifest;
 * - feed: one clinic's change feed of >= 10,000 events made by real writes through the admin API
 *   (publishes of its techniques and conditions, changes of its locales), read from the manifest's
 *   feedCursor in pages of 100: per-page p50/p95 and the time of the whole feed;
 * - feed growth: the newest ~1,000 events (real writes) read from a stored cursor when the table holds
 *   10k, 50k and 100k rows, the rows added being copies of real rows that do not concern the clinic
 *   (another clinic's adaptation, a condition it does not show): per page, not per feed length.
 * The dataset is built once by bench/build.ts into bench/.data/sync-10x.db; every run works on a copy.
 * PostgreSQL is not measured: the other benches switch no database for the dataset either.
 * Writes bench/results/sync.json and sync.md.
 * Options: --passes 20  --manifest-seconds 60 (per clinic, at least 3 passes)  --events 10000
 *          --write-seconds 240  --levels 10000,50000,100000  --rebuild (build the dataset again)
 */
import { spawn } from 'child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { print } from 'graphql';
import knex, { type Knex } from 'knex';
import type { FeedChange } from '../src/sync/change';
import { FEED_TABLE } from '../src/sync/feed-table';
import { ChangesDocument, ManifestDocument, type ChangesQuery, type ManifestQuery } from '../types/graphql/client/graphql';
import type { BuildReport } from './build';
import { createKeyWithCli, Editor, productionSecrets, startInstance, type Instance } from './instances';
import { option } from './options';

const ROOT = path.resolve(__dirname, '..', '..');
const DATA = path.join(ROOT, 'bench', '.data');
const RESULTS = path.join(ROOT, 'bench', 'results');
const SCALE = 10;
const CACHED_DB = path.join(DATA, `sync-${SCALE}x.db`);
const CACHED_REPORT = path.join(DATA, `sync-${SCALE}x.json`);
const WORK_DB = path.join(DATA, 'sync-run.db');

const PASSES = Number(option('passes', '20'));
const MANIFEST_SECONDS = Number(option('manifest-seconds', '60'));
const EVENTS = Number(option('events', '10000'));
const WRITE_SECONDS = Number(option('write-seconds', '240'));
const LEVELS = option('levels', '10000,50000,100000').split(',').map(Number);
const REBUILD = process.argv.includes('--rebuild');
const PAGE_SIZE = 100;
const FEED_PASSES = 3;
const TAIL_PASSES = 10;
/** The newest events read at each table size. */
const TAIL_EVENTS = 1000;

const TECHNIQUE = 'api::technique.technique';
const CONDITION = 'api::condition.condition';
const CLINIC = 'api::clinic.clinic';
const ADAPTATION = 'api::clinic-adaptation.clinic-adaptation';
/** Made to offer every technique (clinic-0 is the build's measured clinic, clinic-1 its adapting one). */
const ALL_TECHNIQUES_CLINIC = 'clinic-2';
/** A locale of the service the bench clinics do not publish (config/locales.ts), added and taken away again. */
const EXTRA_LOCALE = 'fr-CA';

const MANIFEST = print(ManifestDocument);
const CHANGES = print(ChangesDocument);

function log(message: string): void {
  console.error(`[bench:sync ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const quantile = (values: readonly number[], q: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN);
};

interface Spread {
  p50: number;
  p95: number;
  max: number;
  samples: number;
}
const spread = (values: readonly number[]): Spread => ({ p50: quantile(values, 0.5), p95: quantile(values, 0.95), max: quantile(values, 1), samples: values.length });

/** The 10x dataset: built by bench/build.ts once, then reused. */
async function dataset(): Promise<{ build: BuildReport; isReused: boolean }> {
  if (!REBUILD && existsSync(CACHED_DB) && existsSync(CACHED_REPORT)) {
    return { build: JSON.parse(readFileSync(CACHED_REPORT, 'utf8')) as BuildReport, isReused: true };
  }
  // Built under other names and renamed when complete: an interrupted build is never reused.
  const building = { db: path.join(DATA, `sync-${SCALE}x.building.db`), report: path.join(DATA, `sync-${SCALE}x.building.json`) };
  rmSync(building.db, { force: true });
  rmSync(`${building.db}-journal`, { force: true });
  log(`building the ${SCALE}x dataset (bench/build.ts; minutes)`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'bench', 'build.js'), '--scale', String(SCALE), '--out', building.report], {
      cwd: ROOT,
      env: {
        ...process.env,
        ENV_PATH: path.join(DATA, 'no.env'),
        DATABASE_FILENAME: building.db,
        API_TOKEN_SALT: 'bench-sync',
        APP_KEYS: 'bench-a,bench-b',
        ADMIN_JWT_SECRET: 'bench',
        TRANSFER_TOKEN_SALT: 'bench',
        ENCRYPTION_KEY: 'bench',
        LOG_LEVEL: 'error',
        RESPONSE_CACHE: 'off',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bench/build.ts exited ${code}`))));
  });
  renameSync(building.db, CACHED_DB);
  renameSync(building.report, CACHED_REPORT);
  return { build: JSON.parse(readFileSync(CACHED_REPORT, 'utf8')) as BuildReport, isReused: false };
}

/** One operation POSTed as a site sends it; the time is the whole round trip, body read. */
async function ask<T>(input: { base: string; key: string; query: string; variables: Record<string, unknown> }): Promise<{ data: T; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${input.base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${input.key}` },
    body: JSON.stringify({ query: input.query, variables: input.variables }),
    signal: AbortSignal.timeout(60000),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  const body = JSON.parse(text) as { data?: T | null; errors?: unknown };
  if (response.status !== 200 || body.errors !== undefined || body.data === undefined || body.data === null) {
    throw new Error(`/graphql answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return { data: body.data, ms };
}

interface ManifestFigures {
  clinic: string;
  pages: number;
  techniquePages: number;
  conditionPages: number;
  /** Pages times their locales: the URLs a sitemap lists. */
  pageLocales: number;
  locales: string[];
  requestsPerManifest: number;
  passes: number;
  perPage: Spread;
  perManifest: Spread;
}

interface ManifestPage {
  type: string;
  slug: string;
}

/** Every page of a clinic's manifest, read once (a warm-up). */
async function readManifest(base: string, key: string): Promise<{ pages: ManifestPage[]; locales: string[]; pageLocales: number; pageCount: number; feedCursor: string }> {
  const pages: ManifestPage[] = [];
  const locales = new Set<string>();
  let pageLocales = 0;
  let pageCount = 1;
  let feedCursor = '';
  for (let page = 1; page <= pageCount && page <= 1000; page += 1) {
    const { manifest } = (await ask<ManifestQuery>({ base, key, query: MANIFEST, variables: { page: { page, pageSize: PAGE_SIZE } } })).data;
    if (page === 1) feedCursor = manifest.feedCursor;
    pageCount = manifest.pageInfo.pageCount;
    for (const entry of manifest.pages) {
      pages.push({ type: entry.type, slug: entry.slug });
      pageLocales += entry.locales.length;
      for (const served of entry.locales) locales.add(served.locale);
    }
  }
  return { pages, locales: [...locales], pageLocales, pageCount, feedCursor };
}

/** Where the feed stands now, as the manifest hands it to a site (its first page, one page long). */
async function feedCursorOf(base: string, key: string): Promise<string> {
  return (await ask<ManifestQuery>({ base, key, query: MANIFEST, variables: { page: { page: 1, pageSize: 1 } } })).data.manifest.feedCursor;
}

async function measureManifest(base: string, key: string, clinic: string): Promise<ManifestFigures> {
  const whole = await readManifest(base, key);
  const perPage: number[] = [];
  const perManifest: number[] = [];
  const started = performance.now();
  for (let pass = 0; pass < PASSES && (pass < 3 || performance.now() - started < MANIFEST_SECONDS * 1000); pass += 1) {
    const passStarted = performance.now();
    for (let page = 1; page <= whole.pageCount; page += 1) {
      const { data, ms } = await ask<ManifestQuery>({ base, key, query: MANIFEST, variables: { page: { page, pageSize: PAGE_SIZE } } });
      if (data.manifest.pages.length === 0) throw new Error(`${clinic}: page ${page} of its manifest is empty`);
      perPage.push(ms);
    }
    perManifest.push(performance.now() - passStarted);
  }
  return {
    clinic,
    pages: whole.pages.length,
    techniquePages: whole.pages.filter((page) => page.type === 'TECHNIQUE').length,
    conditionPages: whole.pages.filter((page) => page.type === 'CONDITION').length,
    pageLocales: whole.pageLocales,
    locales: whole.locales,
    requestsPerManifest: whole.pageCount,
    passes: perManifest.length,
    perPage: spread(perPage),
    perManifest: spread(perManifest),
  };
}

interface FeedRead {
  events: number;
  /** Events per request, in order. */
  perRequest: number[];
  requests: number;
  /** Requests that came back without events (a stretch of rows the clinic has nothing in). */
  emptyPages: number;
  ms: number[];
  totalMs: number;
  kinds: Record<string, number>;
  endCursor: string;
}

/** Reads a clinic's feed from `after` to its end (or `maxRequests`), 100 events at a time. */
async function readFeed(input: { base: string; key: string; after: string; maxRequests: number }): Promise<FeedRead> {
  const read: FeedRead = { events: 0, perRequest: [], requests: 0, emptyPages: 0, ms: [], totalMs: 0, kinds: {}, endCursor: input.after };
  const started = performance.now();
  for (;;) {
    if (read.requests >= input.maxRequests) break;
    const { data, ms } = await ask<ChangesQuery>({ base: input.base, key: input.key, query: CHANGES, variables: { after: read.endCursor, first: PAGE_SIZE } });
    const { events, pageInfo } = data.changes;
    read.requests += 1;
    read.ms.push(ms);
    read.events += events.length;
    read.perRequest.push(events.length);
    if (events.length === 0) read.emptyPages += 1;
    for (const event of events) {
      const kind = event.__typename === 'PageRemoved' ? `${event.kind} ${event.reason}` : event.kind;
      read.kinds[kind] = (read.kinds[kind] ?? 0) + 1;
    }
    read.endCursor = pageInfo.endCursor;
    if (!pageInfo.hasNextPage) break;
  }
  read.totalMs = performance.now() - started;
  return read;
}

interface StoredRow {
  id: number;
  recorded_at: number;
  is_draft: number | boolean;
  clinic: string | null;
  body: string;
}

/** Appends `count` copies of `templates` (round robin) to the feed table, as new rows recorded now. */
async function appendCopies(db: Knex, templates: readonly StoredRow[], count: number): Promise<void> {
  if (templates.length === 0) throw new Error('no rows to copy');
  const now = Date.now();
  await db.transaction(async (trx) => {
    for (let start = 0; start < count; start += 500) {
      const rows = Array.from({ length: Math.min(500, count - start) }, (_, index) => {
        const template = templates[(start + index) % templates.length] as StoredRow;
        return { recorded_at: now, is_draft: template.is_draft, clinic: template.clinic, body: template.body };
      });
      await trx(FEED_TABLE).insert(rows);
    }
  });
}

const tableRows = async (db: Knex) => Number(((await db(FEED_TABLE).count('* as count')) as Array<{ count: number | string }>)[0]?.count ?? 0);
const lastRowId = async (db: Knex) => Number(((await db(FEED_TABLE).max('id as id')) as Array<{ id: number | string | null }>)[0]?.id ?? 0);

/** What a clinic shows, with the documentIds the admin API writes by. */
interface Shown {
  clinicId: string;
  locales: string[];
  pages: number;
  techniques: string[];
  conditions: string[];
  conditionSlugs: Set<string>;
}

/** The writes that make a clinic's events, each timed; every one is a real publish through the admin API. */
class Writer {
  readonly publishMs: Record<'technique' | 'condition' | 'clinic', number[]> = { technique: [], condition: [], clinic: [] };
  private revision = 0;

  constructor(
    private readonly editor: Editor,
    private readonly base: string,
    private readonly shown: Shown,
  ) {}

  private async publish(kind: 'technique' | 'condition' | 'clinic', uid: string, documentId: string, data: Record<string, unknown>): Promise<void> {
    const started = performance.now();
    await this.editor.publish(this.base, uid, documentId, data);
    this.publishMs[kind].push(performance.now() - started);
  }

  /** An edit of one of its techniques' summary: its therapy page and the condition pages that list it. */
  technique(index: number): Promise<void> {
    this.revision += 1;
    const documentId = this.shown.techniques[index % this.shown.techniques.length] as string;
    return this.publish('technique', TECHNIQUE, documentId, { summary: `Technique summary, revision ${this.revision}. {{clinic.name}} can help.` });
  }

  /** An edit of one of its conditions' summary: the condition page and the therapy pages that list it. */
  condition(index: number): Promise<void> {
    this.revision += 1;
    const documentId = this.shown.conditions[index % this.shown.conditions.length] as string;
    return this.publish('condition', CONDITION, documentId, { summary: `Condition summary, revision ${this.revision}. {{clinic.name}} can help.` });
  }

  /**
   * Its locales changed and changed back: one of them dropped and published again, or a locale added and
   * taken away. Events are told as things stand when read, so either way one of the two writes tells each
   * page served in that locale (changed in the locale it got back, or removed in the one it lost) and both
   * tell the profile.
   */
  async localeRoundTrip(index: number): Promise<void> {
    const { locales } = this.shown;
    const changed = index % 2 === 0 ? locales.filter((locale) => locale !== locales[locales.length - 1]) : [...locales, EXTRA_LOCALE];
    await this.publish('clinic', CLINIC, this.shown.clinicId, { locales: changed });
    await this.publish('clinic', CLINIC, this.shown.clinicId, { locales });
  }
}

async function findId(editor: Editor, base: string, uid: string, slug: string): Promise<string> {
  return (await editor.find(base, uid, slug)).documentId;
}

/** The locales a clinic publishes, as the admin shows them. */
async function clinicLocales(editor: Editor, base: string, clinicId: string): Promise<string[]> {
  return ((await editor.call(base, 'GET', `/collection-types/${CLINIC}/${clinicId}?locale=en`)) as { data: { locales: string[] } }).data.locales;
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  mkdirSync(RESULTS, { recursive: true });
  const { build, isReused } = await dataset();
  // The machine may be shared: its load is recorded with the figures.
  const loadBefore = os.loadavg().map((value) => round(value, 2));
  log(isReused ? `reusing the ${SCALE}x dataset in ${path.relative(ROOT, CACHED_DB)} (--rebuild builds it again)` : `built the ${SCALE}x dataset in ${round(build.buildSeconds)} s`);
  rmSync(`${WORK_DB}-journal`, { force: true });
  copyFileSync(CACHED_DB, WORK_DB);
  const db = knex({ client: 'better-sqlite3', connection: { filename: WORK_DB }, useNullAsDefault: true });
  let instance: Instance | null = null;
  try {
    // The build's own writes are feed rows too: the table starts empty, so its sizes below are the bench's.
    const rowsLeftByBuild = await tableRows(db);
    await db(FEED_TABLE).delete();

    const environment = {
      DATABASE_FILENAME: WORK_DB,
      RESPONSE_CACHE: 'off',
      SEED_ON_EMPTY: 'false',
      LOG_LEVEL: 'error',
      ...productionSecrets(),
      // One key asks one request after another: a limit high enough never to refuse it.
      RATE_LIMIT_PER_MINUTE: '100000000',
    };
    const typical = { slug: build.clinicSlug, key: build.key };
    const everything = { slug: ALL_TECHNIQUES_CLINIC, key: await createKeyWithCli(environment, ALL_TECHNIQUES_CLINIC) };
    log('starting the service without its response cache');
    instance = await startInstance('sync', environment);
    const { base } = instance;
    const editor = await Editor.signIn(base, 'bench-editor@example.com', 'Bench-passw0rd');

    log(`offering every technique at ${everything.slug} (one publish through the admin API)`);
    const techniqueIds: string[] = [];
    for (let page = 1; page <= 50; page += 1) {
      const listed = (await editor.call(base, 'GET', `/collection-types/${TECHNIQUE}?page=${page}&pageSize=100&locale=en`)) as { results: Array<{ documentId: string }>; pagination: { pageCount: number } };
      techniqueIds.push(...listed.results.map((entry) => entry.documentId));
      if (page >= listed.pagination.pageCount) break;
    }
    const allClinicId = await findId(editor, base, CLINIC, everything.slug);
    const offerStarted = performance.now();
    await editor.publish(base, CLINIC, allClinicId, { offeredTechniques: { set: techniqueIds.map((documentId) => ({ documentId, locale: 'en' })) } });
    const offerMs = performance.now() - offerStarted;

    log(`manifest of ${typical.slug}`);
    const manifestTypical = await measureManifest(base, typical.key, typical.slug);
    log(`manifest of ${everything.slug}: ${techniqueIds.length} techniques`);
    const manifestEverything = await measureManifest(base, everything.key, everything.slug);
    if (manifestEverything.techniquePages !== techniqueIds.length) {
      throw new Error(`${everything.slug} lists ${manifestEverything.techniquePages} therapy pages, not the ${techniqueIds.length} it offers`);
    }
    // Its feed: one locale round trip tells each of its pages in that locale once.
    log(`feed of ${everything.slug}: one round trip of its locales`);
    const everythingCursor = await feedCursorOf(base, everything.key);
    const everythingWriter = new Writer(editor, base, { clinicId: allClinicId, locales: await clinicLocales(editor, base, allClinicId), pages: manifestEverything.pages, techniques: [], conditions: [], conditionSlugs: new Set() });
    await everythingWriter.localeRoundTrip(0);
    const everythingFeed = await readFeed({ base, key: everything.key, after: everythingCursor, maxRequests: Math.ceil(manifestEverything.pages / PAGE_SIZE) + 20 });
    log(`manifests: ${typical.slug} p50 ${manifestTypical.perPage.p50} ms/page; ${everything.slug} p50 ${manifestEverything.perPage.p50} ms/page, ${manifestEverything.perManifest.p50} ms whole`);

    // The feed: real writes to what the typical clinic shows, read from the cursor its manifest handed out.
    const shownManifest = await readManifest(base, typical.key);
    const typicalId = await findId(editor, base, CLINIC, typical.slug);
    const shown: Shown = {
      clinicId: typicalId,
      locales: await clinicLocales(editor, base, typicalId),
      pages: shownManifest.pages.length,
      techniques: [],
      conditions: [],
      conditionSlugs: new Set(shownManifest.pages.filter((page) => page.type === 'CONDITION').map((page) => page.slug)),
    };
    for (const page of shownManifest.pages.filter((entry) => entry.type === 'TECHNIQUE')) shown.techniques.push(await findId(editor, base, TECHNIQUE, page.slug));
    for (const slug of [...shown.conditionSlugs].slice(0, 60)) shown.conditions.push(await findId(editor, base, CONDITION, slug));
    const writer = new Writer(editor, base, shown);
    const cursor = shownManifest.feedCursor;

    log(`feed: writing until ${typical.slug} has >= ${EVENTS} events (at most ${WRITE_SECONDS} s of writes)`);
    // A locale round trip tells at most every page once and the profile twice (fewer pages when the locale's
    // rows relate fewer conditions); edits tell their page and the pages listing it. The count read decides.
    const perRoundTrip = shown.pages + 2;
    const writing = { techniques: 0, conditions: 0, localeRoundTrips: 0, seconds: 0, copiedRows: 0 };
    const writeStarted = performance.now();
    const isWriteTimeLeft = () => performance.now() - writeStarted < WRITE_SECONDS * 1000;
    // A first mix: every technique edited 4 times, twice as many condition edits, the rest in locale round trips.
    const edits = shown.techniques.length * 4;
    const estimate = edits * 8 + edits * 2 * 3;
    let roundTrips = Math.max(1, Math.ceil((EVENTS - estimate) / perRoundTrip));
    const every = Math.max(1, Math.floor(edits / roundTrips));
    for (let index = 0; index < edits && isWriteTimeLeft(); index += 1) {
      await writer.technique(index);
      await writer.condition(2 * index);
      await writer.condition(2 * index + 1);
      writing.techniques += 1;
      writing.conditions += 2;
      if (index % every === every - 1 && writing.localeRoundTrips < roundTrips) {
        await writer.localeRoundTrip(writing.localeRoundTrips);
        writing.localeRoundTrips += 1;
      }
    }
    const maxRequests = Math.ceil((EVENTS * 3) / PAGE_SIZE) + 200;
    let counted = await readFeed({ base, key: typical.key, after: cursor, maxRequests });
    for (let attempt = 0; counted.events < EVENTS && attempt < 5; attempt += 1) {
      roundTrips = Math.ceil((EVENTS - counted.events) / perRoundTrip);
      for (let trip = 0; trip < roundTrips && isWriteTimeLeft(); trip += 1) {
        await writer.localeRoundTrip(writing.localeRoundTrips);
        writing.localeRoundTrips += 1;
      }
      if (!isWriteTimeLeft()) {
        // Out of write time: copies of the clinic's own rows (same bodies, new ids) make up the rest.
        const own = (await db(FEED_TABLE).where('id', '>', 0).andWhere((where) => where.whereNull('clinic').orWhere('clinic', typicalId)).orderBy('id')) as StoredRow[];
        const copies = Math.ceil((own.length * (EVENTS - counted.events)) / Math.max(1, counted.events)) + 1;
        await appendCopies(db, own, copies);
        writing.copiedRows += copies;
      }
      counted = await readFeed({ base, key: typical.key, after: cursor, maxRequests });
    }
    writing.seconds = round((performance.now() - writeStarted) / 1000);
    if (counted.events < EVENTS) throw new Error(`the feed holds ${counted.events} events, fewer than ${EVENTS}`);
    const feedRows = await tableRows(db);
    log(`feed: ${counted.events} events in ${feedRows} rows; reading it ${FEED_PASSES} times from the manifest's cursor`);
    const feedReads: FeedRead[] = [];
    for (let pass = 0; pass < FEED_PASSES; pass += 1) feedReads.push(await readFeed({ base, key: typical.key, after: cursor, maxRequests }));
    if (feedReads.some((read) => read.events !== counted.events)) throw new Error('the feed changed between reads');

    // Growth: rows that do not concern the typical clinic, copied from two real writes.
    log('feed growth: rows of another clinic and of content the clinic does not show');
    const templateCursor = await feedCursorOf(base, typical.key);
    const beforeTemplates = await lastRowId(db);
    const otherClinicId = await findId(editor, base, CLINIC, build.adapted.clinicSlug);
    const adaptations = (await editor.call(base, 'GET', `/collection-types/${ADAPTATION}?page=1&pageSize=10&locale=en`)) as { results: Array<{ documentId: string }> };
    const adaptation = adaptations.results[0]?.documentId;
    if (adaptation === undefined) throw new Error(`${build.adapted.clinicSlug} has no adaptation`);
    await editor.publish(base, ADAPTATION, adaptation, { summary: 'Our own summary of this technique at {{clinic.name}}, revised.' });
    const conditions = (await editor.call(base, 'GET', `/collection-types/${CONDITION}?page=1&pageSize=100&locale=en`)) as { results: Array<{ documentId: string; slug: string }> };
    const unshown = conditions.results.find((entry) => !shown.conditionSlugs.has(entry.slug));
    if (unshown === undefined) throw new Error(`${typical.slug} shows every condition of the first hundred`);
    await editor.publish(base, CONDITION, unshown.documentId, { summary: 'A condition this clinic does not show, revised.' });
    const templates = (await db(FEED_TABLE).where('id', '>', beforeTemplates).orderBy('id')) as StoredRow[];
    const kindsOf = templates.map((row) => `${(JSON.parse(row.body) as FeedChange).kind}${row.clinic === otherClinicId ? ` (${build.adapted.clinicSlug})` : ''}`);
    if (!kindsOf.includes(`adaptation (${build.adapted.clinicSlug})`) || !kindsOf.includes('content')) throw new Error(`unexpected template rows: ${kindsOf.join(', ')}`);
    const concerning = await readFeed({ base, key: typical.key, after: templateCursor, maxRequests: 10 });
    if (concerning.events > 0) throw new Error(`the rows to copy tell ${typical.slug} ${concerning.events} events`);

    const growth: Array<{ rows: number; fillerRows: number; tail: { events: number; rows: number; requests: number; perPage: Spread }; stretch: { requests: number; perPage: Spread } }> = [];
    for (const level of LEVELS) {
      const stretchCursor = await feedCursorOf(base, typical.key);
      const tailRowsGuess = 60;
      const fillerRows = Math.max(0, level - (await tableRows(db)) - tailRowsGuess);
      await appendCopies(db, templates, fillerRows);
      const tailCursor = await feedCursorOf(base, typical.key);
      const beforeTail = await lastRowId(db);
      // The newest ~1,000 events: real writes, as for the feed above.
      for (let trip = 0; trip < Math.ceil((TAIL_EVENTS * 0.85) / perRoundTrip); trip += 1) await writer.localeRoundTrip(trip);
      for (let index = 0; index < 10; index += 1) {
        await writer.technique(index);
        await writer.condition(index);
      }
      const tailRows = (await lastRowId(db)) - beforeTail;
      const reads: FeedRead[] = [];
      for (let pass = 0; pass < TAIL_PASSES; pass += 1) reads.push(await readFeed({ base, key: typical.key, after: tailCursor, maxRequests: 100 }));
      // From before the filler: pages made of 1,000 rows the clinic has nothing in (the most a request looks at).
      const stretch = await readFeed({ base, key: typical.key, after: stretchCursor, maxRequests: 5 });
      const leading = stretch.perRequest.findIndex((count) => count > 0);
      const stretchMs = stretch.ms.slice(0, leading < 0 ? stretch.ms.length : leading);
      const rows = await tableRows(db);
      growth.push({
        rows,
        fillerRows,
        tail: { events: reads[0]?.events ?? 0, rows: tailRows, requests: reads[0]?.requests ?? 0, perPage: spread(reads.flatMap((read) => read.ms)) },
        stretch: { requests: stretchMs.length, perPage: spread(stretchMs) },
      });
      log(`  ${rows} rows: newest ${reads[0]?.events} events p50 ${quantile(reads.flatMap((read) => read.ms), 0.5)} ms/page`);
    }

    const results = {
      machine: {
        nproc: os.cpus().length,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        memoryGiB: round(os.totalmem() / 2 ** 30),
        node: process.version,
        date: new Date().toISOString(),
        loadAverage: { before: loadBefore, after: os.loadavg().map((value) => round(value, 2)) },
      },
      command: `npm run bench:sync${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      settings: { database: 'sqlite', responseCache: 'off', pageSize: PAGE_SIZE, passes: PASSES, manifestSeconds: MANIFEST_SECONDS, feedPasses: FEED_PASSES, tailPasses: TAIL_PASSES },
      dataset: { scale: SCALE, counts: build.counts, buildSeconds: round(build.buildSeconds), isReused, feedRowsLeftByBuildAndDeleted: rowsLeftByBuild },
      manifest: {
        typical: manifestTypical,
        everyTechnique: {
          ...manifestEverything,
          offeredTechniques: techniqueIds.length,
          offerPublishMs: Math.round(offerMs),
          feed: { events: everythingFeed.events, kinds: everythingFeed.kinds, requests: everythingFeed.requests, perPage: spread(everythingFeed.ms), wholeFeedMs: Math.round(everythingFeed.totalMs) },
        },
      },
      feed: {
        clinic: typical.slug,
        clinicPages: shown.pages,
        clinicLocales: shown.locales,
        extraLocale: EXTRA_LOCALE,
        writes: { ...writing, publishMs: { technique: spread(writer.publishMs.technique), condition: spread(writer.publishMs.condition), clinic: spread(writer.publishMs.clinic) } },
        rows: feedRows,
        events: counted.events,
        kinds: counted.kinds,
        requests: counted.requests,
        emptyPages: counted.emptyPages,
        perPage: spread(feedReads.flatMap((read) => read.ms)),
        wholeFeedMs: spread(feedReads.map((read) => read.totalMs)),
      },
      growth: { templateRows: kindsOf, levels: growth },
    };
    writeFileSync(path.join(RESULTS, 'sync.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(path.join(RESULTS, 'sync.md'), renderMarkdown(results));
    log('wrote bench/results/sync.json and bench/results/sync.md');
  } finally {
    await instance?.stop();
    await db.destroy();
    rmSync(WORK_DB, { force: true });
    rmSync(`${WORK_DB}-journal`, { force: true });
  }
}

type Results = {
  settings: { tailPasses: number };
  machine: { nproc: number; cpu: string; memoryGiB: number; node: string; date: string; loadAverage: { before: number[]; after: number[] } };
  command: string;
  dataset: { counts: Record<string, number>; buildSeconds: number; isReused: boolean; feedRowsLeftByBuildAndDeleted: number };
  manifest: {
    typical: ManifestFigures;
    everyTechnique: ManifestFigures & { offeredTechniques: number; offerPublishMs: number; feed: { events: number; kinds: Record<string, number>; requests: number; perPage: Spread; wholeFeedMs: number } };
  };
  feed: {
    clinic: string;
    clinicPages: number;
    clinicLocales: string[];
    extraLocale: string;
    writes: { techniques: number; conditions: number; localeRoundTrips: number; seconds: number; copiedRows: number; publishMs: Record<'technique' | 'condition' | 'clinic', Spread> };
    rows: number;
    events: number;
    kinds: Record<string, number>;
    requests: number;
    emptyPages: number;
    perPage: Spread;
    wholeFeedMs: Spread;
  };
  growth: { templateRows: string[]; levels: Array<{ rows: number; fillerRows: number; tail: { events: number; rows: number; requests: number; perPage: Spread }; stretch: { requests: number; perPage: Spread } }> };
};

function renderMarkdown(results: Results): string {
  const { machine, dataset, manifest, feed, growth } = results;
  const ms = (value: number) => `${value} ms`;
  const kinds = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ');
  const manifestRow = (label: string, figures: ManifestFigures) =>
    `| ${label} | ${figures.pages} (${figures.techniquePages} therapy, ${figures.conditionPages} condition), ${figures.pageLocales} page-locales | ${figures.locales.length} (${figures.locales.join(', ')}) | ${figures.requestsPerManifest} | ${figures.passes} | ${ms(figures.perPage.p50)} / ${ms(figures.perPage.p95)} | ${ms(Math.round(figures.perManifest.p50))} / ${ms(Math.round(figures.perManifest.p95))} |`;
  const { writes } = feed;
  const every = manifest.everyTechnique;
  return `# Sync for static sites: benchmark results

Produced by \`${results.command}\` (bench/sync.ts) on ${machine.date.slice(0, 10)}: nproc ${machine.nproc} (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node},
load average ${machine.loadAverage.before.join(' ')} at the start and ${machine.loadAverage.after.join(' ')} at the end (the machine is shared). SQLite;
PostgreSQL is not measured (no bench switches the dataset's database). One service process with its response cache off, so every
answer is computed; requests one at a time over HTTP on 127.0.0.1 with the clinic's key, the sites' own operations
(src/graphql/operations/sync.graphql). Dataset: the 10x one of bench/build.ts (${Object.entries(dataset.counts).map(([name, count]) => `${count} ${name}`).join(', ')}),
${dataset.isReused ? 'reused from bench/.data' : `built in ${dataset.buildSeconds} s`}; the ${dataset.feedRowsLeftByBuildAndDeleted} feed rows its build wrote were deleted first, so the table sizes below are the bench's.
Raw figures: [sync.json](sync.json).

## Manifest: the whole manifest, in pages of 100

| clinic | pages | locales | requests | passes | per page p50 / p95 | whole manifest p50 / p95 |
| --- | --- | --- | --- | --- | --- | --- |
${manifestRow(`${manifest.typical.clinic}, a typical bench clinic`, manifest.typical)}
${manifestRow(`${every.clinic}, made to offer all ${every.offeredTechniques} techniques (one admin publish, ${every.offerPublishMs} ms)`, every)}

The clinic's list of pages is computed once per feed position (by the first request after a write) and each request maps only its slice of 100 to paths and dates.

## Change feed: ${feed.events} events of one clinic, in pages of 100 from the manifest's feedCursor

${feed.clinic} has ${feed.clinicPages} pages in ${feed.clinicLocales.length} locales (${feed.clinicLocales.join(', ')}). Its events were made by real writes through the
admin API's publish action, in ${writes.seconds} s: ${writes.techniques} edits of its techniques and ${writes.conditions} of its conditions (each a publish in en,
told as its page and the pages that list it), and ${writes.localeRoundTrips} round trips of its locales (one of them dropped and published again, or
${feed.extraLocale} added and taken away: two publishes that tell each page served in that locale once, and the profile twice).${writes.copiedRows > 0 ? ` Out of write time, ${writes.copiedRows} copies of its rows were inserted into the table directly.` : ' No row was inserted directly.'}
Publish calls p50: technique ${ms(writes.publishMs.technique.p50)}, condition ${ms(writes.publishMs.condition.p50)}, clinic ${ms(writes.publishMs.clinic.p50)}. The table then held ${feed.rows} rows.
Events: ${kinds(feed.kinds)}.

| clinic | events | requests (empty) | passes | per page p50 / p95 / max | whole feed p50 |
| --- | --- | --- | --- | --- | --- |
| ${feed.clinic} | ${feed.events} | ${feed.requests} (${feed.emptyPages}) | ${feed.wholeFeedMs.samples} | ${ms(feed.perPage.p50)} / ${ms(feed.perPage.p95)} / ${ms(feed.perPage.max)} | ${ms(Math.round(feed.wholeFeedMs.p50))} |
| ${every.clinic} (one locale round trip: ${kinds(every.feed.kinds)}) | ${every.feed.events} | ${every.feed.requests} | 1 | ${ms(every.feed.perPage.p50)} / ${ms(every.feed.perPage.p95)} / ${ms(every.feed.perPage.max)} | ${ms(every.feed.wholeFeedMs)} |

## Change feed as the table grows: the newest events, from a stored cursor

At each size the table was filled up with copies (new ids) of the rows of two real writes that do not concern ${feed.clinic}
(${growth.templateRows.join(', ')}: an adaptation of another clinic, and a condition ${feed.clinic} does not show, each a draft save and a
publish); then the newest events were made by real writes (locale round trips and edits as above) and read ${results.settings.tailPasses} times from the
cursor a manifest handed out just before them. The last column reads from a cursor before the copies: requests that each look
at the most rows a request looks at (1,000 of those a live key sees) and find nothing for the clinic.

| rows in the table | newest events (their rows, requests) | per page p50 / p95 | a request over others' rows p50 |
| --- | --- | --- | --- |
${growth.levels.map((level) => `| ${level.rows} | ${level.tail.events} (${level.tail.rows}, ${level.tail.requests}) | ${ms(level.tail.perPage.p50)} / ${ms(level.tail.perPage.p95)} | ${level.stretch.requests > 0 ? `${ms(level.stretch.perPage.p50)} (${level.stretch.requests} requests)` : '-'} |`).join('\n')}
`;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
