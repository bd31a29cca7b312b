/**
 * Reads published content (or, for preview keys, the latest drafts) along a locale chain, for one
 * clinic: its adaptations of the techniques and conditions read are applied (adaptation.ts). One call
 * of `load` is one SQL statement, whatever mix of types, documentIds and slugs it asks for (see
 * sql.ts), the clinic's adaptation rows included; the scope's DataLoader gathers each level of a
 * GraphQL request into one such call.
 */
import type { Core } from '@strapi/strapi';
import { adaptationTargetField } from './adaptation';
import { adaptationSql, chosenAdaptations } from './adaptation-sql';
import type { ContentUid } from './model';
import { decode, ReadSql, type ContentStatus, type EntryShape } from './sql';
import { adaptationTag, linksTag, readTags, typeTag } from './tags';
import { readRows } from '../database/statement-cache';
import { servedEntry, type AnyEntry } from './served';
import { isEmptyValue, toIso } from './values';

export type { ContentStatus } from './sql';

/** What to load: entries of a type by documentId or by slug. */
export interface LoadRequest {
  uid: ContentUid;
  by: 'documentId' | 'slug';
  values: readonly string[];
  /** Whole entries (the default), or only their listing (sql.ts: EntryShape). */
  shape?: EntryShape;
}

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

/** Per instance's statements, the load statements' texts by what they ask for (see load), at most this many. */
const textsOf = new WeakMap<ReadSql, Map<string, string>>();
const MAX_STATEMENT_TEXTS = 1000;

function statementTexts(sql: ReadSql): Map<string, string> {
  let texts = textsOf.get(sql);
  if (texts === undefined) {
    texts = new Map();
    textsOf.set(sql, texts);
  }
  return texts;
}

/** A row's JSON as the driver gave it: text (SQLite) or already parsed (PostgreSQL). */
const parsed = (data: unknown): Record<string, unknown> => (typeof data === 'string' ? (JSON.parse(data) as Record<string, unknown>) : (data as Record<string, unknown>));

