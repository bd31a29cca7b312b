/**
 * Several service processes on one database and one Redis, as production runs them behind a load
 * balancer; and an editor driving the admin API. Used by the multi-instance tests and by bench P5.
 */
import { spawn, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import { createServer } from 'net';
import { existsSync } from 'fs';
import { Client } from 'pg';
import path from 'path';

/** The project root, whether this runs from bench/ (tests) or dist/bench/ (npm run bench). */
const ROOT = [path.resolve(__dirname, '..'), path.resolve(__dirname, '..', '..')].find((dir) => existsSync(path.join(dir, 'package.json'))) as string;
const strapiCli = (root: string) => path.join(root, 'node_modules', '@strapi', 'strapi', 'bin', 'strapi.js');

/** Fresh random secrets for a service a bench starts in production mode (which refuses defaults). */
export function productionSecrets(): Record<'APP_KEYS' | 'API_TOKEN_SALT' | 'ADMIN_JWT_SECRET' | 'TRANSFER_TOKEN_SALT' | 'ENCRYPTION_KEY', string> {
  const secret = () => randomBytes(24).toString('base64');
  return { APP_KEYS: `${secret()},${secret()}`, API_TOKEN_SALT: secret(), ADMIN_JWT_SECRET: secret(), TRANSFER_TOKEN_SALT: secret(), ENCRYPTION_KEY: secret() };
}

/**
 * A fresh PostgreSQL database on the machine's server (or BENCH_DATABASE_URL's) for one bench run: its
 * URL, and `drop()`, which removes it (connections still open or not).
 */
export async function freshPostgresDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const baseUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `clinic_bench_${label}_${randomBytes(4).toString('hex')}`;
  const run = async (statement: string) => {
    const admin = new Client({ connectionString: baseUrl });
    await admin.connect();
    try {
      await admin.query(statement);
    } finally {
      await admin.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export interface Instance {
  name: string;
  base: string;
  child: ChildProcess;
  /** What the process printed so far (for failures). */
  output(): string;
  /** Stops it (SIGTERM by default; SIGINT also ends it cleanly, writing a --cpu-prof profile). */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts `strapi start` (production, from dist/) and resolves once it answers /_health. `root`: the
 * checkout whose dist/ runs (this one unless given; bench:publish runs an older build beside it).
 */
export async function startInstance(
  name: string,
  environment: Record<string, string>,
  options: { timeoutMs?: number; nodeArgs?: string[]; port?: number; root?: string } = {},
): Promise<Instance> {
  const timeoutMs = options.timeoutMs ?? 240000;
  const port = options.port ?? (await freePort());
  const root = options.root ?? ROOT;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), strapiCli(root), 'start'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      ENV_PATH: path.join(ROOT, 'bench', 'no.env'),
      HOST: '127.0.0.1',
      PORT: String(port),
      SERVE_ADMIN_PANEL: 'false',
      LOG_LEVEL: 'warn',
      STRAPI_TELEMETRY_DISABLED: 'true',
      ...environment,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`instance ${name} exited with ${child.exitCode}:\n${output}`);
    if (Date.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`instance ${name} did not answer within ${timeoutMs} ms:\n${output}`);
    }
    try {
      const response = await fetch(`${base}/_health`);
      if (response.status === 204 || response.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    name,
    base,
    child,
    output: () => output,
    stop: (signal: NodeJS.Signals = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 15000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill(signal);
      }),
  };
}

/** Makes a clinic key the way an operator does (`npm run clinic:key -- create <slug>`), against `environment`'s database. */
export function createKeyWithCli(environment: Record<string, string>, slug = 'northside-physio'): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'clinic-key.js'), 'create', slug], {
      cwd: ROOT,
      env: { ...process.env, ...environment, NODE_ENV: 'production', ENV_PATH: path.join(ROOT, 'bench', 'no.env'), LOG_LEVEL: 'error', SEED_ON_EMPTY: 'false' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out.trim().split('\n').pop() as string) : reject(new Error(`clinic:key exited ${code}`))));
  });
}

/** An editor in the admin API: the calls the admin panel makes for save, publish and unpublish. */
export class Editor {
  /** The headers of the last answer (bench:publish reads its statement count there). */
  lastHeaders: Headers | null = null;

  private constructor(private readonly token: string) {}

  static async signIn(base: string, email: string, password: string): Promise<Editor> {
    const registered = await fetch(`${base}/admin/register-admin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ firstname: 'Bench', lastname: 'Editor', email, password }),
    });
    if (registered.ok) return new Editor(((await registered.json()) as { data: { token: string } }).data.token);
    const login = await fetch(`${base}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (!login.ok) throw new Error(`admin login failed: ${login.status} ${await login.text()}`);
    return new Editor(((await login.json()) as { data: { token: string } }).data.token);
  }

  /** A content manager call (the admin panel's own API). */
  call(base: string, method: string, pathname: string, body?: unknown): Promise<any> {
    return this.route(base, method, `/content-manager${pathname}`, body);
  }

  /** Any admin route (the service's /editor/… routes too); throws on a status other than 2xx. */
  async route(base: string, method: string, pathname: string, body?: unknown): Promise<any> {
    const response = await fetch(`${base}${pathname}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    this.lastHeaders = response.headers;
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${pathname}: ${response.status} ${text.slice(0, 500)}`);
    return text === '' ? null : JSON.parse(text);
  }

  find(base: string, uid: string, slug: string, locale = 'en'): Promise<{ documentId: string }> {
    return this.call(base, 'GET', `/collection-types/${uid}?filters[slug][$eq]=${encodeURIComponent(slug)}&locale=${locale}`).then(
      (answer: { results: Array<{ documentId: string }> }) => {
        const [first] = answer.results;
        if (first === undefined) throw new Error(`no ${uid} with slug ${slug}`);
        return first;
      },
    );
  }

  /** Saves the draft. */
  save(base: string, uid: string, documentId: string, data: Record<string, unknown>, locale = 'en'): Promise<unknown> {
    return this.call(base, 'PUT', `/collection-types/${uid}/${documentId}?locale=${locale}`, data);
  }

  /** Saves and publishes in one step, as the admin's Publish button does. */
  publish(base: string, uid: string, documentId: string, data: Record<string, unknown> = {}, locale = 'en'): Promise<unknown> {
    return this.call(base, 'POST', `/collection-types/${uid}/${documentId}/actions/publish?locale=${locale}`, data);
  }

  unpublish(base: string, uid: string, documentId: string, locale = 'en'): Promise<unknown> {
    return this.call(base, 'POST', `/collection-types/${uid}/${documentId}/actions/unpublish?locale=${locale}`, {});
  }
}
