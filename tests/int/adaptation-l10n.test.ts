/**
 * Clinic adaptations for marketing teams, on a real Strapi: the coverage report counts each clinic's
 * adaptations per locale (function, endpoint, command), and XLIFF hands one clinic's adaptations to a
 * translator and takes them back with the guarantees of the content's XLIFF (schema-valid, byte-stable
 * round trip, source-changed detection, unknown ids and clinics refused, nothing else touched).
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { createClinicKey } from '../../src/clinics/keys';
import { translationCoverage, type CoverageReport } from '../../src/l10n/coverage';
import { exportXliff, importXliff, XliffError } from '../../src/l10n/xliff';
import { runSeed } from '../../src/seed';
import { ROOT, startApp, type TestApp } from '../helpers/strapi';
import { validateXliff } from '../helpers/xml-schema';

const ADMIN = { email: 'adaptation-translator@clinic-content.test', password: 'Adapt-L10n-Pass-123' };
const ADAPTATION = 'api::clinic-adaptation.clinic-adaptation';
const MRT = 'myofascial-release-therapy';
/** A clinic of this test alone: it has no adaptations whatever the seed holds. */
const QUIET = 'lakeside-massage';

let app: TestApp;
let dir: string;
const ids: Record<'mrt' | 'backPain' | 'montreal', string> = { mrt: '', backPain: '', montreal: '' };
const keys = { preview: '' };

type Documents = {
  findFirst(params: object): Promise<Record<string, any> | null>;
  findMany(params: object): Promise<Array<Record<string, any>>>;
  update(params: object): Promise<Record<string, any>>;
  publish(params: object): Promise<unknown>;
  create(params: object): Promise<{ documentId: string }>;
};
const documents = (uid: string) => app.strapi.documents(uid as never) as unknown as Documents;

const paragraph = (...children: object[]) => ({ type: 'paragraph', children });
const text = (value: string, marks: object = {}) => ({ type: 'text', text: value, ...marks });

function file(name: string, contents?: string): string {
  const target = path.join(dir, name);
  if (contents !== undefined) writeFileSync(target, contents);
  return target;
}

/** The unit ids of an export. */
const unitIds = (xml: string) => [...xml.matchAll(/<unit id="([^"]+)"/g)].map((match) => match[1] as string);

/** A vendor's work: every unit gets a target, its source's text prefixed with `[<locale>] `. */
function translate(xml: string, locale: string): string {
  return xml.replace(/(\s*)<source>([\s\S]*?)<\/source>(\s*<target>[\s\S]*?<\/target>)?/g, (_, space: string, inner: string) => `${space}<source>${inner}</source>${space}<target>[${locale}] ${inner}</target>`);
}

async function createAdaptation(input: { locale: string; data: Record<string, unknown> }): Promise<string> {
  const { documentId } = await documents(ADAPTATION).create(input);
  await documents(ADAPTATION).publish({ documentId, locale: input.locale });
  return documentId;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'clinic-adaptation-l10n-'));
  app = await startApp({ isListening: true, environment: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
  await runSeed({ strapi: app.strapi });

  const quiet = await documents('api::clinic.clinic').create({
    locale: 'en',
    data: {
      name: 'Lakeside Massage',
      slug: QUIET,
      phone: '+1 604 555 0199',
      email: 'desk@lakeside-massage.example',
      address: { street: '1 Lake Road', city: 'Vancouver', region: 'BC', postalCode: 'V6B 1A1', country: 'CA' },
      locales: ['en'],
    },
  });
  await documents('api::clinic.clinic').publish({ documentId: quiet.documentId, locale: 'en' });

  // Northside adapts the MRT article (every text field, and a hidden condition) and back pain (en, and fr).
  ids.mrt = await createAdaptation({
    locale: 'en',
    data: {
      clinic: 'northside-physio',
      technique: MRT,
      summary: 'Hands-on release of tight fascia at {{clinic.name}}.',
      intro: [paragraph(text('At '), text('{{clinic.name}}', { bold: true }), text(' your first visit starts with a movement check.')), paragraph(text('Bring loose clothing.'))],
      callToAction: { text: 'Book your release session at {{clinic.name}}.', buttonLabel: 'Book now', url: 'https://northside-physio.example/book/mrt' },
      seo: { metaTitle: 'Myofascial release in North Vancouver', metaDescription: 'Myofascial release therapy at Northside.', noIndex: false },
      faqs: [{ question: 'Do you bill my insurance directly?', answer: [paragraph(text('Yes, for most extended health plans.'))] }],
      localSection: [paragraph(text('Free parking behind the building.'))],
      hidden: [{ relation: 'treats', slug: 'migraine-headaches' }],
    },
  });
  ids.backPain = await createAdaptation({
    locale: 'en',
    data: { clinic: 'northside-physio', condition: 'back-pain', summary: 'Back pain, seen the same week at Northside.' },
  });
  await documents(ADAPTATION).update({ documentId: ids.backPain, locale: 'fr', data: { clinic: 'northside-physio', condition: 'back-pain', summary: 'Le mal de dos, vu la même semaine à Northside.' } });
  await documents(ADAPTATION).publish({ documentId: ids.backPain, locale: 'fr' });
  // Montréal adapts shoulder pain in fr-CA only: nothing in en to translate from.
  ids.montreal = await createAdaptation({ locale: 'fr-CA', data: { clinic: 'montreal-physio', condition: 'shoulder-pain', summary: "L'épaule, traitée chez Physio Montréal." } });

  keys.preview = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'preview' })).key;
}, 240000);

