import { createClinicKey } from '../../src/clinics/keys';
import { runSeed } from '../../src/seed';
import { errorCodes, graphql } from '../helpers/graphql';
import { startApp, type TestApp } from '../helpers/strapi';

let app: TestApp;
const keys: Record<string, string> = {};

const MRT = 'myofascial-release-therapy';

function documents(uid: 'api::technique.technique' | 'api::condition.condition' | 'api::clinic.clinic') {
  return app.strapi.documents(uid) as unknown as {
    findFirst(params: object): Promise<{ documentId: string } | null>;
    update(params: object): Promise<unknown>;
    create(params: object): Promise<{ documentId: string }>;
    publish(params: object): Promise<unknown>;
  };
}

async function documentId(uid: 'api::technique.technique' | 'api::condition.condition' | 'api::clinic.clinic', slug: string): Promise<string> {
  const entry = await documents(uid).findFirst({ filters: { slug }, locale: 'en' });
  if (entry === null) throw new Error(`no ${uid} ${slug}`);
  return entry.documentId;
}

beforeAll(async () => {
  app = await startApp({ isListening: true, environment: { LOCALE_FALLBACKS: 'fr-CA:fr' } });
  await runSeed({ strapi: app.strapi });
  const locales = app.strapi.plugin('i18n').service('locales') as unknown as { create(locale: object): Promise<unknown> };
  await locales.create({ code: 'fr', name: 'French (fr)' });
  await locales.create({ code: 'fr-CA', name: 'French (Canada) (fr-CA)' });

  const northside = await documentId('api::clinic.clinic', 'northside-physio');
  await documents('api::clinic.clinic').update({ documentId: northside, locale: 'en', data: { locales: ['en', 'fr-CA', 'fr'] } });
  await documents('api::clinic.clinic').publish({ documentId: northside, locale: 'en' });

  const fibromyalgia = await documentId('api::condition.condition', 'fibromyalgia');
  await documents('api::condition.condition').update({
    documentId: fibromyalgia,
    locale: 'fr',
    data: { name: 'Fibromyalgie', slug: 'fibromyalgia', summary: 'Une affection douloureuse.' },
  });
  await documents('api::condition.condition').publish({ documentId: fibromyalgia, locale: 'fr' });

  const mrt = await documentId('api::technique.technique', MRT);
  await documents('api::technique.technique').update({
    documentId: mrt,
    locale: 'fr',
    data: {
      name: 'Thérapie de libération myofasciale',
      slug: MRT,
      summary: 'Une technique de massage qui assouplit le fascia.',
      intro: [{ type: 'paragraph', children: [{ type: 'text', text: 'Contactez {{clinic.name}}.' }] }],
      goal: 'Assouplir le fascia.',
      treats: { set: [{ documentId: fibromyalgia, locale: 'fr' }] },
    },
  });
  await documents('api::technique.technique').publish({ documentId: mrt, locale: 'fr' });

  keys.public = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
  keys.preview = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'preview' })).key;
  keys.harbour = (await createClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', kind: 'public' })).key;
});

afterAll(async () => {
  await app?.stop();
});

describe('locale fallback', () => {
  it('serves the fr entry when fr-CA is missing, and says so', async () => {
    const { body } = await graphql(app, {
      key: keys.public,
      query: `{ technique(slug: "${MRT}", locale: "fr-CA") { locale name intro { text } treats { slug locale name } } }`,
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.technique).toEqual({
      locale: 'fr',
      name: 'Thérapie de libération myofasciale',
      intro: { text: 'Contactez Northside Physiotherapy & Massage.' },
      treats: [{ slug: 'fibromyalgia', locale: 'fr', name: 'Fibromyalgie' }],
    });
  });

  it('falls back to the default locale when neither fr-CA nor fr has the entry', async () => {
    const { body } = await graphql(app, { key: keys.public, query: '{ condition(slug: "back-pain", locale: "fr-CA") { locale name } }' });
    expect(body.data.condition).toEqual({ locale: 'en', name: 'Back pain' });
  });

  it('lists every entry once, each in its best locale', async () => {
    const { body } = await graphql(app, {
      key: keys.public,
      query: '{ conditions(locale: "fr-CA", sort: { field: NAME }) { items { slug locale } pageInfo { total } } }',
    });
    expect(body.data.conditions.pageInfo.total).toBe(6);
    const locales = Object.fromEntries(body.data.conditions.items.map((item: { slug: string; locale: string }) => [item.slug, item.locale]));
    expect(locales).toEqual(expect.objectContaining({ fibromyalgia: 'fr', 'back-pain': 'en' }));
  });

  it('is FORBIDDEN for a locale the calling clinic does not publish', async () => {
    const response = await graphql(app, { key: keys.harbour, query: '{ conditions(locale: "fr") { items { slug } } }' });
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    expect(response.body.errors?.[0]?.message).toBe('Clinic "harbour-chiro" does not publish locale "fr" (its locales: en).');
  });
});

describe('drafts and preview', () => {
  beforeAll(async () => {
    const mrt = await documentId('api::technique.technique', MRT);
    const neckPain = await documents('api::condition.condition').create({
      locale: 'en',
      data: { name: 'Neck pain', slug: 'neck-pain', summary: 'Pain in the neck (draft).' },
    });
    const current = (await app.strapi.documents('api::technique.technique').findOne({
      documentId: mrt,
      locale: 'en',
      populate: ['treats'],
    } as never)) as unknown as { treats: Array<{ documentId: string }> };
    await documents('api::technique.technique').update({
      documentId: mrt,
      locale: 'en',
      data: {
        name: 'Myofascial Release Therapy (revised)',
        treats: { set: [...current.treats, { documentId: neckPain.documentId }].map((item) => ({ documentId: item.documentId, locale: 'en' })) },
      },
    });
  });

  const QUERY = `{ technique(slug: "${MRT}") { name treats { slug } } condition(slug: "neck-pain") { name }
                 conditions { pageInfo { total } } }`;

  it('shows a public key the published version only, never the draft or draft-only entries', async () => {
    const { body } = await graphql(app, { key: keys.public, query: QUERY });
    expect(body.data.technique.name).toBe('Myofascial Release Therapy');
    expect(body.data.technique.treats.map((item: { slug: string }) => item.slug)).not.toContain('neck-pain');
    expect(body.data.condition).toBeNull();
    expect(body.data.conditions.pageInfo.total).toBe(6);
  });

  it('shows a preview key the latest drafts, with their relations', async () => {
    const { body } = await graphql(app, { key: keys.preview, query: QUERY });
    expect(body.data.technique.name).toBe('Myofascial Release Therapy (revised)');
    expect(body.data.technique.treats.map((item: { slug: string }) => item.slug)).toContain('neck-pain');
    expect(body.data.condition).toEqual({ name: 'Neck pain' });
    expect(body.data.conditions.pageInfo.total).toBe(7);
  });

  it('lets no filter or search reach a draft with a public key', async () => {
    const { body } = await graphql(app, {
      key: keys.public,
      query: `{ a: conditions(search: "neck") { items { slug } } b: conditions(filter: { treatedBy: "${MRT}" }) { items { slug } }
               c: techniques(filter: { treats: "neck-pain" }) { items { slug } } }`,
    });
    expect(body.data).toEqual({ a: { items: [] }, b: { items: expect.not.arrayContaining([{ slug: 'neck-pain' }]) }, c: { items: [] } });
  });
});
