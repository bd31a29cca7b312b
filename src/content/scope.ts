/**
 * A content scope: what one request reads in one locale chain, with per-request DataLoaders so that
 * sibling and nested relations load in batches. Created by the GraphQL context, never shared across
 * requests or clinics.
 */
import DataLoader from 'dataloader';
import { SLUG_PATTERN, type ContentUid, type MODELS } from './model';
import type { ContentReader, ListCandidate, LoadRequest } from './reader';
import type { AnyEntry } from './served';
import { SHAPES, type EntryShape } from './sql';
import type { EntryByUid } from './types';

export const MAX_PAGE_SIZE = 100;

export type SortField = 'NAME' | 'UPDATED_AT';
export type SortDirection = 'ASC' | 'DESC';

export interface ListRequest {
  /** Keep only these documentIds (a relation filter); null for no restriction. */
  only: ReadonlySet<string> | null;
  /** Drop these documentIds. */
  except: ReadonlySet<string> | null;
  search: string | null;
  sort: { field: SortField; direction: SortDirection };
  page: number;
  pageSize: number;
}

export interface ListResult {
  documentIds: string[];
  total: number;
}

/** A request argument the content layer refuses (a page size, a malformed slug): the client's mistake. */
export class PageRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PageRequestError';
  }
}

const MAX_SLUG_LENGTH = 200;

/** Slugs in arguments and filters are checked before they reach a query. */
export function validateSlug(slug: string): void {
  if (slug.length > MAX_SLUG_LENGTH || !SLUG_PATTERN.test(slug)) {
    const shown = JSON.stringify(slug.length > 60 ? `${slug.slice(0, 60)}…` : slug);
    throw new PageRequestError(`${shown} is not a slug: slugs are lowercase letters and digits separated by single hyphens, e.g. "neck-pain".`);
  }
}

export interface ContentScope {
  /** The locale asked for. */
  readonly locale: string;
  readonly chain: readonly string[];
  entry<U extends ContentUid>(uid: U, documentId: string): MaybePromise<EntryByUid[U] | null>;
  /** Entries in the order given; ones with no version in this scope are left out. */
  entries<U extends ContentUid>(uid: U, documentIds: readonly string[]): MaybePromise<Array<EntryByUid[U]>>;
  /** The same, only their listing (sql.ts: LISTING_FIELDS): for a caller that reads nothing else. */
  entries<U extends ContentUid>(uid: U, documentIds: readonly string[], shape: 'listing'): MaybePromise<Array<Listing<U>>>;
  /** Their listing and relation lists. */
  entries<U extends ContentUid>(uid: U, documentIds: readonly string[], shape: 'linked'): MaybePromise<Array<Linked<U>>>;
  bySlug<U extends ContentUid>(uid: U, slug: string): MaybePromise<EntryByUid[U] | null>;
  list(uid: ContentUid, request: ListRequest): Promise<ListResult>;
  /** An entry's relation list (documentIds), noted as read: a change on the other side changes it. */
  links<U extends ContentUid, F extends RelationField<U>>(uid: U, entry: Pick<EntryByUid[U], F | 'documentId' | 'locale' | 'fallbackFields'>, field: F): string[];
}

/** What an entry's listing holds (sql.ts: LISTING_FIELDS, with its identity and locale bookkeeping). */
export type Listing<U extends ContentUid> = Pick<EntryByUid[U], Extract<keyof EntryByUid[U], 'documentId' | 'slug' | 'locale' | 'name' | 'summary' | 'updatedAt' | 'fallbackFields' | 'adaptedFields'>>;

/** An entry's listing with its relation lists. */
export type Linked<U extends ContentUid> = Listing<U> & Pick<EntryByUid[U], Extract<keyof EntryByUid[U], keyof (typeof MODELS)[U]['relations']>>;

