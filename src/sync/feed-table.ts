/**
 * The change feed's table (`content_feed`): one row per write that changed what a clinic site may show,
 * appended in the write's own transaction, so a committed write is always in the feed and a rolled-back
 * one never is. Rows are global (a publish is one row, whatever the number of clinics), or name the one
 * clinic they concern (its profile, its adaptation); each clinic's page events are derived from them
 * when the feed is read (feed.ts).
 *
 * Row ids are the feed's positions, and they must be commit-ordered: a reader that has seen row 12 must
 * never find a row 11 committed later, or a site polling past 12 would miss it. PostgreSQL hands out
 * sequence values before commit, so appends are serialized by a transaction-scoped advisory lock taken
 * before the id is drawn and held until commit; SQLite runs one write transaction at a time anyway.
 *
 * Retention: rows older than FEED_RETENTION_DAYS are deleted, and the highest deleted id is kept
 * (`content_feed_state`) so that a cursor from before it is told to rebuild (CURSOR_EXPIRED) instead of
 * silently skipping what was deleted.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { ensureOutboxTable, num, outboxTable } from '../database/outbox-table';
import type { FeedChange } from './change';

export const FEED_TABLE = 'content_feed';
export const FEED_STATE_TABLE = 'content_feed_state';

/** The advisory lock's key: any constant no other lock of the service uses (boot-lock.ts, pairs.ts have their own). */
const APPEND_LOCK_ID = 4_216_370_377;

export interface FeedRow {
  id: number;
  recordedAt: number;
  /** Only preview keys see it: a draft changed, nothing published did. */
  isDraft: boolean;
  /** The clinic (documentId) the row concerns alone, or null for a change to shared content. */
  clinic: string | null;
  change: FeedChange;
}

interface StoredRow {
  id: number | string;
  recorded_at: number | string;
  is_draft: boolean | number;
  clinic: string | null;
  body: string;
}

const table = (strapi: Core.Strapi, trx?: Knex.Transaction) => outboxTable(strapi, FEED_TABLE, trx);

/** Creates the tables when missing. Runs at start, after Strapi's schema sync, under the start-up lock. */
export async function ensureFeedTables(strapi: Core.Strapi): Promise<void> {
  await ensureOutboxTable(strapi, FEED_TABLE, (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('recorded_at').notNullable();
    t.boolean('is_draft').notNullable();
    t.string('clinic', 64).nullable();
    t.text('body').notNullable();
  });
  await ensureOutboxTable(strapi, FEED_STATE_TABLE, (t) => {
    t.string('name', 32).primary();
    t.bigInteger('value').notNullable();
  });
}

/** Appends one row in the write's transaction (see the file's header for the lock). */
export async function appendFeedRow(strapi: Core.Strapi, trx: Knex.Transaction, row: Omit<FeedRow, 'id' | 'recordedAt'>): Promise<void> {
  if (strapi.db.dialect.client === 'postgres') await trx.raw('SELECT pg_advisory_xact_lock(?)', [APPEND_LOCK_ID]);
  await table(strapi, trx).insert({ recorded_at: Date.now(), is_draft: row.isDraft, clinic: row.clinic, body: JSON.stringify(row.change) });
}

function fromStored(row: StoredRow): FeedRow {
  return {
    id: num(row.id),
    recordedAt: num(row.recorded_at),
    isDraft: row.is_draft === true || row.is_draft === 1,
    clinic: row.clinic,
    change: JSON.parse(row.body) as FeedChange,
  };
}

/**
 * Rows after `afterId`, up to `untilId`, that a clinic's feed is made of, oldest first: shared rows and
 * the clinic's own, drafts only for previews.
 */
export async function feedRowsAfter(
  strapi: Core.Strapi,
  input: { afterId: number; untilId: number; clinic: string; isPreview: boolean; limit: number },
): Promise<FeedRow[]> {
  const query = table(strapi)
    .select('id', 'recorded_at', 'is_draft', 'clinic', 'body')
    .where('id', '>', input.afterId)
    .andWhere('id', '<=', input.untilId)
    .andWhere((where) => where.whereNull('clinic').orWhere('clinic', input.clinic))
    .orderBy('id', 'asc')
    .limit(input.limit);
  if (!input.isPreview) query.andWhere('is_draft', false);
  return ((await query) as StoredRow[]).map(fromStored);
}

/** Where the feed stands: its last committed row, or the horizon when retention deleted every row (0 at first). */
export async function feedEnd(strapi: Core.Strapi): Promise<number> {
  const [[row], horizon] = await Promise.all([table(strapi).max('id as id') as Promise<Array<{ id: number | string | null }>>, feedHorizon(strapi)]);
  return Math.max(row?.id === null || row?.id === undefined ? 0 : num(row.id), horizon);
}

/** The highest id retention has deleted (0 when none was): a cursor before it has lost rows. */
export async function feedHorizon(strapi: Core.Strapi): Promise<number> {
  const [row] = (await outboxTable(strapi, FEED_STATE_TABLE).select('value').where('name', 'pruned_through')) as Array<{ value: number | string }>;
  return row === undefined ? 0 : num(row.value);
}

/**
 * Deletes the rows recorded before `before` (ms since the epoch) and moves the horizon past them.
 * Several instances may run it at once: each deletes what is left and the horizon only grows.
 * Returns how many rows were deleted.
 */
export async function pruneFeed(strapi: Core.Strapi, before: number): Promise<number> {
  return strapi.db.transaction(async ({ trx }: { trx: Knex.Transaction }) => {
    const [last] = (await table(strapi, trx).max('id as id').where('recorded_at', '<', before)) as Array<{ id: number | string | null }>;
    if (last?.id === null || last?.id === undefined) return 0;
    const through = num(last.id);
    const deleted = await table(strapi, trx).where('id', '<=', through).delete();
    const state = () => outboxTable(strapi, FEED_STATE_TABLE, trx);
    await state().insert({ name: 'pruned_through', value: 0 }).onConflict('name').ignore();
    await state().update({ value: through }).where('name', 'pruned_through').andWhere('value', '<', through);
    return Number(deleted);
  });
}
