/**
 * npm run bench:publish -- --baseline DIR — the admin's publish call itself (the call P5 of
 * `npm run bench` times), with content history and the audit trail on, against a build of an earlier
 * commit in the same run: the service of DIR (a checkout with its dist/ built and node_modules) and
 * this checkout's, each on its own fresh database seeded with the service's seed content, both running,
 * an editor publishing the Myofascial Release Therapy technique through the admin API (a new name each
 * time, as P5 does), the two sides in turn publish by publish (the order swapped every round), so load
 * from other work on the machine falls on both alike. Each call's latency is taken at the client;
 * its SQL statements are counted in the service process (bench/statement-count.ts).
 * Growth = ours / baseline. Writes bench/results/publish.json and publish.md.
 * Options: --baseline DIR (required)  --publishes 100  --warm-up 10  --databases sqlite,postgres
 *          --statement-log DIR (each side's statements, as JSON lines, into DIR/<database>-<side>.jsonl)
 * PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); one database
 * per side is created and dropped.
 */
import { execFileSync } from 'child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { Editor, freshPostgresDatabase, productionSecrets, startInstance, type Instance } from './instances';
import { option } from './options';
import { STATEMENTS_HEADER } from './statement-count';
import { CliSetupError, runCli } from '../scripts/cli';

const ROOT = path.resolve(__dirname, '..', '..');
const DATA = path.join(ROOT, 'bench', '.data');
const RESULTS = path.join(ROOT, 'bench', 'results');
const COUNTER = path.join(__dirname, 'statement-count.js');

const PUBLISHES = Number(option('publishes', '100'));
const WARM_UP = Number(option('warm-up', '10'));
const DATABASES = option('databases', 'sqlite,postgres').split(',') as Database[];
const STATEMENT_LOG = option('statement-log', '');
const GOAL = 1.2;
const TECHNIQUE = 'api::technique.technique';
const MRT = 'myofascial-release-therapy';

type Database = 'sqlite' | 'postgres';
type SideName = 'baseline' | 'ours';

interface Side {
  name: SideName;
  root: string;
  commit: string;
}

interface Figures {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  /** Statements per publish: the median, and the range seen. */
  statements: { median: number; min: number; max: number };
}

