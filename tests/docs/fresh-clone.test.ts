/**
 * A newcomer's first commands on a fresh clone, before `npm run develop` ever ran: the checkout's files
 * (what `git clone` would give: tracked and new unignored files, without .env, .tmp or dist) are copied
 * to a temporary folder with node_modules linked, and the documented commands run there through npm,
 * as typed. The first compile is made once and reused (tsc is incremental). In the PostgreSQL pass of
 * CI too, the copy runs on its own SQLite file, as a newcomer's would.
 */
import { execFile, execFileSync } from 'child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'fs';
import os from 'os';
import path from 'path';
import { SECRET_NAMES } from '../../src/env/secrets';

const ROOT = path.resolve(__dirname, '..', '..');
/** What a fresh clone lacks: made by develop, the CLIs' compile, the database, or the local install. */
const NOT_IN_A_CLONE = /^(\.env$|\.tmp\/|dist\/|node_modules(\/|$)|\.tsbuildinfo$)/;
/** Only what a shell gives a newcomer: none of the test run's database, secrets or NODE_ENV=test. */
const NEWCOMER_ENV: NodeJS.ProcessEnv = Object.fromEntries(
  ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TMPDIR', 'TERM'].flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]])),
);
/** npm prints `> package@version script` and `> command` before a script's own output. */
const NPM_BANNER = /^\n> [^\n]*\n> [^\n]*\n\n/;
/** The start of every line Strapi's logger prints (config/server.ts: a timestamp in brackets). */
const STRAPI_LOG_LINE = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\]/m;

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

let clone: string;

function copyCheckout(): string {
  const target = mkdtempSync(path.join(os.tmpdir(), 'clinic-fresh-clone-'));
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  for (const file of new Set(listed.split('\0'))) {
    if (file === '' || NOT_IN_A_CLONE.test(file)) continue;
    const source = path.join(ROOT, file);
    // A tracked file deleted in the working tree is not part of what would be committed.
    if (!existsSync(source) || !lstatSync(source).isFile()) continue;
    mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    copyFileSync(source, path.join(target, file));
  }
  symlinkSync(realpathSync(path.join(ROOT, 'node_modules')), path.join(target, 'node_modules'));
  return target;
}

function npm(args: string[], environment: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile('npm', args, { cwd: clone, env: { ...NEWCOMER_ENV, ...environment }, timeout: 200000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ status, stdout, stderr });
    });
  });
}

/** stdout without npm's banner: what the command itself printed. */
function ownOutput(run: Run): string {
  expect(run.stdout).toMatch(NPM_BANNER);
  return run.stdout.replace(NPM_BANNER, '');
}

beforeAll(() => {
  clone = copyCheckout();
});

afterAll(() => {
  if (clone !== undefined) rmSync(clone, { recursive: true, force: true });
});

describe('on a fresh clone, before npm run develop', () => {
  it('clinic:key creates the development .env, then says in one sentence to run the seed first', async () => {
    expect(existsSync(path.join(clone, '.env'))).toBe(false);
    const run = await npm(['run', 'clinic:key', '--', 'create', 'northside-physio']);
    expect(run.stderr).toMatch(/^Created \.env with random development secrets/m);
    expect(run.stderr).toContain('The database holds no content yet: run `npm run seed` first');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.status).toBe(1);
    expect(ownOutput(run)).toBe('');
    const env = readFileSync(path.join(clone, '.env'), 'utf8');
    for (const name of SECRET_NAMES) expect(env).toMatch(new RegExp(`^${name}=(?!tobemodified)\\S+`, 'm'));
  }, 240000);

  it('seed imports the demo content into the new database', async () => {
    const run = await npm(['run', 'seed']);
    expect(run.stderr).not.toContain('.env');
    expect(run.status).toBe(0);
    expect(ownOutput(run)).toMatch(/^seed: [1-9]\d* created, 0 updated, 0 unchanged\n$/);
  }, 240000);

  it('clinic:key then prints only its sentence and the key on stdout', async () => {
    const run = await npm(['run', 'clinic:key', '--', 'create', 'northside-physio']);
    expect(run.status).toBe(0);
    const lines = ownOutput(run).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Created public key \S+ for clinic "northside-physio"/);
    expect(lines[1]).toMatch(/^\S{24,}$/);
  }, 240000);

  it('l10n:coverage --json prints one JSON document and nothing of Strapi on stdout', async () => {
    const run = await npm(['run', 'l10n:coverage', '--', '--json']);
    expect(run.status).toBe(0);
    const output = ownOutput(run);
    expect(output).not.toMatch(STRAPI_LOG_LINE);
    const report = JSON.parse(output) as { locales: Array<{ locale: string }> };
    expect(report.locales.map((locale) => locale.locale)).toContain('fr-CA');
  }, 240000);

  it('review:due --json, run with npm --silent for a pipe, makes all of stdout one JSON document', async () => {
    const run = await npm(['run', '--silent', 'review:due', '--', '--json']);
    expect(run.status).toBe(0);
    expect(run.stdout).not.toMatch(STRAPI_LOG_LINE);
    expect(JSON.parse(run.stdout)).toEqual(expect.objectContaining({ withinDays: 30, entries: expect.any(Array) }));
  }, 240000);

  it('adaptations:outdated --json on a fresh seed lists no outdated adaptation, as one JSON document', async () => {
    const run = await npm(['run', '--silent', 'adaptations:outdated', '--', '--json']);
    expect(run.status).toBe(0);
    expect(run.stdout).not.toMatch(STRAPI_LOG_LINE);
    expect(JSON.parse(run.stdout)).toEqual(expect.objectContaining({ clinics: null, adaptations: [] }));
  }, 240000);

  it('says in one sentence to create a PostgreSQL database that DATABASE_URL names but does not exist', async () => {
    const run = await npm(['run', '--silent', 'review:due'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/clinic_no_such_database' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('The PostgreSQL database "clinic_no_such_database" does not exist: create it first');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout).toBe('');
  }, 240000);

  it('l10n:export writes the XLIFF file and says so in one line', async () => {
    const run = await npm(['run', 'l10n:export', '--', '--locale', 'fr-CA', '--out', 'fr-CA.xlf']);
    expect(run.status).toBe(0);
    expect(ownOutput(run)).toMatch(/^Wrote [1-9]\d* units \(\d+ already translated\) to fr-CA\.xlf\.\n$/);
    expect(readFileSync(path.join(clone, 'fr-CA.xlf'), 'utf8')).toContain('<xliff');
  }, 240000);
});
