import { mkdirSync } from 'fs';
import path from 'path';
import { SEED_DIR, copySeed } from '../helpers/seed-files';
import { formatIssue, loadSeed, SeedValidationError } from '../../src/seed/load';

const LOCALES = ['en', 'es', 'fr', 'fr-CA', 'de'];

describe('seed files', () => {
  it('hold valid data for every type', async () => {
    const seed = await loadSeed({ dir: SEED_DIR, knownLocales: LOCALES });
    const counts = (locale: string) =>
      Object.fromEntries(seed.types.map(({ spec, entries }) => [spec.file, entries.filter((entry) => entry.locale === locale).length]));
    const everything = { 'causes.json': 3, 'benefits.json': 3, 'provider-types.json': 5, 'conditions.json': 6, 'techniques.json': 1, 'clinics.json': 3 };
    expect(counts('en')).toEqual(everything);
    // es and fr translate everything (es all but the Montréal clinic, which does not publish it); fr-CA
    // only what differs from fr.
    expect(counts('es')).toEqual({ ...everything, 'clinics.json': 2 });
    expect(counts('fr')).toEqual(everything);
    expect(counts('fr-CA')).toEqual({ ...everything, 'causes.json': 0, 'benefits.json': 0, 'conditions.json': 0, 'provider-types.json': 3 });
    const translated = seed.types.flatMap(({ entries }) => entries).filter((entry) => entry.locale !== 'en');
    expect(translated.every((entry) => entry.isTranslation === true)).toBe(true);
  });

  it('hold the demo clinic adaptations: Harbour adapts MRT in en, Physio Montréal in fr-CA only', async () => {
    const seed = await loadSeed({ dir: SEED_DIR, knownLocales: LOCALES });
    const adaptations = seed.adaptations.map(({ clinic, targetField, target, hidden, locales }) => ({
      clinic,
      targetField,
      target,
      hidden,
      locales: Object.fromEntries(Object.entries(locales).map(([locale, fields]) => [locale, Object.keys(fields).sort()])),
    }));
    expect(adaptations).toEqual([
      {
        clinic: 'harbour-chiro',
        targetField: 'technique',
        target: 'myofascial-release-therapy',
        hidden: [{ relation: 'treats', slug: 'fibromyalgia' }],
        locales: { en: ['faqs', 'intro', 'localSection'] },
      },
      { clinic: 'montreal-physio', targetField: 'technique', target: 'myofascial-release-therapy', hidden: [], locales: { 'fr-CA': ['callToAction', 'intro'] } },
    ]);
    const faq = (seed.adaptations[0]?.locales.en?.faqs as Array<{ question: string; answer: string[] }>)[0];
    expect(faq?.question).toBe('Do you bill my insurance directly?');
    expect(faq?.answer.join(' ')).toMatch(/\{\{clinic\.name\}\}.*\{\{clinic\.phone\}\}/);
  });

  it('are refused when they use a locale the service lacks', async () => {
    const error = await loadSeed({ dir: SEED_DIR, knownLocales: ['fr', 'es', 'fr-CA'] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SeedValidationError);
    expect((error as SeedValidationError).message).toMatch(/techniques\.json, entry 1 \(slug "myofascial-release-therapy"\), field "locale": "en" is not a locale of this service \(known: fr, es, fr-CA\)/);
  });

  it('are refused when one slug appears twice in a locale', async () => {
    const copy = copySeed();
    try {
      const benefits = copy.read('benefits.json');
      copy.write('benefits.json', [...benefits, benefits[0]]);
      const error = (await loadSeed({ dir: copy.dir, knownLocales: LOCALES }).catch((caught: unknown) => caught)) as SeedValidationError;
      expect(error.message).toContain('benefits.json, entry 4 (slug "relief-of-myofascial-pain-syndrome"), field "slug": "relief-of-myofascial-pain-syndrome" appears twice for locale "en"');
    } finally {
      copy.remove();
    }
  });

  it('report every problem at once, not only the first', async () => {
    const copy = copySeed();
    try {
      copy.write('provider-types.json', [{ slug: 'Bad Slug', name: '', summary: 'x' }, { name: 'No slug', summary: 'x' }]);
      const error = (await loadSeed({ dir: copy.dir, knownLocales: LOCALES }).catch((caught: unknown) => caught)) as SeedValidationError;
      const problems = error.issues.map((issue) => `${issue.entry}/${issue.field}`);
      expect(problems).toEqual(expect.arrayContaining(['entry 1 (slug "Bad Slug")/slug', 'entry 1 (slug "Bad Slug")/name', 'entry 2/slug']));
    } finally {
      copy.remove();
    }
  });
});

describe('seed text', () => {
  it('is refused when it uses a clinic token that does not exist', async () => {
    const copy = copySeed();
    try {
      const techniques = copy.read('techniques.json');
      (techniques[0] as { callToAction: { text: string } }).callToAction.text = 'Contact {{clinic.title}} today.';
      copy.write('techniques.json', techniques);
      const error = (await loadSeed({ dir: copy.dir, knownLocales: LOCALES }).catch((caught: unknown) => caught)) as SeedValidationError;
      expect(error.message).toContain('techniques.json, entry 1 (slug "myofascial-release-therapy"), field "callToAction.text": callToAction.text uses {{clinic.title}}, which is not a clinic token');
    } finally {
      copy.remove();
    }
  });

  describe('translations (data/seed/<locale>/)', () => {
    it('are refused, all problems at once, when they name unknown entries, carry relations or sit in an unknown locale', async () => {
      const copy = copySeed();
      try {
        const techniques = copy.read('fr/techniques.json');
        copy.write('fr/techniques.json', [{ ...techniques[0], treats: ['back-pain'] }, { slug: 'cupping', name: 'Ventouses' }]);
        copy.write('es/benefits.json', [{ slug: 'relief-of-myofascial-pain-syndrome', summary: '' }]);
        mkdirSync(path.join(copy.dir, 'pt'));
        copy.write('pt/causes.json', []);
        const error = (await loadSeed({ dir: copy.dir, knownLocales: LOCALES }).catch((caught: unknown) => caught)) as SeedValidationError;
        expect(error).toBeInstanceOf(SeedValidationError);
        const messages = error.issues.map((issue) => `${issue.file} | ${issue.entry ?? ''} | ${issue.field ?? ''} | ${issue.message}`);
        expect(messages).toEqual(
          expect.arrayContaining([
            expect.stringMatching(/pt \|.*is not a locale of this service/),
            expect.stringMatching(/fr\/techniques\.json \| entry 1 .*Unrecognized key.*'treats'.*a translation holds the slug and translatable fields only/),
            expect.stringMatching(/fr\/techniques\.json \| entry 2 \(slug "cupping"\) \| slug \| "cupping" is not in techniques\.json for the default locale "en"/),
            expect.stringMatching(/es\/benefits\.json \| entry 1 .* \| summary \| must not be empty/),
          ]),
        );
      } finally {
        copy.remove();
      }
    });

    it('may leave out any field: it is then served from the locale\'s fallback', async () => {
      const copy = copySeed();
      try {
        copy.write('fr-CA/techniques.json', [{ slug: 'myofascial-release-therapy', providerNote: 'Offerte par des physiothérapeutes.' }]);
        const seed = await loadSeed({ dir: copy.dir, knownLocales: LOCALES });
        const entry = seed.types.flatMap(({ entries }) => entries).find((item) => item.locale === 'fr-CA' && item.slug === 'myofascial-release-therapy');
        expect(entry).toEqual({ slug: 'myofascial-release-therapy', locale: 'fr-CA', isTranslation: true, providerNote: 'Offerte par des physiothérapeutes.' });
      } finally {
        copy.remove();
      }
    });
  });
});

describe('seed clinic adaptations (data/seed/clinic-adaptations.json)', () => {
  const MRT = 'myofascial-release-therapy';
  const SEED_FILE = 'clinic-adaptations.json';

  /** The refusal's lines, with the copy's file named as in data/seed. */
  async function issuesFor(adaptations: unknown[]): Promise<string[]> {
    const copy = copySeed();
    try {
      copy.write(SEED_FILE, adaptations);
      const error = await loadSeed({ dir: copy.dir, knownLocales: LOCALES }).catch((caught: unknown) => caught);
      if (!(error instanceof SeedValidationError)) throw new Error(`expected a SeedValidationError, got ${String(error)}`);
      return error.issues.map((issue) => formatIssue({ ...issue, file: path.basename(issue.file) }));
    } finally {
      copy.remove();
    }
  }

  it('are refused naming file, entry and field when they adapt a vetted field', async () => {
    const issues = await issuesFor([{ clinic: 'harbour-chiro', technique: MRT, locales: { en: { goal: 'Cures everything.', treats: ['back-pain'] } } }]);
    expect(issues).toEqual([
      `${SEED_FILE}, entry 1 (clinic "harbour-chiro", technique "${MRT}"), field "locales.en.goal": goal is vetted medical content and cannot be adapted per clinic`,
      `${SEED_FILE}, entry 1 (clinic "harbour-chiro", technique "${MRT}"), field "locales.en.treats": treats is vetted medical content and cannot be adapted per clinic; to leave a linked entry off the clinic's pages, list it under hidden`,
    ]);
  });

  it('are refused when they name an unknown clinic, or both a technique and a condition', async () => {
    const issues = await issuesFor([
      { clinic: 'nowhere-clinic', technique: MRT, locales: { en: { summary: 'Ours.' } } },
      { clinic: 'harbour-chiro', technique: MRT, condition: 'back-pain', locales: { en: { summary: 'Ours.' } } },
    ]);
    expect(issues).toEqual([
      `${SEED_FILE}, entry 1 (clinic "nowhere-clinic", technique "${MRT}"), field "clinic": "nowhere-clinic" is not in clinics.json for the default locale "en"`,
      `${SEED_FILE}, entry 2 (clinic "harbour-chiro", technique "${MRT}", condition "back-pain"), field "condition": technique "${MRT}" and condition "back-pain" are both set: an adaptation adapts exactly one entry; keep one of them`,
    ]);
  });

  it('are refused when they carry the basis, which the service records', async () => {
    const issues = await issuesFor([{ clinic: 'harbour-chiro', technique: MRT, locales: { en: { summary: 'Ours.', basis: { summary: { locale: 'en' } } } } }]);
    expect(issues).toEqual([expect.stringMatching(/field "locales\.en\.basis": basis is recorded by the service .*a seed file never holds it$/)]);
  });

  it("are refused when a field belongs to another type's adaptations, or is localized but outside locales", async () => {
    const issues = await issuesFor([
      { clinic: 'harbour-chiro', condition: 'back-pain', summary: 'Ours.', locales: { en: { summary: 'Ours.' } } },
      { clinic: 'harbour-chiro', condition: 'shoulder-pain', locales: { en: { intro: ['Ours.'] } } },
    ]);
    expect(issues).toEqual([
      expect.stringContaining('entry 1 (clinic "harbour-chiro", condition "back-pain"), field "summary": summary is localized: put it under locales.<locale> (e.g. locales.en.summary)'),
      expect.stringContaining('entry 2 (clinic "harbour-chiro", condition "shoulder-pain"), field "locales.en.intro": intro is not a field of a condition adaptation: it overrides summary, seo and adds faqs, localSection'),
    ]);
  });

  it('are refused when they hide an entry the target does not link, or adapt a locale the clinic does not publish', async () => {
    const issues = await issuesFor([
      { clinic: 'harbour-chiro', technique: MRT, hidden: [{ relation: 'treats', slug: 'stiff-fascia' }, { relation: 'colours', slug: 'blue' }], locales: { fr: { summary: 'La nôtre.' } } },
    ]);
    expect(issues).toEqual([
      expect.stringMatching(/field "hidden\.0\.slug": "stiff-fascia" is not linked from technique "myofascial-release-therapy" under treats, so there is nothing to hide: it links "back-pain", .*"tissue-tightness-restricting-motion" there$/),
      expect.stringContaining('field "hidden.1.relation": "colours" is not a link of a technique: a technique links treats, causes, providerTypes, benefits'),
      expect.stringContaining('field "locales.fr": clinic "harbour-chiro" does not publish "fr" (its locales: en), so this adaptation would never be served'),
    ]);
  });

  it('are refused when one clinic adapts one entry twice, or an entry adapts nothing', async () => {
    const issues = await issuesFor([
      { clinic: 'montreal-physio', condition: 'back-pain', locales: { fr: { summary: 'Le nôtre.' } } },
      { clinic: 'montreal-physio', condition: 'back-pain', locales: { 'fr-CA': {} } },
    ]);
    expect(issues).toEqual([
      expect.stringContaining('entry 2 (clinic "montreal-physio", condition "back-pain"), field "condition": clinic "montreal-physio" already adapts condition "back-pain" in entry 1 (clinic "montreal-physio", condition "back-pain")'),
      expect.stringContaining('field "locales.fr-CA": adapts nothing: set at least one of summary, seo, faqs, localSection'),
    ]);
  });

  it('are refused in a translation directory: an adaptation holds its locales itself', async () => {
    const copy = copySeed();
    try {
      copy.write('fr/clinic-adaptations.json', []);
      const error = (await loadSeed({ dir: copy.dir, knownLocales: LOCALES }).catch((caught: unknown) => caught)) as SeedValidationError;
      expect(error.message).toMatch(/fr\/clinic-adaptations\.json: clinic adaptations are not translated by directory: each adaptation holds its locales under "locales" in .*clinic-adaptations\.json/);
    } finally {
      copy.remove();
    }
  });
});