export function createContentReader(input: {
  strapi: Core.Strapi;
  status: ContentStatus;
  chain: readonly string[];
  /** Applied to every string of every loaded entry (renders clinic tokens). */
  renderText: (text: string) => string;
  /**
   * The same rendering applied to a row's JSON text before it is parsed (SQLite gives rows as text),
   * or null for a row renderText must render string by string (src/clinics/tokens.ts).
   */
  renderJson?: ((json: string) => string | null) | null;
  /** The calling clinic's slug: its adaptations are served. None for reads that are no clinic's (coverage, the directory). */
  clinic?: string;
  /** Told the cache tags of everything read (see tags.ts). */
  onRead?: (tags: string[]) => void;
}): ContentReader {
  const { strapi, status, chain, renderText, onRead } = input;
  const renderJson = input.renderJson ?? null;
  const clinic = input.clinic ?? null;
  const typeTags = (uid: ContentUid) => chain.map((locale) => typeTag(uid, locale));
  const sql = readSql(strapi);

  return {
    status,
    chain,

    async load(requests) {
      // The statement's text depends only on what each request asks for (not on its values, which are
      // bound), so it is built once per such signature and reused as the same string.
      let signature = `${status} ${chain.length} ${clinic !== null}`;
      requests.forEach((request, index) => {
        if (request.values.length > 0) signature += ` ${index}:${request.uid}:${request.shape ?? 'whole'}:${request.by}`;
      });
      const texts = statementTexts(sql);
      const known = texts.get(signature);
      const branches: string[] = [];
      const bindings: unknown[] = [];
      requests.forEach((request, index) => {
        if (request.values.length === 0) return;
        const entry = sql.entry(request.uid, request.shape);
        const key = request.by === 'slug' ? 'slug' : 'document_id';
        const chosen = sql.chosenRows({ table: entry.table, key, values: request.values, chain, status });
        if (known === undefined) branches.push(`select ${index} as "request", 'entry' as "kind", ${entry.json} as "data" from ${sql.quote(entry.table)} t where t."id" in (${chosen.sql})`);
        bindings.push(...chosen.bindings);
        const targetField = adaptationTargetField(request.uid);
        if (clinic === null || targetField === null) return;
        // The clinic's adaptations of the same entries, in the same statement.
        const adaptation = adaptationSql(sql);
        const adapted = chosenAdaptations(sql, { clinic, targetField, key, values: request.values, chain, status });
        if (known === undefined) branches.push(`select ${index} as "request", 'adaptation' as "kind", ${adaptation.json} as "data" from ${sql.quote(adaptation.table)} t where t."id" in (${adapted.sql})`);
        bindings.push(...adapted.bindings);
      });
      const found = requests.map(() => new Map<string, AnyEntry>());
      if (bindings.length === 0) return found;
      let text = known;
      if (text === undefined) {
        text = branches.join(' union all ');
        if (texts.size >= MAX_STATEMENT_TEXTS) texts.clear();
        texts.set(signature, text);
      }
      const rows = await readRows(strapi, text, bindings);
      // Per request and document, its rows in chain order: the first is the entry, the others fill
      // the fields it left empty.
      const grouped = new Map<string, { request: number; rows: Array<Record<string, unknown>> }>();
      // Per request and adapted entry (by the slug the adaptation names), the clinic's adaptation rows.
      const adaptations = new Map<string, Array<Record<string, unknown>>>();
      // Rows whose strings are as served: their JSON text held no `{{` (no clinic token), or its
      // tokens were rendered in the text (SQLite returns the text; PostgreSQL's driver parses it, and
      // its rows are rendered string by string).
      const rendered = new WeakSet<object>();
      const parsedRow = (raw: unknown) => {
        if (typeof raw !== 'string') return parsed(raw);
        const text = !raw.includes('{{') ? raw : renderJson !== null ? renderJson(raw) : null;
        const data = parsed(text ?? raw);
        if (text !== null) rendered.add(data);
        return data;
      };
      for (const row of rows) {
        const request = Number(row.request);
        const uid = (requests[request] as LoadRequest).uid;
        if (row.kind === 'adaptation') {
          const data = decode(parsedRow(row.data), adaptationSql(sql).decoder);
          const adaptedKey = `${request}\n${String(data[adaptationTargetField(uid) ?? ''])}`;
          adaptations.set(adaptedKey, [...(adaptations.get(adaptedKey) ?? []), data]);
          continue;
        }
        const data = decode(parsedRow(row.data), sql.entry(uid, (requests[request] as LoadRequest).shape).decoder);
        const groupKey = `${request}\n${String(data.documentId)}`;
        let group = grouped.get(groupKey);
        if (group === undefined) {
          group = { request, rows: [] };
          grouped.set(groupKey, group);
        }
        group.rows.push(data);
      }
      const deepest = new Map<string, string | null>();
      for (const group of grouped.values()) {
        const request = requests[group.request] as LoadRequest;
        // Slugs are not localized: every row of the document has the one its adaptations name.
        const adaptationRows = adaptations.get(`${group.request}\n${String(group.rows[0]?.slug)}`) ?? [];
        const mayHoldTokens = !group.rows.every((row) => rendered.has(row)) || !adaptationRows.every((row) => rendered.has(row));
        const served = servedEntry({ uid: request.uid, rows: group.rows, adaptationRows, chain, renderText, mayHoldTokens });
        if (served === null) continue;
        const { entry } = served;
        (found[group.request] as Map<string, AnyEntry>).set(request.by === 'slug' ? entry.slug : entry.documentId, entry);
        deepest.set(`${group.request}\n${entry.documentId}`, served.dependsOnUpTo);
      }
      if (onRead !== undefined) {
        requests.forEach((request, index) => {
          const entries = found[index] as Map<string, AnyEntry>;
          for (const value of request.values) {
            const entry = entries.get(value);
            // A slug nobody has yet: any new row of the type may take it.
            if (entry === undefined) onRead(request.by === 'documentId' ? readTags(request.uid, value, chain, null) : typeTags(request.uid));
            else onRead(readTags(request.uid, entry.documentId, chain, deepest.get(`${index}\n${entry.documentId}`) ?? null));
            // Adapted or not: an adaptation created later changes this answer.
            if (entry !== undefined && clinic !== null && adaptationTargetField(request.uid) !== null) onRead([adaptationTag(clinic, request.uid, entry.slug)]);
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
      const rows = await readRows(strapi, `select t."document_id", t."locale", t."name", t."summary", t."updated_at" from ${sql.quote(table)} t where t."id" in (${chosen.sql})`, chosen.bindings);
      const byDocument = new Map<string, Array<Record<string, unknown>>>();
      for (const row of rows) {
        const documentId = String(row.document_id);
        if (only !== null && !only.has(documentId)) continue;
        const list = byDocument.get(documentId) ?? [];
        list.push(row);
        byDocument.set(documentId, list);
      }
      const candidates: ListCandidate[] = [];
      for (const [documentId, documentRows] of byDocument) {
        documentRows.sort((a, b) => chain.indexOf(String(a.locale)) - chain.indexOf(String(b.locale)));
        const first = documentRows[0] as Record<string, unknown>;
        const text = (column: string) => documentRows.map((row) => row[column]).find((value) => !isEmptyValue(value));
        candidates.push({
          documentId,
          locale: String(first.locale),
          name: renderText(String(text('name') ?? '')),
          summary: renderText(String(text('summary') ?? '')),
          updatedAt: toIso(first.updated_at),
        });
      }
      return candidates;
    },
  };
}

/** The documents of a type with a row in `locale` and `status`, by slug (the sources translations are made from). */
export async function documentsIn(strapi: Core.Strapi, input: { uid: ContentUid; locale: string; status: ContentStatus }): Promise<Array<{ documentId: string; slug: string }>> {
  const sql = readSql(strapi);
  const statement = sql.documentsIn({ table: sql.entry(input.uid).table, locale: input.locale, status: input.status });
  return (await readRows(strapi, statement.sql, statement.bindings)).map((row) => ({ documentId: String(row.document_id), slug: String(row.slug) }));
}

/** When each document's drafts were last edited: documentId → locale → ISO time (drafts are what editors and translators change). */
export async function draftEditTimes(strapi: Core.Strapi, uid: ContentUid): Promise<Map<string, Map<string, string>>> {
  const sql = readSql(strapi);
  const statement = sql.draftEdits(sql.entry(uid).table);
  const edited = new Map<string, Map<string, string>>();
  for (const row of (await readRows(strapi, statement.sql, statement.bindings))) {
    const perLocale = edited.get(String(row.document_id)) ?? new Map<string, string>();
    perLocale.set(String(row.locale), toIso(row.updated_at));
    edited.set(String(row.document_id), perLocale);
  }
  return edited;
}
