/**
 * Runs Debian's varnishd with the shipped configuration (deploy/varnish/default.vcl) in front of a
 * test's origin or a benchmarked instance (tests/int/varnish*.test.ts, bench/edge.ts): a copy of the file with its backend (and optionally its purgers ACL) rewritten, in a
 * temporary directory of its own, varnishd in the foreground (-F) so it is our child, killed by pid.
 *
 * Taking the edge down during a test (a publish while Varnish is away, say): `stop()` closes the port
 * (connections refused) and `restart()` starts it again on the same port, with an empty cache, as a
 * restarted Varnish would have; `pause()` freezes it instead (connections accepted, never answered)
 * until `resume()`.
 */
import { spawn, type ChildProcess } from 'child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import http from 'http';
import net from 'net';
import os from 'os';
import path from 'path';

export const VARNISHD = '/usr/sbin/varnishd';
/** The project root, whether this runs from bench/ (tests) or dist/bench/ (npm run bench:edge). */
const ROOT = [path.resolve(__dirname, '..'), path.resolve(__dirname, '..', '..')].find((dir) => existsSync(path.join(dir, 'package.json'))) as string;
export const SHIPPED_VCL = path.join(ROOT, 'deploy', 'varnish', 'default.vcl');

/** Where Debian (per architecture) and source builds put vmods; the first holding xkey is used. */
const VMOD_DIRECTORIES = [
  `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/varnish/vmods`,
  '/usr/lib/varnish/vmods',
  '/usr/local/lib/varnish/vmods',
];

const INSTALL_HINT = 'apt-get install varnish varnish-modules';
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const OUTPUT_LIMIT = 64 * 1024;

export interface VarnishOptions {
  /** Port of the origin on 127.0.0.1 (written into the VCL's backend). */
  backendPort: number;
  /** Port Varnish listens on (127.0.0.1); a free one when omitted. */
  port?: number;
  /** Addresses or CIDR ranges ("127.0.0.0/8") allowed to PURGE; the shipped 127.0.0.1 and ::1 when omitted. */
  purgers?: readonly string[];
}

export interface Varnish {
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** What varnishd printed so far (for a failing test's message). */
  output(): string;
  /** Stops varnishd (SIGTERM to its pid, SIGKILL to its group after 5 s) and removes its directory. */
  stop(): Promise<void>;
  /** Stops it if it runs, then starts it again on the same port: an empty cache, the same VCL. */
  restart(): Promise<void>;
  /**
   * Freezes varnishd (SIGSTOP to its process group): connections are accepted by the kernel and never
   * answered. Resolves once every thread of its processes has stopped.
   */
  pause(): Promise<void>;
  /** Lets a paused varnishd run on (SIGCONT); what it held is still there. */
  resume(): void;
}

/** The vmod directory to give varnishd, or a clear error when Varnish or vmod_xkey is missing. */
export function varnishVmodDirectory(): string {
  if (!existsSync(VARNISHD)) throw new Error(`Varnish is not installed (no ${VARNISHD}): ${INSTALL_HINT}`);
  const directory = VMOD_DIRECTORIES.find((candidate) => existsSync(path.join(candidate, 'libvmod_xkey.so')));
  if (directory === undefined) {
    throw new Error(`vmod_xkey is not installed (no libvmod_xkey.so in ${VMOD_DIRECTORIES.join(', ')}): ${INSTALL_HINT}`);
  }
  return directory;
}

/** The shipped VCL with its backend on 127.0.0.1:<backendPort> and, if given, other purgers. */
export function testVcl(options: Pick<VarnishOptions, 'backendPort' | 'purgers'>): string {
  const shipped = readFileSync(SHIPPED_VCL, 'utf8');
  const rewrite = (text: string, pattern: RegExp, replacement: string, what: string): string => {
    if (text.match(pattern)?.length !== 1) throw new Error(`${SHIPPED_VCL}: expected exactly one ${what} (${pattern}); its shape changed, update bench/varnish.ts`);
    return text.replace(pattern, replacement);
  };
  let vcl = rewrite(shipped, /^(\s*\.host\s*=\s*)"[^"]*";$/gm, '$1"127.0.0.1";', 'backend .host line');
  vcl = rewrite(vcl, /^(\s*\.port\s*=\s*)"[^"]*";$/gm, `$1"${options.backendPort}";`, 'backend .port line');
  if (options.purgers !== undefined) {
    const entries = options.purgers.map((entry) => {
      const [address, bits] = entry.split('/');
      if (address === undefined || !net.isIP(address) || (bits !== undefined && !/^\d+$/.test(bits))) throw new TypeError(`startVarnish: purger ${entry} is not an address or a CIDR range`);
      return `    "${address}"${bits === undefined ? '' : `/${bits}`};`;
    });
    vcl = rewrite(vcl, /^acl purgers \{[^}]*\}/gm, `acl purgers {\n${entries.join('\n')}\n}`, 'acl purgers block');
  }
  return vcl;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address !== 'object') throw new Error('freePort: no port');
  return address.port;
}

