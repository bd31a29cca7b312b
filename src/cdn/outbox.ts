/**
 * The outbox of CDN purges: one row per CDN and batch of edge tags, written in the transaction of the
 * write that changed them, so a committed change is always purged (even if this process stops right
 * after) and a rolled-back one never is. Any instance may send a due row; claiming it is a conditional
 * UPDATE with a lease, as for revalidation webhooks (src/revalidation/outbox.ts), so N instances send
 * each purge once.
 *
 * Operational state, not content: a table of our own, times in milliseconds since the epoch (BIGINT).
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { ensureOutboxTable, num, numOrNull, outboxTable } from '../database/outbox-table';
import type { Cdn } from './edge-tags';

export const PURGES_TABLE = 'cdn_purges';

export type PurgeStatus = 'pending' | 'done' | 'failed';

export interface PurgeRow {
  id: number;
  cdn: Cdn;
  tags: string[];
  status: PurgeStatus;
  attempts: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  /** When the write that asked for it was recorded (its transaction's time). */
  createdAt: number;
  doneAt: number | null;
}

export interface ClaimedPurge extends PurgeRow {
  lockedUntil: number;
}

interface StoredRow {
  id: number | string;
  cdn: string;
  tags: string;
  status: string;
  attempts: number | string;
  next_attempt_at: number | string;
  locked_until?: number | string;
  last_status: number | string | null;
  last_error: string | null;
  created_at: number | string;
  done_at: number | string | null;
}

const COLUMNS = ['id', 'cdn', 'tags', 'status', 'attempts', 'next_attempt_at', 'last_status', 'last_error', 'created_at', 'done_at'];


function fromStored(row: StoredRow): PurgeRow {
  return {
    id: num(row.id),
    cdn: row.cdn as Cdn,
    tags: JSON.parse(row.tags) as string[],
    status: row.status as PurgeStatus,
    attempts: num(row.attempts),
    nextAttemptAt: num(row.next_attempt_at),
    lastStatus: numOrNull(row.last_status),
    lastError: row.last_error,
    createdAt: num(row.created_at),
    doneAt: numOrNull(row.done_at),
  };
}

const table = (strapi: Core.Strapi, trx?: Knex.Transaction): Knex.QueryBuilder => outboxTable(strapi, PURGES_TABLE, trx);

/** Creates the table when it is missing. Runs at start, after Strapi's schema sync, under the start-up lock. */
export async function ensurePurgesTable(strapi: Core.Strapi): Promise<void> {
  await ensureOutboxTable(strapi, PURGES_TABLE, (t) => {
    t.increments('id').primary();
    t.string('cdn', 16).notNullable();
    t.text('tags').notNullable();
    t.string('status', 16).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    t.bigInteger('locked_until').notNullable().defaultTo(0);
    t.integer('last_status').nullable();
    t.text('last_error').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('done_at').nullable();
    // Set on purges that several instances may each decide to make (a key's expiry): one row wins.
    t.string('dedupe', 255).nullable().unique();
    t.index(['status', 'next_attempt_at'], 'cdn_purges_due_idx');
    t.index(['created_at'], 'cdn_purges_created_idx');
  });
}

/** Records purges to send; a row whose `dedupe` another one already has is left out (it is the same purge). */
export async function insertPurges(
  strapi: Core.Strapi,
  input: { trx?: Knex.Transaction; rows: ReadonlyArray<{ cdn: Cdn; tags: readonly string[]; dedupe?: string; dueAt?: number }>; now: number },
): Promise<void> {
  const { trx, rows, now } = input;
  if (rows.length === 0) return;
  const values = rows.map((row) => ({
    cdn: row.cdn,
    tags: JSON.stringify(row.tags),
    status: 'pending',
    attempts: 0,
    next_attempt_at: row.dueAt ?? now,
    locked_until: 0,
    created_at: now,
    dedupe: row.dedupe ?? null,
  }));
  await table(strapi, trx).insert(values).onConflict('dedupe').ignore();
}

