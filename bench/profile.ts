/**
 * npm run bench:profile [-- --scale 10] — where the time of one therapy-page request goes, on a dataset
 * `npm run bench` built (default 1x): wall time vs time inside SQL, the statements by cost, and a CPU
 * profile of sequential requests summarised by package. Writes bench/results/profile-<scale>x.md.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import autocannon from 'autocannon';
import inspector from 'inspector';
import path from 'path';
import { createStrapi } from '@strapi/strapi';
import { shutDown } from '../src/database/settle';
import type { BuildReport } from './build';
import { OUR_PAGE } from './queries';
import { runCli } from '../scripts/cli';
import { startInstance } from './instances';

const ROOT = path.resolve(__dirname, '..', '..');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

function post(session: inspector.Session, method: string, params?: object): Promise<any> {
  return new Promise((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
}

async function main(): Promise<void> {
  const scaleIndex = process.argv.indexOf('--scale');
  const scale = scaleIndex >= 0 ? Number(process.argv[scaleIndex + 1]) : 1;
  const dataDir = path.join(ROOT, 'bench', '.data');
  const build = JSON.parse(readFileSync(path.join(dataDir, `scale-${scale}.json`), 'utf8')) as BuildReport;
  // A local, throwaway process: development secrets do (from .env, or these).
  for (const name of ['API_TOKEN_SALT', 'ADMIN_JWT_SECRET', 'TRANSFER_TOKEN_SALT', 'ENCRYPTION_KEY']) process.env[name] ??= 'bench-profile';
  process.env.APP_KEYS ??= 'bench-profile-a,bench-profile-b';
  // Uncached: the statements and work of answering from the database (the hit path is profiled below).
  Object.assign(process.env, {
    DATABASE_FILENAME: path.join(dataDir, `bench-${scale}x.db`),
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'error',
    SEED_ON_EMPTY: 'false',
    RESPONSE_CACHE: 'off',
  });
  const distDir = path.resolve(__dirname, '..');
  const strapi = await createStrapi({ appDir: ROOT, distDir, serveAdminPanel: false }).load();
  try {
    await strapi.listen();
    const address = strapi.server.httpServer.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const body = JSON.stringify({ query: OUR_PAGE, variables: { slug: build.slugs.most, locale: 'en' } });
    const request = async () => {
      const response = await fetch(`http://127.0.0.1:${address.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${build.key}` },
        body,
      });
      const text = await response.text();
      if (response.status !== 200 || text.includes('"errors"')) throw new Error(text.slice(0, 300));
    };
    for (let index = 0; index < 20; index += 1) await request();

    // SQL: each statement's time inside the driver during one request.
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
    const sqlMs = statements.reduce((sum, statement) => sum + statement.ms, 0) / sequential;

    // CPU: a profile of the same sequential requests, self time by package.
    const session = new inspector.Session();
    session.connect();
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.start');
    for (let index = 0; index < sequential; index += 1) await request();
    const { profile } = (await post(session, 'Profiler.stop')) as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
    session.disconnect();
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const byPackage = new Map<string, number>();
    let total = 0;
    profile.samples.forEach((id, index) => {
      const delta = profile.timeDeltas[index] ?? 0;
      total += delta;
      const url = nodes.get(id)?.callFrame.url ?? '';
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
      const key = match?.[1] ?? (url.includes('/dist/src/') ? 'this service (dist/src)' : url === '' ? '(native, GC, idle)' : 'node internals');
      byPackage.set(key, (byPackage.get(key) ?? 0) + delta);
    });

    const byShape = new Map<string, { count: number; ms: number }>();
    for (const statement of statements) {
      const shape = statement.sql.replace(/\?(, \?)*/g, '?').slice(0, 110);
      const entry = byShape.get(shape) ?? { count: 0, ms: 0 };
      byShape.set(shape, { count: entry.count + 1, ms: entry.ms + statement.ms });
    }
    const lines = [
      '# Where a therapy-page request spends its time',
      '',
      `Produced by \`npm run bench:profile\` on ${new Date().toISOString().slice(0, 10)}: the ${scale}x dataset, technique with ${build.treats.most} conditions,`,
      `${sequential} sequential requests in one process (no concurrency), SQLite.`,
      '',
      `- wall time per request: ${wallMs.toFixed(1)} ms`,
      `- of which inside SQL statements: ${sqlMs.toFixed(1)} ms (${((sqlMs / wallMs) * 100).toFixed(0)} %), ${statements.length / sequential} statements`,
      '',
      '## CPU self time by package',
      '',
      '| package | share |',
      '| --- | --- |',
      ...[...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([key, value]) => `| ${key} | ${((value / total) * 100).toFixed(1)} % |`),
      '',
      '## Statements of one request, by shape',
      '',
      '| count | ms per request | statement |',
      '| --- | --- | --- |',
      ...[...byShape]
        .sort((a, b) => b[1].ms - a[1].ms)
        .slice(0, 15)
        .map(([shape, value]) => `| ${value.count / sequential} | ${(value.ms / sequential).toFixed(2)} | \`${shape.replace(/\|/g, '\\|')}…\` |`),
      '',
    ];
    writeFileSync(path.join(ROOT, 'bench', 'results', `profile-${scale}x.md`), lines.join('\n'));
    console.error(`wrote bench/results/profile-${scale}x.md`);
  } finally {
    await shutDown(strapi);
  }
  if (scale === 1) await profileHits(build, path.join(dataDir, `bench-${scale}x.db`));
}

