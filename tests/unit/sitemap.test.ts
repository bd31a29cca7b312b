/**
 * Clinic sitemaps (src/sync/sitemap.ts) as search engines read them: valid against the sitemaps.org
 * 0.9 schemas and XHTML's <link> (tests/fixtures/sitemaps/, through xmllint), hreflang alternates and
 * x-default per page, escaping, lastmod, and the split into parts with an index past 50,000 URLs.
 */
import { XMLParser } from 'fast-xml-parser';
import { pagePath, pathTemplateOf } from '../../src/sync/paths';
import { SITEMAP_LIMITS, SitemapInputError, sitemapParts, type SitemapInput, type SitemapPage } from '../../src/sync/sitemap';
import { validateSitemap, validateSitemapIndex } from '../helpers/xml-schema';

const MONTREAL: SitemapInput = {
  website: 'https://montreal-physio.example/',
  defaultLocale: 'en',
  pages: [
    {
      locales: [
        { locale: 'en', path: '/en/techniques/myofascial-release-therapy', dateModified: '2026-03-01T10:00:00.000Z' },
        { locale: 'fr', path: '/fr/techniques/myofascial-release-therapy', dateModified: '2026-03-02T11:30:00.000Z' },
        { locale: 'fr-CA', path: '/fr-CA/techniques/myofascial-release-therapy', dateModified: '2026-03-03T12:45:00+02:00' },
      ],
    },
    // Not in the default locale: x-default falls back to the page's first locale.
    { locales: [{ locale: 'fr-CA', path: '/fr-CA/conditions/fibromyalgie', dateModified: '2026-02-01T00:00:00.000Z' }] },
  ],
};

interface ParsedLink {
  '@_rel': string;
  '@_hreflang': string;
  '@_href': string;
}
interface ParsedUrl {
  loc: string;
  lastmod: string;
  'xhtml:link': ParsedLink[];
}

const parser = new XMLParser({ ignoreAttributes: false, htmlEntities: true, isArray: (name) => ['url', 'xhtml:link', 'sitemap'].includes(name) });

function urlsOf(xml: string): ParsedUrl[] {
  return (parser.parse(xml) as { urlset: { url: ParsedUrl[] } }).urlset.url;
}

function alternates(url: ParsedUrl): Record<string, string> {
  return Object.fromEntries(url['xhtml:link'].map((link) => [link['@_hreflang'], link['@_href']]));
}

/** `count` pages of one locale each. */
function manyPages(count: number): SitemapPage[] {
  return Array.from({ length: count }, (_, index) => ({
    locales: [{ locale: 'en', path: `/en/techniques/technique-${index}`, dateModified: new Date(Date.UTC(2026, 0, 1) + index * 1000).toISOString() }],
  }));
}

