/**
 * How each SQLite connection is set up when knex opens it (config/database.ts's afterCreate), in the
 * server and in every command alike.
 *
 * Transactions take the write lock when they begin (BEGIN IMMEDIATE). Knex begins them deferred: a
 * transaction that reads first holds only a read lock, and when another process (a command such as
 * clinic:key beside a running server) writes before its own write, SQLite refuses that write at once
 * with "database is locked" instead of waiting, because waiting could deadlock. Taken at the start,
 * the lock is waited for as any write is (the driver's busy timeout), so the other writer waits or is
 * waited for and neither fails. In one process nothing changes: knex's SQLite pool is one connection.
 */
interface SqliteConnection {
  pragma(source: string): unknown;
  prepare(source: string): unknown;
}

/** What knex's SQLite transactions send to begin (knex/lib/dialects/sqlite3/execution/sqlite-transaction.js). */
const KNEX_BEGIN = 'BEGIN;';

export function prepareSqliteConnection(connection: unknown, options: { cacheMb: number; mmapMb: number }): void {
  const database = connection as SqliteConnection;
  // SQLite's own page cache is 2 MB by default: a dataset larger than that is read page by page from
  // the OS on every uncached request. Memory-mapped reads and a larger cache keep it in this process.
  database.pragma(`cache_size = -${options.cacheMb * 1024}`);
  database.pragma(`mmap_size = ${options.mmapMb * 1024 * 1024}`);
  const prepare = database.prepare.bind(database);
  database.prepare = (source: string) => prepare(source === KNEX_BEGIN ? 'BEGIN IMMEDIATE;' : source);
}
