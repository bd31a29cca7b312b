/**
 * Reads published content (or, for preview keys, the latest drafts) along a locale chain. One call of
 * `load` is one SQL statement, whatever mix of types, documentIds and slugs it asks for (see sql.ts);
 * the scope's DataLoader gathers each level of a GraphQL request into one such call.
 */
import type { Core } from '@strapi/strapi';
import { linksTag, readTags, typeTag } from '../cache/tags';
import { decode, ReadSql, toIso, type ContentStatus } from './sql';
import { MODELS, type ContentUid, type EntryByUid } from './types';

export type { ContentStatus } from './sql';

/** What to load: entries of a type by documentId or by slug. */
export interface LoadRequest {
  uid: ContentUid;
  by: 'documentId' | 'slug';
  values: readonly string[];
}

export type AnyEntry = EntryByUid[ContentUid];

export interface ContentReader {
  readonly status: ContentStatus;
  readonly chain: readonly string[];
  /** Loads every request in one statement; per request, the entries found keyed by the value asked for. */
  load(requests: readonly LoadRequest[]): Promise<Array<Map<string, AnyEntry>>>;
  /**
   * The entries of a type as served in the chain, with the fields lists filter, search and sort on;
   * `only` limits them to those documentIds.
   */
  listCandidates(uid: ContentUid, only: ReadonlySet<string> | null): Promise<ListCandidate[]>;
  /** Notes that a response used an entry's relation lists (for cache tags). */
  noteLinksRead(uid: ContentUid, documentId: string, locale: string, field: string): void;
}

export interface ListCandidate {
  documentId: string;
  locale: string;
  name: string;
  summary: string;
  updatedAt: string;
}

/** Above this many documentIds, a list filter is applied in memory rather than bound into the statement. */
const MAX_BOUND_IDS = 500;

/** The compiled statements of one Strapi instance, shared by all requests. */
const compiled = new WeakMap<Core.Strapi, ReadSql>();

export function readSql(strapi: Core.Strapi): ReadSql {
  let sql = compiled.get(strapi);
  if (sql === undefined) {
    sql = new ReadSql(strapi);
    compiled.set(strapi, sql);
  }
  return sql;
}

function rowsOf(result: unknown): Array<Record<string, unknown>> {
  return (Array.isArray(result) ? result : (result as { rows: Array<Record<string, unknown>> }).rows);
}

export function createContentReader(input: {
  strapi: Core.Strapi;
  status: ContentStatus;
  chain: readonly string[];
  /** Applied to every string of every loaded entry (renders clinic tokens). */
  renderText: (text: string) => string;
  /** Told the cache tags of everything read (see cache/tags.ts). */
  onRead?: (tags: string[]) => void;
}): ContentReader {
  const { strapi, status, chain, renderText, onRead } = input;
  const typeTags = (uid: ContentUid) => chain.map((locale) => typeTag(uid, locale));
  const sql = readSql(strapi);

  function render(value: unknown): unknown {
    if (typeof value === 'string') return renderText(value);
    if (Array.isArray(value)) return value.map(render);
    if (typeof value === 'object' && value !== null) {
      const result: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) result[key] = render(item);
      return result;
    }
    return value;
  }

  function toEntry(uid: ContentUid, data: Record<string, unknown>): AnyEntry {
    const model = MODELS[uid];
    const entry: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(data)) {
      if (field in model.relations || field === 'documentId' || field === 'slug' || field === 'locale' || field === 'updatedAt') {
        entry[field] = value ?? (field in model.relations ? [] : value);
      } else {
        entry[field] = render(value);
      }
    }
    return entry as unknown as AnyEntry;
  }

  return {
    status,
    chain,

    async load(requests) {
      const branches: string[] = [];
      const bindings: unknown[] = [];
      requests.forEach((request, index) => {
        if (request.values.length === 0) return;
        const entry = sql.entry(request.uid);
        const chosen = sql.chosenRows({
          table: entry.table,
          key: request.by === 'slug' ? 'slug' : 'document_id',
          values: request.values,
          chain,
          status,
        });
        branches.push(`select ${index} as "request", ${entry.json} as "data" from ${sql.quote(entry.table)} t where t."id" in (${chosen.sql})`);
        bindings.push(...chosen.bindings);
      });
      const found = requests.map(() => new Map<string, AnyEntry>());
      if (branches.length === 0) return found;
      const rows = rowsOf(await strapi.db.connection.raw(branches.join(' union all '), bindings));
      for (const row of rows) {
        const request = requests[Number(row.request)] as LoadRequest;
        const raw = typeof row.data === 'string' ? (JSON.parse(row.data) as Record<string, unknown>) : (row.data as Record<string, unknown>);
        const data = decode(raw, sql.entry(request.uid).decoder);
        const entry = toEntry(request.uid, data);
        (found[Number(row.request)] as Map<string, AnyEntry>).set(String(request.by === 'slug' ? data.slug : data.documentId), entry);
      }
      if (onRead !== undefined) {
        requests.forEach((request, index) => {
          const entries = found[index] as Map<string, AnyEntry>;
          for (const value of request.values) {
            const entry = entries.get(value);
            if (entry !== undefined) onRead(readTags(request.uid, entry.documentId, chain, entry.locale));
            else if (request.by === 'documentId') onRead(readTags(request.uid, value, chain, null));
            // A slug nobody has yet: any new row of the type may take it.
            else onRead(typeTags(request.uid));
          }
        });
      }
      return found;
    },

    noteLinksRead(uid, documentId, locale, field) {
      onRead?.([linksTag(uid, documentId, locale, field)]);
    },

    async listCandidates(uid, only) {
      onRead?.(typeTags(uid));
      const bound = only !== null && only.size <= MAX_BOUND_IDS ? [...only] : null;
      if (bound !== null && bound.length === 0) return [];
      const { table } = sql.entry(uid);
      const chosen = sql.chosenRows({ table, key: bound === null ? null : 'document_id', values: bound ?? [], chain, status });
      const rows = rowsOf(
        await strapi.db.connection.raw(
          `select t."document_id", t."locale", t."name", t."summary", t."updated_at" from ${sql.quote(table)} t where t."id" in (${chosen.sql})`,
          chosen.bindings,
        ),
      );
      const candidates: ListCandidate[] = [];
      for (const row of rows) {
        const documentId = String(row.document_id);
        if (only !== null && !only.has(documentId)) continue;
        candidates.push({
          documentId,
          locale: String(row.locale),
          name: renderText(String(row.name ?? '')),
          summary: renderText(String(row.summary ?? '')),
          updatedAt: toIso(row.updated_at),
        });
      }
      return candidates;
    },
  };
}