/** Up to `limit` rows of one CDN due now that nobody holds, oldest first. */
export async function duePurges(strapi: Core.Strapi, input: { cdn: Cdn; now: number; limit: number }): Promise<PurgeRow[]> {
  const rows = (await table(strapi)
    .select(COLUMNS)
    .where({ status: 'pending', cdn: input.cdn })
    .andWhere('next_attempt_at', '<=', input.now)
    .andWhere('locked_until', '<', input.now)
    .orderBy('id', 'asc')
    .limit(input.limit)) as StoredRow[];
  return rows.map(fromStored);
}

/** When the next pending row of these CDNs falls due (null: none pending). */
export async function nextPurgeDueAt(strapi: Core.Strapi, cdns: readonly Cdn[]): Promise<number | null> {
  const row = (await table(strapi).min({ at: 'next_attempt_at' }).where('status', 'pending').whereIn('cdn', [...cdns]).first()) as { at: number | string | null } | undefined;
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}

/** Takes a due row for `leaseMs`; null when another instance took it first (see the file's comment). */
export async function claimPurge(strapi: Core.Strapi, input: { row: PurgeRow; now: number; leaseMs: number }): Promise<ClaimedPurge | null> {
  const lockedUntil = input.now + input.leaseMs;
  const changed = await table(strapi)
    .where({ id: input.row.id, status: 'pending', attempts: input.row.attempts })
    .andWhere('locked_until', '<', input.now)
    .update({ locked_until: lockedUntil });
  return Number(changed) === 1 ? { ...input.row, lockedUntil } : null;
}

const held = (claim: ClaimedPurge) => ({ id: claim.id, attempts: claim.attempts, locked_until: claim.lockedUntil });

export async function markPurged(strapi: Core.Strapi, claim: ClaimedPurge, input: { status: number; now: number }): Promise<void> {
  await table(strapi).where(held(claim)).update({ status: 'done', attempts: claim.attempts + 1, last_status: input.status, last_error: null, done_at: input.now, locked_until: 0 });
}

/**
 * Records a failed attempt: due again at `retryAt`, or given up (`retryAt` null). `isCounted` false
 * (the CDN asked us to wait: 429 with Retry-After) leaves the attempts as they were.
 */
export async function markPurgeFailed(
  strapi: Core.Strapi,
  claim: ClaimedPurge,
  input: { status: number | null; error: string; retryAt: number | null; isCounted: boolean },
): Promise<void> {
  await table(strapi)
    .where(held(claim))
    .update({
      status: input.retryAt === null ? 'failed' : 'pending',
      attempts: input.isCounted ? claim.attempts + 1 : claim.attempts,
      last_status: input.status,
      last_error: input.error,
      next_attempt_at: input.retryAt ?? claim.nextAttemptAt,
      locked_until: 0,
    });
}

/** Gives a claimed row back untried (this instance is stopping): another may send it at once. */
export async function releasePurge(strapi: Core.Strapi, claim: ClaimedPurge): Promise<void> {
  await table(strapi).where(held(claim)).update({ locked_until: 0 });
}

/** The most recent rows, newest first. */
export async function recentPurges(strapi: Core.Strapi, input: { status?: PurgeStatus; limit: number }): Promise<PurgeRow[]> {
  const query = table(strapi).select(COLUMNS).orderBy('id', 'desc').limit(input.limit);
  if (input.status !== undefined) query.where('status', input.status);
  return ((await query) as StoredRow[]).map(fromStored);
}

/** Rows per status (for the admin route and metrics). */
export async function purgeCounts(strapi: Core.Strapi): Promise<Record<PurgeStatus, number>> {
  const rows = (await table(strapi).select('status').count({ count: '*' }).groupBy('status')) as Array<{ status: string; count: number | string }>;
  const counts: Record<PurgeStatus, number> = { pending: 0, done: 0, failed: 0 };
  for (const row of rows) if (row.status in counts) counts[row.status as PurgeStatus] = Number(row.count);
  return counts;
}
