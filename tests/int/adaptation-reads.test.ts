/**
 * Clinic adaptations as the API serves them, over real HTTP against a real Strapi with the response
 * cache on: each clinic gets its own adaptation of the vetted entry (and nothing of another clinic's),
 * previews get the latest draft, the per-field locale rule, adaptedFields, the clinic's own FAQ items
 * and local section, hidden entries left out of pages, lists and JSON-LD, purges exact to the clinic
 * and the entry, and revalidation webhooks to that clinic's site only.
 */
import { createServer, type Server } from 'http';
import { edgeTag } from '../../src/cdn/edge-tags';
import { createClinicKey } from '../../src/clinics/keys';
import { runSeed } from '../../src/seed';
import { signPreviewToken } from '../../src/site-pages/preview-link';
import { graphql, type GraphQLResponse } from '../helpers/graphql';
import { startApp, type TestApp } from '../helpers/strapi';
import { eventually } from '../helpers/eventually';

const TECHNIQUE = 'api::technique.technique';
const CONDITION = 'api::condition.condition';
const ADAPTATION = 'api::clinic-adaptation.clinic-adaptation';
const SLUG = 'adapted-release-therapy';
const LOCALE_SLUG = 'locale-rule-therapy';

let app: TestApp;
let receiver: Server;
/** What the clinic sites' webhook endpoints received, by path (/harbour-chiro, /northside-physio). */
const received: Array<{ path: string; body: any }> = [];
const keys: Record<string, string> = {};
/** Two seeded conditions the technique treats: the first is hidden by Northside. */
let treated: Array<{ documentId: string; slug: string; name: string }>;
const adaptations: Record<string, string> = {};

type Documents = {
  create(params: object): Promise<{ documentId: string }>;
  update(params: object): Promise<unknown>;
  publish(params: object): Promise<unknown>;
  findMany(params: object): Promise<Array<{ documentId: string; slug: string; name: string }>>;
};
const documents = (uid: string) => app.strapi.documents(uid as never) as unknown as Documents;
const paragraph = (text: string) => [{ type: 'paragraph', children: [{ type: 'text', text }] }];
const REVIEW = { reviewedBy: 'Clinical content team', reviewerType: 'organization', lastReviewed: '2026-11-01', nextReviewDue: '2027-11-01' };

const TECHNIQUE_QUERY = `query Technique($slug: String!, $locale: String) {
  technique(slug: $slug, locale: $locale) {
    locale summary goal intro { text } localSection { html text }
    faqs { question source answer { text } }
    adaptedFields { field locale } fallbackFields { field locale }
    treats { slug }
  }
}`;
const PAGE_QUERY = `query Page($slug: String!) { therapyPage(slug: $slug) { adaptedFields { field locale } jsonLd technique { intro { text } treats { slug } } } }`;

async function ask(clinic: string, query: string, variables: Record<string, unknown>): Promise<GraphQLResponse> {
  const response = await graphql(app, { key: keys[clinic], query, variables });
  if (response.body.errors !== undefined) throw new Error(JSON.stringify(response.body.errors));
  return response;
}
const technique = async (clinic: string, variables: Record<string, unknown> = { slug: SLUG }) => (await ask(clinic, TECHNIQUE_QUERY, variables)).body.data.technique;

/** Creates and publishes an adaptation in `locale`; later locales are added with `adaptIn`. */
async function adapt(clinic: string, data: Record<string, unknown>, locale = 'en'): Promise<string> {
  const created = await documents(ADAPTATION).create({ locale, data: { clinic, ...data } });
  await documents(ADAPTATION).publish({ documentId: created.documentId, locale });
  return created.documentId;
}

async function adaptIn(documentId: string, locale: string, data: Record<string, unknown>, isPublished = true): Promise<void> {
  await documents(ADAPTATION).update({ documentId, locale, data });
  if (isPublished) await documents(ADAPTATION).publish({ documentId, locale });
}

