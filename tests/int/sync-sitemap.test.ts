/**
 * Clinic sitemaps over real HTTP against a real Strapi with the seed: /sites/<clinic>/sitemap.xml is
 * valid against the sitemaps.org and XHTML schemas (xmllint), lists exactly the manifest's pages on
 * the clinic's website with each clinic's path templates, alternates and x-default, matches the
 * GraphQL `sitemap` field, and refuses a clinic without a website with CLINIC_HAS_NO_WEBSITE.
 */
import { createClinicKey } from '../../src/clinics/keys';
import { runSeed } from '../../src/seed';
import { graphql } from '../helpers/graphql';
import { startApp, type TestApp } from '../helpers/strapi';
import { validateSitemap } from '../helpers/xml-schema';

const CLINIC = 'api::clinic.clinic';
const MRT = 'myofascial-release-therapy';

let app: TestApp;
const keys: Record<string, string> = {};

const MANIFEST = `query { manifest(page: { page: 1, pageSize: 100 }) { pages { type slug locales { locale path dateModified } } } }`;
const SITEMAP = `query Sitemap($page: PageInput) { sitemap(page: $page) { urls { loc lastmod alternates { hreflang href } } pageInfo { total } } }`;

interface Url {
  loc: string;
  lastmod: string;
  alternates: Array<{ hreflang: string; href: string }>;
}

/** The <url>s of a urlset, read back as data (the XML's shape is checked by the schema). */
function urlsOf(xml: string): Url[] {
  return [...xml.matchAll(/<url>([\s\S]*?)<\/url>/g)].map(([, body = '']) => ({
    loc: /<loc>(.*?)<\/loc>/.exec(body)?.[1]?.replace(/&amp;/g, '&') ?? '',
    lastmod: /<lastmod>(.*?)<\/lastmod>/.exec(body)?.[1] ?? '',
    alternates: [...body.matchAll(/<xhtml:link rel="alternate" hreflang="([^"]+)" href="([^"]+)"\/>/g)].map(([, hreflang = '', href = '']) => ({ hreflang, href: href.replace(/&amp;/g, '&') })),
  }));
}

async function sitemap(clinic: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${app.baseUrl}/sites/${clinic}/sitemap.xml`, { headers });
}

async function manifestUrls(clinic: string, website: string): Promise<Array<{ loc: string; lastmod: string }>> {
  const response = await graphql(app, { key: keys[clinic], query: MANIFEST });
  const pages = response.body.data.manifest.pages as Array<{ locales: Array<{ path: string; dateModified: string }> }>;
  return pages.flatMap((page) => page.locales.map((entry) => ({ loc: `${website}${entry.path}`, lastmod: entry.dateModified })));
}

beforeAll(async () => {
  app = await startApp({ isListening: true });
  await runSeed({ strapi: app.strapi });
  for (const [clinic, slug] of Object.entries({ northside: 'northside-physio', harbour: 'harbour-chiro', montreal: 'montreal-physio' })) {
    keys[clinic] = (await createClinicKey({ strapi: app.strapi, slug, kind: 'public' })).key;
  }
}, 240000);

afterAll(async () => {
  await app?.stop();
});

describe('a clinic sitemap', () => {
  it("is valid and lists exactly the manifest's pages on the clinic's website", async () => {
    const response = await sitemap('northside-physio');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    const xml = await response.text();
    validateSitemap(xml);
    const urls = urlsOf(xml);
    expect(urls.map(({ loc, lastmod }) => ({ loc, lastmod }))).toEqual(await manifestUrls('northside', 'https://northside-physio.example'));
    expect(urls[0]).toEqual({
      loc: `https://northside-physio.example/en/techniques/${MRT}`,
      lastmod: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      alternates: [
        { hreflang: 'en', href: `https://northside-physio.example/en/techniques/${MRT}` },
        { hreflang: 'x-default', href: `https://northside-physio.example/en/techniques/${MRT}` },
      ],
    });
  });

  it('uses the clinic\'s own path templates and leaves out what its adaptations hide', async () => {
    const xml = await (await sitemap('harbour-chiro')).text();
    validateSitemap(xml);
    const locs = urlsOf(xml).map((url) => url.loc);
    expect(locs).toContain(`https://harbour-chiro.example/en/therapies/${MRT}`);
    expect(locs).toContain('https://harbour-chiro.example/en/conditions/back-pain');
    expect(locs.some((loc) => loc.includes('fibromyalgia'))).toBe(false);
    expect(locs).toEqual((await manifestUrls('harbour', 'https://harbour-chiro.example')).map((url) => url.loc));
  });

  it('links every locale of a page to the others, and x-default to the clinic\'s first locale', async () => {
    const xml = await (await sitemap('montreal-physio')).text();
    validateSitemap(xml);
    const urls = urlsOf(xml);
    const therapy = urls.filter((url) => url.loc.includes(`/techniques/${MRT}`));
    expect(therapy.map((url) => url.loc)).toEqual(['en', 'fr', 'fr-CA'].map((locale) => `https://montreal-physio.example/${locale}/techniques/${MRT}`));
    for (const url of therapy) {
      expect(url.alternates.map((alternate) => alternate.hreflang)).toEqual(['en', 'fr', 'fr-CA', 'x-default']);
      expect(url.alternates[3]?.href).toBe(`https://montreal-physio.example/en/techniques/${MRT}`);
    }
  });

  it('gives the same URLs through the GraphQL sitemap field, page by page', async () => {
    const xml = await (await sitemap('montreal-physio')).text();
    const fromXml = urlsOf(xml);
    const fromGraphql: Url[] = [];
    for (let page = 1; fromGraphql.length < fromXml.length && page < 10; page += 1) {
      const response = await graphql(app, { key: keys.montreal, query: SITEMAP, variables: { page: { page, pageSize: 5 } } });
      expect(response.body.data.sitemap.pageInfo.total).toBe(fromXml.length);
      fromGraphql.push(...(response.body.data.sitemap.urls as Url[]));
    }
    expect(fromGraphql).toEqual(fromXml);
  });

  it('answers 304 to a crawler that has the current version', async () => {
    const first = await sitemap('northside-physio');
    const etag = first.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    expect((await sitemap('northside-physio', { 'if-none-match': etag })).status).toBe(304);
  });

  it('refuses a clinic without a website, and one that does not exist', async () => {
    const clinics = app.strapi.documents(CLINIC as never) as unknown as {
      findFirst(params: object): Promise<{ documentId: string }>;
      update(params: object): Promise<unknown>;
      publish(params: object): Promise<unknown>;
    };
    const northside = await clinics.findFirst({ filters: { slug: 'northside-physio' }, locale: 'en' });
    // The website is not localized, but each locale of the clinic is published on its own.
    await clinics.update({ documentId: northside.documentId, locale: 'en', data: { website: null } });
    await clinics.publish({ documentId: northside.documentId, locale: '*' });
    try {
      const response = await sitemap('northside-physio');
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('CLINIC_HAS_NO_WEBSITE');
      const field = await graphql(app, { key: keys.northside, query: SITEMAP });
      expect(field.body.errors?.[0]?.extensions?.code).toBe('CLINIC_HAS_NO_WEBSITE');
    } finally {
      await clinics.update({ documentId: northside.documentId, locale: 'en', data: { website: 'https://northside-physio.example' } });
      await clinics.publish({ documentId: northside.documentId, locale: '*' });
    }
    const unknown = await sitemap('no-such-clinic');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});