describe('a clinic sitemap', () => {
  it('validates against the sitemaps.org schema with xhtml:link alternates', () => {
    const sitemap = sitemapParts(MONTREAL);
    expect(sitemap.partCount).toBe(1);
    expect(() => validateSitemap(sitemap.part(1))).not.toThrow();
  });

  it('is refused by the schema when it is broken, so the validation is real', () => {
    const xml = sitemapParts(MONTREAL).part(1);
    expect(() => validateSitemap(xml.replace(/<loc>[^<]*<\/loc>/, ''))).toThrow(/not valid sitemap[\s\S]*Element '\{http:\/\/www\.sitemaps\.org\/schemas\/sitemap\/0\.9\}lastmod': This element is not expected/);
    expect(() => validateSitemap(xml.replace('<lastmod>2026-03-01T10:00:00.000Z', '<lastmod>1 March 2026'))).toThrow(/lastmod/);
    expect(() => validateSitemap(xml.replace('rel="alternate"', 'rel="alternate" lang-region="en"'))).toThrow(/lang-region/);
    expect(() => validateSitemap(xml.replace('hreflang="fr-CA"', 'hreflang="fr_CA"'))).toThrow(/hreflang/);
  });

  it('lists one <url> per page and locale at the website without its trailing slash plus the path', () => {
    expect(urlsOf(sitemapParts(MONTREAL).part(1)).map((url) => url.loc)).toEqual([
      'https://montreal-physio.example/en/techniques/myofascial-release-therapy',
      'https://montreal-physio.example/fr/techniques/myofascial-release-therapy',
      'https://montreal-physio.example/fr-CA/techniques/myofascial-release-therapy',
      'https://montreal-physio.example/fr-CA/conditions/fibromyalgie',
    ]);
    const withoutSlash = sitemapParts({ ...MONTREAL, website: 'https://montreal-physio.example' }).part(1);
    expect(withoutSlash).toBe(sitemapParts(MONTREAL).part(1));
  });

  it('keeps a path prefix of the website', () => {
    const [first] = urlsOf(sitemapParts({ ...MONTREAL, website: 'https://clinics.example/montreal/' }).part(1));
    expect(first?.loc).toBe('https://clinics.example/montreal/en/techniques/myofascial-release-therapy');
  });

  it('gives every <url> of a page every locale of the page as an alternate, itself included, and x-default at the default locale', () => {
    const urls = urlsOf(sitemapParts(MONTREAL).part(1));
    const expected = {
      en: 'https://montreal-physio.example/en/techniques/myofascial-release-therapy',
      fr: 'https://montreal-physio.example/fr/techniques/myofascial-release-therapy',
      'fr-CA': 'https://montreal-physio.example/fr-CA/techniques/myofascial-release-therapy',
      'x-default': 'https://montreal-physio.example/en/techniques/myofascial-release-therapy',
    };
    for (const url of urls.slice(0, 3)) {
      expect(alternates(url)).toEqual(expected);
      expect(url['xhtml:link'].every((link) => link['@_rel'] === 'alternate')).toBe(true);
      expect(Object.values(alternates(url))).toContain(url.loc);
    }
  });

  it("points x-default at the page's first locale when the page lacks the default locale", () => {
    const condition = urlsOf(sitemapParts(MONTREAL).part(1))[3] as ParsedUrl;
    expect(alternates(condition)).toEqual({
      'fr-CA': 'https://montreal-physio.example/fr-CA/conditions/fibromyalgie',
      'x-default': 'https://montreal-physio.example/fr-CA/conditions/fibromyalgie',
    });
  });

  it('writes lastmod as a W3C datetime in UTC', () => {
    const lastmods = urlsOf(sitemapParts(MONTREAL).part(1)).map((url) => url.lastmod);
    expect(lastmods).toEqual(['2026-03-01T10:00:00.000Z', '2026-03-02T11:30:00.000Z', '2026-03-03T10:45:00.000Z', '2026-02-01T00:00:00.000Z']);
  });

  it('escapes & in URLs, in <loc> and in href', () => {
    const input: SitemapInput = {
      website: 'https://clinic.example',
      defaultLocale: 'en',
      pages: [{ locales: [{ locale: 'en', path: "/en/r&d/tom's-page", dateModified: '2026-01-01T00:00:00.000Z' }] }],
    };
    const xml = sitemapParts(input).part(1);
    expect(xml).toContain('<loc>https://clinic.example/en/r&amp;d/tom&#39;s-page</loc>');
    expect(xml).toContain('href="https://clinic.example/en/r&amp;d/tom&#39;s-page"');
    expect(xml).not.toMatch(/&(?!amp;|#39;)/);
    expect(urlsOf(xml)[0]?.loc).toBe("https://clinic.example/en/r&d/tom's-page");
    expect(() => validateSitemap(xml)).not.toThrow();
  });

  it("lists the paths a clinic's own template gives, letters beyond ASCII percent-encoded", () => {
    const template = pathTemplateOf({ techniquePathTemplate: '/{locale}/thérapies/{slug}' }, 'techniques');
    const page: SitemapPage = {
      locales: ['fr', 'fr-CA'].map((locale) => ({ locale, path: pagePath(template, { locale, slug: 'liberation-myofasciale' }), dateModified: '2026-01-01T00:00:00Z' })),
    };
    const xml = sitemapParts({ website: 'https://montreal-physio.example', defaultLocale: 'en', pages: [page] }).part(1);
    expect(urlsOf(xml).map((url) => url.loc)).toEqual([
      'https://montreal-physio.example/fr/th%C3%A9rapies/liberation-myofasciale',
      'https://montreal-physio.example/fr-CA/th%C3%A9rapies/liberation-myofasciale',
    ]);
    expect(() => validateSitemap(xml)).not.toThrow();
  });

  it('refuses a website that is not an absolute http(s) URL', () => {
    expect(() => sitemapParts({ ...MONTREAL, website: 'montreal-physio.example' })).toThrow(SitemapInputError);
    expect(() => sitemapParts({ ...MONTREAL, website: 'ftp://montreal-physio.example' })).toThrow('is not an http(s) URL');
  });

  it('has no parts when the clinic has no pages (a urlset needs a <url>)', () => {
    const sitemap = sitemapParts({ ...MONTREAL, pages: [] });
    expect(sitemap.partCount).toBe(0);
    expect(() => sitemap.part(1)).toThrow(RangeError);
  });
});

describe('a sitemap past the protocol limits', () => {
  const input: SitemapInput = { website: 'https://northside-physio.example', defaultLocale: 'en', pages: manyPages(SITEMAP_LIMITS.urls + 1) };
  const sitemap = sitemapParts(input);
  const locOf = (partNumber: number) => `https://service.example/sites/northside-physio/sitemap-${partNumber}.xml?key=a&b`;

  it('splits 50,001 URLs into two parts, 50,000 and 1', () => {
    expect(sitemap.partCount).toBe(2);
    const first = sitemap.part(1);
    expect(first.match(/<url>/g)).toHaveLength(SITEMAP_LIMITS.urls);
    expect(urlsOf(sitemap.part(2)).map((url) => url.loc)).toEqual([`https://northside-physio.example/en/techniques/technique-${SITEMAP_LIMITS.urls}`]);
    expect(() => validateSitemap(first)).not.toThrow();
    expect(() => validateSitemap(sitemap.part(2))).not.toThrow();
  });

  it('lists the parts in an index that validates, with each part\'s latest lastmod', () => {
    const index = sitemap.index(locOf);
    expect(() => validateSitemapIndex(index)).not.toThrow();
    const entries = (parser.parse(index) as { sitemapindex: { sitemap: Array<{ loc: string; lastmod: string }> } }).sitemapindex.sitemap;
    expect(entries).toEqual([
      { loc: locOf(1), lastmod: new Date(Date.UTC(2026, 0, 1) + (SITEMAP_LIMITS.urls - 1) * 1000).toISOString() },
      { loc: locOf(2), lastmod: new Date(Date.UTC(2026, 0, 1) + SITEMAP_LIMITS.urls * 1000).toISOString() },
    ]);
    expect(index).toContain('?key=a&amp;b</loc>');
  });

  it('is refused by the index schema when an entry lacks its <loc>', () => {
    expect(() => validateSitemapIndex(sitemap.index(locOf).replace(/<loc>[^<]*<\/loc>/, ''))).toThrow(/not valid sitemap index/);
  });

  it('streams a part in chunks that add up to the part', () => {
    expect([...sitemap.partChunks(2)].join('')).toBe(sitemap.part(2));
  });

  it('keeps a page\'s locales together in order when they straddle two parts', () => {
    const pages: SitemapPage[] = [
      { locales: [{ locale: 'en', path: '/en/a', dateModified: '2026-01-01T00:00:00Z' }] },
      {
        locales: [
          { locale: 'en', path: '/en/b', dateModified: '2026-01-01T00:00:00Z' },
          { locale: 'fr', path: '/fr/b', dateModified: '2026-01-02T00:00:00Z' },
        ],
      },
    ];
    const small = sitemapParts({ website: 'https://x.example', defaultLocale: 'en', pages }, { limits: { urls: 2 } });
    expect(small.partCount).toBe(2);
    expect(urlsOf(small.part(1)).map((url) => url.loc)).toEqual(['https://x.example/en/a', 'https://x.example/en/b']);
    expect(urlsOf(small.part(2)).map((url) => url.loc)).toEqual(['https://x.example/fr/b']);
    expect(alternates(urlsOf(small.part(2))[0] as ParsedUrl)).toEqual({ en: 'https://x.example/en/b', fr: 'https://x.example/fr/b', 'x-default': 'https://x.example/en/b' });
  });

  it('starts a new part before a file would pass the byte limit', () => {
    const pages = manyPages(10);
    const whole = sitemapParts({ website: 'https://x.example', defaultLocale: 'en', pages }).part(1);
    const limit = Math.floor(Buffer.byteLength(whole) / 2);
    const split = sitemapParts({ website: 'https://x.example', defaultLocale: 'en', pages }, { limits: { bytes: limit } });
    expect(split.partCount).toBeGreaterThan(1);
    const parts = Array.from({ length: split.partCount }, (_, index) => split.part(index + 1));
    for (const part of parts) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(limit);
    expect(parts.flatMap((part) => urlsOf(part).map((url) => url.loc))).toEqual(urlsOf(whole).map((url) => url.loc));
  });
});