afterAll(async () => {
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('coverage of clinic adaptations', () => {
  const northside = (report: CoverageReport, locale: string) => report.locales.find((item) => item.locale === locale)?.adaptations.find((item) => item.clinic === 'northside-physio');

  it('counts per locale and clinic the adaptations, those with their own row, and those served from the chain', async () => {
    const report = await translationCoverage(app.strapi);
    expect(report.clinic).toBeNull();
    expect(northside(report, 'fr')).toEqual({
      clinic: 'northside-physio',
      adaptations: 2,
      own: 1,
      fromChain: 1,
      unserved: 0,
      stale: 0,
      details: [{ documentId: ids.mrt, type: 'technique', target: MRT, state: 'chain', servedIn: 'en', stale: null }],
    });
    // fr-CA walks fr-CA → fr → en: back pain comes from fr, MRT from en.
    expect(northside(report, 'fr-CA')?.details.map((detail) => [detail.target, detail.state, detail.servedIn])).toEqual([
      ['back-pain', 'chain', 'fr'],
      [MRT, 'chain', 'en'],
    ]);
    expect(northside(report, 'es')).toMatchObject({ adaptations: 2, own: 0, fromChain: 2, unserved: 0 });

    const montreal = (locale: string) =>
      report.locales.find((item) => item.locale === locale)?.adaptations.find((item) => item.clinic === 'montreal-physio');
    expect(montreal('fr-CA')?.details.find((detail) => detail.documentId === ids.montreal)).toBeUndefined(); // its own row: nothing to report
    expect(montreal('fr')?.details.find((detail) => detail.documentId === ids.montreal)).toEqual({
      documentId: ids.montreal,
      type: 'condition',
      target: 'shoulder-pain',
      state: 'unserved',
      servedIn: null,
      stale: null,
    });
    // The content types' part of the report is as it was.
    expect(report.locales.find((item) => item.locale === 'de')?.types.map((type) => type.type)).toEqual(['technique', 'condition', 'cause', 'provider-type', 'benefit', 'clinic']);
  });

  it('counts one clinic with --clinic, a clinic without adaptations as zero, and refuses an unknown clinic', async () => {
    const report = await translationCoverage(app.strapi, { clinic: 'northside-physio', locales: ['fr'] });
    expect(report.clinic).toBe('northside-physio');
    expect(report.locales[0]?.adaptations.map((item) => item.clinic)).toEqual(['northside-physio']);

    const quiet = await translationCoverage(app.strapi, { clinic: QUIET, locales: ['fr'] });
    expect(quiet.locales[0]?.adaptations).toEqual([{ clinic: QUIET, adaptations: 0, own: 0, fromChain: 0, unserved: 0, stale: 0, details: [] }]);

    // --type keeps adaptations of those types.
    const conditions = await translationCoverage(app.strapi, { clinic: 'northside-physio', locales: ['fr'], types: ['condition'] });
    expect(conditions.locales[0]?.adaptations[0]).toMatchObject({ adaptations: 1, own: 1 });

    await expect(translationCoverage(app.strapi, { clinic: 'no-such-clinic' })).rejects.toThrow('Unknown clinic "no-such-clinic": no clinic has that slug.');
  });

  it('reports a translated adaptation as stale once its source row is edited after it', async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    await documents(ADAPTATION).update({ documentId: ids.backPain, locale: 'en', data: { summary: 'Back pain, seen the same week at Northside (revised).' } });
    const report = await translationCoverage(app.strapi, { clinic: 'northside-physio', locales: ['fr'], status: 'draft' });
    const [coverage] = report.locales[0]?.adaptations ?? [];
    expect(coverage?.stale).toBe(1);
    expect(coverage?.details.find((detail) => detail.documentId === ids.backPain)?.stale).toMatchObject({ source: 'en' });
    await documents(ADAPTATION).publish({ documentId: ids.backPain, locale: 'en' });
  });

  describe('GET /l10n/coverage?clinic=', () => {
    const get = async (query: string, token: string) => {
      const response = await fetch(`${app.baseUrl}/l10n/coverage${query}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, body: (await response.json()) as any };
    };
    let adminToken: string;
    beforeAll(async () => {
      const login = await fetch(`${app.baseUrl}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
      adminToken = ((await login.json()) as { data: { token: string } }).data.token;
    });

    it('gives an admin any clinic, and refuses an unknown one with BAD_USER_INPUT', async () => {
      const montreal = await get('?locale=fr-CA&clinic=montreal-physio', adminToken);
      expect(montreal.status).toBe(200);
      expect(montreal.body.data.clinic).toBe('montreal-physio');
      expect(montreal.body.data.locales[0].adaptations.map((item: { clinic: string }) => item.clinic)).toEqual(['montreal-physio']);

      const unknown = await get('?clinic=no-such-clinic', adminToken);
      expect([unknown.status, unknown.body.error]).toEqual([400, { code: 'BAD_USER_INPUT', message: 'Unknown clinic "no-such-clinic": no clinic has that slug.' }]);
    });

    it('gives a preview key its own clinic only: another clinic is 403', async () => {
      const own = await get('?locale=fr', keys.preview);
      expect(own.status).toBe(200);
      expect(own.body.data.clinic).toBe('northside-physio');
      expect(own.body.data.locales[0].adaptations).toEqual([expect.objectContaining({ clinic: 'northside-physio', adaptations: 2 })]);

      const other = await get('?clinic=montreal-physio', keys.preview);
      expect([other.status, other.body.error.code]).toEqual([403, 'FORBIDDEN']);
    });
  });
});

describe('XLIFF for one clinic', () => {
  it('holds exactly that clinic’s adaptations, their text fields only, and validates against the XLIFF 2.0 schema', async () => {
    const exported = await exportXliff(app.strapi, { locale: 'fr', clinic: 'northside-physio' });
    validateXliff(exported.xml);
    expect(exported.notice).toBeNull();
    expect(exported.xml).toContain('<file id="clinic-adaptation">\n    <group id="northside-physio">');
    const ids_ = unitIds(exported.xml);
    expect(ids_.every((id) => id.startsWith(`clinic-adaptation.${ids.mrt}.`) || id.startsWith(`clinic-adaptation.${ids.backPain}.`))).toBe(true);
    expect(ids_.filter((id) => id.includes(ids.mrt)).map((id) => id.slice(`clinic-adaptation.${ids.mrt}.`.length))).toEqual([
      'summary',
      'intro.0',
      'intro.1',
      'callToAction.text',
      'callToAction.buttonLabel',
      'seo.metaTitle',
      'seo.metaDescription',
      'faqs.0.question',
      'faqs.0.answer.0',
      'localSection.0',
    ]);
    // What names the clinic and the target, the hidden entries, the basis and addresses are not text.
    for (const absent of ['migraine-headaches', 'hidden', 'basis', '/book/mrt', 'technique.', ids.montreal]) expect(exported.xml).not.toContain(absent);
    expect(exported.xml).toContain(`name="clinic-adaptation &quot;northside-physio, technique ${MRT}&quot;: intro paragraph 1"`);
    expect(exported.xml).toMatch(/<pc id="1" type="fmt" subType="xlf:b"><ph id="2" equiv="\{\{clinic\.name\}\}"/);
    // Back pain has its fr row: its text is the target.
    expect(exported.withTarget).toBe(1);
    expect(exported.xml).toContain('<target>Le mal de dos, vu la même semaine à Northside.</target>');
  });

  it('leaves adaptations out of the export without --clinic, as before', async () => {
    const exported = await exportXliff(app.strapi, { locale: 'fr' });
    expect(exported.xml).not.toContain('clinic-adaptation');
    expect(exported.notice).toBeNull();
  });

  it('round-trips: a translator’s file becomes the adaptation’s new locale, and exporting again gives the same bytes', async () => {
    const exported = await exportXliff(app.strapi, { locale: 'de', clinic: 'northside-physio' });
    expect(exported.withTarget).toBe(0);
    const translated = translate(exported.xml, 'de');
    validateXliff(translated);
    const result = await importXliff(app.strapi, { file: file('northside-de.xlf', translated), clinic: 'northside-physio' });
    expect(result).toMatchObject({ locale: 'de', units: exported.units, translated: exported.units, entriesWritten: 2, overwritten: [] });

    const de = await documents(ADAPTATION).findFirst({ filters: { documentId: ids.mrt }, locale: 'de', status: 'draft', populate: '*' });
    expect(de).toMatchObject({
      clinic: 'northside-physio',
      technique: MRT,
      summary: '[de] Hands-on release of tight fascia at {{clinic.name}}.',
      callToAction: { text: '[de] Book your release session at {{clinic.name}}.', buttonLabel: '[de] Book now', url: 'https://northside-physio.example/book/mrt' },
      seo: { metaTitle: '[de] Myofascial release in North Vancouver', noIndex: false },
      faqs: [{ question: '[de] Do you bill my insurance directly?', answer: [paragraph(text('[de] Yes, for most extended health plans.'))] }],
      localSection: [paragraph(text('[de] Free parking behind the building.'))],
      hidden: [expect.objectContaining({ relation: 'treats', slug: 'migraine-headaches' })],
    });
    expect(de?.intro[0].children).toEqual([text('[de] At '), text('{{clinic.name}}', { bold: true }), text(' your first visit starts with a movement check.')]);
    // A draft: the published adaptation has no de version until the clinic publishes it.
    expect(await documents(ADAPTATION).findFirst({ filters: { documentId: ids.mrt }, locale: 'de', status: 'published' })).toBeNull();

    const again = await exportXliff(app.strapi, { locale: 'de', clinic: 'northside-physio' });
    expect(again.withTarget).toBe(exported.units);
    writeFileSync(file('northside-de-again.xlf'), again.xml);
    await importXliff(app.strapi, { file: file('northside-de-again.xlf') });
    expect((await exportXliff(app.strapi, { locale: 'de', clinic: 'northside-physio' })).xml).toBe(again.xml);
  });

  it('exports a clinic without adaptations as a valid file with no units, and says why', async () => {
    const exported = await exportXliff(app.strapi, { locale: 'fr', clinic: QUIET });
    validateXliff(exported.xml);
    expect([exported.units, exported.notice]).toEqual([0, `${QUIET} has no adaptations: the file holds no units.`]);
    expect(exported.xml).toContain(`<group id="${QUIET}"/>`);

    // Montréal's shoulder-pain adaptation has no en row to translate from.
    const montreal = await exportXliff(app.strapi, { locale: 'fr', clinic: 'montreal-physio', types: ['condition'] });
    validateXliff(montreal.xml);
    expect([montreal.units, montreal.notice]).toEqual([0, 'montreal-physio has 1 adaptation of condition entries, none in en (the source locale): the file holds no units.']);
  });

  describe('refuses, writing nothing', () => {
    async function refusal(input: { name: string; xml: string; clinic?: string; isForced?: boolean }): Promise<XliffError> {
      const error = await importXliff(app.strapi, { file: file(input.name, input.xml), clinic: input.clinic, isForced: input.isForced }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(XliffError);
      return error as XliffError;
    }

    it('an unknown clinic, on export and on import', async () => {
      await expect(exportXliff(app.strapi, { locale: 'fr', clinic: 'no-such-clinic' })).rejects.toThrow(new XliffError(['Unknown clinic "no-such-clinic": no clinic has that slug.']));
      const xml = (await exportXliff(app.strapi, { locale: 'es', clinic: 'northside-physio' })).xml;
      const error = await refusal({ name: 'unknown-clinic.xlf', xml, clinic: 'no-such-clinic' });
      expect(error.message).toBe('Unknown clinic "no-such-clinic": no clinic has that slug.');
    });

    it('a source changed since the export, unless forced; forced, it reports what it overwrote', async () => {
      const xml = translate((await exportXliff(app.strapi, { locale: 'es', clinic: 'northside-physio' })).xml, 'es');
      await documents(ADAPTATION).update({ documentId: ids.mrt, locale: 'en', data: { summary: 'Hands-on fascia release, now with a longer first visit.' } });
      const error = await refusal({ name: 'stale.xlf', xml, clinic: 'northside-physio' });
      expect(error.problems).toEqual([
        expect.stringContaining(`unit clinic-adaptation.${ids.mrt}.summary: the source changed since the export (now "Hands-on fascia release, now with a longer first visit."); export again, or import with --force`),
      ]);
      expect(await documents(ADAPTATION).findFirst({ filters: { documentId: ids.mrt }, locale: 'es' })).toBeNull();

      const forced = await importXliff(app.strapi, { file: file('stale.xlf'), clinic: 'northside-physio', isForced: true });
      expect(forced.overwritten).toEqual([{ id: `clinic-adaptation.${ids.mrt}.summary`, previous: null }]);
      expect((await documents(ADAPTATION).findFirst({ filters: { documentId: ids.mrt }, locale: 'es', status: 'draft' }))?.summary).toBe('[es] Hands-on release of tight fascia at {{clinic.name}}.');
    });

    it('unknown adaptation ids, and with --clinic units of another clinic or of the content', async () => {
      const xml = (await exportXliff(app.strapi, { locale: 'fr', clinic: 'northside-physio' })).xml;
      const unknown = xml.replace('</group>', '<unit id="clinic-adaptation.nosuchdocument000000000.summary"><segment><source>x</source></segment></unit></group>');
      const error = await refusal({ name: 'unknown-id.xlf', xml: unknown });
      expect(error.problems).toEqual([expect.stringMatching(/unit clinic-adaptation\.nosuchdocument000000000\.summary: unknown id \(no clinic-adaptation entry "nosuchdocument000000000" in en\)/)]);

      const theirs = await refusal({ name: 'not-montreal.xlf', xml, clinic: 'montreal-physio' });
      expect(theirs.problems).toHaveLength(unitIds(xml).length);
      expect(theirs.problems).toContainEqual(
        expect.stringContaining(`unit clinic-adaptation.${ids.mrt}.summary: not an adaptation of montreal-physio (it is northside-physio's); --clinic montreal-physio imports only that clinic's adaptations`),
      );
      const content = (await exportXliff(app.strapi, { locale: 'fr', types: ['benefit'] })).xml;
      const notAdaptation = await refusal({ name: 'content.xlf', xml: content, clinic: 'northside-physio' });
      expect(notAdaptation.problems[0]).toMatch(/unit benefit\.\w+\.name: not an adaptation of northside-physio; --clinic northside-physio imports only that clinic's adaptations/);
    });
  });

  it('works from the command line: an empty clinic says so on stderr, an unknown clinic exits 1 naming it', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'l10n.js'), ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'error' }, encoding: 'utf8', timeout: 240000 });
    const empty = run('export', '--locale', 'fr', '--clinic', QUIET, '--out', file('quiet.xlf'));
    expect([empty.status, empty.stderr.trim(), empty.stdout.trim()]).toEqual([0, `${QUIET} has no adaptations: the file holds no units.`, `Wrote 0 units (0 already translated) to ${file('quiet.xlf')}.`]);
    validateXliff(readFileSync(file('quiet.xlf'), 'utf8'));

    const unknown = run('coverage', '--clinic', 'no-such-clinic');
    expect([unknown.status, unknown.stderr.trim()]).toEqual([1, 'Unknown clinic "no-such-clinic": no clinic has that slug.']);
  });
});
