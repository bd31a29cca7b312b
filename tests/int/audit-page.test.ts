/**
 * "As served on a day" (npm run audit:page) over a real, seeded Strapi: a technique's life — published,
 * offered by the clinic, edited and republished, adapted by the clinic, a related condition renamed,
 * unpublished — with what /graphql served after each step kept, then the page rebuilt from content
 * history at a moment after each step must equal it; and the answers for a page not served then, a
 * moment before history, an unknown clinic or page, and a mistake on the command line.
 */
import { execFile } from 'child_process';
import path from 'path';
import { promisify } from 'util';
import { createClinicKey } from '../../src/clinics/keys';
import { ADAPTATION, UIDS } from '../../src/content/model';
import { pageAsServed, type AsServedResult, type ConditionPageText, type TechniquePageText } from '../../src/governance/as-served';
import { HISTORY_TABLE } from '../../src/governance/history';
import { runSeed } from '../../src/seed';
import { graphql } from '../helpers/graphql';
import { ROOT, startApp, type TestApp } from '../helpers/strapi';

jest.setTimeout(300000);

const CLINIC = 'montreal-physio';
const LOCALE = 'fr-CA';
const SLUG = 'history-release-therapy';
const CONDITION_SLUG = 'history-stiffness';
const REVIEW = { reviewedBy: 'Clinical content team', reviewerType: 'organization', lastReviewed: '2026-11-01', nextReviewDue: '2027-11-01' };
const paragraph = (text: string) => [{ type: 'paragraph', children: [{ type: 'text', text }] }];

/** The fields audit:page rebuilds, asked of the live API as a clinic site asks them. */
const PAGE_QUERY = `query Page($slug: String!, $locale: String) {
  therapyPage(slug: $slug, locale: $locale) {
    seo { metaTitle metaDescription noIndex }
    clinic { name phone email bookingUrl website address { street city region postalCode country } }
    technique {
      slug locale name abbreviation summary intro { html text } goal howItWorks { html text } procedureOverview
      procedure { title description } assessments progressMeasures treatmentCourse providerNote
      faqs { question answer { html text } source } localSection { html text } callToAction { text buttonLabel url }
      medicalReview { status reviewedBy reviewerType reviewerCredentials lastReviewed nextReviewDue }
      adaptedFields { field locale } fallbackFields { field locale }
      treats { slug locale name summary } causes { slug locale name summary }
      providerTypes { slug locale name summary } benefits { slug locale name summary }
    }
  }
}`;

const CONDITION_QUERY = `query Condition($slug: String!, $locale: String) {
  condition(slug: $slug, locale: $locale) {
    slug locale name summary description { html text } symptoms
    causes { slug locale name summary } techniques { slug locale name summary offeredByClinic }
    faqs { question answer { html text } source } localSection { html text }
    adaptedFields { field locale } fallbackFields { field locale }
    seo { metaTitle metaDescription noIndex }
    medicalReview { status reviewedBy reviewerType reviewerCredentials lastReviewed nextReviewDue }
  }
}`;

type Documents = {
  create(params: object): Promise<{ documentId: string }>;
  update(params: object): Promise<unknown>;
  publish(params: object): Promise<unknown>;
  unpublish(params: object): Promise<unknown>;
  findFirst(params: object): Promise<{ documentId: string } | null>;
};

let app: TestApp;
let key = '';
let techniqueId = '';
let conditionId = '';
const documents = (uid: string) => app.strapi.documents(uid as never) as unknown as Documents;

/** What /graphql served for the page just now, and a moment strictly after it and before the next write. */
interface Served {
  at: number;
  page: TechniquePageText | null;
  code: string | null;
  condition: ConditionPageText['condition'] | null;
}
const timeline: Record<string, Served> = {};
/** The seeded article's page (every locale of the chain, fallbacks, all its relations) right after the seed. */
let seeded: { at: number; page: TechniquePageText } | null = null;

