/**
 * The reads a change is made of: the versions (rows) of a served type or of clinic adaptations, and
 * the rows linked to a served type's rows through its two-sided relations. All read through the
 * write's transaction, so they see the write. Linked rows of any number of rows and relation fields
 * cost one statement.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { ADAPTATION, MODELS, isServedUid, modelMeta, type AdaptationTargetField, type ContentUid, type JoinTable } from '../model';
import type { AdaptationVersion, LinkedRow, RowVersion } from './change';

const COLUMNS = ['id', 'documentId', 'locale', 'publishedAt', 'slug'];

interface StoredVersion {
  id: number;
  documentId: string;
  locale: string | null;
  publishedAt: unknown;
  slug?: string | null;
}

/** A two-sided relation field of a served type, as its join table stores it. */
interface Link {
  field: string;
  target: ContentUid;
  /** The target's field that lists this type's rows. */
  inverseField: string;
  join: JoinTable;
  targetTable: string;
}

const isSet = (value: unknown) => value !== null && value !== undefined;

export function versionOf(uid: ContentUid, row: StoredVersion): RowVersion {
  return { id: row.id, uid, documentId: row.documentId, locale: row.locale ?? null, isPublished: isSet(row.publishedAt), slug: row.slug ?? null };
}

/** A row as a lifecycle event returned it, when it holds what a RowVersion needs (a `select` may trim it). */
export function completeVersion(uid: ContentUid, value: unknown): RowVersion | null {
  if (typeof value !== 'object' || value === null) return null;
  const row = value as Partial<StoredVersion>;
  if (typeof row.id !== 'number' || typeof row.documentId !== 'string' || !('locale' in row) || !('publishedAt' in row) || !('slug' in row)) return null;
  return versionOf(uid, row as StoredVersion);
}

/** The rows of `uid` matching `where`, in the open transaction if there is one. */
export async function readVersions(strapi: Core.Strapi, uid: ContentUid, where: unknown): Promise<RowVersion[]> {
  const rows = (await strapi.db.query(uid).findMany({ where: where as never, select: COLUMNS })) as StoredVersion[];
  return rows.map((row) => versionOf(uid, row));
}

const TARGET_FIELDS = Object.keys(ADAPTATION.targetFields) as AdaptationTargetField[];
const ADAPTATION_COLUMNS = ['id', 'documentId', 'locale', 'publishedAt', ADAPTATION.clinicField, ...TARGET_FIELDS];

const named = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** An adaptation row as a lifecycle event returned it or a read found it; null when it lacks a column needed. */
export function adaptationVersionOf(value: unknown): AdaptationVersion | null {
  if (typeof value !== 'object' || value === null) return null;
  const row = value as Record<string, unknown>;
  if (typeof row.id !== 'number' || typeof row.documentId !== 'string' || !ADAPTATION_COLUMNS.every((column) => column in row)) return null;
  const field = TARGET_FIELDS.find((name) => named(row[name]) !== null);
  return {
    id: row.id,
    uid: ADAPTATION.uid,
    documentId: row.documentId,
    locale: named(row.locale),
    isPublished: isSet(row.publishedAt),
    clinic: named(row[ADAPTATION.clinicField]),
    target: field === undefined ? null : { uid: ADAPTATION.targetFields[field], slug: String(row[field]) },
  };
}

/** The adaptation rows matching `where`, in the open transaction if there is one. */
export async function readAdaptationVersions(strapi: Core.Strapi, where: unknown): Promise<AdaptationVersion[]> {
  const rows: unknown[] = await strapi.db.query(ADAPTATION.uid).findMany({ where: where as never, select: ADAPTATION_COLUMNS });
  return rows.map(adaptationVersionOf).filter((row): row is AdaptationVersion => row !== null);
}

const linksByUid = new WeakMap<Core.Strapi, Map<ContentUid, Link[]>>();

/**
 * The type's two-sided relations (owning or inverse side). A one-sided relation is shown on its
 * owner's side only, so a write on its target changes nothing the owner serves through it.
 */
function linksOf(strapi: Core.Strapi, uid: ContentUid): Link[] {
  let known = linksByUid.get(strapi);
  if (known === undefined) {
    known = new Map();
    linksByUid.set(strapi, known);
  }
  const cached = known.get(uid);
  if (cached !== undefined) return cached;
  const meta = modelMeta(strapi, uid);
  const links: Link[] = [];
  for (const field of Object.keys(MODELS[uid].relations)) {
    const { relation, joinTable } = meta.field(field) ?? {};
    const inverseField = relation?.inversedBy ?? relation?.mappedBy ?? null;
    if (relation === undefined || relation === null || joinTable === undefined || joinTable === null || inverseField === null || !isServedUid(relation.target)) continue;
    links.push({ field, target: relation.target, inverseField, join: joinTable, targetTable: modelMeta(strapi, relation.target).tableName });
  }
  known.set(uid, links);
  return links;
}

/**
 * The rows linked to these rows of `uid`: one statement (a UNION ALL over the type's relation fields),
 * none when there is nothing to read. `trx`: the write's transaction, if any.
 */
export async function readLinked(strapi: Core.Strapi, input: { uid: ContentUid; trx: Knex.Transaction | null; ids: readonly number[] }): Promise<LinkedRow[]> {
  const links = linksOf(strapi, input.uid);
  if (links.length === 0 || input.ids.length === 0) return [];
  const knex = strapi.db.connection;
  const sources = [...input.ids];
  const parts = links.map((link, index) =>
    knex(`${link.join.name} as l`)
      .join(`${link.targetTable} as r`, 'r.id', `l.${link.join.inverseJoinColumn.name}`)
      .whereIn(`l.${link.join.joinColumn.name}`, sources)
      // The index is ours, never input: safe to write into the statement.
      .select(`l.${link.join.joinColumn.name} as linked_to`, knex.raw(`${index} as link_index`), 'r.document_id', 'r.locale', 'r.published_at', 'r.slug'),
  );
  const [first, ...rest] = parts as [Knex.QueryBuilder, ...Knex.QueryBuilder[]];
  const query = rest.length === 0 ? first : first.unionAll(rest);
  const rows = (await (input.trx === null ? query : query.transacting(input.trx))) as Array<{
    linked_to: number | string;
    link_index: number | string;
    document_id: string;
    locale: string | null;
    published_at: unknown;
    slug: string | null;
  }>;
  return rows.map((row) => {
    const link = links[Number(row.link_index)] as Link;
    return {
      uid: link.target,
      documentId: row.document_id,
      locale: row.locale,
      isPublished: isSet(row.published_at),
      slug: row.slug,
      field: link.inverseField,
      linkedTo: Number(row.linked_to),
    };
  });
}
