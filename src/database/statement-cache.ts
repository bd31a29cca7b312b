/**
 * Prepared statements for SQLite. Knex's better-sqlite3 client compiles every statement again on every
 * call; for the read API's statements (long, with JSON subqueries) that compilation costs more than
 * running them. This keeps the most recently used compiled statements per connection and reuses them.
 * Knex still runs everything else (pooling, transactions, query events), so statement counts and
 * transactions are unchanged.
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
}

export const STATEMENT_CACHE_SIZE = 500;

const installed = new WeakSet<object>();

export function cachePreparedStatements(strapi: Core.Strapi, size = STATEMENT_CACHE_SIZE): boolean {
  // Knex does not type its dialect clients' internals; these are the better-sqlite3 client's methods
  // this module wraps (checked by driverName before use).
  const client = strapi.db.connection.client as unknown as BetterSqliteClient;
  if (client.driverName !== 'better-sqlite3' || installed.has(client)) return false;
  installed.add(client);
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