async function settle(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 15));
  const at = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 15));
  return at;
}

async function keep(step: string): Promise<void> {
  const at = await settle();
  const answer = await graphql(app, { key, query: PAGE_QUERY, variables: { slug: SLUG, locale: LOCALE } });
  const condition = await graphql(app, { key, query: CONDITION_QUERY, variables: { slug: CONDITION_SLUG, locale: LOCALE } });
  timeline[step] = { at, page: answer.body.data?.therapyPage ?? null, code: answer.body.errors?.[0]?.extensions?.code ?? null, condition: condition.body.data?.condition ?? null };
}

const asServed = (at: number, overrides: Partial<{ clinic: string; slug: string; pageType: 'techniques' | 'conditions'; locale: string }> = {}): Promise<AsServedResult> =>
  pageAsServed(app.strapi, { clinic: CLINIC, pageType: 'techniques', slug: SLUG, locale: LOCALE, at, ...overrides });

function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'audit.js'), 'page', ...args], { cwd: ROOT, env: { ...process.env }, encoding: 'utf8', timeout: 120000 }).then(
    ({ stdout, stderr }) => ({ status: 0, stdout, stderr }),
    (error: { code?: number; stdout: string; stderr: string }) => ({ status: error.code ?? -1, stdout: error.stdout, stderr: error.stderr }),
  );
}

beforeAll(async () => {
  app = await startApp({ isListening: true });
  await runSeed({ strapi: app.strapi });
  key = (await createClinicKey({ strapi: app.strapi, slug: CLINIC, kind: 'public' })).key;
  const seededAt = await settle();
  seeded = { at: seededAt, page: (await graphql(app, { key, query: PAGE_QUERY, variables: { slug: 'myofascial-release-therapy', locale: LOCALE } })).body.data.therapyPage };
  const backPain = await documents(UIDS.condition).findFirst({ locale: 'en', filters: { slug: 'back-pain' } });

  const condition = await documents(UIDS.condition).create({
    locale: 'en',
    data: { name: 'History stiffness', slug: CONDITION_SLUG, summary: 'Stiffness that {{clinic.name}} sees often.', medicalReview: REVIEW },
  });
  conditionId = condition.documentId;
  await documents(UIDS.condition).publish({ documentId: conditionId, locale: 'en' });
  const technique = await documents(UIDS.technique).create({
    locale: 'en',
    data: {
      name: 'History Release Therapy',
      slug: SLUG,
      summary: 'Release, as practised at {{clinic.name}}.',
      intro: paragraph('Welcome to {{clinic.name}} in {{clinic.city}}.'),
      goal: 'Restore motion.',
      faqs: [{ question: 'Does it hurt?', answer: paragraph('Rarely; call {{clinic.phone}}.') }],
      medicalReview: REVIEW,
      treats: [conditionId, backPain?.documentId],
    },
  });
  techniqueId = technique.documentId;
  await keep('draft');

  // T1: published, not yet offered by the clinic.
  await documents(UIDS.technique).publish({ documentId: techniqueId, locale: 'en' });
  await keep('published');
  const clinic = await documents(UIDS.clinic).findFirst({ locale: 'en', filters: { slug: CLINIC } });
  const mrt = await documents(UIDS.technique).findFirst({ locale: 'en', filters: { slug: 'myofascial-release-therapy' } });
  await documents(UIDS.clinic).update({ documentId: clinic?.documentId, locale: 'en', data: { offeredTechniques: [mrt?.documentId, techniqueId] } });
  await documents(UIDS.clinic).publish({ documentId: clinic?.documentId, locale: 'en' });
  await keep('offered');

  // T2: edited and republished.
  await documents(UIDS.technique).update({ documentId: techniqueId, locale: 'en', data: { summary: 'A gentler release at {{clinic.name}}.', goal: 'Restore motion and ease pain.' } });
  await documents(UIDS.technique).publish({ documentId: techniqueId, locale: 'en' });
  await keep('edited');

  // T3: the clinic's adaptation in fr-CA: its summary, its own section and FAQ item, back pain hidden.
  const adaptation = await documents(ADAPTATION.uid).create({
    locale: LOCALE,
    data: {
      clinic: CLINIC,
      technique: SLUG,
      summary: 'Notre relâchement, chez {{clinic.name}}.',
      localSection: paragraph('Au {{clinic.city}}, on vous reçoit.'),
      faqs: [{ question: 'Stationnement ?', answer: paragraph('Oui, derrière.') }],
      hidden: [{ relation: 'treats', slug: 'back-pain' }],
    },
  });
  await documents(ADAPTATION.uid).publish({ documentId: adaptation.documentId, locale: LOCALE });
  await keep('adapted');

  // T4: the related condition renamed.
  await documents(UIDS.condition).update({ documentId: conditionId, locale: 'en', data: { name: 'Historic stiffness' } });
  await documents(UIDS.condition).publish({ documentId: conditionId, locale: 'en' });
  await keep('renamed');

  // T5: unpublished.
  await documents(UIDS.technique).unpublish({ documentId: techniqueId, locale: 'en' });
  await keep('unpublished');
});