/**
 * The cache-hit path, in a service process of its own under load: which code a hit runs. A hit should
 * not pay for Strapi's middleware chain, Apollo, GraphQL execution or SQL.
 */
async function profileHits(build: BuildReport, dbFile: string): Promise<void> {
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'clinic-hit-profile-'));
  const instance = await startInstance(
    'hits',
    {
      DATABASE_FILENAME: dbFile,
      RESPONSE_CACHE: 'on',
      LOG_LEVEL: 'error',
      APP_KEYS: 'bench-profile-a,bench-profile-b',
      API_TOKEN_SALT: 'bench-profile',
      ADMIN_JWT_SECRET: 'bench-profile',
      TRANSFER_TOKEN_SALT: 'bench-profile',
      ENCRYPTION_KEY: 'bench-profile',
    },
    { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] },
  );
  const search = new URLSearchParams({ query: OUR_PAGE, variables: JSON.stringify({ slug: build.slugs.most, locale: 'en' }) });
  const target = { url: `${instance.base}/graphql?${search}`, headers: { authorization: `Bearer ${build.key}`, 'apollo-require-preflight': 'true' } };
  let result: autocannon.Result;
  let loadStarted = 0;
  let loadEnded = 0;
  try {
    for (let index = 0; index < 3; index += 1) {
      const response = await fetch(target.url, { headers: target.headers });
      await response.text();
      if (index > 0 && response.headers.get('x-cache') !== 'HIT') throw new Error(`expected a cache hit, got ${response.headers.get('x-cache')}`);
    }
    loadStarted = Date.now();
    result = await autocannon({ ...target, connections: 8, duration: 6 });
    loadEnded = Date.now();
  } finally {
    await instance.stop('SIGINT');
  }
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error('the service wrote no CPU profile');
  const profile = JSON.parse(readFileSync(path.join(profileDir, file), 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
    startTime: number;
    endTime: number;
  };
  rmSync(profileDir, { recursive: true, force: true });
  // Samples are timestamped in µs from startTime; keep those inside the load (wall clock offsets match
  // closely enough at this resolution: the window is trimmed by 0.5 s on each side).
  const wallStart = Date.now() * 1000 - (profile.endTime - profile.startTime);
  const windowStart = (loadStarted + 500) * 1000 - wallStart + profile.startTime;
  const windowEnd = (loadEnded - 500) * 1000 - wallStart + profile.startTime;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byPackage = new Map<string, number>();
  let at = profile.startTime;
  let busy = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    if (at < windowStart || at > windowEnd) return;
    const node = nodes.get(id);
    if (node?.callFrame.functionName === '(idle)') return;
    busy += delta;
    const url = node?.callFrame.url ?? '';
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    const key = match?.[1] ?? (url.includes('/dist/src/') ? 'this service (dist/src)' : url === '' ? `(${node?.callFrame.functionName.replace(/[()]/g, '') || 'native'})` : 'node internals');
    byPackage.set(key, (byPackage.get(key) ?? 0) + delta);
  });
  const chain = ['koa', '@koa/router', 'koa-body', 'helmet', '@apollo/server', 'graphql', 'knex', 'better-sqlite3', '@strapi/core', '@strapi/database'];
  const chainSeen = chain.filter((name) => byPackage.has(name));
  const DATABASE_LAYER = new Set(['knex', 'better-sqlite3', '@strapi/database', 'tarn']);
  const lines = [
    '# The cache-hit path',
    '',
    `Produced by \`npm run bench:profile\` on ${new Date().toISOString().slice(0, 10)}: the 1x dataset, the therapy page as a GET answered from`,
    'the response cache (in this process), autocannon with 8 connections for 6 s against a service process',
    'started with --cpu-prof; self time by package while under load (idle excluded).',
    '',
    `- throughput: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
    `- CPU busy per request: ${((busy / 1000) / (result.requests.average * ((windowEnd - windowStart) / 1e6))).toFixed(3)} ms`,
    '',
    '| package | share of busy time |',
    '| --- | --- |',
    ...[...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([key, value]) => `| ${key} | ${((value / busy) * 100).toFixed(1)} % |`),
    '',
    chainSeen.length === 0
      ? 'None of Strapi\'s middleware chain (koa, @koa/router, koa-body, helmet), Apollo Server, graphql or knex ran: a hit is answered from the node:http request event, before any of them.'
      : chainSeen.every((name) => DATABASE_LAYER.has(name)) && chainSeen.reduce((sum, name) => sum + (byPackage.get(name) ?? 0), 0) / busy < 0.01
        ? `None of Strapi's middleware chain (koa, @koa/router, koa-body, helmet), Apollo Server or graphql ran: a hit is answered from the node:http request event, before any of them. The database layer (${chainSeen.join(', ')}, under 1 %) is the clinic directory rereading keys once a second (CLINIC_CACHE_TTL_MS), not the hits.`
        : `Work a hit should not need still shows: ${chainSeen.map((name) => `${name} ${(((byPackage.get(name) ?? 0) / busy) * 100).toFixed(1)} %`).join(', ')}.`,
    '',
  ];
  writeFileSync(path.join(ROOT, 'bench', 'results', 'profile-hit.md'), lines.join('\n'));
  console.error('wrote bench/results/profile-hit.md');
}

runCli(main);
