/**
 * The documented commands, so the docs cannot rot. A fresh clone is simulated: the tracked files (`git
 * ls-files`, with their working-tree contents) are copied to a temporary folder, without .env, .tmp or
 * dist, and node_modules is linked (`npm install` is the one step not repeated). The service is started
 * there as the README says, with its `ADMIN_EMAIL=… ADMIN_PASSWORD=… npm run develop` line (so that the
 * editors' admin-token block has an admin to log in as). That start is slow — `npm run develop` writes
 * .env, seeds SQLite, builds the admin's dev server and compiles, and answers /health/ready after about
 * 80 s on a 2-core machine (100 s when other work loads it), half of this test's 3-minute budget — but it
 * is what the README promises a newcomer, so it is started that way all the same. Each `npm run` of a
 * CLI in a block then costs about 15 s (the script's tsc, then a Strapi boot; the first tsc compiles
 * everything, about 30 s), so the docs keep few of them runnable.
 *
 * Every block fenced as `sh runnable` in the README and docs/ (README first, then site-developers,
 * editors, localization, operators, contributors, then any other docs/*.md) runs in document order with
 * `bash -euo pipefail` in the copy's root; variables set by a block carry over to the next ones
 * (`$CLINIC_KEY`, `$ADMIN_TOKEN`). The service listens on a free port, which replaces `localhost:1337`
 * in the blocks (1337 may be taken, by a developer's own `npm run develop`). The service is stopped by
 * its process group (npm, strapi and their children) at the end.
 *
 * Commands that run long or change the machine are not run: every `npm run <x>`, `npm start` and
 * `npm test` the docs name must be a package.json script, paths given to `npx`/`bash` must exist, and
 * relative links and anchors must resolve. docs/contributors.md ("Docs and their runnable blocks")
 * states the convention. Runs once in CI (SINGLE_PASS_SUITES in jest.config.js).
 */
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { freePort } from '../../bench/instances';
import { fencedBlocks, headingAnchors, linkTargets, namedNpmScripts, namedPaths } from './markdown';

const ROOT = path.resolve(__dirname, '..', '..');
const READING_ORDER = ['README.md', 'docs/site-developers.md', 'docs/editors.md', 'docs/localization.md', 'docs/operators.md', 'docs/contributors.md'];
const RUNNABLE = 'sh runnable';
// Generous, for a machine other work is loading: on an idle 2-core machine the whole test takes under 3 minutes.
const START_TIMEOUT_MS = 300000;
const BLOCK_TIMEOUT_MS = 120000;
/** What a failure shows of a process's output. */
const OUTPUT_TAIL = 4000;

jest.setTimeout(600000);