/** A signal to a process or, with a negative pid, its group; one that has just exited is no error. */
function kill(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** The state letter and process group of a /proc stat line (after the command name, which may hold anything). */
function procStat(file: string): { state: string; group: number } | null {
  try {
    const line = readFileSync(file, 'utf8');
    const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', group: Number(fields[2]) };
  } catch {
    return null; // gone meanwhile
  }
}

/**
 * Whether every thread of every process in the group is stopped. kill() returns before they are: a
 * stop is carried out by each thread when it next runs, and on a busy machine a thread can still
 * accept and answer a request in between.
 */
function isGroupStopped(group: number): boolean {
  const members = readdirSync('/proc').filter((name) => /^\d+$/.test(name) && procStat(`/proc/${name}/stat`)?.group === group);
  return members.every((pid) => {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      return true;
    }
    return tasks.every((tid) => {
      const state = procStat(`/proc/${pid}/task/${tid}/stat`)?.state;
      return state === undefined || state === 'T' || state === 't';
    });
  });
}

/** Whether anything answers HTTP on the port: a PURGE without keys is answered by the VCL alone (400 or 403). */
function isAnswering(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.request({ host: '127.0.0.1', port, method: 'PURGE', path: '/', agent: false, timeout: 1_000 }, (response) => {
      response.resume();
      resolve(true);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
    request.end();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Running {
  child: ChildProcess;
  directory: string;
  exited: Promise<void>;
  isExited: () => boolean;
  killOnExit: () => void;
}

export async function startVarnish(options: VarnishOptions): Promise<Varnish> {
  const vmodDirectory = varnishVmodDirectory();
  const vcl = testVcl(options);
  let port = options.port ?? (await freePort());
  let output = '';
  let running: Running | null = null;

  const launch = (): Running => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'varnish-test-'));
    // Run as root, varnishd reads -f and compiles as its unprivileged user (the "unix" jail): the
    // directory and the file must be readable by it, as /etc/varnish is.
    chmodSync(directory, 0o755);
    const vclPath = path.join(directory, 'default.vcl');
    writeFileSync(vclPath, vcl, { mode: 0o644 });
    const child = spawn(
      VARNISHD,
      [
        '-F',
        '-a', `127.0.0.1:${port}`,
        '-n', path.join(directory, 'work'),
        '-f', vclPath,
        '-s', 'malloc,64m',
        '-T', 'none',
        '-p', `vmod_path=${vmodDirectory}`,
        // A test needs few threads, and the machine is shared: 10 instead of 2 pools of 100.
        '-p', 'thread_pools=1',
        '-p', 'thread_pool_min=10',
      ],
      // Its own process group, so pause() and a last-resort kill reach the cache process too.
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    let isExited = false;
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        isExited = true;
        resolve();
      });
      child.once('error', (error) => {
        append(Buffer.from(`\n${String(error)}\n`));
        isExited = true;
        resolve();
      });
    });
    // Should the test process end without stop(), the varnishd it started does not outlive it.
    const killOnExit = () => {
      if (!isExited && child.pid !== undefined) kill(-child.pid, 'SIGKILL');
    };
    process.once('exit', killOnExit);
    return { child, directory, exited, isExited: () => isExited, killOnExit };
  };

  const halt = async (target: Running): Promise<void> => {
    const pid = target.child.pid;
    if (!target.isExited() && pid !== undefined) {
      kill(-pid, 'SIGCONT'); // a paused varnishd cannot handle SIGTERM
      kill(pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const isStopped = await Promise.race([
        target.exited.then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
      if (!isStopped) {
        kill(-pid, 'SIGKILL');
        await target.exited;
      }
    }
    process.removeListener('exit', target.killOnExit);
    rmSync(target.directory, { recursive: true, force: true });
  };

  /** `isPortFixed`: the port was given, or is the one a restart must keep. */
  const start = async (isPortFixed: boolean): Promise<void> => {
    for (let attempt = 1; ; attempt += 1) {
      const candidate = launch();
      const deadline = Date.now() + START_TIMEOUT_MS;
      while (!candidate.isExited() && Date.now() < deadline && !(await isAnswering(port))) await sleep(50);
      if (!candidate.isExited() && Date.now() < deadline) {
        running = candidate;
        return;
      }
      const hasExited = candidate.isExited();
      await halt(candidate);
      // The free port was taken between our look and varnishd's bind: another one.
      if (hasExited && !isPortFixed && attempt < 3 && /Address already in use/.test(output)) {
        port = await freePort();
        continue;
      }
      throw new Error(`varnishd ${hasExited ? 'exited' : `did not answer within ${START_TIMEOUT_MS} ms`} on 127.0.0.1:${port}:\n${output}`);
    }
  };

  const signal = (name: 'SIGSTOP' | 'SIGCONT'): number => {
    const pid = running?.child.pid;
    if (running === null || pid === undefined) throw new Error('varnish: not running');
    process.kill(-pid, name);
    return pid;
  };

  await start(options.port !== undefined);
  return {
    get port() {
      return port;
    },
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    output: () => output,
    async stop() {
      const target = running;
      running = null;
      if (target !== null) await halt(target);
    },
    async restart() {
      const target = running;
      running = null;
      if (target !== null) await halt(target);
      await start(true);
    },
    async pause() {
      const group = signal('SIGSTOP');
      const deadline = Date.now() + STOP_TIMEOUT_MS;
      while (!isGroupStopped(group)) {
        if (Date.now() > deadline) throw new Error(`varnish: not every thread stopped within ${STOP_TIMEOUT_MS} ms of SIGSTOP`);
        await sleep(5);
      }
    },
    resume: () => {
      signal('SIGCONT');
    },
  };
}
