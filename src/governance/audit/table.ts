/**
 * The audit trail's table (`audit_log`): one row per governed action (a publish, a role change, a key
 * revoked …), appended in the action's own transaction and never updated or deleted by the service.
 * Each row carries a SHA-256 hash of its fields and of the previous row's hash, so an edited, deleted
 * or inserted row breaks the chain from there on (verifyAuditChain names the first bad row).
 *
 * One chain, however many instances: appends are serialized by a transaction-scoped advisory lock on
 * PostgreSQL, taken before the chain's head is read and held until commit, so two instances never
 * both extend the same head (SQLite runs one write transaction at a time anyway). Ids are therefore
 * commit-ordered, and the chain's order is the ids' order.
 *
 * Personal data: an admin's e-mail is kept beside the row (`actor_email`) and only its digest is
 * hashed into the chain, so an operator can erase the address of an admin who left (set it to NULL)
 * and the chain still verifies; the digest stays, and it identifies the address only to someone who
 * already knows it (docs/operators.md, "Audit trail").
 */
import { createHash } from 'crypto';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { ensureOutboxTable, num, outboxTable } from '../../database/outbox-table';
import type { Actor } from '../actor';
import { actorName } from '../actor';

export const AUDIT_TABLE = 'audit_log';

/** The advisory lock's key: a constant no other lock of the service uses (feed-table.ts, pairs.ts, boot-lock.ts have theirs). */
const APPEND_LOCK_ID = 4_216_370_401;

