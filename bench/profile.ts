/**
 * npm run bench:profile [-- --scale 10] [-- --keep DIR] — where the time of one therapy-page request goes, on a dataset
 * `npm run bench` built (default 1x): wall time vs time inside SQL, the statements by cost, and CPU and
 * allocation profiles of a service process under load, by layer. Writes bench/results/profile-<scale>x.md
 * (uncached) and, at 1x, profile-hit.md (answers from the response cache); --keep DIR also keeps the
 * raw profiles there (Chrome DevTools opens them).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import autocannon from 'autocannon';
import path from 'path';
import { createStrapi } from '@strapi/strapi';
import { shutDown } from '../src/database/settle';
import type { BuildReport } from './build';
import { OUR_PAGE } from './queries';
import { runCli } from '../scripts/cli';
import { productionSecrets, startInstance } from './instances';
import { layerTables, summariseByLayer, type CpuProfile, type HeapProfile, type LayerSummary } from './profile-layers';

const ROOT = path.resolve(__dirname, '..', '..');

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const scale = Number(option('scale') ?? '1');
  const dataDir = path.join(ROOT, 'bench', '.data');
  const dbFile = path.join(dataDir, `bench-${scale}x.db`);
  const build = JSON.parse(readFileSync(path.join(dataDir, `scale-${scale}.json`), 'utf8')) as BuildReport;
  const body = JSON.stringify({ query: OUR_PAGE, variables: { slug: build.slugs.most, locale: 'en' } });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${build.key}` };
  const sql = await measureSql({ dbFile, body, headers });
  const load = await profileUnderLoad({ name: `uncached-${scale}x`, dbFile, environment: { RESPONSE_CACHE: 'off' }, target: { url: '/graphql', method: 'POST', headers, body }, expect: (response) => response.status === 200 });
  const lines = [
    '# Where an uncached therapy-page request spends its time',
    '',
    `Produced by \`npm run bench:profile\` on ${new Date().toISOString().slice(0, 10)}: the ${scale}x dataset, technique with ${build.treats.most} conditions, SQLite, the`,
    `response cache off. SQL: ${sql.sequential} sequential requests in one process, each statement timed in the driver. CPU and`,
    'allocations: a service process of its own (`strapi start`, production) under autocannon from another process,',
    `${load.connections} connections for ${load.seconds} s after a warm-up, profiled by bench/profile-agent.ts; self time and allocations by layer.`,
    '',
    `- sequential wall time per request: ${sql.wallMs.toFixed(1)} ms, of which inside SQL statements: ${sql.sqlMs.toFixed(2)} ms (${((sql.sqlMs / sql.wallMs) * 100).toFixed(0)} %), ${sql.statementsPerRequest} statements`,
    underLoad(load),
    ...layerTables(load.summary),
    '',
    '## Statements of one request, by shape',
    '',
    '| count | ms per request | statement |',
    '| --- | --- | --- |',
    ...[...sql.byShape]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 15)
      .map(([shape, value]) => `| ${value.count / sql.sequential} | ${(value.ms / sql.sequential).toFixed(2)} | \`${shape.replace(/\|/g, '\\|')}…\` |`),
    '',
  ];
  writeFileSync(path.join(ROOT, 'bench', 'results', `profile-${scale}x.md`), lines.join('\n'));
  console.error(`wrote bench/results/profile-${scale}x.md`);
  if (scale === 1) await profileHits(build, dbFile);
}

/** Sequential requests in this process, each SQL statement timed inside the driver. */
async function measureSql(input: { dbFile: string; body: string; headers: Record<string, string> }): Promise<{
  sequential: number;
  wallMs: number;
  sqlMs: number;
  statementsPerRequest: number;
  byShape: Map<string, { count: number; ms: number }>;
}> {
  // A local, throwaway process: development secrets do (from .env, or these).
  for (const name of ['API_TOKEN_SALT', 'ADMIN_JWT_SECRET', 'TRANSFER_TOKEN_SALT', 'ENCRYPTION_KEY']) process.env[name] ??= 'bench-profile';
  process.env.APP_KEYS ??= 'bench-profile-a,bench-profile-b';
  Object.assign(process.env, { DATABASE_FILENAME: input.dbFile, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'error', SEED_ON_EMPTY: 'false', RESPONSE_CACHE: 'off' });
  const distDir = path.resolve(__dirname, '..');
  const strapi = await createStrapi({ appDir: ROOT, distDir, serveAdminPanel: false }).load();
  try {
    await strapi.listen();
    const address = strapi.server.httpServer.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const request = async () => {
      const response = await fetch(`http://127.0.0.1:${address.port}/graphql`, { method: 'POST', headers: input.headers, body: input.body });
      const text = await response.text();
      if (response.status !== 200 || text.includes('"errors"')) throw new Error(text.slice(0, 300));
    };
    for (let index = 0; index < 20; index += 1) await request();
    const starts = new Map<string, bigint>();
    const statements: Array<{ ms: number; sql: string }> = [];
    const onQuery = (query: { __knexQueryUid: string }) => starts.set(query.__knexQueryUid, process.hrtime.bigint());
    const onResponse = (_result: unknown, query: { __knexQueryUid: string; sql: string }) =>
      statements.push({ ms: Number(process.hrtime.bigint() - (starts.get(query.__knexQueryUid) ?? 0n)) / 1e6, sql: query.sql });
    strapi.db.connection.on('query', onQuery).on('query-response', onResponse);
    const sequential = 50;
    const started = process.hrtime.bigint();
    for (let index = 0; index < sequential; index += 1) await request();
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6 / sequential;
    strapi.db.connection.off('query', onQuery).off('query-response', onResponse);
    const byShape = new Map<string, { count: number; ms: number }>();
    for (const statement of statements) {
      const shape = statement.sql.replace(/\?(, \?)*/g, '?').slice(0, 110);
      const entry = byShape.get(shape) ?? { count: 0, ms: 0 };
      byShape.set(shape, { count: entry.count + 1, ms: entry.ms + statement.ms });
    }
    const sqlMs = statements.reduce((sum, statement) => sum + statement.ms, 0) / sequential;
    return { sequential, wallMs, sqlMs, statementsPerRequest: statements.length / sequential, byShape };
  } finally {
    await shutDown(strapi);
  }
}