type RelationField<U extends ContentUid> = { [K in keyof EntryByUid[U]]: EntryByUid[U][K] extends string[] ? K : never }[keyof EntryByUid[U]];

export function validatePage(page: number, pageSize: number): void {
  if (!Number.isInteger(page) || page < 1) throw new PageRequestError(`page must be 1 or more, not ${page}`);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new PageRequestError(`pageSize must be between 1 and ${MAX_PAGE_SIZE}, not ${pageSize}; request further pages instead`);
  }
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function compare(field: SortField, locale: string) {
  const collator = new Intl.Collator(locale, { sensitivity: 'base', numeric: true });
  return (a: ListCandidate, b: ListCandidate) =>
    field === 'NAME' ? collator.compare(a.name, b.name) || a.documentId.localeCompare(b.documentId) : a.updatedAt.localeCompare(b.updatedAt) || a.documentId.localeCompare(b.documentId);
}

/** A value or the promise of it: what a scope already holds is answered without a promise. */
export type MaybePromise<T> = T | Promise<T>;

/** What a scope holds of one entry: the fullest shape it was loaded in (SHAPES index), or null when it has no version here. */
interface Known {
  rank: number;
  entry: AnyEntry | null;
}

/** One call's ask: entries of one type, by one lookup, in one shape. */
type Want = Required<LoadRequest>;

const rankOf = (shape: EntryShape) => SHAPES.indexOf(shape);

/** `next` of the value, at once when it is there. */
export function then<T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

