/**
 * A clinic's sitemap (sitemaps.org protocol 0.9) from its pages: one <url> per page and locale, each
 * listing every locale of its page as an hreflang alternate (itself included) and an x-default, as
 * search engines read localized sitemaps. Past the protocol's limits (50,000 URLs or 50 MB a file) the
 * sitemap is split into parts listed by a sitemap index. Pure: no Strapi, no I/O.
 *
 * Parts are measured in one pass and rendered on demand, one at a time, so a large clinic never holds
 * more than one part in memory; partChunks() streams a part as it renders.
 */
import { toEpochMs, toIso } from '../content/values';
import { escapeHtml as escapeXml } from '../rich-text/blocks';

/** The protocol's limits for one sitemap file (and for one index). */
export const SITEMAP_LIMITS = { urls: 50_000, bytes: 50 * 1024 * 1024 } as const;

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const XHTML_NS = 'http://www.w3.org/1999/xhtml';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const URLSET_OPEN = `${DECLARATION}<urlset xmlns="${SITEMAP_NS}" xmlns:xhtml="${XHTML_NS}">\n`;
const URLSET_CLOSE = '</urlset>\n';
const INDEX_OPEN = `${DECLARATION}<sitemapindex xmlns="${SITEMAP_NS}">\n`;
const INDEX_CLOSE = '</sitemapindex>\n';

export interface SitemapPageLocale {
  /** A BCP 47 locale code of the service, e.g. "fr-CA": the hreflang value. */
  locale: string;
  /** The page's path on the clinic's site in this locale (src/sync/paths.ts pagePath), starting with "/". */
  path: string;
  /** When this locale of the page last changed, ISO 8601. */
  dateModified: string;
}

export interface SitemapPage {
  /** The locales the page is published in, in the order their <url>s are listed. */
  locales: readonly SitemapPageLocale[];
}

export interface SitemapInput {
  /** The clinic's site, an absolute http(s) URL with or without a trailing "/" (a path prefix is kept). */
  website: string;
  /** The clinic's default locale (its first): x-default points at a page's URL in it, when the page has it. */
  defaultLocale: string;
  pages: readonly SitemapPage[];
}

export interface SitemapParts {
  /** How many urlset files the sitemap takes; 0 when the clinic has no pages (the schema wants a <url>). */
  partCount: number;
  /** The urlset XML of part `partNumber` (1 to partCount). A single part is the whole sitemap. */
  part(partNumber: number): string;
  /** The same XML in pieces, for writing to a stream as it renders. */
  partChunks(partNumber: number): Generator<string>;
  /**
   * The sitemap index listing every part (served instead of the sitemap when partCount > 1; needs
   * partCount >= 1): `locOf(partNumber)` gives the absolute URL each part is served at. Each part's
   * <lastmod> is the latest dateModified in it.
   */
  index(locOf: (partNumber: number) => string): string;
}

export class SitemapInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SitemapInputError';
  }
}

