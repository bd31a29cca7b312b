/**
 * The localization workflow on a real Strapi: configured locales, seeded translations served along
 * their chains, the coverage report (function, endpoint, CLI) agreeing with the API, and the XLIFF
 * round trip, including a file edited the way a vendor tool would.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { createClinicKey } from '../../src/clinics/keys';
import { translationCoverage, type CoverageReport } from '../../src/l10n/coverage';
import { exportXliff, importXliff, XliffError } from '../../src/l10n/xliff';
import { runSeed } from '../../src/seed';
import { graphql } from '../helpers/graphql';
import { ROOT, startApp, type TestApp } from '../helpers/strapi';
import { validateXliff } from '../helpers/xml-schema';

const ADMIN = { email: 'translator-admin@clinic-content.test', password: 'Transl8-Pass-123' };
const MRT = 'myofascial-release-therapy';
const TYPES = ['technique', 'condition', 'provider-type'] as const;
const LIST_QUERY: Record<(typeof TYPES)[number], string> = {
  technique: 'techniques',
  condition: 'conditions',
  'provider-type': 'providerTypes',
};

let app: TestApp;
let dir: string;
const keys: Record<string, string> = {};

type Documents = {
  findFirst(params: object): Promise<Record<string, any> | null>;
  update(params: object): Promise<Record<string, any>>;
  publish(params: object): Promise<unknown>;
  create(params: object): Promise<{ documentId: string }>;
};
const documents = (uid: string) => app.strapi.documents(uid as never) as unknown as Documents;

async function documentId(uid: string, slug: string): Promise<string> {
  const entry = await documents(uid).findFirst({ filters: { slug }, locale: 'en' });
  if (entry === null) throw new Error(`no ${uid} ${slug}`);
  return entry.documentId as string;
}

function file(name: string, text?: string): string {
  const target = path.join(dir, name);
  if (text !== undefined) writeFileSync(target, text);
  return target;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'clinic-l10n-'));
  app = await startApp({ isListening: true, environment: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
  await runSeed({ strapi: app.strapi });
  const northside = await documentId('api::clinic.clinic', 'northside-physio');
  await documents('api::clinic.clinic').update({ documentId: northside, locale: 'en', data: { locales: ['en', 'es', 'fr', 'fr-CA', 'de'] } });
  await documents('api::clinic.clinic').publish({ documentId: northside, locale: 'en' });
  keys.public = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
  keys.preview = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'preview' })).key;
  keys.montreal = (await createClinicKey({ strapi: app.strapi, slug: 'montreal-physio', kind: 'public' })).key;
}, 240000);

afterAll(async () => {
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('configured locales', () => {
  it('exist in Strapi after start, with the configured default', async () => {
    const locales = (await app.strapi.plugin('i18n').service('locales').find()) as Array<{ code: string; isDefault: boolean }>;
    expect(locales.map((locale) => locale.code).sort()).toEqual(['de', 'en', 'es', 'fr', 'fr-CA']);
    expect(await app.strapi.plugin('i18n').service('locales').getDefaultLocale()).toBe('en');
  });

  it('serve the seeded translations: es and fr whole, fr-CA only where it differs', async () => {
    const query = (locale: string) => `{ technique(slug: "${MRT}", locale: "${locale}") { locale name providerNote callToAction { text } fallbackFields { field locale } } }`;
    const es = (await graphql(app, { key: keys.public, query: query('es') })).body.data.technique;
    expect(es).toMatchObject({ locale: 'es', name: 'Terapia de liberación miofascial' });
    expect(es.callToAction.text).toContain('Northside Physiotherapy & Massage');
    expect(es.fallbackFields.filter((item: { locale: string }) => item.locale === 'en').map((item: { field: string }) => item.field)).not.toContain('summary');

    const frCa = (await graphql(app, { key: keys.public, query: query('fr-CA') })).body.data.technique;
    const fr = (await graphql(app, { key: keys.public, query: query('fr') })).body.data.technique;
    expect(frCa.locale).toBe('fr-CA');
    expect(frCa.name).toBe(fr.name);
    expect(frCa.providerNote).not.toBe(fr.providerNote);
    expect(frCa.fallbackFields).toEqual(expect.arrayContaining([{ field: 'name', locale: 'fr' }]));
  });

  it('serve the seeded Montréal clinic MRT in fr-CA along its chain, fr-CA → fr → en', async () => {
    const seeded = (locale: string, file: string) =>
      (JSON.parse(readFileSync(path.join(ROOT, 'data', 'seed', locale, file), 'utf8')) as Array<Record<string, any>>).find((entry) => [MRT, 'montreal-physio'].includes(entry.slug));
    const page = (locale?: string) =>
      graphql(app, {
        key: keys.montreal,
        query: `query Page($slug: String!, $locale: String) { therapyPage(slug: $slug, locale: $locale) { locale fallbackFields { field locale }
          technique { name providerNote callToAction { text } } clinic { name locale description locales } } }`,
        variables: { slug: MRT, ...(locale === undefined ? {} : { locale }) },
      });

    const frCa = await page('fr-CA');
    expect(frCa.body.errors).toBeUndefined();
    const served = frCa.body.data.therapyPage;
    expect(served.locale).toBe('fr-CA');
    expect(served.technique.providerNote).toBe(seeded('fr-CA', 'techniques.json')?.providerNote);
    expect(served.technique.name).toBe(seeded('fr', 'techniques.json')?.name);
    expect(served.technique.callToAction.text).toContain('Physio Montréal');
    expect(served.fallbackFields).toEqual(expect.arrayContaining([{ field: 'name', locale: 'fr' }]));
    // Each field fr-CA leaves out comes from the next locale of the chain whose seed holds it.
    const [frCaSeed, frSeed] = [seeded('fr-CA', 'techniques.json') ?? {}, seeded('fr', 'techniques.json') ?? {}];
    for (const { field, locale } of served.fallbackFields as Array<{ field: string; locale: string }>) {
      expect([field, locale]).toEqual([field, field in frCaSeed ? 'fr-CA' : field in frSeed ? 'fr' : 'en']);
    }
    expect(served.clinic).toEqual({ name: 'Physio Montréal', locale: 'fr-CA', description: seeded('fr-CA', 'clinics.json')?.description, locales: ['en', 'fr', 'fr-CA'] });

    // Its first locale is the default; a locale it does not publish is refused.
    expect((await page()).body.data.therapyPage.locale).toBe('en');
    expect((await page('es')).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('checks required fields along the chain on publish: a regional locale may hold only what differs', async () => {
    const benefit = await documentId('api::benefit.benefit', 'return-to-normal-function');
    await documents('api::benefit.benefit').update({ documentId: benefit, locale: 'fr-CA', data: { slug: 'return-to-normal-function', summary: 'Retrouver ses activités de la vie quotidienne.' } });
    await expect(documents('api::benefit.benefit').publish({ documentId: benefit, locale: 'fr-CA' })).resolves.toBeDefined();

    const created = await documents('api::benefit.benefit').create({ locale: 'de', data: { slug: 'bessere-haltung', summary: 'Eine aufrechtere Haltung.' } });
    await expect(documents('api::benefit.benefit').publish({ documentId: created.documentId, locale: 'de' })).rejects.toThrow(
      'name is empty in "de" and in every published locale it falls back to (en); fill it in, or publish it in en first',
    );
  });
});

describe('translation coverage', () => {
  async function apiView(locale: string, type: (typeof TYPES)[number]) {
    const field = LIST_QUERY[type];
    const response = await graphql(app, {
      key: keys.public,
      query: `{ ${field}(locale: "${locale}", page: { pageSize: 100 }) { items { slug locale fallbackFields { field locale } } } }`,
    });
    expect(response.body.errors).toBeUndefined();
    return response.body.data[field].items as Array<{ slug: string; locale: string; fallbackFields: Array<{ field: string; locale: string }> }>;
  }

  it('agrees with the API on every entry: the locale served, the fields missing and the fields inherited', async () => {
    const report = await translationCoverage(app.strapi, { types: [...TYPES] });
    expect(report.locales.map((locale) => locale.locale)).toEqual(['es', 'fr', 'fr-CA', 'de']);
    let compared = 0;
    for (const { locale, types } of report.locales) {
      for (const type of TYPES) {
        const coverage = types.find((item) => item.type === type);
        const served = await apiView(locale, type);
        expect(coverage?.entries).toBe(served.length);
        for (const item of served) {
          const detail = coverage?.details.find((candidate) => candidate.slug === item.slug);
          const state = item.locale === locale ? 'translated' : item.locale === 'en' ? 'missing' : 'inherited';
          expect({ slug: item.slug, state: detail?.state ?? 'translated', servedIn: detail?.servedIn ?? item.locale }).toEqual({ slug: item.slug, state, servedIn: item.locale });
          if (state !== 'missing') {
            expect(detail?.missingFields ?? []).toEqual(item.fallbackFields.filter((fallback) => fallback.locale === 'en').map((fallback) => fallback.field));
          }
          if (state === 'translated') {
            expect(detail?.inheritedFields ?? []).toEqual(item.fallbackFields.filter((fallback) => fallback.locale !== 'en'));
          }
          compared += 1;
        }
      }
    }
    expect(compared).toBe(4 * (1 + 6 + 5));
    const de = report.locales.find((locale) => locale.locale === 'de');
    expect(de?.types.map((type) => [type.type, type.missing])).toEqual([['technique', 1], ['condition', 6], ['provider-type', 5]]);
    const frCa = report.locales.find((locale) => locale.locale === 'fr-CA');
    expect(frCa?.types.find((type) => type.type === 'provider-type')).toMatchObject({ entries: 5, translated: 3, inherited: 2, missing: 0 });
  });

  it('reports a translation as stale once its source is edited after it', async () => {
    const backPain = await documentId('api::condition.condition', 'back-pain');
    const before = await translationCoverage(app.strapi, { locales: ['fr', 'fr-CA'], types: ['condition', 'provider-type'] });
    expect(before.locales.every((locale) => locale.types.every((type) => type.stale === 0))).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 20));
    await documents('api::condition.condition').update({ documentId: backPain, locale: 'en', data: { summary: 'Pain felt in the back (revised).' } });
    const physio = await documentId('api::provider-type.provider-type', 'physical-therapist');
    await documents('api::provider-type.provider-type').update({ documentId: physio, locale: 'fr', data: { summary: 'Un professionnel du mouvement (révisé).' } });

    const after = await translationCoverage(app.strapi, { locales: ['fr', 'fr-CA'], types: ['condition', 'provider-type'], status: 'draft' });
    const stale = (report: CoverageReport, locale: string) =>
      report.locales
        .find((item) => item.locale === locale)
        ?.types.flatMap((type) => type.details.filter((detail) => detail.stale !== null).map((detail) => `${type.type}:${detail.slug}<-${detail.stale?.source}`));
    expect(stale(after, 'fr')).toEqual(['condition:back-pain<-en']);
    // fr-CA is translated from fr, its fallback: an edit in fr makes it stale.
    expect(stale(after, 'fr-CA')).toEqual(['provider-type:physical-therapist<-fr']);
  });

  describe('GET /l10n/coverage', () => {
    const get = async (query: string, token?: string) => {
      const response = await fetch(`${app.baseUrl}/l10n/coverage${query}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
      return { status: response.status, body: (await response.json()) as any, cacheControl: response.headers.get('cache-control') };
    };

    it('answers an admin and a preview key, and nobody else', async () => {
      expect((await get('')).body.error.code).toBe('UNAUTHENTICATED');
      expect((await get('', 'not-a-token')).status).toBe(401);
      const publicKey = await get('', keys.public);
      expect([publicKey.status, publicKey.body.error.code]).toEqual([403, 'FORBIDDEN']);

      const preview = await get('?locale=fr-CA&type=provider-type', keys.preview);
      expect(preview.status).toBe(200);
      expect(preview.cacheControl).toBe('no-store');
      expect(preview.body.data.locales).toHaveLength(1);
      expect(preview.body.data.locales[0].types[0]).toMatchObject({ type: 'provider-type', translated: 3, inherited: 2 });

      const login = await fetch(`${app.baseUrl}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
      const token = ((await login.json()) as { data: { token: string } }).data.token;
      const admin = await get('?locale=de&locale=es&status=draft', token);
      expect(admin.status).toBe(200);
      expect(admin.body.data.status).toBe('draft');
      expect(admin.body.data.locales.map((locale: { locale: string }) => locale.locale)).toEqual(['de', 'es']);
    });

    it.each([
      ['?locale=pt', 'Unknown locale "pt"; this service translates into es, fr, fr-CA, de.'],
      ['?locale=en', '"en" is the default locale, the source of every translation; ask for one of es, fr, fr-CA, de.'],
      ['?type=article', 'Unknown content type "article"; use one of technique, condition, cause, provider-type, benefit, clinic.'],
      ['?status=archived', 'Unknown status "archived"; use published (what sites are served) or draft (the latest edits).'],
      ['?lang=fr', 'Unknown parameter "lang"; the report takes locale, type, status and clinic.'],
    ])('refuses %s with BAD_USER_INPUT', async (query, message) => {
      const response = await get(query, keys.preview);
      expect(response.status).toBe(400);
      expect(response.body.error).toEqual({ code: 'BAD_USER_INPUT', message });
    });
  });
});

describe('XLIFF 2.0', () => {
  let mrt: string;

  beforeAll(async () => {
    // Rich text with formatting and a link, so that inline elements travel too.
    mrt = await documentId('api::technique.technique', MRT);
    const current = await documents('api::technique.technique').findFirst({ filters: { slug: MRT }, locale: 'en', populate: '*' });
    await documents('api::technique.technique').update({
      documentId: mrt,
      locale: 'en',
      data: {
        howItWorks: [
          ...(current?.howItWorks as unknown[]),
          {
            type: 'paragraph',
            children: [
              { type: 'text', text: 'Ask ' },
              { type: 'text', text: '{{clinic.name}}', bold: true },
              { type: 'text', text: ' or read the ' },
              { type: 'link', url: 'https://example.org/fascia', children: [{ type: 'text', text: 'fascia guide', italic: true }] },
              { type: 'text', text: '.' },
            ],
          },
        ],
      },
    });
  });

  it('exports stable unit ids for text, rich text and component fields, and round-trips byte for byte', async () => {
    const first = await exportXliff(app.strapi, { locale: 'fr', types: ['technique'] });
    expect(first.xml).toContain('<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr">');
    for (const id of ['name', 'intro.0', 'faqs.0.question', 'faqs.0.answer.0', 'procedure.0.title', 'callToAction.text', 'seo.metaTitle', 'assessments.0.text']) {
      expect(first.xml).toContain(`<unit id="technique.${mrt}.${id}"`);
    }
    // Reviews are facts, not prose: neither the reviewer's name nor their type goes to translators.
    expect(first.xml).not.toContain('medicalReview');
    expect(first.xml).not.toContain('reviewerType');
    expect(first.xml).not.toContain('Clinical content team');
    expect(first.xml).toContain('<ph id="1" equiv="{{clinic.name}}" disp="{{clinic.name}}"/>');
    expect(first.xml).toMatch(/<pc id="\d" type="fmt" subType="xlf:b"><ph id="\d" equiv="\{\{clinic\.name\}\}"/);
    expect(first.xml).toMatch(/<pc id="\d" type="link"><pc id="\d" type="fmt" subType="xlf:i">fascia guide<\/pc><\/pc>/);
    validateXliff(first.xml);
    writeFileSync(file('fr.xlf'), first.xml);

    const result = await importXliff(app.strapi, { file: file('fr.xlf') });
    expect(result).toMatchObject({ locale: 'fr', translated: first.withTarget, overwritten: [] });
    const second = await exportXliff(app.strapi, { locale: 'fr', types: ['technique'] });
    expect(second.xml).toBe(first.xml);
  });

  it('imports a file a vendor tool filled in and re-indented, into drafts of the target locale', async () => {
    const exported = await exportXliff(app.strapi, { locale: 'de', types: ['technique', 'benefit'] });
    expect(exported.withTarget).toBe(0);
    // The vendor: targets after each source (text prefixed, inline elements kept), tabs, line breaks, CRLF.
    const filled = exported.xml
      .replace(/<source>([\s\S]*?)<\/source>/g, (_, inner: string) => `<source>${inner}</source>\r\n\t\t\t\t<target>\r\n\t\t\t\t\t[de] ${inner.replace(/>([^<>]+)</g, (__, text: string) => `>${text.toUpperCase()}<`)}\r\n\t\t\t\t</target>`)
      .replace(/\n {2,}/g, (indent) => `\r\n${'\t'.repeat(indent.length / 2)}`);
    validateXliff(filled);
    writeFileSync(file('de-vendor.xlf'), filled);

    const result = await importXliff(app.strapi, { file: file('de-vendor.xlf') });
    expect(result).toMatchObject({ locale: 'de', translated: exported.units, untranslated: 0 });

    const draft = await documents('api::technique.technique').findFirst({ filters: { slug: MRT }, locale: 'de', status: 'draft', populate: '*' });
    expect(draft?.name).toBe('[de] Myofascial Release Therapy');
    expect(draft?.faqs).toHaveLength(4);
    expect(draft?.callToAction.url).toBeTruthy();
    const linked = (draft?.howItWorks as Array<{ children: any[] }>).at(-1)?.children;
    expect(linked).toEqual([
      { type: 'text', text: '[de] Ask ' },
      { type: 'text', text: '{{clinic.name}}', bold: true },
      { type: 'text', text: ' OR READ THE ' },
      { type: 'link', url: 'https://example.org/fascia', children: [{ type: 'text', text: 'FASCIA GUIDE', italic: true }] },
      { type: 'text', text: '.' },
    ]);
    // Drafts: the public API still serves en until an editor publishes; a preview key sees the German draft.
    const live = await graphql(app, { key: keys.public, query: `{ technique(slug: "${MRT}", locale: "de") { locale } }` });
    expect(live.body.data.technique.locale).toBe('en');
    const preview = await graphql(app, { key: keys.preview, query: `{ technique(slug: "${MRT}", locale: "de") { locale name } }` });
    expect(preview.body.data.technique).toEqual({ locale: 'de', name: '[de] Myofascial Release Therapy' });

    const again = await exportXliff(app.strapi, { locale: 'de', types: ['technique', 'benefit'] });
    expect(again.withTarget).toBe(exported.units);
  });

  describe('refuses, writing nothing', () => {
    async function refusal(name: string, xml: string, isForced = false): Promise<XliffError> {
      const error = await importXliff(app.strapi, { file: file(name, xml), isForced }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(XliffError);
      return error as XliffError;
    }

    let base: string;
    beforeAll(async () => {
      base = (await exportXliff(app.strapi, { locale: 'es', types: ['benefit'] })).xml;
    });

    it('malformed XML, with the line and column', async () => {
      const error = await refusal('broken.xlf', base.replace('</segment>', '</segmnt>'));
      expect(error.message).toMatch(/^.*broken\.xlf:\d+:\d+: not well-formed XML: Expected closing tag 'segment'/);
    });

    it('a target locale that is not configured', async () => {
      const error = await refusal('pt.xlf', base.replace('trgLang="es"', 'trgLang="pt"'));
      expect(error.message).toMatch(/pt\.xlf: target locale "pt" is not configured \(config\/locales\.ts has es, fr, fr-CA, de\)/);
    });

    it('unknown unit ids, every one named, and nothing of the rest', async () => {
      const benefit = await documentId('api::benefit.benefit', 'relief-of-muscular-pains');
      const changed = base
        .replace(`technique.`, 'technique.')
        .replace(`benefit.${benefit}.name`, `benefit.${benefit}.motto`)
        .replace(/<target>[^<]*<\/target>/, '<target>Alivio cambiado</target>');
      const error = await refusal('unknown.xlf', changed.replace('</file>', '<unit id="benefit.nosuchdocument000000000.name"><segment><source>x</source></segment></unit></file>'));
      expect(error.problems).toEqual([
        expect.stringMatching(new RegExp(`unknown\\.xlf: unit benefit\\.${benefit}\\.motto: unknown id \\(the entry no longer has this text; export again\\)`)),
        expect.stringMatching(/unit benefit\.nosuchdocument000000000\.name: unknown id \(no benefit entry "nosuchdocument000000000" in en\)/),
      ]);
      const exportedAgain = (await exportXliff(app.strapi, { locale: 'es', types: ['benefit'] })).xml;
      expect(exportedAgain).toBe(base);
    });

    it('a source changed since the export, unless forced; forced, it reports what it overwrote', async () => {
      const benefit = await documentId('api::benefit.benefit', 'return-to-normal-function');
      const es = await documents('api::benefit.benefit').findFirst({ filters: { slug: 'return-to-normal-function' }, locale: 'es' });
      await documents('api::benefit.benefit').update({ documentId: benefit, locale: 'en', data: { name: 'Return to everyday function' } });
      const error = await refusal('stale.xlf', base);
      expect(error.problems).toEqual([expect.stringContaining(`unit benefit.${benefit}.name: the source changed since the export (now "Return to everyday function"); export again, or import with --force`)]);

      const forced = await importXliff(app.strapi, { file: file('stale.xlf'), isForced: true });
      expect(forced.overwritten).toEqual([{ id: `benefit.${benefit}.name`, previous: es?.name }]);
    });
  });

  it('works from the command line: coverage as JSON, export, and a refused import exits 1 with the reason', async () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'l10n.js'), ...args], {
        cwd: ROOT,
        env: { ...process.env, LOG_LEVEL: 'error' },
        encoding: 'utf8',
        timeout: 240000,
      });
    const coverage = run('coverage', '--locale', 'fr-CA', '--type', 'provider-type', '--json', '--out', file('coverage.json'));
    expect(coverage.stderr).toBe('');
    expect(coverage.status).toBe(0);
    const report = JSON.parse(readFileSync(file('coverage.json'), 'utf8')) as CoverageReport;
    expect(report.locales[0]?.types[0]).toMatchObject({ type: 'provider-type', translated: 3, inherited: 2 });

    const refused = run('import', file('missing.xlf'));
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/missing\.xlf: cannot be read \(ENOENT\)/);

    const usage = run('export', '--locale', 'fr');
    expect(usage.status).toBe(1);
    expect(usage.stderr).toContain('Name the file to write with --out.');
  });
});
