/**
 * A content scope: what one request reads in one locale chain, with per-request DataLoaders so that
 * sibling and nested relations load in batches. Created by the GraphQL context, never shared across
 * requests or clinics.
 */
import DataLoader from 'dataloader';
import { SLUG_PATTERN, type ContentUid, type MODELS } from './model';
import type { AnyEntry, ContentReader, ListCandidate, LoadRequest } from './reader';
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
  entry<U extends ContentUid>(uid: U, documentId: string): Promise<EntryByUid[U] | null>;
  /** Entries in the order given; ones with no version in this scope are left out. */
  entries<U extends ContentUid>(uid: U, documentIds: readonly string[]): Promise<Array<EntryByUid[U]>>;
  /** The same, only their listing (sql.ts: LISTING_FIELDS): for a caller that reads nothing else. */
  entries<U extends ContentUid>(uid: U, documentIds: readonly string[], shape: 'listing'): Promise<Array<Listing<U>>>;
  /** Their listing and relation lists. */
  entries<U extends ContentUid>(uid: U, documentIds: readonly string[], shape: 'linked'): Promise<Array<Linked<U>>>;
  bySlug<U extends ContentUid>(uid: U, slug: string): Promise<EntryByUid[U] | null>;
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

type LoadKey = `${ContentUid}|${'documentId' | 'slug'}|${EntryShape}|${string}`;

function loadKey(uid: ContentUid, by: 'documentId' | 'slug', value: string, shape: EntryShape = 'whole'): LoadKey {
  return `${uid}|${by}|${shape}|${value}`;
}

export function createContentScope(input: { reader: ContentReader; locale: string }): ContentScope {
  const { reader, locale } = input;
  const candidates = new Map<string, Promise<ListCandidate[]>>();

  // One loader for every type and both lookups: whatever one level of a request asks for is one statement.
  const loader: DataLoader<LoadKey, AnyEntry | null> = new DataLoader(async (keys) => {
    const groups = new Map<string, LoadRequest & { values: string[] }>();
    const parsed = keys.map((key) => {
      const [uid, by, shape, ...rest] = key.split('|') as [ContentUid, 'documentId' | 'slug', EntryShape, ...string[]];
      return { uid, by, shape, value: rest.join('|') };
    });
    // An entry asked for in several shapes in one batch is loaded once, in the fullest of them.
    const fullest = new Map<string, number>();
    for (const { uid, by, value, shape } of parsed) {
      const entry = `${uid}|${by}|${value}`;
      fullest.set(entry, Math.min(fullest.get(entry) ?? SHAPES.length, SHAPES.indexOf(shape)));
    }
    const answered = parsed.map((key) => {
      const shape = SHAPES[fullest.get(`${key.uid}|${key.by}|${key.value}`) as number] as EntryShape;
      const group = `${key.uid}|${key.by}|${shape}`;
      let request = groups.get(group);
      if (request === undefined) {
        request = { uid: key.uid, by: key.by, shape, values: [] };
        groups.set(group, request);
      }
      if (!request.values.includes(key.value)) request.values.push(key.value);
      return { ...key, group };
    });
    const requests = [...groups.values()];
    const results = await reader.load(requests);
    const byGroup = new Map(requests.map((request, index) => [`${request.uid}|${request.by}|${request.shape}`, results[index] as Map<string, AnyEntry>]));
    return answered.map(({ uid, by, group, value }) => {
      const entry = byGroup.get(group)?.get(value) ?? null;
      if (entry === null) return null;
      // A slug lookup also answers later lookups of the same entry by documentId; a fuller shape also
      // answers later lookups of the shapes it holds.
      const loaded = group.slice(group.lastIndexOf('|') + 1) as EntryShape;
      for (const shape of SHAPES.slice(SHAPES.indexOf(loaded))) {
        if (by === 'slug') loader.prime(loadKey(uid, 'documentId', entry.documentId, shape), entry);
        if (shape !== loaded) loader.prime(loadKey(uid, by, value, shape), entry);
      }
      return entry;
    });
  });

  const scope: ContentScope = {
    locale,
    chain: reader.chain,

    entry: async (uid, documentId) => (await loader.load(loadKey(uid, 'documentId', documentId))) as EntryByUid[typeof uid] | null,

    async entries(uid: ContentUid, documentIds: readonly string[], shape: EntryShape = 'whole') {
      const loaded = await loader.loadMany(documentIds.map((documentId) => loadKey(uid, 'documentId', documentId, shape)));
      return loaded.filter((entry): entry is EntryByUid[typeof uid] => {
        if (entry instanceof Error) throw entry;
        return entry !== null;
      });
    },

    links(uid, entry, field) {
      const inherited = entry.fallbackFields.find((fallback) => fallback.field === field);
      reader.noteLinksRead(uid, entry.documentId, inherited?.locale ?? entry.locale, String(field));
      const documentIds: unknown = entry[field];
      if (!isStringList(documentIds)) throw new Error(`${uid} field "${String(field)}" is not a relation list.`);
      return documentIds;
    },

    bySlug: async (uid, slug) => {
      validateSlug(slug);
      return (await loader.load(loadKey(uid, 'slug', slug))) as EntryByUid[typeof uid] | null;
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
