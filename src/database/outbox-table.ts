/**
 * What the service's outbox tables (revalidation_deliveries, cdn_purges) share: a table of our own,
 * outside Strapi's content types (operational state, not content), created at start when missing, with
 * times in milliseconds since the epoch in BIGINT columns, read back the same on SQLite and PostgreSQL.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';

/** A query on the table, in `trx` when given. */
export function outboxTable(strapi: Core.Strapi, name: string, trx?: Knex.Transaction): Knex.QueryBuilder {
  const query = strapi.db.getConnection(name);
  return trx === undefined ? query : query.transacting(trx);
}

/** Creates the table when it is missing. Runs at start, after Strapi's schema sync, under the start-up lock. */
export async function ensureOutboxTable(strapi: Core.Strapi, name: string, columns: (table: Knex.CreateTableBuilder) => void): Promise<void> {
  const schema = strapi.db.getSchemaConnection();
  if (await schema.hasTable(name)) return;
  await schema.createTable(name, columns);
}

// PostgreSQL returns BIGINT (and COUNT) as a string; SQLite as a number.
export const num = (value: number | string): number => Number(value);
export const numOrNull = (value: number | string | null): number | null => (value === null ? null : Number(value));
