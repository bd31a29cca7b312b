/**
 * What a static clinic site builds from, over real HTTP against a real Strapi with the seed: the
 * sitemap (/sites/<clinic>/sitemap.xml valid against the sitemaps.org and XHTML schemas with xmllint,
 * exactly the manifest's pages on the clinic's website with its path templates, alternates and
 * x-default, the same as the GraphQL `sitemap` field, CLINIC_HAS_NO_WEBSITE), and the incremental
 * build of docs/site-developers.md, run as it is written, keeping a site equal to the manifest.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { GraphQLClient } from 'graphql-request';
import { createClinicKey } from '../../src/clinics/keys';
import { runSeed } from '../../src/seed';
import { pruneFeed } from '../../src/sync';
import { fencedBlocks } from '../docs/markdown';
import { ROOT } from '../helpers/strapi';
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

describe("the documented incremental build", () => {
  interface Site {
    cursor: string | null;
    build(type: string, slug: string, locale: string): Promise<void>;
    remove(type: string, slug: string, locale: string): Promise<void>;
    rebuildAll(): Promise<void>;
  }
  type Sync = (client: GraphQLClient, site: Site) => Promise<void>;
  let sync: Sync;
  let directory: string;
  const built = new Set<string>();
  const site: Site = {
    cursor: null,
    build: async (type, slug, locale) => void built.add(`${type} ${slug} ${locale}`),
    remove: async (type, slug, locale) => void built.delete(`${type} ${slug} ${locale}`),
    rebuildAll: async () => undefined,
  };

  beforeAll(async () => {
    // The block as docs/site-developers.md shows it, with its imports pointed at this checkout.
    const markdown = readFileSync(path.join(ROOT, 'docs', 'site-developers.md'), 'utf8');
    const block = fencedBlocks(markdown).find((candidate) => candidate.info === 'ts' && candidate.text.includes('export async function sync('));
    if (block === undefined) throw new Error('docs/site-developers.md has no incremental build block');
    directory = mkdtempSync(path.join(os.tmpdir(), 'static-site-'));
    const file = path.join(directory, 'sync.ts');
    writeFileSync(
      file,
      block.text
        .replace("'graphql-request'", JSON.stringify(require.resolve('graphql-request')))
        .replace("'./gql/graphql.js'", JSON.stringify(path.join(ROOT, 'types', 'graphql', 'client', 'graphql'))),
    );
    ({ sync } = (await import(file)) as { sync: Sync });
  });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const client = () => new GraphQLClient(`${app.baseUrl}/graphql`, { headers: { authorization: `Bearer ${keys.northside}` } });
  async function manifestSet(): Promise<Set<string>> {
    const response = await graphql(app, { key: keys.northside, query: `query { manifest(page: { page: 1, pageSize: 100 }) { pages { type slug locales { locale } } } }` });
    const pages = response.body.data.manifest.pages as Array<{ type: string; slug: string; locales: Array<{ locale: string }> }>;
    return new Set(pages.flatMap((page) => page.locales.map(({ locale }) => `${page.type} ${page.slug} ${locale}`)));
  }
  const conditions = () =>
    app.strapi.documents('api::condition.condition' as never) as unknown as {
      findFirst(params: object): Promise<{ documentId: string }>;
      unpublish(params: object): Promise<unknown>;
      publish(params: object): Promise<unknown>;
    };

  it('builds every page from the manifest, then follows a removal and a return through the feed', async () => {
    await sync(client(), site);
    expect(built).toEqual(await manifestSet());
    expect(built.size).toBe(7);
    const backPain = await conditions().findFirst({ filters: { slug: 'back-pain' }, locale: 'en' });
    await conditions().unpublish({ documentId: backPain.documentId, locale: 'en' });
    await sync(client(), site);
    expect(built.has('CONDITION back-pain en')).toBe(false);
    expect(built).toEqual(await manifestSet());
    await conditions().publish({ documentId: backPain.documentId, locale: 'en' });
    await sync(client(), site);
    expect(built).toEqual(await manifestSet());
  });

  it('rebuilds from the manifest when its cursor has expired', async () => {
    await pruneFeed(app.strapi, Date.now() + 1000);
    // A cursor from before the events kept (the feed's first position): the run says so and forgets it.
    site.cursor = 'f1.1';
    await expect(sync(client(), site)).rejects.toThrow(/older than the events the feed keeps/);
    expect(site.cursor).toBeNull();
    built.clear();
    await sync(client(), site);
    expect(site.cursor).toMatch(/^f1\./);
    expect(built).toEqual(await manifestSet());
  });
});