/** The site's address without a trailing "/"; a query or fragment is no part of a page's address. */
function siteBase(website: string): string {
  let url: URL;
  try {
    url = new URL(website);
  } catch {
    throw new SitemapInputError(`website ${JSON.stringify(website)} is not an absolute http(s) URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new SitemapInputError(`website ${JSON.stringify(website)} is not an http(s) URL`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Where a part starts: the page, and the locale within it (a page's <url>s may straddle two parts). */
interface PartStart {
  page: number;
  locale: number;
  /** The latest dateModified in the part, epoch ms. */
  lastModified: number;
}

export interface SitemapOptions {
  /** Lower limits than the protocol's, for tests; never above them. */
  limits?: { urls?: number; bytes?: number };
}

/** One <url> of a sitemap as data (the GraphQL `sitemap` field serves these). */
export interface SitemapUrl {
  loc: string;
  /** ISO 8601. */
  lastmod: string;
  /** Every locale of the page, itself included, then x-default. */
  alternates: Array<{ hreflang: string; href: string }>;
}

/** Where a page's URLs are, and its alternates: the same for the XML and for the data. */
function addressesOf(input: SitemapInput) {
  const base = siteBase(input.website);
  const urlOf = (entry: SitemapPageLocale): string => {
    if (!entry.path.startsWith('/')) throw new SitemapInputError(`path ${JSON.stringify(entry.path)} does not start with "/"`);
    return `${base}${entry.path}`;
  };
  const alternatesOf = (page: SitemapPage): SitemapUrl['alternates'] => {
    const fallback = page.locales.find((entry) => entry.locale === input.defaultLocale) ?? page.locales[0];
    const links = page.locales.map((entry) => ({ hreflang: entry.locale, href: urlOf(entry) }));
    if (fallback !== undefined) links.push({ hreflang: 'x-default', href: urlOf(fallback) });
    return links;
  };
  return { urlOf, alternatesOf };
}

/** Every <url> of the sitemap, as data, in order. */
export function sitemapUrls(input: SitemapInput): SitemapUrl[] {
  const { urlOf, alternatesOf } = addressesOf(input);
  return input.pages.flatMap((page) => {
    const alternates = alternatesOf(page);
    return page.locales.map((entry) => ({ loc: urlOf(entry), lastmod: toIso(entry.dateModified), alternates }));
  });
}

export function sitemapParts(input: SitemapInput, options: SitemapOptions = {}): SitemapParts {
  const addresses = addressesOf(input);
  const { urlOf } = addresses;
  const maxUrls = Math.min(options.limits?.urls ?? SITEMAP_LIMITS.urls, SITEMAP_LIMITS.urls);
  const maxBytes = Math.min(options.limits?.bytes ?? SITEMAP_LIMITS.bytes, SITEMAP_LIMITS.bytes);

  const link = (hreflang: string, href: string) => `    <xhtml:link rel="alternate" hreflang="${escapeXml(hreflang)}" href="${escapeXml(href)}"/>\n`;
  const urlXml = (entry: SitemapPageLocale, alternates: string) =>
    `  <url>\n    <loc>${escapeXml(urlOf(entry))}</loc>\n    <lastmod>${toIso(entry.dateModified)}</lastmod>\n${alternates}  </url>\n`;
  /** The alternates are the same for every locale of a page: rendered once per page. */
  const alternatesOf = (page: SitemapPage): string => addresses.alternatesOf(page).map(({ hreflang, href }) => link(hreflang, href)).join('');

  // One pass to find where each part starts: URLs are counted and measured, not kept.
  const frame = Buffer.byteLength(URLSET_OPEN) + Buffer.byteLength(URLSET_CLOSE);
  const starts: PartStart[] = [];
  let current: { start: PartStart; urls: number; bytes: number } | null = null;
  input.pages.forEach((page, pageIndex) => {
    if (page.locales.length === 0) return;
    const alternates = alternatesOf(page);
    page.locales.forEach((entry, localeIndex) => {
      const bytes = Buffer.byteLength(urlXml(entry, alternates));
      if (frame + bytes > maxBytes) throw new SitemapInputError(`the <url> of ${urlOf(entry)} alone is larger than ${maxBytes} bytes`);
      if (current === null || current.urls + 1 > maxUrls || current.bytes + bytes > maxBytes) {
        current = { start: { page: pageIndex, locale: localeIndex, lastModified: -Infinity }, urls: 0, bytes: frame };
        starts.push(current.start);
      }
      current.urls += 1;
      current.bytes += bytes;
      current.start.lastModified = Math.max(current.start.lastModified, toEpochMs(entry.dateModified));
    });
  });
  if (starts.length > SITEMAP_LIMITS.urls) throw new SitemapInputError(`the sitemap needs ${starts.length} parts; an index lists at most ${SITEMAP_LIMITS.urls}`);

  function startOf(partNumber: number): PartStart {
    const start = Number.isInteger(partNumber) ? starts[partNumber - 1] : undefined;
    if (start === undefined) throw new RangeError(`sitemap part ${partNumber} does not exist (parts: ${starts.length === 0 ? 'none' : `1 to ${starts.length}`})`);
    return start;
  }

  function* partChunks(partNumber: number): Generator<string> {
    const start = startOf(partNumber);
    const end = starts[partNumber] ?? { page: input.pages.length, locale: 0 };
    yield URLSET_OPEN;
    for (let pageIndex = start.page; pageIndex <= end.page && pageIndex < input.pages.length; pageIndex += 1) {
      const page = input.pages[pageIndex] as SitemapPage;
      const from = pageIndex === start.page ? start.locale : 0;
      const to = pageIndex === end.page ? end.locale : page.locales.length;
      if (from >= to) continue;
      const alternates = alternatesOf(page);
      for (let localeIndex = from; localeIndex < to; localeIndex += 1) yield urlXml(page.locales[localeIndex] as SitemapPageLocale, alternates);
    }
    yield URLSET_CLOSE;
  }

  return {
    partCount: starts.length,
    part: (partNumber) => [...partChunks(partNumber)].join(''),
    partChunks,
    index(locOf) {
      if (starts.length === 0) throw new RangeError('a clinic without pages has no sitemap parts to index');
      const entries = starts.map(
        (start, index) => `  <sitemap>\n    <loc>${escapeXml(locOf(index + 1))}</loc>\n    <lastmod>${toIso(start.lastModified)}</lastmod>\n  </sitemap>\n`,
      );
      return `${INDEX_OPEN}${entries.join('')}${INDEX_CLOSE}`;
    },
  };
}
