/**
 * The content history table (`content_history`): one row per version a write produced — one document,
 * one locale, draft or published — appended in the write's own transaction, so a committed write always
 * has its versions and a rolled-back one never does. Kept apart from Strapi's own history tables.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { ensureOutboxTable, num, numOrNull, outboxTable } from '../../database/outbox-table';
import type { Status, Values } from './snapshot';

export const HISTORY_TABLE = 'content_history';

export const HISTORY_ACTIONS = ['create', 'update', 'publish', 'unpublish', 'discard', 'delete', 'import'] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

export interface HistoryVersion {
  id: number;
  uid: string;
  documentId: string;
  locale: string | null;
  status: Status;
  action: HistoryAction;
  /** `admin:<id>`, `cli:<command>` or `service:<name>` (src/governance/actor.ts). */
  actor: string;
  admin: { id: number; email: string } | null;
  /** Milliseconds since the epoch. */
  at: number;
  before: Values | null;
  after: Values | null;
  changed: string[];
}

interface StoredRow {
  id: number | string;
  uid: string;
  document_id: string;
  locale: string | null;
  status: string;
  action: string;
  actor: string;
  admin_id: number | string | null;
  admin_email: string | null;
  at: number | string;
  before: string | null;
  after: string | null;
  changed: string;
}

const table = (strapi: Core.Strapi, trx?: Knex.Transaction) => outboxTable(strapi, HISTORY_TABLE, trx);

/** Creates the table when missing. Runs at start, after Strapi's schema sync, under the start-up lock. */
export async function ensureHistoryTable(strapi: Core.Strapi): Promise<void> {
  await ensureOutboxTable(strapi, HISTORY_TABLE, (t) => {
    t.bigIncrements('id').primary();
    t.string('uid', 128).notNullable();
    t.string('document_id', 64).notNullable();
    t.string('locale', 32).nullable();
    t.string('status', 16).notNullable();
    t.string('action', 16).notNullable();
    t.string('actor', 160).notNullable();
    t.integer('admin_id').nullable();
    t.string('admin_email', 255).nullable();
    t.bigInteger('at').notNullable();
    t.text('before').nullable();
    t.text('after').nullable();
    t.text('changed').notNullable();
    t.index(['uid', 'document_id', 'locale'], 'content_history_document_idx');
  });
}

/** Appends a write's versions in its transaction: one statement. */
export async function appendVersions(strapi: Core.Strapi, trx: Knex.Transaction, versions: ReadonlyArray<Omit<HistoryVersion, 'id'>>): Promise<void> {
  if (versions.length === 0) return;
  await table(strapi, trx).insert(
    versions.map((version) => ({
      uid: version.uid,
      document_id: version.documentId,
      locale: version.locale,
      status: version.status,
      action: version.action,
      actor: version.actor,
      admin_id: version.admin?.id ?? null,
      admin_email: version.admin?.email ?? null,
      at: version.at,
      before: version.before === null ? null : JSON.stringify(version.before),
      after: version.after === null ? null : JSON.stringify(version.after),
      changed: JSON.stringify(version.changed),
    })),
  );
}

function fromStored(row: StoredRow): HistoryVersion {
  const adminId = numOrNull(row.admin_id);
  return {
    id: num(row.id),
    uid: row.uid,
    documentId: row.document_id,
    locale: row.locale,
    status: row.status === 'published' ? 'published' : 'draft',
    action: row.action as HistoryAction,
    actor: row.actor,
    admin: adminId === null ? null : { id: adminId, email: row.admin_email ?? '' },
    at: num(row.at),
    before: row.before === null ? null : (JSON.parse(row.before) as Values),
    after: row.after === null ? null : (JSON.parse(row.after) as Values),
    changed: JSON.parse(row.changed) as string[],
  };
}

/** A document's versions in one locale (every locale when null), newest first. */
export async function documentVersions(strapi: Core.Strapi, input: { uid: string; documentId: string; locale: string | null; limit: number }): Promise<HistoryVersion[]> {
  const query = table(strapi).select('*').where({ uid: input.uid, document_id: input.documentId }).orderBy('id', 'desc').limit(input.limit);
  if (input.locale !== null) query.andWhere('locale', input.locale);
  return ((await query) as StoredRow[]).map(fromStored);
}

export async function findVersion(strapi: Core.Strapi, id: number): Promise<HistoryVersion | null> {
  const [row] = (await table(strapi).select('*').where('id', id)) as StoredRow[];
  return row === undefined ? null : fromStored(row);
}

/** When the first version was recorded (ms), or null when none is: history starts with the table. */
export async function firstVersionAt(strapi: Core.Strapi): Promise<number | null> {
  const [row] = (await table(strapi).min({ first: 'at' })) as Array<{ first: number | string | null }>;
  return numOrNull(row?.first ?? null);
}

/**
 * Versions of `uid` up to `until` (ms, inclusive), oldest first: of these documents, of those whose
 * values before or after hold `field` = `value` (a slug, a clinic), or of those whose values name
 * `mentioning` (a documentId, in a relation). The text match narrows the rows read; for fields the
 * values decide, and a documentId is unique enough not to occur by chance.
 */
export async function versionsUpTo(
  strapi: Core.Strapi,
  input:
    | { uid: string; until: number; documentIds: readonly string[] }
    | { uid: string; until: number; field: string; value: string }
    | { uid: string; until: number; mentioning: string },
): Promise<HistoryVersion[]> {
  const query = table(strapi).select('*').where('uid', input.uid).andWhere('at', '<=', input.until).orderBy([{ column: 'at' }, { column: 'id' }]);
  if ('documentIds' in input) {
    if (input.documentIds.length === 0) return [];
    query.whereIn('document_id', [...input.documentIds]);
    return ((await query) as StoredRow[]).map(fromStored);
  }
  if ('mentioning' in input) {
    query.andWhere((where) => where.where('after', 'like', `%${JSON.stringify(input.mentioning)}%`).orWhere('before', 'like', `%${JSON.stringify(input.mentioning)}%`));
    return ((await query) as StoredRow[]).map(fromStored);
  }
  const { field, value } = input;
  const text = `%${JSON.stringify({ [field]: value }).slice(1, -1)}%`;
  query.andWhere((where) => where.where('after', 'like', text).orWhere('before', 'like', text));
  return ((await query) as StoredRow[]).map(fromStored).filter((version) => version.after?.[field] === value || version.before?.[field] === value);
}
