/**
 * The response-cache behaviour every store must show (memory and Redis run the same suite), over real
 * HTTP against a real Strapi: hits, HTTP caching headers, what is never cached, and exact purges.
 */
import { edgeTag } from '../../src/cdn/edge-tags';
import { readFileSync } from 'fs';
import path from 'path';
import { createClinicKey, revokeClinicKeys } from '../../src/clinics/keys';
import { writePipeline } from '../../src/content/writes';
import { runSeed } from '../../src/seed';
import { dropRedisPrefix } from './redis';
import { ROOT, startApp, type TestApp } from './strapi';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

const MRT = 'myofascial-release-therapy';
const PAGE = `query Page($slug: String!) { therapyPage(slug: $slug) { technique { name treats { slug name } } clinic { name phone } } }`;
const PROVIDER_NAME = `query ProviderName($slug: String!) { providerType(slug: $slug) { name } }`;
const PROVIDER_TECHNIQUES = `query ProviderTechniques($slug: String!) { providerType(slug: $slug) { name techniques { slug } } }`;

type Uid = 'api::technique.technique' | 'api::clinic.clinic' | 'api::provider-type.provider-type';

export function describeResponseCache(name: string, environment: () => Record<string, string>): void {
  let app: TestApp;
  const keys: Record<string, string> = {};

  const documents = (uid: Uid) =>
    app.strapi.documents(uid) as unknown as {
      findFirst(params: object): Promise<{ documentId: string } | null>;
      update(params: object): Promise<unknown>;
      publish(params: object): Promise<unknown>;
      unpublish(params: object): Promise<unknown>;
      discardDraft(params: object): Promise<unknown>;
    };

  async function documentId(uid: Uid, slug: string): Promise<string> {
    const entry = await documents(uid).findFirst({ filters: { slug }, locale: 'en' });
    if (entry === null) throw new Error(`no ${uid} ${slug}`);
    return entry.documentId;
  }

  async function post(key: string | null, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(`${app.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: text === '' ? null : JSON.parse(text) };
  }

  async function get(key: string, params: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
    const search = new URLSearchParams(Object.entries(params).map(([field, value]): [string, string] => [field, typeof value === 'string' ? value : JSON.stringify(value)]));
    const response = await fetch(`${app.baseUrl}/graphql?${search}`, {
      headers: { authorization: `Bearer ${key}`, 'apollo-require-preflight': 'true', ...headers },
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: text === '' ? null : JSON.parse(text) };
  }

  const page = (key = keys.northside as string) => post(key, PAGE, { slug: MRT });
  const cacheState = (answer: Answer) => answer.headers.get('x-cache');

  describe(`the response cache (${name})`, () => {
    const settings = environment();
    beforeAll(async () => {
      app = await startApp({ isListening: true, environment: settings });
      await runSeed({ strapi: app.strapi });
      keys.northside = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
      keys.preview = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'preview' })).key;
      keys.harbour = (await createClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', kind: 'public' })).key;
    });

    afterAll(async () => {
      await app?.stop();
      if (settings.REDIS_URL !== undefined && settings.REDIS_PREFIX !== undefined) await dropRedisPrefix(settings.REDIS_URL, settings.REDIS_PREFIX);
    });

    it('answers a repeated query from the cache with the same bytes, ETag, Cache-Control, Vary and Cache-Tag', async () => {
      const first = await page();
      const second = await page();
      expect(first.json.errors).toBeUndefined();
      expect([cacheState(first), cacheState(second)]).toEqual(['MISS', 'HIT']);
      expect(second.text).toBe(first.text);
      expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
      expect(first.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
      expect(second.headers.get('cache-control')).toBe('public, max-age=0, s-maxage=300, stale-while-revalidate=60');
      expect(second.headers.get('vary')).toContain('Authorization');
      const technique = await documentId('api::technique.technique', MRT);
      const clinic = await documentId('api::clinic.clinic', 'northside-physio');
      const tags = (second.headers.get('cache-tag') ?? '').split(',');
      // The edge form of the tags the cache purges with: what a CDN purges too (src/cdn/headers.ts).
      expect(tags).toEqual(expect.arrayContaining([`technique:${technique}:en`, `links:technique:${technique}:en:treats`, `clinic:${clinic}`, 'locales'].map(edgeTag)));
    });

    it('keeps clinics apart: the same query with another clinic key is its own entry', async () => {
      const northside = await page();
      const harbour = await page(keys.harbour);
      expect(cacheState(harbour)).toBe('MISS');
      expect(harbour.json.data.therapyPage.clinic.name).not.toBe(northside.json.data.therapyPage.clinic.name);
    });

    it('serves GETs with a persisted-document hash, answers hits before the middleware chain, and 304s a matching ETag', async () => {
      const manifest = JSON.parse(readFileSync(path.join(ROOT, 'types', 'graphql', 'client', 'persisted-documents.json'), 'utf8')) as Record<string, string>;
      const [id] = Object.entries(manifest).find(([, document]) => document.startsWith('query ClinicProfile')) ?? [];
      const params = { operationName: 'ClinicProfile', variables: {}, extensions: { persistedQuery: { version: 1, sha256Hash: (id as string).replace('sha256:', '') } } };
      const first = await get(keys.northside as string, params);
      expect(first.status).toBe(200);
      expect(first.json.data.clinic.name).toBe('Northside Physiotherapy & Massage');
      expect(cacheState(first)).toBe('MISS');
      expect(first.headers.get('x-frame-options')).not.toBeNull(); // through Strapi's security middleware

      const second = await get(keys.northside as string, params);
      expect(cacheState(second)).toBe('HIT');
      expect(second.text).toBe(first.text);
      expect(second.headers.get('x-frame-options')).toBeNull(); // answered before it

      const notModified = await get(keys.northside as string, params, { 'if-none-match': first.headers.get('etag') as string });
      expect(notModified.status).toBe(304);
      expect(notModified.text).toBe('');
      expect(notModified.headers.get('etag')).toBe(first.headers.get('etag'));

      const unknownHash = await get(keys.northside as string, { extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } });
      expect(unknownHash.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect(unknownHash.headers.get('cache-control')).toBe('no-store');
    });

    it('never stores errors, 401s or preview answers, and marks them no-store', async () => {
      for (let round = 0; round < 2; round += 1) {
        const missing = await post(keys.northside as string, PAGE, { slug: 'no-such-technique' });
        expect(missing.json.errors[0].extensions.code).toBe('NOT_FOUND');
        expect(missing.headers.get('cache-control')).toBe('no-store');
        expect(cacheState(missing)).toBe('BYPASS');

        const anonymous = await post(null, PAGE, { slug: MRT });
        expect(anonymous.status).toBe(401);
        expect(anonymous.headers.get('cache-control')).toBe('no-store');

        const preview = await post(keys.preview as string, PAGE, { slug: MRT });
        expect(preview.json.errors).toBeUndefined();
        expect(preview.headers.get('cache-control')).toBe('no-store');
        expect(cacheState(preview)).toBe('BYPASS');
      }
    });

    it('purges exactly what a write changed: drafts nothing, a publish the entry and its relation lists, a clinic its own answers', async () => {
      const technique = await documentId('api::technique.technique', MRT);
      const providerSlug = 'massage-therapist';
      const warm = async () => {
        const answers = {
          page: await page(),
          harbourPage: await page(keys.harbour),
          providerName: await post(keys.northside as string, PROVIDER_NAME, { slug: providerSlug }),
          providerTechniques: await post(keys.northside as string, PROVIDER_TECHNIQUES, { slug: providerSlug }),
        };
        for (const answer of Object.values(answers)) expect(answer.json.errors).toBeUndefined();
        return answers;
      };
      const states = async () => {
        const answers = await warm();
        return Object.fromEntries(Object.entries(answers).map(([key, answer]) => [key, cacheState(answer)]));
      };
      await warm();
      expect(await states()).toEqual({ page: 'HIT', harbourPage: 'HIT', providerName: 'HIT', providerTechniques: 'HIT' });

      // A draft edit changes nothing that is served.
      await documents('api::technique.technique').update({ documentId: technique, locale: 'en', data: { name: 'Myofascial Release (edited)' } });
      expect(await states()).toEqual({ page: 'HIT', harbourPage: 'HIT', providerName: 'HIT', providerTechniques: 'HIT' });

      // Publishing it changes the technique and the relation lists that point at it, nothing else.
      await documents('api::technique.technique').publish({ documentId: technique, locale: 'en' });
      const afterPublish = await warm();
      expect(afterPublish.page.json.data.therapyPage.technique.name).toBe('Myofascial Release (edited)');
      expect(afterPublish.harbourPage.json.data.therapyPage.technique.name).toBe('Myofascial Release (edited)');
      expect(Object.fromEntries(Object.entries(afterPublish).map(([key, answer]) => [key, cacheState(answer)]))).toEqual({
        page: 'MISS',
        harbourPage: 'MISS',
        providerName: 'HIT',
        providerTechniques: 'MISS',
      });

      // Discarding a draft that matches the published version changes nothing served.
      await documents('api::technique.technique').update({ documentId: technique, locale: 'en', data: { name: 'Not to be published' } });
      await documents('api::technique.technique').discardDraft({ documentId: technique, locale: 'en' });
      expect(await states()).toEqual({ page: 'HIT', harbourPage: 'HIT', providerName: 'HIT', providerTechniques: 'HIT' });

      // A clinic's change purges that clinic's answers only.
      const harbour = await documentId('api::clinic.clinic', 'harbour-chiro');
      await documents('api::clinic.clinic').update({ documentId: harbour, locale: 'en', data: { phone: '+1 902 555 0142' } });
      await documents('api::clinic.clinic').publish({ documentId: harbour, locale: 'en' });
      const afterClinic = await warm();
      expect(afterClinic.harbourPage.json.data.therapyPage.clinic.phone).toBe('+1 902 555 0142');
      expect(Object.fromEntries(Object.entries(afterClinic).map(([key, answer]) => [key, cacheState(answer)]))).toEqual({
        page: 'HIT',
        harbourPage: 'MISS',
        providerName: 'HIT',
        providerTechniques: 'HIT',
      });

      // A relation changed from the other side: the technique's provider-type list changes; answers that
      // did not use that list (the page reads the technique's conditions only) stay.
      const provider = await documentId('api::provider-type.provider-type', providerSlug);
      await documents('api::provider-type.provider-type').update({ documentId: provider, locale: 'en', data: { techniques: { set: [] } } });
      await documents('api::provider-type.provider-type').publish({ documentId: provider, locale: 'en' });
      const afterRelation = await warm();
      expect(afterRelation.providerTechniques.json.data.providerType.techniques).toEqual([]);
      expect(cacheState(afterRelation.providerTechniques)).toBe('MISS');
      expect(cacheState(afterRelation.page)).toBe('HIT');
      const techniqueProviders = await post(keys.northside as string, `{ technique(slug: "${MRT}") { providerTypes { slug } } }`);
      expect(techniqueProviders.json.data.technique.providerTypes.map((entry: { slug: string }) => entry.slug)).not.toContain(providerSlug);

      // Unpublishing: the page is gone at once.
      await documents('api::technique.technique').unpublish({ documentId: technique, locale: 'en' });
      const gone = await page();
      expect(gone.json.errors[0].extensions.code).toBe('NOT_FOUND');
      await documents('api::technique.technique').publish({ documentId: technique, locale: 'en' });
      expect((await page()).json.data.therapyPage.technique.name).toBe('Myofascial Release (edited)');
    });

    it('purges everything when a locale is added, and refuses a revoked key at once', async () => {
      await page();
      expect(cacheState(await page())).toBe('HIT');
      const locales = app.strapi.plugin('i18n').service('locales') as unknown as { create(locale: object): Promise<unknown> };
      await locales.create({ code: 'de', name: 'German (de)' });
      await writePipeline(app.strapi).settled(); // the admin's HTTP writes wait for this themselves
      expect(cacheState(await page())).toBe('MISS');
      expect(cacheState(await page(keys.harbour))).toBe('MISS');

      expect(cacheState(await page(keys.harbour))).toBe('HIT');
      await revokeClinicKeys({ strapi: app.strapi, slug: 'harbour-chiro' });
      const refused = await page(keys.harbour);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('cache-control')).toBe('no-store');
    });
  });
}