function underLoad(load: { result: autocannon.Result; unprofiled: autocannon.Result; rssMb: number }): string {
  const { result, unprofiled } = load;
  return `- under load: ${Math.round(unprofiled.requests.average)} req/s, p50 ${unprofiled.latency.p50} ms unprofiled (the warm-up); ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms while profiled; RSS at saturation ${load.rssMb} MB`;
}

interface LoadTarget {
  /** Path on the service; method, headers and body as autocannon sends them. */
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

/**
 * A service process of its own, under autocannon from this one: warmed up, then profiled (CPU and
 * allocations, bench/profile-agent.ts) for the length of one load run, and summed by layer.
 */
async function profileUnderLoad(input: { name: string; dbFile: string; environment: Record<string, string>; target: LoadTarget; expect: (response: Response) => boolean }): Promise<{
  result: autocannon.Result;
  /** The warm-up, before profiling started. */
  unprofiled: autocannon.Result;
  summary: LayerSummary;
  rssMb: number;
  connections: number;
  seconds: number;
}> {
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'clinic-profile-'));
  const connections = 8;
  const seconds = 8;
  const instance = await startInstance(
    'profiled',
    { DATABASE_FILENAME: input.dbFile, LOG_LEVEL: 'error', SEED_ON_EMPTY: 'false', RATE_LIMIT_PER_MINUTE: '100000000', PROFILE_AGENT_DIR: profileDir, ...productionSecrets(), ...input.environment },
    { nodeArgs: ['-r', path.join(__dirname, 'profile-agent.js')] },
  );
  const target = { ...input.target, url: `${instance.base}${input.target.url}` };
  const waitFor = async (file: string) => {
    for (let waited = 0; !existsSync(path.join(profileDir, file)); waited += 50) {
      if (waited > 30000) throw new Error(`the profile agent wrote no ${file}:\n${instance.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  try {
    const first = await fetch(target.url, { method: target.method, headers: target.headers, body: target.body });
    const text = await first.text();
    if (!input.expect(first) || text.includes('"errors"')) throw new Error(`unexpected answer ${first.status}: ${text.slice(0, 300)}`);
    const unprofiled = await autocannon({ ...target, connections, duration: 4 });
    instance.child.kill('SIGUSR2');
    await waitFor('started');
    let rssMb = 0;
    const sampler = setInterval(() => {
      const status = readFileSync(`/proc/${instance.child.pid}/status`, 'utf8');
      rssMb = Math.max(rssMb, Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024));
    }, 200);
    const result = await autocannon({ ...target, connections, duration: seconds });
    clearInterval(sampler);
    instance.child.kill('SIGUSR2');
    await waitFor('done');
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
    const cpu = JSON.parse(readFileSync(path.join(profileDir, 'cpu.cpuprofile'), 'utf8')) as CpuProfile;
    const heap = JSON.parse(readFileSync(path.join(profileDir, 'heap.heapprofile'), 'utf8')) as HeapProfile;
    const keep = option('keep');
    if (keep !== undefined) {
      mkdirSync(keep, { recursive: true });
      for (const file of ['cpu.cpuprofile', 'heap.heapprofile']) copyFileSync(path.join(profileDir, file), path.join(keep, `${input.name}-${file}`));
    }
    return { result, unprofiled, summary: summariseByLayer(cpu, heap, result.requests.total), rssMb, connections, seconds };
  } finally {
    await instance.stop();
    rmSync(profileDir, { recursive: true, force: true });
  }
}

/**
 * The cache-hit path under load: which code a hit runs. A hit should not pay for Strapi's middleware
 * chain, Apollo, GraphQL execution or SQL.
 */
async function profileHits(build: BuildReport, dbFile: string): Promise<void> {
  const search = new URLSearchParams({ query: OUR_PAGE, variables: JSON.stringify({ slug: build.slugs.most, locale: 'en' }) });
  const load = await profileUnderLoad({
    name: 'hit',
    dbFile,
    environment: { RESPONSE_CACHE: 'on' },
    target: { url: `/graphql?${search}`, method: 'GET', headers: { authorization: `Bearer ${build.key}`, 'apollo-require-preflight': 'true' } },
    expect: (response) => response.status === 200,
  });
  const { summary } = load;
  const chain = ["Strapi's Koa chain (koa, helmet, …)", 'Apollo Server', 'graphql-js execution', 'database driver (knex, better-sqlite3)'];
  const seen = summary.layers.filter((row) => chain.includes(row.layer) && row.cpuShare > 0);
  const database = seen.find((row) => row.layer.startsWith('database'));
  const lines = [
    '# The cache-hit path',
    '',
    `Produced by \`npm run bench:profile\` on ${new Date().toISOString().slice(0, 10)}: the 1x dataset, the therapy page as a GET answered from`,
    `the response cache (in this process), autocannon with ${load.connections} connections for ${load.seconds} s against a service process of its own,`,
    'profiled by bench/profile-agent.ts; self time and allocations by layer.',
    '',
    underLoad(load),
    ...layerTables(summary),
    '',
    seen.length === 0
      ? "None of Strapi's middleware chain, Apollo Server, graphql or the database driver ran: a hit is answered from the node:http request event, before any of them."
      : seen.length === 1 && database !== undefined && database.cpuShare < 0.01
        ? `None of Strapi's middleware chain, Apollo Server or graphql ran: a hit is answered from the node:http request event, before any of them. The database driver (under 1 %) is the clinic directory rereading keys (CLINIC_CACHE_TTL_MS), not the hits.`
        : `Work a hit should not need still shows: ${seen.map((row) => `${row.layer} ${(row.cpuShare * 100).toFixed(1)} %`).join(', ')}.`,
    '',
  ];
  writeFileSync(path.join(ROOT, 'bench', 'results', 'profile-hit.md'), lines.join('\n'));
  console.error('wrote bench/results/profile-hit.md');
}

runCli(main);
