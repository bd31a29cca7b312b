/**
 * The outbox of revalidation webhooks: one row per request to send, written in the same transaction
 * as the content change it reports, so a committed change is always announced (even if this process
 * stops right after) and a rolled-back one never is. Any instance on the database may send a due row;
 * claiming it is a conditional UPDATE, so two instances never send the same attempt.
 *
 * A table of our own rather than a Strapi content type: it is operational state, not content, and
 * must not show up in the admin's content manager or Strapi's APIs. Times are milliseconds since the
 * epoch in BIGINT columns: compared and read back the same on SQLite and PostgreSQL.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { ensureOutboxTable, num, numOrNull, outboxTable } from '../database/outbox-table';

export const DELIVERIES_TABLE = 'revalidation_deliveries';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface DeliveryRow {
  deliveryId: string;
  clinicDocumentId: string;
  clinicSlug: string;
  url: string;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

/** A row claimed for sending, with what only the sender may see. */
export interface ClaimedDelivery extends DeliveryRow {
  /** The clinic's secret when the row was written; cleared once the row is delivered or failed. */
  signingSecret: string;
  /** This claim's lease: the sender's update counts only while it still holds it. */
  lockedUntil: number;
}

export interface NewDelivery {
  deliveryId: string;
  clinicDocumentId: string;
  clinicSlug: string;
  url: string;
  payload: string;
  /** null when the clinic has no secret: the row is written as failed, with the reason, and never sent. */
  signingSecret: string | null;
  failure: string | null;
  now: number;
}

interface StoredRow {
  delivery_id: string;
  clinic_document_id: string;
  clinic_slug: string;
  url: string;
  payload: string;
  signing_secret?: string | null;
  status: string;
  attempts: number | string;
  next_attempt_at: number | string;
  locked_until?: number | string;
  last_status: number | string | null;
  last_error: string | null;
  created_at: number | string;
  delivered_at: number | string | null;
}

/** Every column but the secret: what listing and the admin route read. */
const PUBLIC_COLUMNS = [
  'delivery_id',
  'clinic_document_id',
  'clinic_slug',
  'url',
  'payload',
  'status',
  'attempts',
  'next_attempt_at',
  'last_status',
  'last_error',
  'created_at',
  'delivered_at',
];


function fromStored(row: StoredRow): DeliveryRow {
  return {
    deliveryId: row.delivery_id,
    clinicDocumentId: row.clinic_document_id,
    clinicSlug: row.clinic_slug,
    url: row.url,
    payload: row.payload,
    status: row.status as DeliveryStatus,
    attempts: num(row.attempts),
    nextAttemptAt: num(row.next_attempt_at),
    lastStatus: numOrNull(row.last_status),
    lastError: row.last_error,
    createdAt: num(row.created_at),
    deliveredAt: numOrNull(row.delivered_at),
  };
}

const table = (strapi: Core.Strapi, trx?: Knex.Transaction): Knex.QueryBuilder => outboxTable(strapi, DELIVERIES_TABLE, trx);

/** Creates the table when it is missing. Runs at start, after Strapi's schema sync, under the start-up lock. */
export async function ensureDeliveriesTable(strapi: Core.Strapi): Promise<void> {
  await ensureOutboxTable(strapi, DELIVERIES_TABLE, (t) => {
    t.increments('id').primary();
    t.string('delivery_id', 36).notNullable().unique();
    t.string('clinic_document_id', 255).notNullable();
    t.string('clinic_slug', 255).notNullable();
    t.text('url').notNullable();
    t.text('payload').notNullable();
    t.text('signing_secret').nullable();
    t.string('status', 16).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    t.bigInteger('locked_until').notNullable().defaultTo(0);
    t.integer('last_status').nullable();
    t.text('last_error').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('delivered_at').nullable();
    t.index(['status', 'next_attempt_at'], 'revalidation_deliveries_due_idx');
    t.index(['created_at'], 'revalidation_deliveries_created_idx');
  });
}

export async function insertDelivery(strapi: Core.Strapi, trx: Knex.Transaction, delivery: NewDelivery): Promise<void> {
  await table(strapi, trx).insert({
    delivery_id: delivery.deliveryId,
    clinic_document_id: delivery.clinicDocumentId,
    clinic_slug: delivery.clinicSlug,
    url: delivery.url,
    payload: delivery.payload,
    signing_secret: delivery.failure === null ? delivery.signingSecret : null,
    status: delivery.failure === null ? 'pending' : 'failed',
    attempts: 0,
    next_attempt_at: delivery.now,
    locked_until: 0,
    last_status: null,
    last_error: delivery.failure,
    created_at: delivery.now,
    delivered_at: null,
  });
}