/** The README and docs/ files, README first, then the readers' files in the order they are read. */
function documents(): string[] {
  const others = readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`)
    .filter((file) => !READING_ORDER.includes(file))
    .sort();
  return [...READING_ORDER, ...others];
}

function read(file: string): string {
  return readFileSync(path.join(ROOT, file), 'utf8');
}

function tail(text: string): string {
  return text.length > OUTPUT_TAIL ? `…${text.slice(-OUTPUT_TAIL)}` : text;
}

/** The environment of a newcomer's shell: none of the test run's (DATABASE_URL, ENV_PATH, NODE_ENV …). */
function shellEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const kept = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'USER'].filter((name) => process.env[name] !== undefined);
  return { ...Object.fromEntries(kept.map((name) => [name, process.env[name] as string])), ...extra };
}

/** A fresh clone: the tracked files as they are in the working tree, and a link to node_modules. */
function simulateFreshClone(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clinic-docs-'));
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of tracked) {
    if (/^(\.env$|\.tmp\/|dist\/|node_modules(\/|$))/.test(file)) continue;
    const source = path.join(ROOT, file);
    if (!existsSync(source)) continue; // deleted in the working tree
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    if (lstatSync(source).isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else copyFileSync(source, target);
  }
  symlinkSync(realpathSync(path.join(ROOT, 'node_modules')), path.join(dir, 'node_modules'));
  return dir;
}

/** A process in its own group, so that it and its children (npm → strapi → workers) stop together. */
function startGroup(script: string, cwd: string, env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4 * OUTPUT_TAIL);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => output };
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {
      // the group is gone already
    }
  };
  signal('SIGTERM');
  const kill = setTimeout(() => signal('SIGKILL'), 15000);
  await exited;
  clearTimeout(kill);
  signal('SIGKILL'); // whatever of the group outlived its leader
}

async function runBlock(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const { child, output } = startGroup(script, cwd, env);
  const timer = setTimeout(() => void stopGroup(child), BLOCK_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  return { code, output: output() };
}

async function waitUntilReady(base: string, service: { child: ChildProcess; output: () => string }): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (service.child.exitCode !== null) throw new Error(`the service exited with ${service.child.exitCode}:\n${tail(service.output())}`);
    if (Date.now() - started > START_TIMEOUT_MS) throw new Error(`the service did not answer ${base}/health/ready within ${START_TIMEOUT_MS} ms:\n${tail(service.output())}`);
    try {
      if ((await fetch(`${base}/health/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('the README and docs/', () => {
  it('keep the README under 200 lines', () => {
    expect(read('README.md').split('\n').length).toBeLessThan(200);
  });

  it('name only npm scripts that package.json has, and only files that exist', () => {
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
    const missing: string[] = [];
    for (const file of documents()) {
      const text = read(file);
      for (const name of namedNpmScripts(text)) if (!scripts.includes(name)) missing.push(`${file}: npm script "${name}"`);
      const { bins, paths } = namedPaths(text);
      for (const bin of bins) if (!existsSync(path.join(ROOT, 'node_modules', '.bin', bin))) missing.push(`${file}: npx ${bin}`);
      for (const named of paths) if (!existsSync(path.join(ROOT, named))) missing.push(`${file}: path ${named}`);
    }
    expect(missing).toEqual([]);
  });

  it('link only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const file of documents()) {
      for (const target of linkTargets(read(file))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
        const [pathPart = '', anchor] = target.split('#');
        const resolved = pathPart === '' ? path.join(ROOT, file) : path.resolve(path.dirname(path.join(ROOT, file)), pathPart);
        if (!existsSync(resolved)) {
          broken.push(`${file}: ${target} (no such file)`);
          continue;
        }
        if (anchor !== undefined && !headingAnchors(readFileSync(resolved, 'utf8')).has(anchor)) broken.push(`${file}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  describe('on a fresh clone', () => {
    let clone = '';
    let service: { child: ChildProcess; output: () => string } | null = null;

    afterAll(async () => {
      if (service !== null) await stopGroup(service.child);
      if (clone !== '') rmSync(clone, { recursive: true, force: true });
    });

    it('run every runnable block with exit code 0, in reading order', async () => {
      const blocks = documents().flatMap((file) =>
        fencedBlocks(read(file))
          .filter((block) => block.info === RUNNABLE)
          .map((block) => ({ ...block, file })),
      );
      expect(blocks.length).toBeGreaterThan(0);

      const develop = /^ADMIN_EMAIL=.*\bnpm run develop$/m.exec(read('README.md'))?.[0];
      if (develop === undefined) throw new Error('README.md no longer shows `ADMIN_EMAIL=… npm run develop`, the start this test makes');

      clone = simulateFreshClone();
      const port = await freePort();
      service = startGroup(develop, clone, shellEnvironment({ PORT: String(port) }));
      await waitUntilReady(`http://127.0.0.1:${port}`, service);

      const state = path.join(clone, '.docs-shell-state');
      writeFileSync(state, '');
      for (const block of blocks) {
        // set -a: what a block assigns is exported, so that `export -p` hands it to the next block.
        const script = `set -a\n. "$DOCS_SHELL_STATE"\n${block.text.replaceAll('localhost:1337', `localhost:${port}`)}\nexport -p > "$DOCS_SHELL_STATE"\n`;
        const { code, output } = await runBlock(script, clone, shellEnvironment({ DOCS_SHELL_STATE: state }));
        if (code !== 0) throw new Error(`${block.file}:${block.line}: the runnable block exited with ${code}:\n${block.text}\n--- it printed:\n${tail(output)}`);
      }
    });
  });
});
