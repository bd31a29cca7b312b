import { mkdirSync } from 'fs';
import path from 'path';
import { SEED_DIR, copySeed } from '../helpers/seed-files';
import { loadSeed, SeedValidationError } from '../../src/seed/load';

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
