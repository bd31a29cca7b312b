/**
 * Clinic path templates (src/sync/paths.ts): the path a template gives a page, which templates a
 * clinic may set, and how a clinic write is checked (src/content-validation/validate.ts), including a
 * partial update checked against the stored locales and templates.
 */
import { UIDS } from '../../src/content/model';
import { validateContent, storedFieldsToRead, type ContentIssue } from '../../src/content-validation/validate';
import { DEFAULT_PATH_TEMPLATES, pagePath, pathTemplateOf, pathTemplateProblem, pathTemplatesOverlap } from '../../src/sync/paths';

const ONE_LOCALE = { locales: ['en'] };
const THREE_LOCALES = { locales: ['en', 'fr', 'fr-CA'] };

function clinicIssues(data: Record<string, unknown>, stored?: Record<string, unknown>): ContentIssue[] {
  return validateContent({ uid: UIDS.clinic, data, fieldOf: () => undefined, context: { knownLocales: ['en', 'fr', 'fr-CA'], stored } });
}

describe('pagePath', () => {
  it('fills in the locale and the slug', () => {
    expect(pagePath(DEFAULT_PATH_TEMPLATES.techniques, { locale: 'fr-CA', slug: 'myofascial-release-therapy' })).toBe('/fr-CA/techniques/myofascial-release-therapy');
    expect(pagePath('/{locale}/therapies/{slug}/', { locale: 'en', slug: 'mrt' })).toBe('/en/therapies/mrt/');
  });

  it('gives the default templates the reference pages\' scheme without their /sites/<clinic> prefix', () => {
    expect(DEFAULT_PATH_TEMPLATES).toEqual({ techniques: '/{locale}/techniques/{slug}', conditions: '/{locale}/conditions/{slug}' });
  });

  it('works without {locale} and with placeholders inside a segment', () => {
    expect(pagePath('/therapy-{slug}.html', { locale: 'en', slug: 'mrt' })).toBe('/therapy-mrt.html');
    expect(pagePath('/{locale}-{slug}', { locale: 'fr', slug: 'mrt' })).toBe('/fr-mrt');
  });

  it('percent-encodes letters beyond ASCII and leaves escapes already written alone', () => {
    expect(pagePath('/{locale}/thérapies/{slug}', { locale: 'fr', slug: 'mrt' })).toBe('/fr/th%C3%A9rapies/mrt');
    expect(pagePath('/{locale}/th%C3%A9rapies/{slug}', { locale: 'fr', slug: 'mrt' })).toBe('/fr/th%C3%A9rapies/mrt');
  });

  it("uses the clinic's own template, or the default when it is empty", () => {
    expect(pathTemplateOf({ techniquePathTemplate: '/{locale}/therapies/{slug}' }, 'techniques')).toBe('/{locale}/therapies/{slug}');
    expect(pathTemplateOf({ techniquePathTemplate: null }, 'techniques')).toBe(DEFAULT_PATH_TEMPLATES.techniques);
    expect(pathTemplateOf({ conditionPathTemplate: '' }, 'conditions')).toBe(DEFAULT_PATH_TEMPLATES.conditions);
  });
});

describe('pathTemplateProblem', () => {
  it.each([
    '/{locale}/techniques/{slug}',
    '/{locale}/therapies/{slug}/',
    '/therapies/{slug}',
    '/{slug}',
    '/{locale}/thérapies/{slug}',
    "/{locale}/r&d/{slug}.html",
    '/{locale}/th%C3%A9rapies/{slug}',
    '/~clinic/{locale}/{slug}',
  ])('accepts %s for a clinic in one locale', (template) => {
    expect(pathTemplateProblem(template, ONE_LOCALE)).toBeNull();
  });

  it.each([
    ['{locale}/techniques/{slug}', 'must start with "/"'],
    ['/{locale}/my techniques/{slug}', 'must not contain spaces or other whitespace'],
    ['/{locale}/techniques/{slug}\t', 'must not contain spaces or other whitespace'],
    ['/{locale}/techniques?slug={slug}', 'must not contain "?" or "#"'],
    ['/{locale}/techniques/{slug}#top', 'must not contain "?" or "#"'],
    ['/{locale}/techniques/', 'must contain {slug} once'],
    ['/{slug}/{slug}', 'must contain {slug} exactly once (it has it 2 times)'],
    ['/{locale}/{locale}/{slug}', 'may contain {locale} at most once'],
    ['/{lang}/techniques/{slug}', 'has the placeholder {lang}, which does not exist: use {locale} and {slug}'],
    ['/{locale}/{Slug}', 'has the placeholder {Slug}'],
    ['/{locale}/{slug}}', 'has a "{" or "}" that is not part of {locale} or {slug}'],
    ['/{locale}/../{slug}', 'must not have "." or ".." segments'],
    ['/{locale}/%2E%2e/{slug}', 'must not have "." or ".." segments'],
    ['/{locale}/./{slug}', 'must not have "." or ".." segments'],
    ['//evil.example/{slug}', 'must not have an empty segment ("//")'],
    ['/{locale}//{slug}', 'must not have an empty segment ("//")'],
    ['/\\evil.example/{slug}', 'has "\\\\", which a URL path cannot hold'],
    ['/{locale}/<b>/{slug}', 'has "<", which a URL path cannot hold'],
    ['/{locale}/100%/{slug}', 'has a "%" that does not start an escape'],
    ['/{locale}/%{slug}', 'has a "%" that does not start an escape'],
    ['/{locale}/\u0085/{slug}', 'has the control character'],
    ['/{locale}/\u0007/{slug}', 'has the control character'],
  ])('refuses %j: %s', (template, problem) => {
    expect(pathTemplateProblem(template, ONE_LOCALE)).toContain(problem);
  });

  it('wants {locale} when the clinic publishes more than one locale', () => {
    expect(pathTemplateProblem('/therapies/{slug}', THREE_LOCALES)).toBe(
      'must contain {locale}: the clinic publishes 3 locales (en, fr, fr-CA), and without it a page would have the same path in each of them',
    );
    expect(pathTemplateProblem('/{locale}/therapies/{slug}', THREE_LOCALES)).toBeNull();
  });
});

