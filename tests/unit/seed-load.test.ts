import { SEED_DIR, copySeed } from '../helpers/seed-files';
import { loadSeed, SeedValidationError } from '../../src/seed/load';

describe('seed files', () => {
  it('hold valid data for every type', async () => {
    const seed = await loadSeed({ dir: SEED_DIR, knownLocales: ['en'] });
    const counts = Object.fromEntries(seed.types.map(({ spec, entries }) => [spec.file, entries.length]));
    expect(counts).toEqual({
      'causes.json': 3,
      'benefits.json': 3,
      'provider-types.json': 5,
      'conditions.json': 6,
      'techniques.json': 1,
      'clinics.json': 2,
    });
  });

  it('are refused when they use a locale the service lacks', async () => {
    const error = await loadSeed({ dir: SEED_DIR, knownLocales: ['fr'] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SeedValidationError);
    expect((error as SeedValidationError).message).toMatch(/techniques\.json, entry 1 \(slug "myofascial-release-therapy"\), field "locale": "en" is not a locale of this service \(known: fr\)/);
  });

  it('are refused when one slug appears twice in a locale', async () => {
    const copy = copySeed();
    try {
      const benefits = copy.read('benefits.json');
      copy.write('benefits.json', [...benefits, benefits[0]]);
      const error = (await loadSeed({ dir: copy.dir, knownLocales: ['en'] }).catch((caught: unknown) => caught)) as SeedValidationError;
      expect(error.message).toContain('benefits.json, entry 4 (slug "relief-of-myofascial-pain-syndrome"), field "slug": "relief-of-myofascial-pain-syndrome" appears twice for locale "en"');
    } finally {
      copy.remove();
    }
  });

  it('report every problem at once, not only the first', async () => {
    const copy = copySeed();
    try {
      copy.write('provider-types.json', [{ slug: 'Bad Slug', name: '', summary: 'x' }, { name: 'No slug', summary: 'x' }]);
      const error = (await loadSeed({ dir: copy.dir, knownLocales: ['en'] }).catch((caught: unknown) => caught)) as SeedValidationError;
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
      const error = (await loadSeed({ dir: copy.dir, knownLocales: ['en'] }).catch((caught: unknown) => caught)) as SeedValidationError;
      expect(error.message).toContain('techniques.json, entry 1 (slug "myofascial-release-therapy"), field "callToAction.text": callToAction.text uses {{clinic.title}}, which is not a clinic token');
    } finally {
      copy.remove();
    }
  });
});
