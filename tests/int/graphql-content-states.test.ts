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
  // The locales (fr-CA → fr → en, de → en) come from config/locales.ts; the seed translates into fr and fr-CA.
  app = await startApp({ isListening: true });
  await runSeed({ strapi: app.strapi });

  const northside = await documentId('api::clinic.clinic', 'northside-physio');
  await documents('api::clinic.clinic').update({ documentId: northside, locale: 'en', data: { locales: ['en', 'fr-CA', 'fr', 'de'] } });
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
  it('serves the fr-CA entry, with the fields it leaves empty from fr, and says which', async () => {
    const { body } = await graphql(app, {
      key: keys.public,
      query: `{ technique(slug: "${MRT}", locale: "fr-CA") { locale name intro { text } providerNote fallbackFields { field locale } treats { slug locale name } } }`,
    });
    expect(body.errors).toBeUndefined();
    const technique = body.data.technique;
    expect(technique).toMatchObject({
      locale: 'fr-CA',
      name: 'Thérapie de libération myofasciale',
      intro: { text: 'Contactez Northside Physiotherapy & Massage.' },
      // Relations are kept once, in the locale they were set in: fr's list, each entry in its best locale.
      treats: [{ slug: 'fibromyalgia', locale: 'fr', name: 'Fibromyalgie' }],
    });
    expect(technique.providerNote).toMatch(/physiothérapeutes/);
    expect(technique.fallbackFields).toEqual(expect.arrayContaining([{ field: 'name', locale: 'fr' }, { field: 'intro', locale: 'fr' }]));
    expect(technique.fallbackFields.map((item: { field: string }) => item.field)).not.toContain('providerNote');
  });

  it('falls back to the default locale when the locale has no entry', async () => {
    const { body } = await graphql(app, { key: keys.public, query: '{ condition(slug: "back-pain", locale: "de") { locale name fallbackFields { field } } }' });
    expect(body.data.condition).toEqual({ locale: 'en', name: 'Back pain', fallbackFields: [] });
  });

  it('lists every entry once, each in its best locale', async () => {
    const { body } = await graphql(app, {
      key: keys.public,
      query: '{ providerTypes(locale: "fr-CA", sort: { field: NAME }) { items { slug locale name } pageInfo { total } } }',
    });
    expect(body.data.providerTypes.pageInfo.total).toBe(5);
    const served = Object.fromEntries(body.data.providerTypes.items.map((item: { slug: string; locale: string; name: string }) => [item.slug, [item.locale, item.name]]));
    expect(served).toEqual(expect.objectContaining({ 'physical-therapist': ['fr-CA', 'Physiothérapeute'], 'occupational-therapist': ['fr', 'Ergothérapeute'] }));
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

  const REVIEW = 'medicalReview { status reviewedBy reviewerType reviewerCredentials lastReviewed nextReviewDue }';

  it('serves a live key every published entry with its medical review (status REVIEWED)', async () => {
    const { body } = await graphql(app, { key: keys.public, query: `{ conditions(page: { pageSize: 100 }) { items { slug ${REVIEW} } } }` });
    expect(body.errors).toBeUndefined();
    const reviews = body.data.conditions.items.map((item: { medicalReview: unknown }) => item.medicalReview);
    expect(reviews).toHaveLength(6);
    for (const review of reviews) {
      expect(review).toMatchObject({ status: 'REVIEWED', reviewedBy: expect.any(String), reviewerType: expect.stringMatching(/^(PERSON|ORGANIZATION)$/) });
      expect(review.lastReviewed).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('previews a draft not yet reviewed with status MISSING and null review fields, the rest of the entry intact', async () => {
    const response = await graphql(app, { key: keys.preview, query: `{ condition(slug: "neck-pain") { name ${REVIEW} } }` });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.condition).toEqual({
      name: 'Neck pain',
      medicalReview: { status: 'MISSING', reviewedBy: null, reviewerType: null, reviewerCredentials: null, lastReviewed: null, nextReviewDue: null },
    });
  });

  it('previews the therapy page of a technique not yet reviewed: the page, its MISSING review, and JSON-LD without a reviewer', async () => {
    await documents('api::technique.technique').create({
      locale: 'en',
      data: {
        name: 'Cupping', slug: 'cupping-draft', summary: 'Suction cups on the skin (draft).', goal: 'Loosen tissue.',
        intro: [{ type: 'paragraph', children: [{ type: 'text', text: 'Draft intro.' }] }],
      },
    });
    const query = `{ therapyPage(slug: "cupping-draft") { jsonLd technique { name ${REVIEW} } } }`;
    const preview = await graphql(app, { key: keys.preview, query });
    expect(preview.body.errors).toBeUndefined();
    expect(preview.body.data.therapyPage.technique).toEqual({
      name: 'Cupping',
      medicalReview: { status: 'MISSING', reviewedBy: null, reviewerType: null, reviewerCredentials: null, lastReviewed: null, nextReviewDue: null },
    });
    expect(preview.body.data.therapyPage.jsonLd).not.toHaveProperty('reviewedBy');
    expect(errorCodes(await graphql(app, { key: keys.public, query }))).toEqual(['NOT_FOUND']);
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
