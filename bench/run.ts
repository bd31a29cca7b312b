/**
 * npm run bench: builds the dataset at 1x and 10x, starts the service on each, and measures
 * P1 (our page query vs Strapi's GraphQL), P2 (SQL statements), P3 (vs a bare node:http server),
 * P4 (10x over 1x), P5 (publish on one instance, fresh on another: PostgreSQL + Redis), P6 (start time,
 * peak RSS, RSS at saturation), P7 (every clinic's page a fresh hit again after a publish, bench/rewarm.ts).
 * P1, P2 and P4 are uncached (the response cache off); P1 is also given as served (cache on), and P3
 * is the cache against the bare ceiling. Writes bench/results/latest.json and README.md.
 * Options: --scales 1,10  --duration 8 (seconds per run)  --runs 3  --connections 8
 */
import { spawn, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import type { BuildReport } from './build';
import { productionSecrets } from './instances';
import { OUR_LIST, OUR_PAGE, STRAPI_PAGE } from './queries';
import { fetchOnce, loadInterleaved as loadInterleavedWith, type Load, type LoadSettings, type Target } from './load';
import { option } from './options';
import { measureP5 } from './fresh-across';
import { measureRewarm, type RewarmReport } from './rewarm';
import { renderMarkdown } from './results-table';
import { peakRssMb, sampleRss } from './rss';

const ROOT = path.resolve(__dirname, '..', '..');
const DATA = path.join(ROOT, 'bench', '.data');
const RESULTS = path.join(ROOT, 'bench', 'results');


const SCALES = option('scales', '1,10').split(',').map(Number);
const DURATION = Number(option('duration', '8'));
const RUNS = Number(option('runs', '3'));
const CONNECTIONS = Number(option('connections', '8'));
const SETTINGS: LoadSettings = { connections: CONNECTIONS, duration: DURATION, runs: RUNS };

const loadInterleaved = (targets: Target[]) => loadInterleavedWith(targets, SETTINGS);
const load = async (target: Target): Promise<Load> => (await loadInterleaved([target]))[0] as Load;

function log(message: string): void {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

async function startService(dbFile: string, probe: Target, extra: Record<string, string>): Promise<{ child: ChildProcess; base: string; startMs: number }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', '@strapi', 'strapi', 'bin', 'strapi.js'), 'start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      ENV_PATH: path.join(DATA, 'no.env'),
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_FILENAME: dbFile,
      BENCH_STRAPI_GRAPHQL: 'true',
      SERVE_ADMIN_PANEL: 'false',
      LOG_LEVEL: 'error',
      ...productionSecrets(),
      API_TOKEN_SALT: process.env.BENCH_API_TOKEN_SALT ?? '',
      // The load comes from one key: a limit high enough never to refuse it, so the limiter's cost is measured.
      RATE_LIMIT_PER_MINUTE: '100000000',
      ...extra,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}`);
    try {
      await fetchOnce({ ...probe, url: `${base}/graphql` });
      return { child, base, startMs: Date.now() - started };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  mkdirSync(RESULTS, { recursive: true });
  // API tokens are hashed with API_TOKEN_SALT: the builder and the service must share it.
  process.env.BENCH_API_TOKEN_SALT = randomBytes(24).toString('base64');
  const perScale: Record<
    number,
    {
      build: BuildReport;
      ours: Load;
      strapi: Load;
      /** The page's and the filtered list's targets (P4 loads them on every scale's service at once). */
      targets: { page: Omit<Target, 'url'>; list: Omit<Target, 'url'> };
      /** P4: the page and the list, loaded in turn with the other scales'. */
      scaling?: { page: Load; list: Load };
      startMs: number;
      peakRssMb: number;
      /** The same page for the clinic that adapts it. */
      adapted?: Load;
      oursCached?: Load;
      adaptedCached?: Load;
      oursGet?: Load;
      bare?: Load;
      /** The bare server sending our hit's headers as well. */
      bareWithHeaders?: Load;
      cachedPeakRssMb?: number;
      /** Peak VmRSS during the P1 load (uncached) and the P3 load (cached). */
      saturationRssMb: number;
      cachedSaturationRssMb?: number;
      rewarm?: RewarmReport | { error: string };
    }
  > = {};

  for (const scale of SCALES) {
    const dbFile = path.join(DATA, `bench-${scale}x.db`);
    const reportFile = path.join(DATA, `scale-${scale}.json`);
    rmSync(dbFile, { force: true });
    log(`building the ${scale}x dataset`);
    await run(process.execPath, [path.join(ROOT, 'dist', 'bench', 'build.js'), '--scale', String(scale), '--out', reportFile], {
      ...process.env,
      ENV_PATH: path.join(DATA, 'no.env'),
      DATABASE_FILENAME: dbFile,
      API_TOKEN_SALT: process.env.BENCH_API_TOKEN_SALT,
      APP_KEYS: 'bench-a,bench-b',
      ADMIN_JWT_SECRET: 'bench',
      TRANSFER_TOKEN_SALT: 'bench',
      ENCRYPTION_KEY: 'bench',
      LOG_LEVEL: 'error',
      // Statements are counted uncached (P2), and building needs no purges.
      RESPONSE_CACHE: 'off',
    });
    const build = JSON.parse(readFileSync(reportFile, 'utf8')) as BuildReport;
    const ourHeaders = { 'content-type': 'application/json', authorization: `Bearer ${build.key}` };
    const variables = { slug: build.slugs.most, locale: 'en' };
    const page: Target = { url: '', headers: ourHeaders, body: JSON.stringify({ query: OUR_PAGE, variables }) };
    const adaptedHeaders = { 'content-type': 'application/json', authorization: `Bearer ${build.adapted.key}` };

    // Uncached: every request is answered from the database (P1 uncached, P2, P4, P6).
    log(`starting the service on ${scale}x without its response cache`);
    const uncached = await startService(dbFile, page, { RESPONSE_CACHE: 'off' });
    let result: (typeof perScale)[number];
    try {
      page.url = `${uncached.base}/graphql`;
      const strapiPage: Target = {
        url: `${uncached.base}/strapi-graphql`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${build.apiToken}` },
        body: JSON.stringify({ query: STRAPI_PAGE, variables: { slug: build.slugs.most, clinic: build.clinicSlug, locale: 'en' } }),
      };
      const list = { headers: ourHeaders, body: JSON.stringify({ query: OUR_LIST, variables: { treats: build.listConditionSlug, locale: 'en' } }) };
      log("P1: our page query and Strapi's GraphQL, uncached, run by run in turn");
      const p1 = await sampleRss(uncached.child.pid as number, () => loadInterleaved([page, strapiPage]));
      const [ours, strapi] = p1.result as [Load, Load];
      result = { build, ours, strapi, targets: { page: { headers: page.headers, body: page.body }, list }, startMs: uncached.startMs, peakRssMb: peakRssMb(uncached.child.pid as number), saturationRssMb: p1.peakMb };
      if (scale === SCALES[0]) {
        log('P1: our page query for a clinic that adapts the technique, uncached');
        result.adapted = await load({ ...page, headers: adaptedHeaders });
      }
    } finally {
      uncached.child.kill();
    }

    if (scale === SCALES[0]) {
      // As deployed: the response cache on (P1 as served, P3).
      log(`starting the service on ${scale}x with its response cache`);
      const cached = await startService(dbFile, page, { RESPONSE_CACHE: 'on' });
      try {
        const postPage: Target = { ...page, url: `${cached.base}/graphql` };
        const search = new URLSearchParams({ query: OUR_PAGE, variables: JSON.stringify(variables) });
        const getPage: Target = { url: `${cached.base}/graphql?${search}`, headers: { authorization: `Bearer ${build.key}`, 'apollo-require-preflight': 'true' } };
        log('P1: our page query, from the cache (POST)');
        result.oursCached = await load(postPage);
        log('P1: the adapted page, from the cache (POST)');
        result.adaptedCached = await load({ ...postPage, headers: adaptedHeaders });
        const bytesFile = path.join(DATA, 'page-response.json');
        writeFileSync(bytesFile, await fetchOnce(getPage));
        // The hit's own headers (those Node adds itself aside) for the second bare server.
        const headersFile = path.join(DATA, 'page-headers.json');
        const hitHeaders = (await fetch(getPage.url, { headers: getPage.headers })).headers;
        const NODE_OWN = new Set(['connection', 'keep-alive', 'date', 'content-length', 'transfer-encoding']);
        writeFileSync(headersFile, JSON.stringify(Object.fromEntries([...hitHeaders].filter(([name]) => !NODE_OWN.has(name)))));
        const bares = [[bytesFile], [bytesFile, headersFile]].map((args) => spawn(process.execPath, [path.join(ROOT, 'dist', 'bench', 'bare-server.js'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] }));
        const ports = await Promise.all(bares.map((child) => new Promise<string>((resolve) => child.stdout?.once('data', (data: Buffer) => resolve(data.toString().trim())))));
        try {
          log('P3: our page query from the cache (GET), a bare node:http server with the same bytes, and one with our headers too, run by run in turn');
          const bareTargets = ports.map((port) => ({ ...getPage, url: `http://127.0.0.1:${port}/graphql?${search}` }));
          const p3 = await sampleRss(cached.child.pid as number, () => loadInterleaved([getPage, ...bareTargets]));
          const [oursGet, bare, bareWithHeaders] = p3.result as [Load, Load, Load];
          result.cachedSaturationRssMb = p3.peakMb;
          result.oursGet = oursGet;
          result.bare = bare;
          result.bareWithHeaders = bareWithHeaders;
        } finally {
          for (const child of bares) child.kill();
        }
        result.cachedPeakRssMb = peakRssMb(cached.child.pid as number);
        log(`P7: ${build.clinicKeys.length} sites, one per clinic, re-warm after a publish`);
        result.rewarm = await measureRewarm({ base: cached.base, slug: build.slugs.most, clinicKeys: build.clinicKeys, log }).catch((error: unknown) => ({
          error: error instanceof Error ? error.message : String(error),
        }));
      } finally {
        cached.child.kill();
      }
    }
    perScale[scale] = result;
  }

  // P4 from every scale's service at once, in turn run by run: the scales are built minutes apart,
  // and a drift in the machine's speed between them would read as a cost of the data's size.
  log(`P4: the page and the filtered list at ${SCALES.join('x, ')}x, uncached, every scale's service up, run by run in turn`);
  const scaled = SCALES.map((scale) => ({ scale, result: perScale[scale] as (typeof perScale)[number] }));
  const services: Array<Awaited<ReturnType<typeof startService>>> = [];
  try {
    for (const { scale, result } of scaled) {
      services.push(await startService(path.join(DATA, `bench-${scale}x.db`), { ...result.targets.page, url: '' }, { RESPONSE_CACHE: 'off' }));
    }
    const targets = scaled.flatMap(({ result }, index) => {
      const url = `${(services[index] as (typeof services)[number]).base}/graphql`;
      return [{ ...result.targets.page, url }, { ...result.targets.list, url }];
    });
    const loads = await loadInterleaved(targets);
    scaled.forEach(({ result }, index) => (result.scaling = { page: loads[2 * index] as Load, list: loads[2 * index + 1] as Load }));
  } finally {
    for (const service of services) service.child.kill();
  }

  log('P5: publish through one instance, fresh through another (PostgreSQL + Redis)');
  const p5 = await measureP5().catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }));

  const one = perScale[SCALES[0] as number];
  const ten = perScale[SCALES[SCALES.length - 1] as number];
  if (one === undefined || ten === undefined) throw new Error('no results');
  const oneScaling = one.scaling as NonNullable<typeof one.scaling>;
  const tenScaling = ten.scaling as NonNullable<typeof ten.scaling>;
  const round = (value: number, digits = 2) => Number(value.toFixed(digits));
  const results = {
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', memoryGiB: round(os.totalmem() / 2 ** 30, 1), node: process.version, date: new Date().toISOString() },
    settings: { connections: CONNECTIONS, durationSeconds: DURATION, runs: RUNS, warmUpSeconds: 3, database: 'sqlite' },
    datasets: Object.fromEntries(Object.entries(perScale).map(([scale, result]) => [`${scale}x`, { counts: result.build.counts, buildSeconds: round(result.build.buildSeconds, 1) }])),
    P1: {
      goal: 'ours >= 10x faster than Strapi GraphQL (p50 ratio)',
      strapiGraphql: one.strapi,
      uncached: {
        ours: one.ours,
        p50Ratio: round(one.strapi.p50 / one.ours.p50),
        throughputRatio: round(one.ours.rps / one.strapi.rps),
        isMet: one.strapi.p50 / one.ours.p50 >= 10,
        adapted: one.adapted ? { ours: one.adapted, p50Ratio: round(one.strapi.p50 / one.adapted.p50), throughputRatio: round(one.adapted.rps / one.strapi.rps) } : null,
      },
      asServed: one.oursCached
        ? {
            note: 'the response cache on (the default); the same POST, answered from the cache',
            ours: one.oursCached,
            p50Ratio: round(one.strapi.p50 / Math.max(one.oursCached.p50, 1)),
            throughputRatio: round(one.oursCached.rps / one.strapi.rps),
            isMet: one.strapi.p50 / Math.max(one.oursCached.p50, 1) >= 10,
            adapted: one.adaptedCached ? { ours: one.adaptedCached, throughputRatio: round(one.adaptedCached.rps / one.strapi.rps) } : null,
          }
        : null,
    },
    P2: {
      goal: 'ours constant in related-entry count and <= relation levels + 1 (3); for a clinic that adapts the page, constant and <= 4',
      treats: one.build.treats,
      ours: one.build.statements.ours,
      adapted: one.build.statements.adapted,
      strapiGraphql: one.build.statements.strapi,
      isMet:
        one.build.statements.ours.most === one.build.statements.ours.fewest &&
        one.build.statements.ours.most <= 3 &&
        one.build.statements.adapted.most === one.build.statements.adapted.fewest &&
        one.build.statements.adapted.most <= 4,
    },
    P3: {
      goal: 'ours (from the cache) >= 0.8x a bare node:http server returning the same bytes (throughput)',
      note: 'GET with the query in the URL, as a CDN or a site server sends it; answered before the middleware chain',
      ours: one.oursGet ?? null,
      bare: one.bare ?? null,
      throughputRatio: one.oursGet && one.bare ? round(one.oursGet.rps / one.bare.rps, 3) : null,
      withOurHeaders: one.bareWithHeaders && one.bare && one.oursGet
        ? {
            note: "the bare server sending our hit's headers too (cache tags, ETag, Vary, …), set one by one: the ceiling for an answer that carries them",
            bare: one.bareWithHeaders,
            overBare: round(one.bareWithHeaders.rps / one.bare.rps, 3),
            oursOverIt: round(one.oursGet.rps / one.bareWithHeaders.rps, 3),
          }
        : null,
      isMet: one.oursGet && one.bare ? one.oursGet.rps / one.bare.rps >= 0.8 : false,
    },
    P4: {
      goal: 'p50 at 10x / p50 at 1x <= 1.3',
      note: "both scales' services up at once, loaded in turn run by run",
      page: { p50At1x: oneScaling.page.p50, p50At10x: tenScaling.page.p50, ratio: round(tenScaling.page.p50 / oneScaling.page.p50) },
      list: { p50At1x: oneScaling.list.p50, p50At10x: tenScaling.list.p50, ratio: round(tenScaling.list.p50 / oneScaling.list.p50) },
      isMet: tenScaling.page.p50 / oneScaling.page.p50 <= 1.3 && tenScaling.list.p50 / oneScaling.list.p50 <= 1.3,
    },
    P5: {
      goal: 'publish through instance A, fresh through instance B: p99 <= 250 ms after the publish returned (PostgreSQL + Redis)',
      ...p5,
      isMet: 'p99' in p5 ? p5.p99 <= 250 : false,
    },
    P6: {
      goal: 'reported: start to first successful response, peak RSS under load, RSS at saturation',
      startMs: Object.fromEntries(Object.entries(perScale).map(([scale, result]) => [`${scale}x`, result.startMs])),
      peakRssMb: Object.fromEntries(Object.entries(perScale).map(([scale, result]) => [`${scale}x`, result.peakRssMb])),
      peakRssMbWithCache: one.cachedPeakRssMb ?? null,
      saturationRssMb: {
        note: 'peak VmRSS sampled every 200 ms during the load: P1 (uncached, ours and Strapi GraphQL), P3 (cached)',
        uncached: Object.fromEntries(Object.entries(perScale).map(([scale, result]) => [`${scale}x`, result.saturationRssMb])),
        cachedAt1x: one.cachedSaturationRssMb ?? null,
      },
    },
    P7: {
      goal: "reported: time until all 20 clinics' next request is a fresh hit after a publish (20 concurrent sites)",
      ...(one.rewarm ?? { error: 'not run' }),
    },
  };
  writeFileSync(path.join(RESULTS, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(RESULTS, 'README.md'), renderMarkdown(results));
  log('wrote bench/results/latest.json and bench/results/README.md');
  if ('error' in results.P7) {
    log(`P7 FAILED: ${results.P7.error}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
