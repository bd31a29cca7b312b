/**
 * Faults, against real service processes: SIGTERM finishes what is in flight and exits 0; PostgreSQL
 * going away under load gives 503 (cached answers still served), never kills the process, and the
 * service recovers by itself when the database is back. The database is "stopped" by cutting a TCP
 * proxy in front of it (this machine's PostgreSQL serves the other tests meanwhile).
 */
import { execFile } from 'child_process';
import { randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import net from 'net';
import { CuttableProxy } from '../../helpers/proxy';
import os from 'os';
import path from 'path';
import { promisify } from 'util';
import { Client } from 'pg';
import { startInstance, type Instance } from '../../../bench/instances';
import { ROOT, testSecrets } from '../../helpers/strapi';

jest.setTimeout(240000);

const BASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

function environment(databaseUrl: string): Record<string, string> {
  return { ...testSecrets(), DATABASE_URL: databaseUrl, DATABASE_POOL_MIN: '0', DATABASE_POOL_MAX: '4', SEED_ON_EMPTY: 'true', RATE_LIMIT_PER_MINUTE: '0' };
}

async function createKey(env: Record<string, string>): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'clinic-key.js'), 'create', 'northside-physio'], {
    cwd: ROOT,
    env: { ...process.env, ...env, NODE_ENV: 'production', ENV_PATH: path.join(ROOT, 'bench', 'no.env'), LOG_LEVEL: 'error', SEED_ON_EMPTY: 'false' },
    encoding: 'utf8',
    timeout: 240000,
  });
  return stdout.trim().split('\n').pop() as string;
}

describe('SIGTERM', () => {
  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops accepting, finishes the request in flight, and exits 0', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'clinic-sigterm-'));
    const instance = await startInstance('sigterm', { ...testSecrets(), DATABASE_URL: '', DATABASE_FILENAME: path.join(dir, 'data.db'), SEED_ON_EMPTY: 'true' });
    const port = Number(new URL(instance.base).port);
    const body = JSON.stringify({ query: '{ clinic { name } }' });

    // A request whose body is still arriving when SIGTERM comes.
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.write(`POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = new Promise<number | null>((resolve) => instance.child.once('exit', (code) => resolve(code)));
    instance.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));

    await expect(fetch(`${instance.base}/health/live`)).rejects.toThrow();
    socket.write(body.slice(10));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await ended;
    if (!/^HTTP\/1\.1 401 /.test(answer)) throw new Error(`${answer}\n---\n${instance.output()}`);
    expect(answer).toContain('"UNAUTHENTICATED"');
    expect(await exited).toBe(0);
  });
});

describe('PostgreSQL going away under load', () => {
  const name = `clinic_fault_${process.pid}_${randomBytes(4).toString('hex')}`;
  let instance: Instance | null = null;
  let proxy: CuttableProxy;

  beforeAll(async () => {
    const admin = new Client({ connectionString: BASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
  });

  afterAll(async () => {
    await instance?.stop();
    await proxy?.cut();
    const admin = new Client({ connectionString: BASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('answers 503 or from the cache while it is gone, keeps running, and recovers by itself', async () => {
    const target = new URL(BASE_URL);
    proxy = new CuttableProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.open();
    const url = new URL(BASE_URL);
    url.pathname = `/${name}`;
    url.port = String(proxy.port);
    const env = { ...environment(url.toString()), DATABASE_CONNECTION_TIMEOUT: '5000', CLINIC_CACHE_TTL_MS: '600000' };
    instance = await startInstance('fault', env);
    const key = await createKey(env);
    const cachedUrl = `${instance.base}/graphql?${new URLSearchParams({ query: '{ clinic { name } }' })}`;
    const headers = { authorization: `Bearer ${key}`, 'apollo-require-preflight': 'true' };
    const cached = () => fetch(cachedUrl, { headers, signal: AbortSignal.timeout(10000) });
    const uncached = (index: number) =>
      fetch(`${instance!.base}/graphql`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ query: `query Q${index} { conditions(search: "pain", page: { pageSize: ${1 + (index % 50)} }) { items { slug } } }` }),
        signal: AbortSignal.timeout(10000),
      });
    const first = await cached().catch((error: Error) => {
      throw new Error(`${error.message}; the instance said:\n${instance?.output()}`);
    });
    expect(first.status).toBe(200);
    expect((await cached()).headers.get('x-cache')).toBe('HIT');
    expect((await uncached(0)).status).toBe(200);

    await proxy.cut();
    const seen: Record<string, number> = {};
    const until = Date.now() + 3000;
    let index = 1;
    while (Date.now() < until) {
      const [hit, miss] = await Promise.all([cached(), uncached(index)]);
      index += 1;
      expect(hit.status).toBe(200);
      const missBody = (await miss.json()) as { errors?: Array<{ extensions: { code: string } }> };
      const outcome = `${miss.status} ${missBody.errors?.[0]?.extensions.code ?? 'ok'}`;
      seen[outcome] = (seen[outcome] ?? 0) + 1;
      if (miss.status === 503) expect(miss.headers.get('retry-after')).toBe('5');
    }
    expect(Object.keys(seen)).toEqual(['503 SERVICE_UNAVAILABLE']);
    expect(instance.child.exitCode).toBeNull();
    const ready = await fetch(`${instance.base}/health/ready`);
    expect(ready.status).toBe(503);

    await proxy.open();
    const back = Date.now();
    let status = 0;
    while (Date.now() - back < 20000) {
      status = (await uncached(index)).status;
      index += 1;
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(200);
    expect((await fetch(`${instance.base}/health/ready`)).status).toBe(200);
    expect(instance.child.exitCode).toBeNull();
  });
});
