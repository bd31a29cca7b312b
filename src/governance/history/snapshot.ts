/**
 * What a version of a document holds: the field values of each of its rows (one per locale and
 * status) as stored — scalars, rich text blocks, components with their fields, relations as the
 * documentIds they point at — read in one query (Strapi populates components and relations from it),
 * and compared field by field.
 *
 * What is read derives from the model's metadata (metadata.ts), not from a list kept here. Private
 * fields (a clinic's hashed keys, its revalidation URL and secret, its editors) are read only to tell
 * whether they changed: their values never leave this module (see `versionsOf`).
 */
import type { Core } from '@strapi/strapi';
import { ADAPTATION, modelMeta } from '../../content/model';

export type Status = 'draft' | 'published';
export type Values = Record<string, unknown>;

/** One row of a document as history keeps it. `hidden`: private fields, as compared (JSON), never stored. */
export interface RowSnapshot {
  locale: string | null;
  status: Status;
  values: Values;
  hidden: Record<string, string>;
}

/** A document's rows, by `locale|status`. */
export type DocumentSnapshot = Map<string, RowSnapshot>;

/** What a private field that changed shows, before and after, instead of its values. */
export const CHANGED_MARKER = { changed: true } as const;

/** Columns every row has that are Strapi's bookkeeping, not content. */
const BOOKKEEPING = new Set(['id', 'documentId', 'locale', 'localizations', 'createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy']);

/** Fields the service keeps itself (an adaptation's basis is recomputed on every save): not content. */
const SERVICE_KEPT: Readonly<Record<string, readonly string[]>> = { [ADAPTATION.uid]: [ADAPTATION.basisField] };

export const keyOf = (locale: string | null, status: Status): string => `${locale ?? ''}|${status}`;

/** The content fields of a type (or component): what a version holds and a restore writes. */
export function contentFields(strapi: Core.Strapi, uid: string) {
  const kept = SERVICE_KEPT[uid] ?? [];
  return modelMeta(strapi, uid).fields.filter((field) => !BOOKKEEPING.has(field.name) && !kept.includes(field.name));
}

type Populate = Record<string, true | { select: string[] } | { populate: Populate }>;

const populates = new WeakMap<Core.Strapi, Map<string, Populate>>();

/** Components (with their own components and relations) and relations (their documentIds). */
function populateOf(strapi: Core.Strapi, uid: string): Populate {
  let known = populates.get(strapi);
  if (known === undefined) {
    known = new Map();
    populates.set(strapi, known);
  }
  const cached = known.get(uid);
  if (cached !== undefined) return cached;
  const populate: Populate = {};
  for (const field of contentFields(strapi, uid)) {
    if (field.component !== null) {
      const nested = populateOf(strapi, field.component.uid);
      populate[field.name] = Object.keys(nested).length === 0 ? true : { populate: nested };
    } else if (field.relation !== null) populate[field.name] = { select: ['documentId'] };
  }
  known.set(uid, populate);
  return populate;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A stored value as history keeps it: components without their row ids, relations as documentIds. */
function normalized(strapi: Core.Strapi, uid: string, row: Record<string, unknown>): Values {
  const values: Values = {};
  for (const field of contentFields(strapi, uid)) {
    const value = row[field.name];
    if (field.component !== null) {
      const component = field.component.uid;
      const one = (item: unknown) => (isRecord(item) ? normalized(strapi, component, item) : null);
      values[field.name] = Array.isArray(value) ? value.map(one) : one(value);
    } else if (field.relation !== null) {
      const idOf = (item: unknown) => (isRecord(item) && typeof item.documentId === 'string' ? item.documentId : null);
      values[field.name] = Array.isArray(value) ? value.map(idOf).filter((id): id is string => id !== null) : idOf(value);
    } else values[field.name] = value ?? null;
  }
  return values;
}

/** The rows of a document (in `statuses`), in the open transaction if there is one: one query and Strapi's populates. */
export async function readDocument(strapi: Core.Strapi, input: { uid: string; documentId: string; statuses: readonly Status[] }): Promise<DocumentSnapshot> {
  const { uid, documentId, statuses } = input;
  const where: Record<string, unknown> = { documentId };
  if (statuses.length === 1) where.publishedAt = statuses[0] === 'published' ? { $notNull: true } : { $null: true };
  const rows = (await strapi.db.query(uid).findMany({ where: where as never, populate: populateOf(strapi, uid) as never })) as Array<Record<string, unknown>>;
  const privateFields = contentFields(strapi, uid).filter((field) => field.isPrivate);
  const snapshot: DocumentSnapshot = new Map();
  for (const row of rows) {
    const locale = typeof row.locale === 'string' ? row.locale : null;
    const status: Status = row.publishedAt === null || row.publishedAt === undefined ? 'draft' : 'published';
    const values = normalized(strapi, uid, row);
    const hidden: Record<string, string> = {};
    for (const field of privateFields) {
      hidden[field.name] = JSON.stringify(canonical(values[field.name]));
      delete values[field.name];
    }
    snapshot.set(keyOf(locale, status), { locale, status, values, hidden });
  }
  return snapshot;
}

/** A value as compared: object keys in order, undefined as null. */
export function canonical(value: unknown): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(canonical);
  if (isRecord(value)) return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical(value[key])]));
  return value;
}

const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** Before and after of one row as stored in a version: values, private fields only as the marker, and what changed. */
export interface VersionValues {
  before: Values | null;
  after: Values | null;
  changed: string[];
}

/** The stored form of a row's change: content fields compared, private fields that differ shown as changed. */
export function versionValues(before: RowSnapshot | null, after: RowSnapshot | null): VersionValues {
  const names = [...new Set([...Object.keys(before?.values ?? {}), ...Object.keys(after?.values ?? {})])];
  const changed = names.filter((name) => !same(before?.values[name], after?.values[name]));
  const hiddenNames = [...new Set([...Object.keys(before?.hidden ?? {}), ...Object.keys(after?.hidden ?? {})])];
  const hiddenChanged = hiddenNames.filter((name) => (before?.hidden[name] ?? 'null') !== (after?.hidden[name] ?? 'null'));
  const mark = (snapshot: RowSnapshot | null): Values | null => {
    if (snapshot === null) return null;
    const values: Values = { ...snapshot.values };
    for (const name of hiddenChanged) values[name] = CHANGED_MARKER;
    return values;
  };
  return { before: mark(before), after: mark(after), changed: [...changed, ...hiddenChanged] };
}