export function createContentScope(input: { reader: ContentReader; locale: string }): ContentScope {
  const { reader, locale } = input;
  const candidates = new Map<string, Promise<ListCandidate[]>>();
  // Per type and lookup (`uid|by`), value → the entry as loaded, and the load under way that will
  // make it known; an entry loaded by slug is known by its documentId too.
  const tables = new Map<string, { known: Map<string, Known>; loading: Map<string, { rank: number; done: Promise<unknown> }> }>();
  const tableOf = (uid: ContentUid, by: Want['by']) => {
    const name = `${uid}|${by}`;
    let table = tables.get(name);
    if (table === undefined) {
      table = { known: new Map(), loading: new Map() };
      tables.set(name, table);
    }
    return table;
  };

  const remember = (uid: ContentUid, by: Want['by'], value: string, rank: number, entry: AnyEntry | null) => {
    const { known } = tableOf(uid, by);
    const before = known.get(value);
    if (before === undefined || before.rank > rank) known.set(value, { rank, entry });
  };

  // One loader for every type and both lookups: whatever one level of a request asks for is one
  // statement. Its keys are whole asks, not entries, so that a relation list costs one promise.
  const loader = new DataLoader<Want, true>(
    async (wants) => {
      // An entry asked for in several shapes in one batch is loaded once, in the fullest of them.
      const fullest = new Map<string, { uid: ContentUid; by: Want['by']; value: string; rank: number }>();
      for (const want of wants) {
        const rank = rankOf(want.shape);
        for (const value of want.values) {
          const key = `${want.uid}|${want.by}|${value}`;
          const before = fullest.get(key);
          if (before === undefined) fullest.set(key, { uid: want.uid, by: want.by, value, rank });
          else if (before.rank > rank) before.rank = rank;
        }
      }
      const groups = new Map<string, Want & { values: string[] }>();
      for (const { uid, by, value, rank } of fullest.values()) {
        const group = `${uid}|${by}|${rank}`;
        let request = groups.get(group);
        if (request === undefined) {
          request = { uid, by, shape: SHAPES[rank] as EntryShape, values: [] };
          groups.set(group, request);
        }
        request.values.push(value);
      }
      const requests = [...groups.values()];
      const results = await reader.load(requests);
      requests.forEach((request, index) => {
        const found = results[index] as Map<string, AnyEntry>;
        const rank = rankOf(request.shape);
        for (const value of request.values) {
          const entry = found.get(value) ?? null;
          remember(request.uid, request.by, value, rank, entry);
          if (entry !== null && request.by === 'slug') remember(request.uid, 'documentId', entry.documentId, rank, entry);
        }
      });
      return wants.map(() => true as const);
    },
    { cache: false },
  );

  /** The entries (null: none here) for the values, in their order: at once when all are known in the shape or a fuller one. */
  function get(uid: ContentUid, by: Want['by'], values: readonly string[], shape: EntryShape): MaybePromise<Array<AnyEntry | null>> {
    const rank = rankOf(shape);
    const { known, loading } = tableOf(uid, by);
    let missing: string[] | null = null;
    let waits: Set<Promise<unknown>> | null = null;
    for (const value of values) {
      const held = known.get(value);
      // No version here is so in every shape.
      if (held !== undefined && (held.entry === null || held.rank <= rank)) continue;
      const pending = loading.get(value);
      if (pending !== undefined && pending.rank <= rank) (waits ??= new Set()).add(pending.done);
      else (missing ??= []).push(value);
    }
    const answer = () => values.map((value) => known.get(value)?.entry ?? null);
    if (missing === null && waits === null) return answer();
    if (missing !== null) {
      const done = loader.load({ uid, by, shape, values: missing });
      const underWay = { rank, done };
      for (const value of missing) loading.set(value, underWay);
      const settle = () => {
        for (const value of missing) if (loading.get(value) === underWay) loading.delete(value);
      };
      done.then(settle, settle);
      (waits ??= new Set()).add(done);
    }
    const [only, ...more] = waits as Set<Promise<unknown>>;
    return (more.length === 0 ? (only as Promise<unknown>) : Promise.all([only, ...more])).then(answer);
  }

  const present = (entries: Array<AnyEntry | null>) => entries.filter((entry) => entry !== null);
  const first = (entries: Array<AnyEntry | null>) => entries[0] ?? null;

  const scope: ContentScope = {
    locale,
    chain: reader.chain,

    entry(uid, documentId) {
      return then(get(uid, 'documentId', [documentId], 'whole'), first) as never;
    },

    entries(uid: ContentUid, documentIds: readonly string[], shape: EntryShape = 'whole') {
      return then(get(uid, 'documentId', documentIds, shape), present) as never;
    },

    links(uid, entry, field) {
      const inherited = entry.fallbackFields.find((fallback) => fallback.field === field);
      reader.noteLinksRead(uid, entry.documentId, inherited?.locale ?? entry.locale, String(field));
      const documentIds: unknown = entry[field];
      if (!isStringList(documentIds)) throw new Error(`${uid} field "${String(field)}" is not a relation list.`);
      return documentIds;
    },

    bySlug(uid, slug) {
      validateSlug(slug);
      return then(get(uid, 'slug', [slug], 'whole'), first) as never;
    },
    async list(uid, request) {
      validatePage(request.page, request.pageSize);
      const cacheKey = request.only === null ? uid : `${uid}|${[...request.only].sort().join(',')}`;
      let pending = candidates.get(cacheKey);
      if (pending === undefined) {
        pending = reader.listCandidates(uid, request.only);
        candidates.set(cacheKey, pending);
      }
      const needle = request.search?.trim().toLocaleLowerCase(locale) ?? '';
      const matching = (await pending).filter(
        (candidate) =>
          (request.except === null || !request.except.has(candidate.documentId)) &&
          (needle === '' ||
            candidate.name.toLocaleLowerCase(locale).includes(needle) ||
            candidate.summary.toLocaleLowerCase(locale).includes(needle)),
      );
      matching.sort(compare(request.sort.field, locale));
      if (request.sort.direction === 'DESC') matching.reverse();
      const start = (request.page - 1) * request.pageSize;
      return {
        documentIds: matching.slice(start, start + request.pageSize).map((candidate) => candidate.documentId),
        total: matching.length,
      };
    },
  };
  return scope;
}
