/**
 * npm run bench:edge — the service behind a real Varnish (Debian's varnishd with the shipped
 * deploy/varnish/default.vcl and the xkey vmod):
 * - P5b: two instances on one PostgreSQL and one Redis, Varnish in front of B, both instances purging
 *   Varnish; an editor publishes through A, and a site reads through Varnish. p50/p99 from the moment
 *   the publish call returned to Varnish's first fresh answer, over 100 publishes. Goal p99 <= 250 ms.
 * - P3 through Varnish: the therapy page as a Varnish HIT against the bare node:http ceiling returning
 *   the same bytes, loaded in turn run by run (what a site behind a CDN gets).
 * Writes bench/results/edge.json and edge.md.
 * Options: --duration 8 (seconds per run)  --runs 3  --connections 8  --publishes 100
 */
import { spawn, spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import autocannon from 'autocannon';
import { createKeyWithCli, Editor, freePort, freshPostgresDatabase, productionSecrets, startInstance, type Instance } from './instances';
import { startVarnish, VARNISHD, type Varnish } from './varnish';
import { option } from './options';

const ROOT = path.resolve(__dirname, '..', '..');
const DATA = path.join(ROOT, 'bench', '.data');
const RESULTS = path.join(ROOT, 'bench', 'results');

const DURATION = Number(option('duration', '8'));
const RUNS = Number(option('runs', '3'));
const CONNECTIONS = Number(option('connections', '8'));
const PUBLISHES = Number(option('publishes', '100'));

const MRT = 'myofascial-release-therapy';
const PAGE_QUERY = `{ therapyPage(slug: "${MRT}") { technique { name summary intro { html } goal } clinic { name } jsonLd } }`;

/** What `varnishd -V` says of itself (its first line). */
function varnishVersion(): string {
  const printed = spawnSync(VARNISHD, ['-V'], { encoding: 'utf8' });
  const line = `${printed.stdout}${printed.stderr}`.split('\n').find((text) => text.startsWith('varnishd'));
  return line?.replace(/^varnishd \((.*?)\s+revision.*$/, '$1') ?? 'varnishd';
}

function log(message: string): void {
  console.error(`[bench:edge ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

interface Load {
  p50: number;
  p99: number;
  rps: number;
}

function load(target: { url: string; headers: Record<string, string> }, duration: number): Promise<Load> {
  return new Promise((resolve, reject) => {
    autocannon({ url: target.url, headers: target.headers, connections: CONNECTIONS, duration }, (error, result) => {
      if (error) return reject(error);
      if (result.non2xx > 0 || result.errors > 0) return reject(new Error(`${target.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`));
      resolve({ p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average });
    });
  });
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return Number((sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number).toFixed(1));
};
const median = (values: number[]) => quantile(values, 0.5);

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const database = await freshPostgresDatabase('edge');
  const instances: Instance[] = [];
  let varnish: Varnish | null = null;
  let bare: ReturnType<typeof spawn> | null = null;
  try {
    const shared = {
      DATABASE_URL: database.url,
      REDIS_URL: process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `bench-${randomBytes(6).toString('hex')}`,
      SEED_ON_EMPTY: 'true',
      ...productionSecrets(),
      RATE_LIMIT_PER_MINUTE: '100000000',
    };
    // Varnish first, its backend B's port (its address goes into the instances' VARNISH_PURGE_URLS).
    const bPort = await freePort();
    varnish = await startVarnish({ backendPort: bPort });
    const environment = { ...shared, VARNISH_PURGE_URLS: varnish.url };
    instances.push(...(await Promise.all([startInstance('a', environment), startInstance('b', environment, { port: bPort })])));
    const [a] = instances as [Instance, Instance];
    const key = await createKeyWithCli(environment);
    const page = { url: `${varnish.url}/graphql?${new URLSearchParams({ query: PAGE_QUERY })}`, headers: { authorization: `Bearer ${key}`, 'apollo-require-preflight': 'true' } };
    const read = async () => {
      const response = await fetch(page.url, { headers: page.headers });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`through Varnish: ${response.status} ${text.slice(0, 300)}`);
      return { name: (JSON.parse(text) as { data: { therapyPage: { technique: { name: string } } } }).data.therapyPage.technique.name, edge: response.headers.get('x-edge-cache'), text };
    };

    log(`P5b: publish through A, fresh through Varnish in front of B (${PUBLISHES} publishes)`);
    const editor = await Editor.signIn(a.base, 'bench-editor@example.com', 'Bench-passw0rd');
    const technique = (await editor.find(a.base, 'api::technique.technique', MRT)).documentId;
    const afterReturn: number[] = [];
    const publishing: number[] = [];
    let hits = 0;
    for (let index = 0; index < PUBLISHES; index += 1) {
      await read();
      if ((await read()).edge === 'HIT') hits += 1; // Varnish holds the current answer
      const nameNow = `Myofascial Release Therapy ${index}`;
      const started = performance.now();
      await editor.publish(a.base, 'api::technique.technique', technique, { name: nameNow });
      const returned = performance.now();
      publishing.push(returned - started);
      while ((await read()).name !== nameNow) {
        if (performance.now() - started > 10000) throw new Error(`Varnish did not serve "${nameNow}" within 10 s`);
      }
      afterReturn.push(performance.now() - returned);
    }

    log('P3 through Varnish: a Varnish HIT and a bare node:http server with the same bytes, run by run in turn');
    const bytesFile = path.join(DATA, 'edge-page-response.json');
    const body = (await read()).text;
    writeFileSync(bytesFile, body);
    bare = spawn(process.execPath, [path.join(ROOT, 'dist', 'bench', 'bare-server.js'), bytesFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    const barePort = await new Promise<string>((resolve) => bare?.stdout?.once('data', (data: Buffer) => resolve(data.toString().trim())));
    const bareTarget = { url: `http://127.0.0.1:${barePort}/graphql`, headers: page.headers };
    await load(page, 3);
    await load(bareTarget, 3);
    const [throughVarnish, ceiling]: [Load[], Load[]] = [[], []];
    for (let run = 0; run < RUNS; run += 1) {
      throughVarnish.push(await load(page, DURATION));
      ceiling.push(await load(bareTarget, DURATION));
    }
    const summary = (loads: Load[]): Load => ({ p50: median(loads.map((l) => l.p50)), p99: median(loads.map((l) => l.p99)), rps: median(loads.map((l) => l.rps)) });
    const round = (value: number, digits = 3) => Number(value.toFixed(digits));
    const results = {
      machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', memoryGiB: round(os.totalmem() / 2 ** 30, 1), node: process.version, date: new Date().toISOString(), varnish: varnishVersion() },
      settings: { connections: CONNECTIONS, durationSeconds: DURATION, runs: RUNS, publishes: PUBLISHES, database: 'postgresql', bytes: body.length },
      P5b: {
        goal: 'publish through instance A, fresh through Varnish in front of instance B: p99 <= 250 ms after the publish returned',
        p50: quantile(afterReturn, 0.5),
        p99: quantile(afterReturn, 0.99),
        max: quantile(afterReturn, 1),
        samples: afterReturn.length,
        hitsBeforePublish: hits,
        publishP50: quantile(publishing, 0.5),
        publishP99: quantile(publishing, 0.99),
        isMet: quantile(afterReturn, 0.99) <= 250,
      },
      P3Varnish: { note: 'GET through Varnish (a HIT) against the bare node:http ceiling with the same bytes', varnish: summary(throughVarnish), bare: summary(ceiling), throughputRatio: round(summary(throughVarnish).rps / summary(ceiling).rps) },
    };
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(path.join(RESULTS, 'edge.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(path.join(RESULTS, 'edge.md'), renderMarkdown(results));
    log('wrote bench/results/edge.json and bench/results/edge.md');
  } finally {
    bare?.kill();
    await Promise.all(instances.map((instance) => instance.stop()));
    await varnish?.stop();
    await database.drop();
  }
}

function renderMarkdown(results: any): string {
  const ms = (value: number) => `${value} ms`;
  return `# Behind Varnish: benchmark results

Produced by \`npm run bench:edge\` (bench/edge.ts) on ${results.machine.date.slice(0, 10)}: ${results.machine.cores} cores (${results.machine.cpu}),
${results.machine.memoryGiB} GiB, Node ${results.machine.node}, ${results.machine.varnish} with deploy/varnish/default.vcl, PostgreSQL and Redis.
Raw figures: [edge.json](edge.json).

| | what | measured | goal | |
| --- | --- | --- | --- | --- |
| P5b | publish through A → fresh through Varnish in front of B (2 instances), from the publish call's return | p50 ${ms(results.P5b.p50)}, p99 ${ms(results.P5b.p99)}, max ${ms(results.P5b.max)} over ${results.P5b.samples} publishes (Varnish held the old page ${results.P5b.hitsBeforePublish} times of ${results.P5b.samples} before the publish); the publish call itself p50 ${ms(results.P5b.publishP50)}, p99 ${ms(results.P5b.publishP99)} | p99 <= 250 ms | ${results.P5b.isMet ? 'met' : '**missed**'} |
| P3 | the page as a Varnish HIT vs bare node:http, same bytes (${results.settings.bytes} B), ${results.settings.connections} connections, ${results.settings.runs} runs of ${results.settings.durationSeconds} s in turn | Varnish ${Math.round(results.P3Varnish.varnish.rps)} req/s (p50 ${ms(results.P3Varnish.varnish.p50)}, p99 ${ms(results.P3Varnish.varnish.p99)}), bare ${Math.round(results.P3Varnish.bare.rps)} req/s: ${results.P3Varnish.throughputRatio}x | reported | |
`;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
