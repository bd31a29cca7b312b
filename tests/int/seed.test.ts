import type { UID } from '@strapi/strapi';
import { outdatedAdaptations } from '../../src/clinics/adaptations/drift';
import { ADAPTATION } from '../../src/content/model';
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

const MRT = 'myofascial-release-therapy';

interface AdaptationRow {
  documentId: string;
  clinic: string;
  technique: string | null;
  condition: string | null;
  locale: string;
  publishedAt: unknown;
  summary: string | null;
  intro: Array<{ children: Array<{ text: string }> }> | null;
  localSection: Array<{ children: Array<{ text: string }> }> | null;
  callToAction: { text: string } | null;
  faqs: Array<{ question: string }>;
  hidden: Array<{ relation: string; slug: string }>;
  basis: unknown;
}

/** Every row (draft and published, every locale) of the clinic adaptations, as stored. */
async function adaptationRows(where: Record<string, unknown> = {}): Promise<AdaptationRow[]> {
  return (await app.strapi.db.query(ADAPTATION.uid).findMany({
    where,
    populate: { faqs: true, hidden: true, callToAction: true },
    orderBy: [{ clinic: 'asc' }, { locale: 'asc' }, { id: 'asc' }],
  })) as AdaptationRow[];
}

const isPublished = (row: AdaptationRow) => row.publishedAt !== null && row.publishedAt !== undefined;
const plain = (blocks: AdaptationRow['intro']) => (blocks ?? []).map((block) => block.children.map((child) => child.text).join('')).join('\n');
const basisLocales = (basis: unknown) =>
  Object.fromEntries(Object.entries((typeof basis === 'string' ? JSON.parse(basis) : basis) as Record<string, { locale: string }>).map(([field, entry]) => [field, entry.locale]));

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

  it('publishes Harbour\'s en adaptation of MRT (own intro, a direct-billing FAQ, a local section, a hidden condition) and Physio Montréal\'s fr-CA one', async () => {
    const published = (await adaptationRows()).filter(isPublished);
    expect(published.map((row) => [row.clinic, row.technique, row.condition, row.locale])).toEqual([
      ['harbour-chiro', MRT, null, 'en'],
      ['montreal-physio', MRT, null, 'fr-CA'],
    ]);
    const [harbour, montreal] = published as [AdaptationRow, AdaptationRow];
    expect(plain(harbour.intro)).toMatch(/^At \{\{clinic\.name\}\}, Myofascial Release Therapy/);
    expect(harbour.summary).toBeNull();
    expect(harbour.faqs.map((faq) => faq.question)).toEqual(['Do you bill my insurance directly?']);
    expect(plain(harbour.localSection)).toContain('{{clinic.address}}');
    expect(harbour.hidden.map(({ relation, slug }) => ({ relation, slug }))).toEqual([{ relation: 'treats', slug: 'fibromyalgia' }]);
    expect(plain(montreal.intro)).toMatch(/^À \{\{clinic\.name\}\}/);
    expect(montreal.callToAction?.text).toContain('{{clinic.phone}}');
  });

  it("leaves the basis to the service: each override's base along its chain (Montréal's fr-CA from fr, which fr-CA leaves out)", async () => {
    const published = (await adaptationRows()).filter(isPublished);
    expect(published.map((row) => [row.clinic, basisLocales(row.basis)])).toEqual([
      ['harbour-chiro', { intro: 'en' }],
      ['montreal-physio', { intro: 'fr', callToAction: 'fr' }],
    ]);
  });

  it('leaves no clinic adaptation out of date', async () => {
    expect((await outdatedAdaptations(app.strapi, { clinics: null })).adaptations).toEqual([]);
  });

  it('changes and duplicates nothing when run a second time', async () => {
    const before = await Promise.all(EXPECTED_COUNTS.map(([uid]) => documentIds(uid, 'published')));
    const adaptationsBefore = (await adaptationRows()).map((row) => [row.documentId, row.locale, isPublished(row)]);
    const report = await runSeed({ strapi: app.strapi });
    // 21 English entries, 48 translations (es: 20, fr: 21, fr-CA: 7) and 2 clinic adaptations (one locale each).
    expect(report.counts).toEqual({ created: 0, updated: 0, unchanged: 71, 'kept-edited': 0 });
    const after = await Promise.all(EXPECTED_COUNTS.map(([uid]) => documentIds(uid, 'published')));
    expect(after).toEqual(before);
    expect((await adaptationRows()).map((row) => [row.documentId, row.locale, isPublished(row)])).toEqual(adaptationsBefore);
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

  it('updates and republishes a changed clinic adaptation in place', async () => {
    const [before] = (await adaptationRows({ clinic: 'montreal-physio' })).filter(isPublished);
    const adaptations = seed.read<Array<{ clinic: string; locales: Record<string, { callToAction: { text: string } }> }>>('clinic-adaptations.json');
    const montreal = adaptations.find((adaptation) => adaptation.clinic === 'montreal-physio')?.locales['fr-CA'];
    if (montreal === undefined) throw new Error('the seed lacks the Montréal adaptation');
    montreal.callToAction.text = 'Réservez chez {{clinic.name}} en ligne, ou au {{clinic.phone}}.';
    seed.write('clinic-adaptations.json', adaptations);

    const report = await runSeed({ strapi: app.strapi, dir: seed.dir });

    const adapted = report.outcomes.filter((outcome) => outcome.uid === ADAPTATION.uid);
    expect(adapted.map(({ slug, locale, action }) => [slug, locale, action])).toEqual([
      [`harbour-chiro/${MRT}`, 'en', 'unchanged'],
      [`montreal-physio/${MRT}`, 'fr-CA', 'updated'],
    ]);
    const rows = await adaptationRows({ clinic: 'montreal-physio' });
    expect(rows.map((row) => [row.documentId, row.locale, row.callToAction?.text])).toEqual([
      [before?.documentId, 'fr-CA', montreal.callToAction.text],
      [before?.documentId, 'fr-CA', montreal.callToAction.text],
    ]);
  });

  it('keeps a clinic adaptation an editor changed since the last seed, and replaces it only when told to', async () => {
    const [harbour] = (await adaptationRows({ clinic: 'harbour-chiro' })).filter(isPublished);
    const documents = app.strapi.documents(ADAPTATION.uid);
    const edited = [{ type: 'paragraph', children: [{ type: 'text', text: 'Our own words, written in the admin.' }] }];
    await documents.update({ documentId: harbour?.documentId as string, locale: 'en', data: { intro: edited } } as never);
    const adaptations = seed.read<Array<{ clinic: string; locales: Record<string, { localSection: string[] }> }>>('clinic-adaptations.json');
    const seeded = adaptations.find((adaptation) => adaptation.clinic === 'harbour-chiro')?.locales.en;
    if (seeded === undefined) throw new Error('the seed lacks the Harbour adaptation');
    seeded.localSection = ['A new seed local section.'];
    seed.write('clinic-adaptations.json', adaptations);
    const outcome = (report: Awaited<ReturnType<typeof runSeed>>) => report.outcomes.find((item) => item.slug === `harbour-chiro/${MRT}`)?.action;

    expect(outcome(await runSeed({ strapi: app.strapi, dir: seed.dir }))).toBe('kept-edited');
    const [draft] = (await adaptationRows({ clinic: 'harbour-chiro' })).filter((row) => !isPublished(row));
    expect(plain(draft?.intro ?? null)).toBe('Our own words, written in the admin.');

    expect(outcome(await runSeed({ strapi: app.strapi, dir: seed.dir, shouldOverwriteEdits: true }))).toBe('updated');
    const [published] = (await adaptationRows({ clinic: 'harbour-chiro' })).filter(isPublished);
    expect([published?.documentId, plain(published?.localSection ?? null)]).toEqual([harbour?.documentId, 'A new seed local section.']);
    expect(plain(published?.intro ?? null)).toMatch(/^At \{\{clinic\.name\}\}/);
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
