import type { UID } from '@strapi/strapi';
import { runSeed } from '../../src/seed';
import { copySeed, type SeedCopy } from '../helpers/seed-files';
import { startApp, type TestApp } from '../helpers/strapi';

const EXPECTED_COUNTS: Array<[UID.ContentType, number]> = [
  ['api::technique.technique', 1],
  ['api::condition.condition', 6],
  ['api::cause.cause', 3],
  ['api::provider-type.provider-type', 5],
  ['api::benefit.benefit', 3],
  ['api::clinic.clinic', 3],
];

let app: TestApp;

async function documentIds(uid: UID.ContentType, status: 'draft' | 'published'): Promise<string[]> {
  const entries = await app.strapi.documents(uid).findMany({ status, locale: 'en', fields: ['documentId'] } as never);
  return (entries as unknown as Array<{ documentId: string }>).map((entry) => entry.documentId).sort();
}

async function publishedBySlug(uid: UID.ContentType, slug: string, populate: string[]): Promise<Record<string, unknown>> {
  const entry = await app.strapi.documents(uid).findFirst({
    filters: { slug },
    status: 'published',
    locale: 'en',
    populate,
  } as never);
  if (entry === null) throw new Error(`no published ${uid} "${slug}"`);
  return entry as unknown as Record<string, unknown>;
}

function slugs(value: unknown): string[] {
  return (value as Array<{ slug: string }>).map((item) => item.slug).sort();
}

beforeAll(async () => {
  app = await startApp();
  await runSeed({ strapi: app.strapi });
});

afterAll(async () => {
  await app?.stop();
});

describe('seed import', () => {
  it.each(EXPECTED_COUNTS)('creates and publishes every %s entry (%i)', async (uid, count) => {
    const drafts = await documentIds(uid, 'draft');
    const published = await documentIds(uid, 'published');
    expect(drafts).toHaveLength(count);
    expect(published).toEqual(drafts);
  });

  it('links MRT to the conditions it treats, including fibromyalgia and migraine headaches', async () => {
    const mrt = await publishedBySlug('api::technique.technique', 'myofascial-release-therapy', ['treats']);
    expect(slugs(mrt.treats)).toEqual([
      'back-pain',
      'fibromyalgia',
      'migraine-headaches',
      'myofascial-pain-syndrome',
      'shoulder-pain',
      'tissue-tightness-restricting-motion',
    ]);
  });

  it('has MRT delivered by all five provider types, osteopathic physicians among them', async () => {
    const mrt = await publishedBySlug('api::technique.technique', 'myofascial-release-therapy', ['providerTypes']);
    expect(slugs(mrt.providerTypes)).toEqual([
      'chiropractor',
      'massage-therapist',
      'occupational-therapist',
      'osteopathic-physician',
      'physical-therapist',
    ]);
  });

  it('records stiff fascia as a cause of myofascial pain syndrome, seen from both sides', async () => {
    const condition = await publishedBySlug('api::condition.condition', 'myofascial-pain-syndrome', ['causes']);
    expect(slugs(condition.causes)).toContain('stiff-fascia');
    const cause = await publishedBySlug('api::cause.cause', 'stiff-fascia', ['conditions']);
    expect(slugs(cause.conditions)).toContain('myofascial-pain-syndrome');
  });

  it('structures the article: abbreviation, FAQs, procedure and a call to action with the clinic token', async () => {
    const mrt = await publishedBySlug('api::technique.technique', 'myofascial-release-therapy', [
      'faqs',
      'procedure',
      'assessments',
      'progressMeasures',
      'callToAction',
      'benefits',
    ]);
    expect(mrt.abbreviation).toBe('MRT');
    const questions = (mrt.faqs as Array<{ question: string }>).map((faq) => faq.question);
    expect(questions).toEqual(expect.arrayContaining(['What is myofascial pain?', 'What causes myofascial pain?']));
    expect((mrt.procedure as unknown[]).length).toBeGreaterThanOrEqual(3);
    expect((mrt.assessments as Array<{ text: string }>).map((item) => item.text).join(' ')).toMatch(/knots.*stiffness.*motion loss.*asymmetry/is);
    expect((mrt.callToAction as { text: string }).text).toContain('{{clinic.name}}');
    expect(slugs(mrt.benefits)).toHaveLength(3);
  });

  it('gives the three demo clinics different names and contact details, offering MRT', async () => {
    const clinics = (await app.strapi.documents('api::clinic.clinic').findMany({
      status: 'published',
      locale: 'en',
      populate: ['offeredTechniques', 'address'],
    } as never)) as unknown as Array<Record<string, unknown>>;
    expect(new Set(clinics.map((clinic) => clinic.name)).size).toBe(3);
    expect(new Set(clinics.map((clinic) => clinic.phone)).size).toBe(3);
    expect(new Set(clinics.map((clinic) => clinic.email)).size).toBe(3);
    for (const clinic of clinics) expect(slugs(clinic.offeredTechniques)).toEqual(['myofascial-release-therapy']);
  });

  it('changes and duplicates nothing when run a second time', async () => {
    const before = await Promise.all(EXPECTED_COUNTS.map(([uid]) => documentIds(uid, 'published')));
    const report = await runSeed({ strapi: app.strapi });
    // 21 English entries and 48 translations (es: 20, fr: 21, fr-CA: 7).
    expect(report.counts).toEqual({ created: 0, updated: 0, unchanged: 69, 'kept-edited': 0 });
    const after = await Promise.all(EXPECTED_COUNTS.map(([uid]) => documentIds(uid, 'published')));
    expect(after).toEqual(before);
  });
});

