/**
 * Loaded with `node --require` into a service process that bench:publish starts: every HTTP answer
 * carries `x-bench-statements`, the SQL statements the process sent to the database on that request's
 * behalf until its headers were written (BEGIN and COMMIT included). It counts in knex's client, below
 * anything the service does, so it counts a build of another commit the same way (bench/publish.ts
 * runs one beside this one); statements of timers and of work after the answer are not counted.
 * With BENCH_STATEMENT_LOG=<file>, each counted statement is also appended to the file as a JSON line
 * (the request, the SQL, its time in the driver): where a publish's statements and time go.
 */
import { AsyncLocalStorage } from 'async_hooks';
import { appendFileSync } from 'fs';
import http from 'http';
import path from 'path';

export const STATEMENTS_HEADER = 'x-bench-statements';

interface Tally {
  request: string;
  statements: number;
}

const LOG = process.env.BENCH_STATEMENT_LOG;

const current = new AsyncLocalStorage<Tally>();
const tallies = new WeakMap<http.ServerResponse, Tally>();

/** knex's client, as the service in the working directory resolves it (its node_modules). */
const client = require(require.resolve('knex/lib/client', { paths: [process.cwd(), path.join(process.cwd(), 'node_modules', '@strapi', 'database')] })) as {
  prototype: { query(this: unknown, ...args: unknown[]): unknown };
};

const query = client.prototype.query;
client.prototype.query = function (this: unknown, ...args: unknown[]) {
  const tally = current.getStore();
  if (tally === undefined) return query.apply(this, args);
  tally.statements += 1;
  if (LOG === undefined) return query.apply(this, args);
  const started = performance.now();
  const param = args[1] as { sql?: unknown } | string | undefined;
  const sql = typeof param === 'string' ? param : String(param?.sql);
  const log = () => appendFileSync(LOG, `${JSON.stringify({ request: tally.request, ms: Number((performance.now() - started).toFixed(3)), sql })}\n`);
  return (query.apply(this, args) as Promise<unknown>).finally(log);
};

const emit = http.Server.prototype.emit as (this: http.Server, ...input: unknown[]) => boolean;
http.Server.prototype.emit = function (this: http.Server, ...args: unknown[]) {
  const [event, request, response] = args;
  if (event !== 'request' || !(request instanceof http.IncomingMessage) || !(response instanceof http.ServerResponse)) return emit.apply(this, args);
  const tally: Tally = { request: `${request.method} ${request.url}`, statements: 0 };
  tallies.set(response, tally);
  return current.run(tally, () => emit.apply(this, args));
} as typeof http.Server.prototype.emit;

const writeHead = http.ServerResponse.prototype.writeHead;
http.ServerResponse.prototype.writeHead = function (this: http.ServerResponse, ...args: unknown[]) {
  const tally = tallies.get(this);
  if (tally !== undefined && !this.headersSent) this.setHeader(STATEMENTS_HEADER, String(tally.statements));
  return (writeHead as (...input: unknown[]) => http.ServerResponse).apply(this, args);
} as typeof writeHead;
