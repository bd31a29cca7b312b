/**
 * What one row of the change feed records (feed-table.ts): the pages a write touched, in global terms
 * (entries by type and documentId, with the locales written), never per clinic. Which of a clinic's
 * pages changed or went away is worked out from these when the clinic reads its feed (feed.ts).
 */
import { MODELS, type ContentUid, type PageType } from '../content/model';
import type { LinkedRow } from '../content/writes';

/** A page-bearing entry (technique or condition) and the locales of it a write touched. */
export interface FeedPage {
  type: PageType;
  documentId: string;
  /** Every slug it had before or after the write (a rename moves the page). */
  slugs: string[];
  locales: string[];
}

export type FeedChange =
  | {
      /** A write to shared content: an entry with pages of its own, or one shown on others' pages (a cause). */
      kind: 'content';
      /** The written entry's type and document. */
      uid: ContentUid;
      documentId: string;
      /** The written entry, when its type has pages. */
      entry: FeedPage | null;
      /**
       * Pages that list the written entry (one level of relations), before or after the write. For a
       * draft save (`linksWhenRead`) they are read from the drafts when the feed is: draft saves are
       * frequent, previews rare.
       */
      related: FeedPage[];
      linksWhenRead?: true;
      /**
       * The clinics whose pages could show the written entry before the write (they offered it, or a
       * technique that treats it): only they are told of its removal, since it may have been theirs.
       */
      servedTo: string[];
      /** The entry no longer exists in any locale or status. */
      isDeleted: boolean;
    }
  | {
      /** A write to one clinic's adaptation (the row names the clinic). */
      kind: 'adaptation';
      target: FeedPage;
      /** Pages that list the adapted entry: they show its adapted summary. */
      related: FeedPage[];
      /** Entries the write hid or showed again on the target's page (a condition no longer treated). */
      hidden: FeedPage[];
    }
  | {
      /** A write to a clinic's profile (the row names the clinic). */
      kind: 'clinic';
      /** Techniques the write added to its offering or took out of it. */
      offered: string[];
      locales: { before: string[]; after: string[] };
    };

/** Linked rows of page types, grouped into pages (the linked row's locale is the page's). */
export function linkedPages(rows: readonly LinkedRow[], isDraft: boolean): FeedPage[] {
  const pages = new Map<string, FeedPage>();
  for (const row of rows) {
    const type = MODELS[row.uid].pageType;
    if (type === null || row.isPublished === isDraft || row.locale === null) continue;
    const key = `${type}|${row.documentId}`;
    const page = pages.get(key) ?? { type, documentId: row.documentId, slugs: [], locales: [] };
    if (row.slug !== null && !page.slugs.includes(row.slug)) page.slugs.push(row.slug);
    if (!page.locales.includes(row.locale)) page.locales.push(row.locale);
    pages.set(key, page);
  }
  return [...pages.values()];
}

/** Pages named more than once (by two lists) as one, with their slugs and locales together. */
export function mergePages(pages: readonly FeedPage[]): FeedPage[] {
  const merged = new Map<string, FeedPage>();
  for (const page of pages) {
    const key = `${page.type}|${page.documentId}`;
    const known = merged.get(key);
    if (known === undefined) merged.set(key, { ...page, slugs: [...page.slugs], locales: [...page.locales] });
    else {
      for (const slug of page.slugs) if (!known.slugs.includes(slug)) known.slugs.push(slug);
      for (const locale of page.locales) if (!known.locales.includes(locale)) known.locales.push(locale);
    }
  }
  return [...merged.values()];
}