describe('seed import after the seed files change', () => {
  let seed: SeedCopy;

  beforeEach(() => {
    seed = copySeed();
  });

  afterEach(() => {
    seed.remove();
  });

  it('updates and republishes a changed entry, keeping the links other entries hold to it', async () => {
    const causes = seed.read('causes.json');
    const stiffFascia = causes.find((cause) => cause.slug === 'stiff-fascia');
    if (stiffFascia === undefined) throw new Error('seed lacks stiff-fascia');
    stiffFascia.summary = 'Stiff fascia tightens skeletal muscle and connective tissue, which generates pain.';
    seed.write('causes.json', causes);

    const report = await runSeed({ strapi: app.strapi, dir: seed.dir });

    expect(report.outcomes.filter((outcome) => outcome.action === 'updated').map((outcome) => outcome.slug)).toEqual([
      'stiff-fascia',
    ]);
    const cause = await publishedBySlug('api::cause.cause', 'stiff-fascia', ['conditions', 'techniques']);
    expect(cause.summary).toBe(stiffFascia.summary);
    expect(slugs(cause.conditions)).toEqual(['myofascial-pain-syndrome', 'tissue-tightness-restricting-motion']);
    expect(slugs(cause.techniques)).toEqual(['myofascial-release-therapy']);
  });

  it('keeps an entry an editor changed since the last seed, and replaces it only when told to', async () => {
    const benefit = await publishedBySlug('api::benefit.benefit', 'return-to-normal-function', []);
    const documents = app.strapi.documents('api::benefit.benefit');
    await documents.update({ documentId: benefit.documentId as string, locale: 'en', data: { summary: 'Edited by an editor.' } } as never);
    const benefits = seed.read('benefits.json');
    const seeded = benefits.find((item) => item.slug === 'return-to-normal-function');
    if (seeded === undefined) throw new Error('seed lacks return-to-normal-function');
    seeded.summary = 'A new seed summary.';
    seed.write('benefits.json', benefits);

    const kept = await runSeed({ strapi: app.strapi, dir: seed.dir });
    expect(kept.outcomes.find((outcome) => outcome.slug === 'return-to-normal-function')?.action).toBe('kept-edited');
    const draft = await documents.findOne({ documentId: benefit.documentId as string, locale: 'en', status: 'draft' } as never);
    expect((draft as unknown as { summary: string }).summary).toBe('Edited by an editor.');

    const forced = await runSeed({ strapi: app.strapi, dir: seed.dir, shouldOverwriteEdits: true });
    expect(forced.outcomes.find((outcome) => outcome.slug === 'return-to-normal-function')?.action).toBe('updated');
    const published = await publishedBySlug('api::benefit.benefit', 'return-to-normal-function', []);
    expect(published.summary).toBe('A new seed summary.');
  });

  it('leaves an entry an editor unpublished unpublished, and republishes it only when told to', async () => {
    const provider = await publishedBySlug('api::provider-type.provider-type', 'chiropractor', []);
    const documents = app.strapi.documents('api::provider-type.provider-type');
    await documents.unpublish({ documentId: provider.documentId as string, locale: 'en' } as never);

    const kept = await runSeed({ strapi: app.strapi, dir: seed.dir });
    expect(kept.outcomes.find((outcome) => outcome.slug === 'chiropractor')).toEqual(
      expect.objectContaining({ action: 'kept-edited', isPublished: false }),
    );
    expect(await documents.findFirst({ filters: { slug: 'chiropractor' }, status: 'published', locale: 'en' } as never)).toBeNull();

    const forced = await runSeed({ strapi: app.strapi, dir: seed.dir, shouldOverwriteEdits: true });
    expect(forced.outcomes.find((outcome) => outcome.slug === 'chiropractor')).toEqual(
      expect.objectContaining({ action: 'unchanged', isPublished: true }),
    );
    expect((await publishedBySlug('api::provider-type.provider-type', 'chiropractor', [])).documentId).toBe(provider.documentId);
  });
});