function log(message: string): void {
  console.error(`[bench:publish ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return Number((sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number).toFixed(1));
};

function figuresOf(latencies: number[], statements: number[]): Figures {
  return {
    samples: latencies.length,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    mean: Number((latencies.reduce((sum, value) => sum + value, 0) / latencies.length).toFixed(1)),
    statements: { median: quantile(statements, 0.5), min: Math.min(...statements), max: Math.max(...statements) },
  };
}

function commitOf(root: string): string {
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
  return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') === '' ? '' : ' (with uncommitted changes)'}`;
}

function baselineSide(): Side {
  const dir = option('baseline', '');
  if (dir === '') {
    throw new CliSetupError(
      'bench:publish needs --baseline DIR: a checkout of the commit to compare with, built. E.g.\n' +
        '  git worktree add ../baseline 673de65 && ln -s "$PWD/node_modules" ../baseline/node_modules\n' +
        '  (cd ../baseline && node scripts/compile-if-stale.js)\n' +
        '  npm run bench:publish -- --baseline ../baseline',
    );
  }
  const root = path.resolve(dir);
  for (const needed of ['dist/config', 'node_modules/@strapi/strapi']) {
    if (!existsSync(path.join(root, needed))) throw new CliSetupError(`--baseline ${dir}: no ${needed} (build its dist/ and give it node_modules first)`);
  }
  return { name: 'baseline', root, commit: commitOf(root) };
}


/** A fresh database for one side, and how to drop it. */
async function freshDatabase(database: Database, side: SideName): Promise<{ environment: Record<string, string>; drop(): Promise<void> }> {
  if (database === 'sqlite') {
    const file = path.join(DATA, `publish-${side}.db`);
    const remove = () => {
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
    };
    remove();
    return { environment: { DATABASE_FILENAME: file }, drop: async () => remove() };
  }
  const fresh = await freshPostgresDatabase(`publish_${side}`);
  return { environment: { DATABASE_URL: fresh.url }, drop: fresh.drop };
}

interface Running {
  side: Side;
  instance: Instance;
  editor: Editor;
  documentId: string;
  latencies: number[];
  statements: number[];
}

async function publishOnce(running: Running, name: string): Promise<{ ms: number; statements: number }> {
  const started = performance.now();
  await running.editor.publish(running.instance.base, TECHNIQUE, running.documentId, { name });
  const ms = performance.now() - started;
  const statements = Number(running.editor.lastHeaders?.get(STATEMENTS_HEADER) ?? NaN);
  if (!Number.isFinite(statements)) throw new Error(`${running.side.name}: the answer has no ${STATEMENTS_HEADER} header`);
  return { ms, statements };
}

async function measure(database: Database, sides: Side[]): Promise<Record<SideName, Figures>> {
  const databases: Array<{ drop(): Promise<void> }> = [];
  const running: Running[] = [];
  try {
    // One after the other: each side seeds its database on its first start.
    for (const side of sides) {
      const fresh = await freshDatabase(database, side.name);
      databases.push(fresh);
      log(`${database}: starting ${side.name} (${side.commit}) on a fresh database`);
      const instance = await startInstance(
        side.name,
        {
          ...fresh.environment,
          SEED_ON_EMPTY: 'true',
          ...productionSecrets(),
          ...(STATEMENT_LOG === '' ? {} : { BENCH_STATEMENT_LOG: path.resolve(STATEMENT_LOG, `${database}-${side.name}.jsonl`) }),
        },
        { root: side.root, nodeArgs: ['--require', COUNTER] },
      );
      running.push({ side, instance, editor: undefined as unknown as Editor, documentId: '', latencies: [], statements: [] });
      const current = running[running.length - 1] as Running;
      current.editor = await Editor.signIn(instance.base, 'bench-editor@example.com', 'Bench-passw0rd');
      current.documentId = (await current.editor.find(instance.base, TECHNIQUE, MRT)).documentId;
    }
    log(`${database}: ${WARM_UP} warm-up publishes, then ${PUBLISHES} measured, per side, in turn`);
    for (let round = 0; round < WARM_UP + PUBLISHES; round += 1) {
      // Swapped every round: neither side always follows the other's write.
      const order = round % 2 === 0 ? running : [...running].reverse();
      for (const side of order) {
        const { ms, statements } = await publishOnce(side, `Myofascial Release Therapy ${round}`);
        if (round < WARM_UP) continue;
        side.latencies.push(ms);
        side.statements.push(statements);
      }
    }
    return Object.fromEntries(running.map((side) => [side.side.name, figuresOf(side.latencies, side.statements)])) as Record<SideName, Figures>;
  } finally {
    await Promise.all(running.map((side) => side.instance.stop()));
    for (const fresh of databases) await fresh.drop();
  }
}

const loadAverage = () => os.loadavg().map((value) => Number(value.toFixed(2))) as [number, number, number];
const ratio = (ours: number, baseline: number) => Number((ours / baseline).toFixed(3));

async function main(): Promise<void> {
  const sides: Side[] = [baselineSide(), { name: 'ours', root: ROOT, commit: commitOf(ROOT) }];
  mkdirSync(DATA, { recursive: true });
  mkdirSync(RESULTS, { recursive: true });
  const loadAtStart = loadAverage();
  const perDatabase: Partial<Record<Database, { baseline: Figures; ours: Figures; growth: { p50: number; p95: number; p99: number; statements: number }; isMet: boolean; loadAverage: { start: [number, number, number]; end: [number, number, number] } }>> = {};
  for (const database of DATABASES) {
    const start = loadAverage();
    const { baseline, ours } = await measure(database, sides);
    const growth = { p50: ratio(ours.p50, baseline.p50), p95: ratio(ours.p95, baseline.p95), p99: ratio(ours.p99, baseline.p99), statements: ratio(ours.statements.median, baseline.statements.median) };
    perDatabase[database] = { baseline, ours, growth, isMet: growth.p50 < GOAL, loadAverage: { start, end: loadAverage() } };
    log(`${database}: baseline p50 ${baseline.p50} ms, ours ${ours.p50} ms (${growth.p50}x); statements ${baseline.statements.median} → ${ours.statements.median}`);
  }
  const results = {
    machine: {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
      node: process.version,
      date: new Date().toISOString(),
      loadAverage: { start: loadAtStart, end: loadAverage() },
    },
    goal: `the publish call's p50 with history and audit on < ${GOAL}x the baseline's`,
    settings: { publishes: PUBLISHES, warmUp: WARM_UP, technique: MRT, dataset: 'the service seed (SEED_ON_EMPTY), fresh per side', cache: 'in-process (no Redis)' },
    sides: Object.fromEntries(sides.map((side) => [side.name, { commit: side.commit }])),
    databases: perDatabase,
  };
  writeFileSync(path.join(RESULTS, 'publish.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(RESULTS, 'publish.md'), renderMarkdown(results));
  log('wrote bench/results/publish.json and bench/results/publish.md');
}

function renderMarkdown(results: {
  machine: { cores: number; cpu: string; memoryGiB: number; node: string; date: string; loadAverage: { start: number[]; end: number[] } };
  settings: { publishes: number; warmUp: number };
  sides: Record<string, { commit: string }>;
  databases: Partial<Record<Database, { baseline: Figures; ours: Figures; growth: { p50: number; p95: number; p99: number; statements: number }; isMet: boolean; loadAverage: { start: number[]; end: number[] } }>>;
}): string {
  const { machine, settings, sides } = results;
  const ms = (value: number) => `${value} ms`;
  const rows = Object.entries(results.databases).flatMap(([database, figures]) => {
    if (figures === undefined) return [];
    const line = (label: string, side: Figures) =>
      `| ${database} | ${label} | ${ms(side.p50)} | ${ms(side.p95)} | ${ms(side.p99)} | ${ms(side.mean)} | ${side.statements.median}${side.statements.min === side.statements.max ? '' : ` (${side.statements.min}–${side.statements.max})`} |`;
    return [
      line(`baseline ${sides.baseline?.commit ?? ''}`, figures.baseline),
      line(`ours ${sides.ours?.commit ?? ''}`, figures.ours),
      `| ${database} | **growth** (ours / baseline) | **${figures.growth.p50}x** ${figures.isMet ? '(met)' : '(**missed**)'} | ${figures.growth.p95}x | ${figures.growth.p99}x | | ${figures.growth.statements}x |`,
    ];
  });
  const loads = Object.entries(results.databases)
    .map(([database, figures]) => (figures === undefined ? '' : `${database} ${figures.loadAverage.start.join(' ')} → ${figures.loadAverage.end.join(' ')}`))
    .filter((text) => text !== '')
    .join('; ');
  return `# The admin's publish call: history and audit on, against the service before them

Produced by \`npm run bench:publish -- --baseline DIR\` (bench/publish.ts) on ${machine.date.slice(0, 10)}: ${machine.cores} cores (${machine.cpu}),
${machine.memoryGiB} GiB, Node ${machine.node}. Load average ${machine.loadAverage.start.join(' ')} at the start and ${machine.loadAverage.end.join(' ')} at the end
(the machine is shared; per database: ${loads}).

Two services run side by side, each on its own fresh database seeded with the service's seed content:
the baseline, built from ${sides.baseline?.commit ?? '?'} (the service before content history and the audit trail), and ours,
${sides.ours?.commit ?? '?'}, with both on. An editor publishes the Myofascial Release Therapy technique through the admin API
(the content manager's publish action, a new name each time, as P5 of \`npm run bench\` does): ${settings.warmUp} warm-up
publishes, then ${settings.publishes} measured, the two sides in turn publish by publish, the order swapped every round.
Latency is the call's, at the client on 127.0.0.1; statements are those the service sent to the database
until it answered (BEGIN and COMMIT included), counted in its knex client (bench/statement-count.ts).
Goal: the p50 growth under ${GOAL}x. Raw figures: [publish.json](publish.json).

| database | side | p50 | p95 | p99 | mean | statements per publish |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
}

runCli(main);
