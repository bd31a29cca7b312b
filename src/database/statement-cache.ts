/**
 * Prepared statements for SQLite, and the read API's reads (readRows). Knex's better-sqlite3 client
 * compiles every statement again on every call; for the read API's statements (long, with JSON
 * subqueries) that compilation costs more than running them. This keeps the most recently used
 * compiled statements per connection and reuses them. Knex still runs everything else (pooling,
 * transactions, query events), so statement counts and transactions are unchanged.
 *
 * A read of the read API on SQLite while nobody holds the connection runs on it at once: the driver
 * is synchronous, so nothing can take the connection meanwhile, and the two dozen promises of knex's
 * runner and its pool per statement are not made. Knex's query events are emitted as its runner emits
 * them. While a transaction (or anything else) holds the connection, the read waits for it through
 * knex, as before.
 */
import type { Core } from '@strapi/strapi';

interface Statement {
  reader: boolean;
  all(bindings: unknown[]): unknown;
  run(bindings: unknown[]): { lastInsertRowid: number | bigint; changes: number };
}

interface Connection {
  prepare(sql: string): Statement;
}

interface QueryObject {
  sql: string;
  bindings?: unknown[];
  response?: unknown;
  context?: { lastID: number | bigint; changes: number };
}

interface BetterSqliteClient {
  driverName?: string;
  config: { client: unknown };
  _query(connection: Connection, obj: QueryObject): Promise<QueryObject>;
  _formatBindings(bindings: unknown[] | undefined): unknown[];
  /** tarn's pool: its free connections and its counts. */
  pool?: { free: Array<{ resource: Connection & { __knexUid?: string } }>; numUsed(): number; numPendingAcquires(): number; numPendingCreates(): number };
  listenerCount(event: string): number;
  emit(event: string, ...values: unknown[]): boolean;
}

export const STATEMENT_CACHE_SIZE = 500;

/** Per installed client, its statement cache. */
const installed = new WeakMap<object, (connection: Connection, sql: string) => Statement>();

type Row = Record<string, unknown>;

/** The rows of a raw statement's result: SQLite's driver returns them, PostgreSQL's wraps them. */
function rowsOf(result: unknown): Row[] {
  return Array.isArray(result) ? (result as Row[]) : (result as { rows: Row[] }).rows;
}

let readCount = 0;

/** Per statement text, whether it has none of knex's own placeholders (`??`, `\\?`); the read API reuses its texts. */
const placeholderFree = new Map<string, boolean>();
const MAX_TEXTS = 1000;

function hasOnlyPlainPlaceholders(sql: string): boolean {
  let known = placeholderFree.get(sql);
  if (known === undefined) {
    known = !sql.includes('??') && !sql.includes('\\?');
    if (placeholderFree.size >= MAX_TEXTS) placeholderFree.clear();
    placeholderFree.set(sql, known);
  }
  return known;
}

/** A read statement's rows: at once on an idle SQLite connection (see above), through knex otherwise. */
export function readRows(strapi: Core.Strapi, sql: string, bindings: readonly unknown[]): Row[] | Promise<Row[]> {
  const knex = strapi.db.connection;
  const client = knex.client as unknown as BetterSqliteClient;
  const prepare = installed.get(client);
  const pool = client.pool;
  const idle = prepare !== undefined && pool !== undefined && pool.numUsed() === 0 && pool.numPendingAcquires() === 0 && pool.numPendingCreates() === 0 ? pool.free[0]?.resource : undefined;
  if (prepare === undefined || idle === undefined) return Promise.resolve(knex.raw(sql, bindings as unknown[])).then(rowsOf);
  // Knex's own placeholder rules, so the statement is the one its runner would run: they change
  // nothing of a statement with only `?` placeholders bound to plain values, which is not rewritten.
  const isPlain = hasOnlyPlainPlaceholders(sql) && bindings.every((value) => value === null || typeof value !== 'object');
  const compiled = isPlain ? { sql, bindings } : knex.raw(sql, bindings as unknown[]).toSQL();
  const obj = { method: 'raw', sql: compiled.sql, bindings: compiled.bindings as unknown[], options: {}, __knexQueryUid: `read-${(readCount += 1)}`, __knexUid: idle.__knexUid, __knexTxId: undefined };
  const isObserved = client.listenerCount('query') > 0 || client.listenerCount('query-response') > 0 || client.listenerCount('query-error') > 0;
  if (isObserved) client.emit('query', obj);
  let rows: Row[];
  try {
    rows = prepare(idle, obj.sql).all(client._formatBindings(obj.bindings)) as Row[];
  } catch (error) {
    if (isObserved) client.emit('query-error', error, obj);
    return Promise.reject(error);
  }
  if (isObserved) client.emit('query-response', rows, obj, undefined);
  return rows;
}

export function cachePreparedStatements(strapi: Core.Strapi, size = STATEMENT_CACHE_SIZE): boolean {
  // Knex does not type its dialect clients' internals; these are the better-sqlite3 client's methods
  // this module wraps (checked by driverName before use).
  const client = strapi.db.connection.client as unknown as BetterSqliteClient;
  if (client.driverName !== 'better-sqlite3' || installed.has(client)) return false;
  const caches = new WeakMap<Connection, Map<string, Statement>>();

  const prepare = (connection: Connection, sql: string): Statement => {
    let cache = caches.get(connection);
    if (cache === undefined) {
      cache = new Map();
      caches.set(connection, cache);
    }
    const cached = cache.get(sql);
    if (cached !== undefined) {
      // Most recently used last: a Map keeps insertion order.
      cache.delete(sql);
      cache.set(sql, cached);
      return cached;
    }
    const statement = connection.prepare(sql);
    cache.set(sql, statement);
    if (cache.size > size) cache.delete(cache.keys().next().value as string);
    return statement;
  };

  installed.set(client, prepare);

  client._query = async function query(connection, obj) {
    if (!obj.sql) throw new Error('The query is empty');
    if (!connection) throw new Error('No connection provided');
    const statement = prepare(connection, obj.sql);
    const bindings = client._formatBindings(obj.bindings);
    if (statement.reader) {
      obj.response = statement.all(bindings);
      return obj;
    }
    const response = statement.run(bindings);
    obj.response = response;
    obj.context = { lastID: response.lastInsertRowid, changes: response.changes };
    return obj;
  };
  return true;
}