/** The previous hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** What the service records (docs/operators.md lists them with their details). */
export const AUDIT_ACTIONS = [
  'content.published',
  'content.unpublished',
  'content.deleted',
  'review.changed',
  'key.created',
  'key.revoked',
  'role.created',
  'role.updated',
  'role.deleted',
  'role.permissions.changed',
  'user.created',
  'user.updated',
  'user.deleted',
  'xliff.imported',
  'adaptation.confirmed',
  'schedule.created',
  'schedule.cancelled',
  'schedule.ran',
  'schedule.failed',
  'review.lapsed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What an action is about; null where it does not apply (a role change has no document). */
export interface AuditTarget {
  uid: string | null;
  documentId: string | null;
  locale: string | null;
}

/** A row to append: the service fills in the time, the actor's fields and the hashes. */
export interface AuditEntry {
  actor: Actor;
  action: AuditAction;
  target: AuditTarget;
  details: Record<string, unknown>;
}

export interface AuditRow extends AuditTarget {
  id: number;
  /** ISO 8601, UTC, milliseconds. */
  at: string;
  /** `admin:<id>`, `cli:<command>` or `service:<name>`. */
  actor: string;
  /** The admin's e-mail; null for other actors, or once erased. */
  actorEmail: string | null;
  /** SHA-256 of the admin's e-mail as it was recorded (what the chain hashes); null for other actors. */
  actorEmailDigest: string | null;
  action: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

interface StoredRow {
  id: number | string;
  at: string;
  actor: string;
  actor_email: string | null;
  actor_email_digest: string | null;
  action: string;
  uid: string | null;
  document_id: string | null;
  locale: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

export const table = (strapi: Core.Strapi, trx?: Knex.Transaction) => outboxTable(strapi, AUDIT_TABLE, trx);

/** Creates the table when missing. Runs at start, after Strapi's schema sync, under the start-up lock. */
export async function ensureAuditTable(strapi: Core.Strapi): Promise<void> {
  await ensureOutboxTable(strapi, AUDIT_TABLE, (t) => {
    t.bigIncrements('id').primary();
    t.string('at', 24).notNullable().index();
    t.string('actor', 160).notNullable();
    t.string('actor_email', 320).nullable();
    t.string('actor_email_digest', 64).nullable();
    t.string('action', 40).notNullable();
    t.string('uid', 120).nullable();
    t.string('document_id', 64).nullable();
    t.string('locale', 16).nullable();
    t.text('details').notNullable();
    t.string('prev_hash', 64).notNullable();
    t.string('hash', 64).notNullable();
  });
}

/** JSON with object keys sorted at every depth: the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export const emailDigest = (email: string): string => sha256(email.trim().toLowerCase());

/** The row's hash: its fields (the e-mail by its digest, never itself) and the previous row's hash. */
export function rowHash(row: Omit<AuditRow, 'id' | 'hash' | 'actorEmail'>): string {
  return sha256(
    canonicalJson({
      at: row.at,
      actor: row.actor,
      actorEmailDigest: row.actorEmailDigest,
      action: row.action,
      uid: row.uid,
      documentId: row.documentId,
      locale: row.locale,
      details: row.details,
      prevHash: row.prevHash,
    }),
  );
}

/**
 * Appends one row in `trx` (the action's transaction: the row commits or rolls back with it). Three
 * statements: the lock (PostgreSQL), the chain's head, the insert.
 */
export async function appendAuditRow(strapi: Core.Strapi, trx: Knex.Transaction, entry: AuditEntry): Promise<void> {
  if (strapi.db.dialect.client === 'postgres') await trx.raw('SELECT pg_advisory_xact_lock(?)', [APPEND_LOCK_ID]);
  const [head] = (await table(strapi, trx).select('hash').orderBy('id', 'desc').limit(1)) as Array<{ hash: string }>;
  const email = entry.actor.kind === 'admin' ? entry.actor.email : null;
  const fields = {
    at: new Date().toISOString(),
    actor: actorName(entry.actor),
    actorEmailDigest: email === null ? null : emailDigest(email),
    action: entry.action,
    uid: entry.target.uid,
    documentId: entry.target.documentId,
    locale: entry.target.locale,
    // Stored as it is hashed: what is read back is what was hashed.
    details: JSON.parse(canonicalJson(entry.details)) as Record<string, unknown>,
    prevHash: head?.hash ?? GENESIS_HASH,
  };
  await table(strapi, trx).insert({
    at: fields.at,
    actor: fields.actor,
    actor_email: email,
    actor_email_digest: fields.actorEmailDigest,
    action: fields.action,
    uid: fields.uid,
    document_id: fields.documentId,
    locale: fields.locale,
    details: canonicalJson(fields.details),
    prev_hash: fields.prevHash,
    hash: rowHash(fields),
  });
}

/** Appends one row in a transaction of its own, or in the caller's when there is one. */
export async function recordAudit(strapi: Core.Strapi, entry: AuditEntry): Promise<void> {
  await strapi.db.transaction(async ({ trx }: { trx: Knex.Transaction }) => appendAuditRow(strapi, trx, entry));
}

function fromStored(row: StoredRow): AuditRow {
  let details: Record<string, unknown>;
  try {
    details = JSON.parse(row.details) as Record<string, unknown>;
  } catch {
    // Kept as found: verify reports the row, an export still shows it.
    details = { unreadable: row.details };
  }
  return {
    id: num(row.id),
    at: row.at,
    actor: row.actor,
    actorEmail: row.actor_email,
    actorEmailDigest: row.actor_email_digest,
    action: row.action,
    uid: row.uid,
    documentId: row.document_id,
    locale: row.locale,
    details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export interface AuditQuery {
  /** ISO date or date-time, inclusive. */
  since?: string;
  /** ISO date or date-time, exclusive. */
  until?: string;
  action?: string;
  /** Newest first, rows with an id below this one (the cursor of the page before). */
  beforeId?: number;
  limit?: number;
  order: 'asc' | 'desc';
}

/** Rows matching the query, in id order (the chain's). */
export async function auditRows(strapi: Core.Strapi, query: AuditQuery): Promise<AuditRow[]> {
  const builder = table(strapi).select('*').orderBy('id', query.order);
  if (query.since !== undefined) builder.where('at', '>=', query.since);
  if (query.until !== undefined) builder.where('at', '<', query.until);
  if (query.action !== undefined) builder.where('action', query.action);
  if (query.beforeId !== undefined) builder.where('id', '<', query.beforeId);
  if (query.limit !== undefined) builder.limit(query.limit);
  return ((await builder) as StoredRow[]).map(fromStored);
}

export type ChainProblem = { id: number; problem: string };

export interface ChainReport {
  rows: number;
  /** The hash of the last row (GENESIS_HASH for an empty trail): record it elsewhere to detect a rewritten chain. */
  head: string;
  /** The first row that does not verify, or null when the chain is intact. */
  firstBad: ChainProblem | null;
}

const BATCH = 1000;

/** What is wrong with one row, given the hash of the row before it; null when nothing is. */
function problemOf(stored: StoredRow, previous: string): string | null {
  const row = fromStored(stored);
  if (row.prevHash !== previous) return `its previous hash ${row.prevHash.slice(0, 12)}… is not the hash of the row before it (${previous.slice(0, 12)}…): a row before it was deleted or inserted`;
  if (rowHash(row) !== row.hash) return 'its content does not match its hash: the row was edited';
  // The details are stored canonical: a rewrite to other text that parses the same is an edit too.
  if (stored.details !== canonicalJson(row.details)) return 'its details are not as they were recorded: the row was edited';
  if (row.actorEmail !== null && (row.actorEmailDigest === null || emailDigest(row.actorEmail) !== row.actorEmailDigest)) return "its actor's e-mail is not the one recorded: the row was edited";
  return null;
}

/** Walks the whole chain in id order, a thousand rows at a time. */
export async function verifyAuditChain(strapi: Core.Strapi): Promise<ChainReport> {
  let previous = GENESIS_HASH;
  let rows = 0;
  let lastId = 0;
  for (;;) {
    const batch = (await table(strapi).select('*').where('id', '>', lastId).orderBy('id', 'asc').limit(BATCH)) as StoredRow[];
    for (const stored of batch) {
      const problem = problemOf(stored, previous);
      if (problem !== null) return { rows, head: previous, firstBad: { id: num(stored.id), problem } };
      previous = stored.hash;
      rows += 1;
      lastId = num(stored.id);
    }
    if (batch.length < BATCH) return { rows, head: previous, firstBad: null };
  }
}
