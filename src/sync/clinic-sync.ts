/**
 * The sync queries of one request, bound to its clinic, status and locale chains (the GraphQL context
 * makes one per request): the manifest, the change feed and the sitemap's data. Notes the cache tags
 * of what the manifest and sitemap read, so a cached answer is purged by any write that changes them;
 * the feed is never cached (every write makes it longer).
 */
import type { Core } from '@strapi/strapi';
import { UIDS, type ContentUid, type PageType } from '../content/model';
import { validatePage } from '../content/scope';
import { adaptationTag, NEVER_CACHED_TAG, typeTag } from '../content/tags';
import { encodeCursor, readFeed, type FeedPageResult } from './feed';
import { feedEnd } from './feed-table';
import { manifestPages, manifestSlice, type ClinicForManifest, type ManifestPage } from './manifest';
import type { PageStatus } from './pages';
import { sitemapParts, sitemapUrls, type SitemapParts, type SitemapUrl } from './sitemap';

export interface ClinicSync {
  manifest(input: { page: number; pageSize: number; locale: string | null }): Promise<{ pages: ManifestPage[]; total: number; feedCursor: string }>;
  changes(input: { after: string | null; first: number }): Promise<FeedPageResult>;
  /** null when the clinic has no website to put in the URLs. */
  sitemap(input: { page: number; pageSize: number }): Promise<{ urls: SitemapUrl[]; total: number } | null>;
  /** The sitemap's XML files (one, or parts and an index); null when the clinic has no website. */
  sitemapFiles(): Promise<SitemapParts | null>;
}

const PAGE_UIDS: Readonly<Record<PageType, ContentUid>> = { techniques: UIDS.technique, conditions: UIDS.condition };

export function clinicSync(input: {
  strapi: Core.Strapi;
  clinic: ClinicForManifest & { website: string | null };
  status: PageStatus;
  chainOf: (locale: string) => readonly string[];
  onRead?: (tags: string[]) => void;
}): ClinicSync {
  const { strapi, clinic, status, chainOf, onRead } = input;

  /** What a list of the clinic's pages depends on: every row of the page types, and its adaptations of them. */
  function notePages(pages: ReadonlyArray<{ type: PageType; slug: string }>): void {
    if (onRead === undefined) return;
    const locales = new Set(clinic.locales.flatMap((locale) => chainOf(locale)));
    const tags = [...locales].flatMap((locale) => [typeTag(UIDS.technique, locale), typeTag(UIDS.condition, locale)]);
    for (const page of pages) tags.push(adaptationTag(clinic.slug, PAGE_UIDS[page.type], page.slug));
    onRead(tags);
  }

  async function sitemapInput() {
    if (clinic.website === null || clinic.website.trim() === '') return null;
    const pages = await manifestPages(strapi, { clinic, status, chainOf, locale: null, end: await feedEnd(strapi) });
    notePages(pages);
    return { website: clinic.website, defaultLocale: clinic.locales[0] ?? '', pages };
  }

  return {
    async manifest({ page, pageSize, locale }) {
      validatePage(page, pageSize);
      // Taken first: whatever is written while the pages are read is in the feed after it.
      const end = await feedEnd(strapi);
      // The whole list decides which pages fall on this one: its tags are noted.
      const start = (page - 1) * pageSize;
      const slice = await manifestSlice(strapi, { clinic, status, chainOf, locale, end, start, count: pageSize, onListed: notePages });
      return { ...slice, feedCursor: encodeCursor({ rowId: end, key: null }) };
    },

    async changes({ after, first }) {
      onRead?.([NEVER_CACHED_TAG]);
      return readFeed(strapi, { clinic, status, chainOf, after, first });
    },

    async sitemap({ page, pageSize }) {
      validatePage(page, pageSize);
      const input = await sitemapInput();
      if (input === null) return null;
      const urls = sitemapUrls(input);
      const start = (page - 1) * pageSize;
      return { urls: urls.slice(start, start + pageSize), total: urls.length };
    },

    async sitemapFiles() {
      const input = await sitemapInput();
      return input === null ? null : sitemapParts(input);
    },
  };
}