afterAll(async () => {
  await app?.stop();
});

describe('a page as served at a moment', () => {
  it('kept what the live API served at each step (the test itself is sound)', () => {
    expect(timeline.draft?.code).toBe('NOT_FOUND');
    expect(timeline.offered?.page?.technique.summary).toBe('Release, as practised at Physio Montréal.');
    expect(timeline.edited?.page?.technique.goal).toBe('Restore motion and ease pain.');
    expect(timeline.adapted?.page?.technique.adaptedFields.map((field) => field.field)).toEqual(['summary', 'faqs', 'localSection']);
    expect(timeline.adapted?.page?.technique.treats.map((item) => item.slug)).toEqual([CONDITION_SLUG]);
    expect(timeline.renamed?.page?.technique.treats.map((item) => item.name)).toEqual(['Historic stiffness']);
    expect(timeline.unpublished?.code).toBe('NOT_FOUND');
  });

  it.each(['offered', 'edited', 'adapted', 'renamed'])('rebuilds exactly what /graphql served after the step "%s"', async (step) => {
    const served = timeline[step] as Served;
    const result = await asServed(served.at);
    expect(result.status).toBe('served');
    if (result.status !== 'served') return;
    expect(result.text).toEqual(served.page);
    expect(result.chain).toEqual(['fr-CA', 'fr', 'en']);
  });

  it.each(['offered', 'edited', 'adapted', 'renamed'])('rebuilds exactly the condition page /graphql served after the step "%s"', async (step) => {
    const served = timeline[step] as Served;
    const result = await asServed(served.at, { pageType: 'conditions', slug: CONDITION_SLUG });
    expect(result.status).toBe('served');
    if (result.status === 'served' && 'condition' in result.text) expect(result.text.condition).toEqual(served.condition);
  });

  it('rebuilds the seeded article as served in fr-CA: rows of three locales, fallback fields and every relation', async () => {
    const result = await asServed(seeded?.at as number, { slug: 'myofascial-release-therapy' });
    expect(result.status).toBe('served');
    if (result.status === 'served') expect(result.text).toEqual(seeded?.page);
    expect(seeded?.page.technique.treats.length).toBeGreaterThan(3);
  });

  it('names the version each part came from: the technique, the adaptation, the clinic and each related entry', async () => {
    const result = await asServed((timeline.adapted as Served).at);
    if (result.status !== 'served') throw new Error(result.status);
    const parts = Object.fromEntries(result.sources.map((source) => [source.part, source]));
    expect(parts[`technique ${SLUG}`]).toMatchObject({ locale: 'en', versions: [expect.objectContaining({ documentId: techniqueId, locale: 'en', action: 'publish', actor: 'service:service' })] });
    expect(parts['summary (the clinic\'s adaptation)']).toMatchObject({ locale: 'fr-CA', versions: [expect.objectContaining({ uid: ADAPTATION.uid, locale: 'fr-CA', action: 'publish' })] });
    expect(parts[`treats: ${CONDITION_SLUG}`]?.versions[0]).toMatchObject({ documentId: conditionId, action: 'publish' });
    expect(parts[`clinic ${CLINIC}`]?.versions.length).toBeGreaterThan(0);
  });

  it('says a page was not served before it was published, while the clinic did not offer it, and after it was unpublished', async () => {
    const draft = await asServed((timeline.draft as Served).at);
    expect(draft).toMatchObject({ status: 'not-served', reason: expect.stringMatching(/^Technique "history-release-therapy" was not yet published in fr-CA → fr → en at .*: first published /) });
    const notOffered = await asServed((timeline.published as Served).at);
    expect(notOffered).toMatchObject({ status: 'not-served', reason: expect.stringContaining(`did not offer technique "${SLUG}"`) });
    const unpublished = await asServed((timeline.unpublished as Served).at);
    expect(unpublished).toMatchObject({ status: 'not-served', reason: expect.stringContaining('its last change before then was the unpublish by service:service'), version: { documentId: techniqueId, action: 'unpublish' } });
  });

  it('rebuilds the condition page with its new name after the rename, and says a condition no offered technique treats has no page', async () => {
    const renamed = await asServed((timeline.renamed as Served).at, { pageType: 'conditions', slug: CONDITION_SLUG });
    expect(renamed.status === 'served' && 'condition' in renamed.text ? renamed.text.condition.name : null).toBe('Historic stiffness');
    const live = await graphql(app, { key, query: `query { condition(slug: "${CONDITION_SLUG}", locale: "${LOCALE}") { name summary } }` });
    expect(live.body.data.condition).toEqual({ name: 'Historic stiffness', summary: 'Stiffness that Physio Montréal sees often.' });
    const afterUnpublish = await asServed((timeline.unpublished as Served).at, { pageType: 'conditions', slug: CONDITION_SLUG });
    expect(afterUnpublish).toMatchObject({ status: 'not-served', reason: expect.stringContaining(`treated condition "${CONDITION_SLUG}"`) });
  });

  it('says no history is recorded before its first version', async () => {
    const [first] = (await app.strapi.db.connection(HISTORY_TABLE).min({ at: 'at' })) as Array<{ at: number | string }>;
    const result = await asServed(Number(first?.at) - 1);
    expect(result).toMatchObject({ status: 'no-history', firstRecordedAt: new Date(Number(first?.at)).toISOString() });
    if (result.status === 'no-history') expect(result.reason).toContain(`No history recorded before ${new Date(Number(first?.at)).toISOString()}`);
  });

  it('prints only JSON with --json, the same page as the live API served, and says configuration is taken as it is now', async () => {
    const served = timeline.adapted as Served;
    const answer = await cli('--clinic', CLINIC, '--page', `techniques/${SLUG}`, '--locale', LOCALE, '--at', new Date(served.at).toISOString(), '--json');
    expect(answer.status).toBe(0);
    const result = JSON.parse(answer.stdout) as AsServedResult;
    expect(result).toMatchObject({ status: 'served', chain: ['fr-CA', 'fr', 'en'], configuration: expect.stringContaining('taken as it is now') });
    if (result.status === 'served') expect(result.text).toEqual(served.page);
  });

  it('prints the page as text by default, with its sections, versions and the configuration line', async () => {
    const answer = await cli('--clinic', CLINIC, '--page', `techniques/${SLUG}`, '--locale', LOCALE, '--at', new Date((timeline.renamed as Served).at).toISOString());
    expect(answer.status).toBe(0);
    expect(answer.stdout).toContain('Locale chain (as configured now): fr-CA → fr → en');
    expect(answer.stdout).toContain('Configuration (locale chains, settings) is taken as it is now');
    expect(answer.stdout).toContain('# History Release Therapy');
    expect(answer.stdout).toContain('## Summary\nNotre relâchement, chez Physio Montréal.');
    expect(answer.stdout).toContain('- Historic stiffness: Stiffness that Physio Montréal sees often.');
    expect(answer.stdout).toMatch(/- technique history-release-therapy \(served in en\): #\d+ en publish by service:service at /);
  });

  it('exits 1 naming an unknown clinic or page, and 2 with the usage for a mistake on the command line', async () => {
    const at = new Date((timeline.adapted as Served).at).toISOString();
    const unknown = await cli('--clinic', 'no-such-clinic', '--page', `techniques/${SLUG}`, '--locale', LOCALE, '--at', at);
    expect(unknown).toMatchObject({ status: 1, stdout: '' });
    expect(unknown.stderr).toContain('There is no clinic "no-such-clinic", now or in content history.');
    await expect(asServed(Date.now(), { slug: 'no-such-therapy' })).rejects.toThrow('There is no technique "no-such-therapy", now or in content history.');
    const mistake = await cli('--clinic', CLINIC, '--page', 'therapies/x', '--locale', LOCALE, '--at', at);
    expect(mistake.status).toBe(2);
    expect(mistake.stderr).toContain('--page takes techniques/<slug> or conditions/<slug>');
    expect(mistake.stderr).toContain('Usage: npm run audit:export');
    expect((await cli('--clinic', CLINIC, '--page', `techniques/${SLUG}`, '--locale', LOCALE, '--at', 'yesterday')).status).toBe(2);
  });
});

// Last: these tests remove versions, as if history had begun after the content was written.
describe('entries not changed since history began', () => {
  beforeAll(async () => {
    const history = () => app.strapi.db.connection(HISTORY_TABLE);
    const seededConditions = (await app.strapi.db.query(UIDS.condition).findMany({ where: { slug: { $ne: CONDITION_SLUG } }, select: ['documentId'] })) as Array<{ documentId: string }>;
    await history().where({ uid: UIDS.condition }).whereIn('document_id', seededConditions.map((row) => row.documentId)).del();
    await history().where({ uid: UIDS.condition, document_id: conditionId }).andWhere('at', '<=', (timeline.adapted as Served).at).del();
    const montreal = (await app.strapi.db.query(UIDS.clinic).findOne({ where: { slug: CLINIC }, select: ['documentId'] })) as { documentId: string };
    await history().where({ uid: UIDS.clinic, document_id: montreal.documentId }).andWhere('at', '<=', (seeded?.at as number)).del();
  });

  it('serves an entry with no version as it is now, and one first changed later as that change found it', async () => {
    const result = await asServed(seeded?.at as number, { slug: 'myofascial-release-therapy' });
    if (result.status !== 'served') throw new Error(result.status);
    expect(result.text).toEqual(seeded?.page);
    const parts = Object.fromEntries(result.sources.map((source) => [source.part, source]));
    expect(parts['treats: back-pain']?.versions.every((version) => version.basis === 'unchanged' && version.historyId === null)).toBe(true);
    expect(parts[`clinic ${CLINIC}`]?.versions[0]).toMatchObject({ basis: 'before', locale: 'en', action: 'publish' });
  });

  it('rebuilds the condition page before its rename from the values the rename replaced', async () => {
    const served = timeline.adapted as Served;
    const result = await asServed(served.at, { pageType: 'conditions', slug: CONDITION_SLUG });
    if (result.status !== 'served' || !('condition' in result.text)) throw new Error(result.status);
    expect(result.text.condition).toEqual(served.condition);
    expect(result.sources.find((source) => source.part === `condition ${CONDITION_SLUG}`)?.versions[0]).toMatchObject({ basis: 'before', action: 'publish' });
  });
});