/** Replaces the body of a row written earlier in the same transaction (nobody can have sent it yet). */
export async function replacePayload(strapi: Core.Strapi, trx: Knex.Transaction, deliveryId: string, payload: string): Promise<void> {
  await table(strapi, trx).where({ delivery_id: deliveryId }).update({ payload });
}

const isUnlocked = (now: number) => (query: Knex.QueryBuilder) => query.where('locked_until', '<', now);

/** Up to `limit` rows due now that nobody holds, oldest due first. */
export async function dueDeliveries(strapi: Core.Strapi, now: number, limit: number): Promise<Array<{ deliveryId: string; attempts: number }>> {
  const rows = (await table(strapi)
    .select('delivery_id', 'attempts')
    .where('status', 'pending')
    .andWhere('next_attempt_at', '<=', now)
    .andWhere(isUnlocked(now))
    .orderBy('next_attempt_at', 'asc')
    .limit(limit)) as Array<{ delivery_id: string; attempts: number | string }>;
  return rows.map((row) => ({ deliveryId: row.delivery_id, attempts: num(row.attempts) }));
}

/** When the next pending row falls due (null: none pending). */
export async function nextDueAt(strapi: Core.Strapi): Promise<number | null> {
  const row = (await table(strapi).min({ at: 'next_attempt_at' }).where('status', 'pending').first()) as { at: number | string | null } | undefined;
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}

/**
 * Takes a due row for `leaseMs`: only one of the instances that race for the same row and attempt
 * updates it; the others see zero rows changed and leave it. A sender that dies mid-request lets
 * the lease run out, and the row is sent again by whoever polls next.
 */
export async function claimDelivery(strapi: Core.Strapi, input: { deliveryId: string; attempts: number; now: number; leaseMs: number }): Promise<ClaimedDelivery | null> {
  const lockedUntil = input.now + input.leaseMs;
  const changed = await table(strapi)
    .where({ delivery_id: input.deliveryId, status: 'pending', attempts: input.attempts })
    .andWhere(isUnlocked(input.now))
    .update({ locked_until: lockedUntil });
  if (Number(changed) !== 1) return null;
  const row = (await table(strapi).select([...PUBLIC_COLUMNS, 'signing_secret']).where({ delivery_id: input.deliveryId }).first()) as StoredRow | undefined;
  if (row === undefined) return null;
  return { ...fromStored(row), signingSecret: row.signing_secret ?? '', lockedUntil };
}

const held = (claim: ClaimedDelivery) => ({ delivery_id: claim.deliveryId, attempts: claim.attempts, locked_until: claim.lockedUntil });

export async function markDelivered(strapi: Core.Strapi, claim: ClaimedDelivery, input: { status: number; now: number }): Promise<void> {
  await table(strapi).where(held(claim)).update({
    status: 'delivered',
    attempts: claim.attempts + 1,
    last_status: input.status,
    last_error: null,
    delivered_at: input.now,
    locked_until: 0,
    signing_secret: null,
  });
}

/** Records a failed attempt: due again at `retryAt`, or given up (`retryAt` null). */
export async function markAttemptFailed(
  strapi: Core.Strapi,
  claim: ClaimedDelivery,
  input: { status: number | null; error: string; retryAt: number | null },
): Promise<void> {
  const isFinal = input.retryAt === null;
  await table(strapi).where(held(claim)).update({
    status: isFinal ? 'failed' : 'pending',
    attempts: claim.attempts + 1,
    last_status: input.status,
    last_error: input.error,
    next_attempt_at: input.retryAt ?? claim.nextAttemptAt,
    locked_until: 0,
    ...(isFinal ? { signing_secret: null } : {}),
  });
}

/** Gives a claimed row back untried (this instance is stopping): another may send it at once. */
export async function releaseClaim(strapi: Core.Strapi, claim: ClaimedDelivery): Promise<void> {
  await table(strapi).where(held(claim)).update({ locked_until: 0 });
}

/** The most recent rows, newest first, without their secrets. */
export async function recentDeliveries(strapi: Core.Strapi, input: { status?: DeliveryStatus; limit: number; clinics?: readonly string[] | null }): Promise<DeliveryRow[]> {
  const query = table(strapi).select(PUBLIC_COLUMNS).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(input.limit);
  if (input.status !== undefined) query.where('status', input.status);
  if (input.clinics !== undefined && input.clinics !== null) query.whereIn('clinic_slug', [...input.clinics]);
  return ((await query) as StoredRow[]).map(fromStored);
}