beforeAll(async () => {
  receiver = createServer((incoming, response) => {
    let text = '';
    incoming.on('data', (chunk) => (text += chunk));
    incoming.on('end', () => {
      received.push({ path: incoming.url ?? '', body: JSON.parse(text) });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  app = await startApp({ isListening: true, environment: { RESPONSE_CACHE: 'on', REVALIDATION_POLL_MS: '100', REVALIDATION_RETRY_BASE_MS: '50' } });
  await runSeed({ strapi: app.strapi });
  for (const [clinic, slug] of Object.entries({ northside: 'northside-physio', harbour: 'harbour-chiro', montreal: 'montreal-physio' })) {
    keys[clinic] = (await createClinicKey({ strapi: app.strapi, slug, kind: 'public' })).key;
  }
  keys.northsidePreview = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'preview' })).key;
  keys.harbourPreview = (await createClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', kind: 'preview' })).key;

  treated = (await documents(CONDITION).findMany({ locale: 'en', status: 'published', sort: 'slug' })).slice(0, 2);
  const created = await documents(TECHNIQUE).create({
    locale: 'en',
    data: {
      name: 'Adapted Release Therapy',
      slug: SLUG,
      summary: 'The vetted summary.',
      intro: paragraph('The vetted intro.'),
      goal: 'The vetted goal.',
      faqs: [{ question: 'What is it?', answer: paragraph('A vetted answer.') }],
      medicalReview: REVIEW,
      treats: treated.map((condition) => condition.documentId),
    },
  });
  await documents(TECHNIQUE).publish({ documentId: created.documentId, locale: 'en' });
}, 240000);

afterAll(async () => {
  await app?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('an adapted technique', () => {
  it('gives two clinics their own intros and the same vetted goal; a third clinic gets the vetted intro', async () => {
    adaptations.northside = await adapt('northside-physio', { technique: SLUG, intro: paragraph('At {{clinic.name}}, we start with a chat.') });
    adaptations.harbour = await adapt('harbour-chiro', { technique: SLUG, intro: paragraph('Harbour has its own intro.') });
    const [northside, harbour, montreal] = [await technique('northside'), await technique('harbour'), await technique('montreal', { slug: SLUG, locale: 'en' })];
    expect(northside.intro.text).toBe('At Northside Physiotherapy & Massage, we start with a chat.');
    expect(harbour.intro.text).toBe('Harbour has its own intro.');
    expect(montreal.intro.text).toBe('The vetted intro.');
    expect([northside.goal, harbour.goal, montreal.goal]).toEqual(['The vetted goal.', 'The vetted goal.', 'The vetted goal.']);
    expect(northside.adaptedFields).toEqual([{ field: 'intro', locale: 'en' }]);
    expect(montreal.adaptedFields).toEqual([]);
    const page = (await ask('harbour', PAGE_QUERY, { slug: SLUG })).body.data.therapyPage;
    expect(page.technique.intro.text).toBe('Harbour has its own intro.');
    expect(page.adaptedFields).toEqual([{ field: 'intro', locale: 'en' }]);
  });

  it('serves the latest draft of the adaptation to preview keys only', async () => {
    await adaptIn(adaptations.northside as string, 'en', { intro: paragraph('A draft intro, not yet published.') }, false);
    await documents(ADAPTATION).create({ locale: 'en', data: { clinic: 'harbour-chiro', condition: treated[1]?.slug, summary: 'A draft summary by Harbour.' } });
    expect((await technique('northside')).intro.text).toBe('At Northside Physiotherapy & Massage, we start with a chat.');
    expect((await technique('northsidePreview')).intro.text).toBe('A draft intro, not yet published.');

    const condition = `query Condition($slug: String!) { condition(slug: $slug) { summary adaptedFields { field } } }`;
    const live = (await ask('harbour', condition, { slug: treated[1]?.slug })).body.data.condition;
    const preview = (await ask('harbourPreview', condition, { slug: treated[1]?.slug })).body.data.condition;
    expect(live.adaptedFields).toEqual([]);
    expect(live.summary).not.toBe('A draft summary by Harbour.');
    expect(preview).toEqual({ summary: 'A draft summary by Harbour.', adaptedFields: [{ field: 'summary' }] });

    // The reference page shows what is published; its preview link the draft.
    const path = `/sites/northside-physio/en/techniques/${SLUG}`;
    const published = await (await fetch(`${app.baseUrl}${path}`)).text();
    const previewed = await (await fetch(`${app.baseUrl}${path}?preview=${signPreviewToken({ strapi: app.strapi, type: 'techniques', slug: SLUG })}`)).text();
    expect(published).toContain('we start with a chat.');
    expect(previewed).toContain('A draft intro, not yet published.');
    await documents(ADAPTATION).publish({ documentId: adaptations.northside, locale: 'en' });
  });
});

describe('the locale rule', () => {
  // fr-CA → fr → en. The vetted entry: summary in fr-CA, fr and en; intro in fr and en only.
  // Physio Montréal adapts the summary in fr and the intro in fr-CA.
  beforeAll(async () => {
    const created = await documents(TECHNIQUE).create({
      locale: 'en',
      data: { name: 'Locale Rule Therapy', slug: LOCALE_SLUG, summary: 'Vetted summary (en).', intro: paragraph('Vetted intro (en).'), goal: 'A goal.', medicalReview: REVIEW },
    });
    await documents(TECHNIQUE).publish({ documentId: created.documentId, locale: 'en' });
    await documents(TECHNIQUE).update({ documentId: created.documentId, locale: 'fr', data: { slug: LOCALE_SLUG, name: 'Thérapie de la règle', summary: 'Résumé vérifié (fr).', intro: paragraph('Intro vérifiée (fr).') } });
    await documents(TECHNIQUE).publish({ documentId: created.documentId, locale: 'fr' });
    await documents(TECHNIQUE).update({ documentId: created.documentId, locale: 'fr-CA', data: { slug: LOCALE_SLUG, summary: 'Résumé vérifié (fr-CA).' } });
    await documents(TECHNIQUE).publish({ documentId: created.documentId, locale: 'fr-CA' });
    const adaptation = await adapt('montreal-physio', { technique: LOCALE_SLUG, summary: 'Notre résumé (fr).' }, 'fr');
    await adaptIn(adaptation, 'fr-CA', { clinic: 'montreal-physio', technique: LOCALE_SLUG, intro: paragraph('Notre intro (fr-CA).') });
  });

  it("serves the vetted fr-CA summary over the clinic's fr one, and the clinic's fr-CA intro over the vetted fr one", async () => {
    const served = await technique('montreal', { slug: LOCALE_SLUG, locale: 'fr-CA' });
    expect(served.locale).toBe('fr-CA');
    expect(served.summary).toBe('Résumé vérifié (fr-CA).');
    expect(served.intro.text).toBe('Notre intro (fr-CA).');
    expect(served.adaptedFields).toEqual([{ field: 'intro', locale: 'fr-CA' }]);
    expect(served.fallbackFields).not.toContainEqual(expect.objectContaining({ field: 'intro' }));
    expect(served.fallbackFields).toContainEqual({ field: 'name', locale: 'fr' });
  });

  it('serves the clinic\'s fr summary in fr, where the vetted entry has its own fr summary too', async () => {
    const served = await technique('montreal', { slug: LOCALE_SLUG, locale: 'fr' });
    expect(served.summary).toBe('Notre résumé (fr).');
    expect(served.intro.text).toBe('Intro vérifiée (fr).');
    expect(served.adaptedFields).toEqual([{ field: 'summary', locale: 'fr' }]);
  });
});

describe("the clinic's own content", () => {
  it('adds its FAQ items after the vetted ones, marked CLINIC, and its local section; others see neither', async () => {
    await adaptIn(adaptations.northside as string, 'en', {
      faqs: [{ question: 'Do you bill my insurance directly?', answer: paragraph('Yes, {{clinic.name}} bills most plans.') }],
      localSection: paragraph('At our clinic, sessions last 45 minutes.'),
    });
    const northside = await technique('northside');
    expect(northside.faqs).toEqual([
      { question: 'What is it?', source: 'VETTED', answer: { text: 'A vetted answer.' } },
      { question: 'Do you bill my insurance directly?', source: 'CLINIC', answer: { text: 'Yes, Northside Physiotherapy & Massage bills most plans.' } },
    ]);
    expect(northside.localSection).toEqual({ html: '<p>At our clinic, sessions last 45 minutes.</p>', text: 'At our clinic, sessions last 45 minutes.' });
    expect(northside.adaptedFields).toEqual([{ field: 'intro', locale: 'en' }, { field: 'faqs', locale: 'en' }, { field: 'localSection', locale: 'en' }]);
    const harbour = await technique('harbour');
    expect(harbour.faqs.map((faq: { source: string }) => faq.source)).toEqual(['VETTED']);
    expect(harbour.localSection).toBeNull();

    const jsonLd = (await ask('northside', PAGE_QUERY, { slug: SLUG })).body.data.therapyPage.jsonLd;
    const author = { '@type': 'MedicalClinic', name: 'Northside Physiotherapy & Massage' };
    expect(jsonLd.reviewedBy).toEqual({ '@type': 'Organization', name: 'Clinical content team' });
    expect(jsonLd.hasPart).toEqual([
      expect.objectContaining({ '@type': 'Question', name: 'Do you bill my insurance directly?', author }),
      { '@type': 'WebPageElement', text: 'At our clinic, sessions last 45 minutes.', author },
    ]);
  });

  it("gives a condition the clinic's own FAQ items and local section", async () => {
    const slug = treated[0]?.slug;
    await adapt('northside-physio', { condition: slug, faqs: [{ question: 'Do you treat this here?', answer: paragraph('Every weekday.') }], localSection: paragraph('Our back-care team.') });
    const query = `query Condition($slug: String!) { condition(slug: $slug) { faqs { question source } localSection { text } adaptedFields { field } } }`;
    expect((await ask('northside', query, { slug })).body.data.condition).toEqual({
      faqs: [{ question: 'Do you treat this here?', source: 'CLINIC' }],
      localSection: { text: 'Our back-care team.' },
      adaptedFields: [{ field: 'faqs' }, { field: 'localSection' }],
    });
    expect((await ask('harbour', query, { slug })).body.data.condition).toEqual({ faqs: [], localSection: null, adaptedFields: [] });
  });
});

describe('hidden entries', () => {
  it("are absent from the clinic's page, JSON-LD, relation-filtered lists and reference page, and nowhere else", async () => {
    const [hidden, kept] = treated as [(typeof treated)[number], (typeof treated)[number]];
    await adaptIn(adaptations.northside as string, 'en', { hidden: [{ relation: 'treats', slug: hidden.slug }] });
    const lists = `query Lists($slug: String!) { conditions(filter: { treatedBy: $slug }) { items { slug } pageInfo { total } } }`;

    const page = (await ask('northside', PAGE_QUERY, { slug: SLUG })).body.data.therapyPage;
    expect(page.technique.treats).toEqual([{ slug: kept.slug }]);
    const about = page.jsonLd.about.filter((item: { '@type': string }) => item['@type'] === 'MedicalCondition').map((item: { name: string }) => item.name);
    expect(about).toEqual([kept.name]);
    expect((await ask('northside', lists, { slug: SLUG })).body.data.conditions).toEqual({ items: [{ slug: kept.slug }], pageInfo: { total: 1 } });
    const html = await (await fetch(`${app.baseUrl}/sites/northside-physio/en/techniques/${SLUG}`)).text();
    expect(html).not.toContain(`/conditions/${hidden.slug}`);
    expect(html).toContain(`/conditions/${kept.slug}`);

    const harbour = (await ask('harbour', PAGE_QUERY, { slug: SLUG })).body.data.therapyPage;
    expect(harbour.technique.treats.map((item: { slug: string }) => item.slug).sort()).toEqual([hidden.slug, kept.slug].sort());
    expect((await ask('harbour', lists, { slug: SLUG })).body.data.conditions.pageInfo.total).toBe(2);
  });
});

describe('cache purges of adaptations', () => {
  const cacheState = (response: GraphQLResponse) => response.headers.get('x-cache');

  it("carry a tag for the clinic and the entry, adapted or not, so a clinic's first adaptation purges its answer", async () => {
    await ask('montreal', PAGE_QUERY, { slug: SLUG });
    const cached = await ask('montreal', PAGE_QUERY, { slug: SLUG });
    expect(cacheState(cached)).toBe('HIT');
    expect(cached.headers.get('cache-tag')?.split(',')).toContain(edgeTag(`adaptation:montreal-physio:technique:${SLUG}`));
    await adapt('montreal-physio', { technique: SLUG, intro: paragraph('Physio Montréal, in English.') });
    const fresh = await ask('montreal', PAGE_QUERY, { slug: SLUG });
    expect(cacheState(fresh)).toBe('MISS');
    expect(fresh.body.data.therapyPage.technique.intro.text).toBe('Physio Montréal, in English.');
  });

  it("keep clinic B's answer cached (a HIT) when clinic A publishes an adaptation, and change A's", async () => {
    for (const clinic of ['northside', 'harbour']) await ask(clinic, PAGE_QUERY, { slug: SLUG });
    const [harbourBefore, northsideBefore] = [await ask('harbour', PAGE_QUERY, { slug: SLUG }), await ask('northside', PAGE_QUERY, { slug: SLUG })];
    expect([cacheState(harbourBefore), cacheState(northsideBefore)]).toEqual(['HIT', 'HIT']);

    await adaptIn(adaptations.northside as string, 'en', { intro: paragraph('Northside rewrote its intro.') });
    const [harbour, northside] = [await ask('harbour', PAGE_QUERY, { slug: SLUG }), await ask('northside', PAGE_QUERY, { slug: SLUG })];
    expect(cacheState(harbour)).toBe('HIT');
    expect(JSON.stringify(harbour.body)).toBe(JSON.stringify(harbourBefore.body));
    expect(cacheState(northside)).toBe('MISS');
    expect(northside.body.data.therapyPage.technique.intro.text).toBe('Northside rewrote its intro.');
  });

  it("purge every clinic's answer when the vetted entry is published", async () => {
    await ask('harbour', PAGE_QUERY, { slug: SLUG });
    expect(cacheState(await ask('harbour', PAGE_QUERY, { slug: SLUG }))).toBe('HIT');
    const [entry] = await documents(TECHNIQUE).findMany({ locale: 'en', filters: { slug: SLUG } });
    await documents(TECHNIQUE).update({ documentId: entry?.documentId, locale: 'en', data: { goal: 'The vetted goal, revised.' } });
    await documents(TECHNIQUE).publish({ documentId: entry?.documentId, locale: 'en' });
    for (const clinic of ['harbour', 'northside']) {
      const response = await ask(clinic, TECHNIQUE_QUERY, { slug: SLUG });
      expect(response.body.data.technique.goal).toBe('The vetted goal, revised.');
    }
    expect(cacheState(await ask('harbour', PAGE_QUERY, { slug: SLUG }))).toBe('MISS');
  });
});

describe('revalidation webhooks', () => {
  /** Points a clinic's revalidation webhook at the local receiver, and publishes it. */
  async function hook(slug: string): Promise<void> {
    const [clinic] = await documents('api::clinic.clinic').findMany({ locale: 'en', filters: { slug } });
    const data = { revalidationUrl: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/${slug}`, revalidationSecret: `${slug}-signing-secret-0123456789` };
    await documents('api::clinic.clinic').update({ documentId: clinic?.documentId, locale: 'en', data });
    await documents('api::clinic.clinic').publish({ documentId: clinic?.documentId, locale: 'en' });
  }

  const aboutOurTechnique = (item: { body: any }) => item.body.entries.some((entry: { slug: string }) => entry.slug === SLUG);

  it("tell only the adapting clinic's site, naming the adapted page and the pages that list it", async () => {
    await hook('harbour-chiro');
    await hook('northside-physio');
    received.length = 0;
    await adaptIn(adaptations.harbour as string, 'en', { summary: 'Harbour summarises it its own way.' });
    const delivery = await eventually(() => received.find(aboutOurTechnique), { message: 'timed out waiting for a delivery' });
    expect(delivery.path).toBe('/harbour-chiro');
    expect(delivery.body).toMatchObject({ event: 'publish', clinic: { slug: 'harbour-chiro' }, entries: [{ type: 'technique', slug: SLUG, locales: ['en'] }] });
    expect(delivery.body.related).toEqual(expect.arrayContaining(treated.map((condition) => ({ type: 'condition', slug: condition.slug }))));

    // Unpublishing serves the vetted text again: the same page is rebuilt, for Harbour only.
    received.length = 0;
    await app.strapi.documents(ADAPTATION as never).unpublish({ documentId: adaptations.harbour, locale: 'en' } as never);
    expect((await eventually(() => received.find(aboutOurTechnique), { message: 'timed out waiting for a delivery' })).path).toBe('/harbour-chiro');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received.filter((item) => item.path !== '/harbour-chiro')).toEqual([]);
  });
});
