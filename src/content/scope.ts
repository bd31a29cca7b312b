/**
 * A content scope: what one request reads in one locale chain, with per-request DataLoaders so that
 * sibling and nested relations load in batches. Created by the GraphQL context, never shared across
 * requests or clinics.
 */
import DataLoader from 'dataloader';
import type { ContentReader, ListCandidate } from './reader';
import type { ContentUid, EntryByUid } from './types';

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

export class PageRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PageRequestError';
  }
}

export interface ContentScope {
  /** The locale asked for. */
  readonly locale: string;
  readonly chain: readonly string[];
  entry<U extends ContentUid>(uid: U, documentId: string): Promise<EntryByUid[U] | null>;
  /** Entries in the order given; ones with no version in this scope are left out. */
  entries<U extends ContentUid>(uid: U, documentIds: readonly string[]): Promise<Array<EntryByUid[U]>>;
  bySlug<U extends ContentUid>(uid: U, slug: string): Promise<EntryByUid[U] | null>;
  list(uid: ContentUid, request: ListRequest): Promise<ListResult>;
}

export function validatePage(page: number, pageSize: number): void {
  if (!Number.isInteger(page) || page < 1) throw new PageRequestError(`page must be 1 or more, not ${page}`);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new PageRequestError(`pageSize must be between 1 and ${MAX_PAGE_SIZE}, not ${pageSize}; request further pages instead`);
  }
}

function compare(field: SortField, locale: string) {
  const collator = new Intl.Collator(locale, { sensitivity: 'base', numeric: true });
  return (a: ListCandidate, b: ListCandidate) =>
    field === 'NAME' ? collator.compare(a.name, b.name) || a.documentId.localeCompare(b.documentId) : a.updatedAt.localeCompare(b.updatedAt) || a.documentId.localeCompare(b.documentId);
}

export function createContentScope(input: { reader: ContentReader; locale: string }): ContentScope {
  const { reader, locale } = input;
  const entryLoaders = new Map<ContentUid, DataLoader<string, unknown>>();
  const slugLoaders = new Map<ContentUid, DataLoader<string, string | null>>();
  const candidates = new Map<ContentUid, Promise<ListCandidate[]>>();

  function entryLoader<U extends ContentUid>(uid: U): DataLoader<string, EntryByUid[U] | null> {
    let loader = entryLoaders.get(uid);
    if (loader === undefined) {
      loader = new DataLoader<string, unknown>((ids) => reader.loadEntries(uid, ids));
      entryLoaders.set(uid, loader);
    }
    return loader as DataLoader<string, EntryByUid[U] | null>;
  }

  function slugLoader(uid: ContentUid): DataLoader<string, string | null> {
    let loader = slugLoaders.get(uid);
    if (loader === undefined) {
      loader = new DataLoader<string, string | null>((slugs) => reader.documentIdsBySlug(uid, slugs));
      slugLoaders.set(uid, loader);
    }
    return loader;
  }

  const scope: ContentScope = {
    locale,
    chain: reader.chain,

    entry: (uid, documentId) => entryLoader(uid).load(documentId),

    async entries(uid, documentIds) {
      const loaded = await entryLoader(uid).loadMany(documentIds);
      return loaded.filter((entry): entry is EntryByUid[typeof uid] => {
        if (entry instanceof Error) throw entry;
        return entry !== null;
      });
    },

    async bySlug(uid, slug) {
      const documentId = await slugLoader(uid).load(slug);
      return documentId === null ? null : scope.entry(uid, documentId);
    },

    async list(uid, request) {
      validatePage(request.page, request.pageSize);
      let pending = candidates.get(uid);
      if (pending === undefined) {
        pending = reader.listCandidates(uid);
        candidates.set(uid, pending);
      }
      const needle = request.search?.trim().toLocaleLowerCase(locale) ?? '';
      const matching = (await pending).filter(
        (candidate) =>
          (request.only === null || request.only.has(candidate.documentId)) &&
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