describe('pathTemplatesOverlap', () => {
  it.each([
    [DEFAULT_PATH_TEMPLATES.techniques, DEFAULT_PATH_TEMPLATES.conditions],
    ['/{locale}/{slug}', '/{locale}/conditions/{slug}'],
    ['/{locale}/t-{slug}', '/{locale}/c-{slug}'],
    ['/{locale}/{slug}.html', '/{locale}/{slug}.htm'],
    ['/{locale}/therapies/{slug}', '/{locale}/therapies/{slug}/'],
  ])('tells %s and %s apart', (a, b) => {
    expect(pathTemplatesOverlap(a, b)).toBe(false);
    expect(pathTemplatesOverlap(b, a)).toBe(false);
  });

  it.each([
    ['/{locale}/{slug}', '/{locale}/{slug}'],
    ['/{locale}/{slug}', '/{locale}/{slug}-care'],
    ['/{locale}/{slug}', '/{locale}/conditions'],
    ['/{locale}/therapy-{slug}', '/{locale}/{slug}'],
    ['/{locale}/{slug}', '/{slug}/{locale}'],
  ])('says %s and %s can give the same path', (a, b) => {
    expect(pathTemplatesOverlap(a, b)).toBe(true);
    expect(pathTemplatesOverlap(b, a)).toBe(true);
  });

  it('knows a fixed segment cannot be filled by a placeholder with the same fixed text around it', () => {
    expect(pathTemplatesOverlap('/{locale}/ab', '/{locale}/a{slug}b')).toBe(false);
    expect(pathTemplatesOverlap('/{locale}/axb', '/{locale}/a{slug}b')).toBe(true);
  });
});

describe('a clinic write with path templates', () => {
  it('accepts a good template and an empty one (the default)', () => {
    expect(clinicIssues({ ...THREE_LOCALES, techniquePathTemplate: '/{locale}/therapies/{slug}', conditionPathTemplate: null })).toEqual([]);
    expect(clinicIssues({ ...THREE_LOCALES, techniquePathTemplate: '', conditionPathTemplate: '' })).toEqual([]);
  });

  it('refuses a bad template, naming the field and the rule', () => {
    expect(clinicIssues({ ...ONE_LOCALE, techniquePathTemplate: '/therapies/{slug}?x=1' })).toEqual([
      { path: ['techniquePathTemplate'], message: 'techniquePathTemplate "/therapies/{slug}?x=1" must not contain "?" or "#": it is a path, without a query or a fragment' },
    ]);
  });

  it('refuses a template without {locale} for a clinic in several locales', () => {
    const issues = clinicIssues({ ...THREE_LOCALES, conditionPathTemplate: '/health/{slug}' });
    expect(issues.map((issue) => issue.path)).toEqual([['conditionPathTemplate']]);
    expect(issues[0]?.message).toMatch(/^conditionPathTemplate "\/health\/\{slug\}" must contain \{locale\}: the clinic publishes 3 locales/);
  });

  it('refuses templates that would give a technique and a condition the same path, once, on the template changed', () => {
    const both = clinicIssues({ ...ONE_LOCALE, techniquePathTemplate: '/{locale}/{slug}', conditionPathTemplate: '/{locale}/{slug}' });
    expect(both.map((issue) => issue.path)).toEqual([['conditionPathTemplate']]);
    expect(both[0]?.message).toContain('can give a condition the same path as a technique with the same slug under techniquePathTemplate "/{locale}/{slug}"');

    const one = clinicIssues({ techniquePathTemplate: '/{locale}/conditions/{slug}' }, { ...ONE_LOCALE, conditionPathTemplate: null });
    expect(one.map((issue) => issue.path)).toEqual([['techniquePathTemplate']]);
    expect(one[0]?.message).toContain('under conditionPathTemplate "/{locale}/conditions/{slug}"');
  });

  it('checks a partial update against the stored locales and templates', () => {
    expect(storedFieldsToRead(UIDS.clinic, { techniquePathTemplate: '/therapies/{slug}' })).toEqual(['locales', 'conditionPathTemplate']);
    expect(storedFieldsToRead(UIDS.clinic, { phone: '+1 514 555 0187' })).toEqual([]);

    const template = clinicIssues({ techniquePathTemplate: '/therapies/{slug}' }, { ...THREE_LOCALES, conditionPathTemplate: null });
    expect(template.map((issue) => issue.path)).toEqual([['techniquePathTemplate']]);
    expect(template[0]?.message).toContain('must contain {locale}');

    // The stored template is fine for one locale; adding a locale makes it ambiguous.
    const locales = clinicIssues({ locales: ['en', 'fr'] }, { techniquePathTemplate: '/therapies/{slug}', conditionPathTemplate: null });
    expect(locales.map((issue) => issue.path)).toEqual([['techniquePathTemplate']]);
    expect(locales[0]?.message).toContain('techniquePathTemplate "/therapies/{slug}" must contain {locale}: the clinic publishes 2 locales (en, fr)');
  });

  it('leaves a write that touches neither the templates nor the locales alone', () => {
    expect(clinicIssues({ phone: '+1 514 555 0187' }, { locales: ['en', 'fr'], techniquePathTemplate: '/therapies/{slug}' })).toEqual([]);
  });
});
