/**
 * Reads published content (or, for preview keys, the latest drafts) along a locale chain. Each call
 * is one batch: one statement for the entries plus one per component and relation field, however many
 * entries it loads, which is what keeps the GraphQL layer free of N+1 queries.
 */
import type { Core } from '@strapi/strapi';
import { MODELS, type ContentUid, type EntryByUid } from './types';

export type ContentStatus = 'published' | 'draft';

/** Private and bookkeeping columns never leave the reader. */
const OMITTED = new Set(['id', 'accessKeys', 'createdBy', 'updatedBy', 'publishedAt', 'createdAt', 'localizations']);

export interface ContentReader {
  readonly status: ContentStatus;
  readonly chain: readonly string[];
  /** Entries by documentId, each in the first locale of the chain it exists in; null where none. */
  loadEntries<U extends ContentUid>(uid: U, documentIds: readonly string[]): Promise<Array<EntryByUid[U] | null>>;
  /** documentIds by slug; null where no entry has the slug. */
  documentIdsBySlug(uid: ContentUid, slugs: readonly string[]): Promise<Array<string | null>>;
  /** Every entry of a type as served in the chain, with the fields lists filter, search and sort on. */
  listCandidates(uid: ContentUid): Promise<ListCandidate[]>;
}

export interface ListCandidate {
  documentId: string;
  locale: string;
  name: string;
  summary: string;
  updatedAt: string;
}

interface Row {
  documentId: string;
  locale: string;
  [field: string]: unknown;
}

export function createContentReader(input: {
  strapi: Core.Strapi;
  status: ContentStatus;
  chain: readonly string[];
  /** Applied to every string of every loaded entry (renders clinic tokens). */
  renderText: (text: string) => string;
}): ContentReader {
  const { strapi, status, chain, renderText } = input;
  const statusWhere = status === 'published' ? { publishedAt: { $notNull: true } } : { publishedAt: { $null: true } };
  const rank = (locale: string) => chain.indexOf(locale);

  function best<T extends Row>(rows: T[]): Map<string, T> {
    const chosen = new Map<string, T>();
    for (const row of rows) {
      const current = chosen.get(row.documentId);
      if (current === undefined || rank(row.locale) < rank(current.locale)) chosen.set(row.documentId, row);
    }
    return chosen;
  }

  function render(value: unknown): unknown {
    if (typeof value === 'string') return renderText(value);
    if (value instanceof Date) return value.toISOString();
    if (Array.isArray(value)) return value.map(render);
    if (typeof value === 'object' && value !== null) {
      const result: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) if (key !== 'id' && key !== '__component') result[key] = render(item);
      return result;
    }
    return value;
  }

  return {
    status,
    chain,

    async loadEntries(uid, documentIds) {
      if (documentIds.length === 0) return [];
      const model = MODELS[uid];
      const populate: Record<string, unknown> = {};
      for (const field of model.components) populate[field] = true;
      for (const field of Object.keys(model.relations)) populate[field] = { select: ['documentId'] };
      const rows = (await strapi.db.query(uid).findMany({
        where: { documentId: { $in: [...documentIds] }, locale: { $in: [...chain] }, ...statusWhere },
        populate,
      })) as Row[];
      const chosen = best(rows);
      return documentIds.map((documentId) => {
        const row = chosen.get(documentId);
        if (row === undefined) return null;
        const entry: Record<string, unknown> = {};
        for (const [field, value] of Object.entries(row)) {
          if (OMITTED.has(field)) continue;
          if (field in model.relations) {
            entry[field] = ((value as Array<{ documentId: string }> | null) ?? []).map((related) => related.documentId);
          } else if (field === 'documentId' || field === 'slug' || field === 'locale') {
            entry[field] = value;
          } else {
            entry[field] = render(value);
          }
        }
        return entry as unknown as EntryByUid[typeof uid];
      });
    },

    async documentIdsBySlug(uid, slugs) {
      if (slugs.length === 0) return [];
      const rows = (await strapi.db.query(uid).findMany({
        where: { slug: { $in: [...slugs] }, locale: { $in: [...chain] }, ...statusWhere },
        select: ['documentId', 'slug'],
      })) as Array<{ documentId: string; slug: string }>;
      const bySlug = new Map(rows.map((row) => [row.slug, row.documentId]));
      return slugs.map((slug) => bySlug.get(slug) ?? null);
    },

    async listCandidates(uid) {
      const rows = (await strapi.db.query(uid).findMany({
        where: { locale: { $in: [...chain] }, ...statusWhere },
        select: ['documentId', 'locale', 'name', 'summary', 'updatedAt'],
      })) as Array<Row & { name: string; summary: string | null; updatedAt: string | Date }>;
      return [...best(rows).values()].map((row) => ({
        documentId: row.documentId,
        locale: row.locale,
        name: renderText(row.name),
        summary: renderText(row.summary ?? ''),
        updatedAt: row.updatedAt instanceof Date ? row.updatedAt.toISOString() : String(row.updatedAt),
      }));
    },
  };
}
