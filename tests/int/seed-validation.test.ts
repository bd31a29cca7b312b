import { spawnSync } from 'child_process';
import path from 'path';
import type { UID } from '@strapi/strapi';
import { runSeed, SeedValidationError, SEED_UIDS } from '../../src/seed';
import { copySeed, type SeedCopy } from '../helpers/seed-files';
import { ROOT, startApp, type TestApp } from '../helpers/strapi';

let app: TestApp;
let seed: SeedCopy;

async function totalRows(): Promise<number> {
  let total = 0;
  for (const uid of SEED_UIDS) total += await app.strapi.db.query(uid as UID.ContentType).count({});
  return total;
}

async function refusal(): Promise<SeedValidationError> {
  const error: unknown = await runSeed({ strapi: app.strapi, dir: seed.dir }).then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof SeedValidationError)) throw new Error(`expected a SeedValidationError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.stop();
});

beforeEach(() => {
  seed = copySeed();
});

afterEach(() => {
  seed.remove();
});

describe('invalid seed data', () => {
  it('is refused naming file, entry and field when a slug is not lowercase-kebab, and nothing is written', async () => {
    const conditions = seed.read('conditions.json');
    conditions[2] = { ...conditions[2], slug: 'Migraine_Headaches' };
    seed.write('conditions.json', conditions);

    const error = await refusal();

    expect(error.message).toContain('nothing was written');
    expect(error.message).toMatch(/conditions\.json, entry 3 \(slug "Migraine_Headaches"\), field "slug": .*lowercase-kebab.*"migraine-headaches"/);
    expect(await totalRows()).toBe(0);
  });

  it('is refused when a required field is missing', async () => {
    const techniques = seed.read('techniques.json');
    delete techniques[0]?.goal;
    seed.write('techniques.json', techniques);

    const error = await refusal();

    expect(error.issues).toContainEqual(
      expect.objectContaining({ entry: 'entry 1 (slug "myofascial-release-therapy")', field: 'goal', message: 'Required' }),
    );
    expect(await totalRows()).toBe(0);
  });

  it('is refused when a relation names an entry the seed does not hold', async () => {
    const techniques = seed.read('techniques.json');
    const mrt = techniques[0] as { treats: string[] };
    mrt.treats = [...mrt.treats, 'tennis-elbow'];
    seed.write('techniques.json', techniques);

    const error = await refusal();

    expect(error.message).toContain('field "treats": names "tennis-elbow", which is not in conditions.json for locale "en"');
    expect(await totalRows()).toBe(0);
  });

  it('is refused when clinic contact details have the wrong format', async () => {
    const clinics = seed.read('clinics.json');
    clinics[0] = { ...clinics[0], email: 'front desk at northside', phone: 'call us', bookingUrl: 'northside/book' };
    seed.write('clinics.json', clinics);

    const error = await refusal();

    const fields = error.issues.map((issue) => issue.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'phone', 'bookingUrl']));
    expect(error.message).toContain('is not an email address');
    expect(await totalRows()).toBe(0);
  });

  it('is refused when a file is not JSON, naming the file', async () => {
    seed.writeText('benefits.json', '[{"slug": "relief",}]');

    const error = await refusal();

    expect(error.issues[0]?.file).toMatch(/benefits\.json$/);
    expect(error.message).toContain('is not valid JSON');
    expect(await totalRows()).toBe(0);
  });

  it('is refused when an entry carries a field the content model does not have', async () => {
    const causes = seed.read('causes.json');
    causes[0] = { ...causes[0], sumary: 'typo' };
    seed.write('causes.json', causes);

    const error = await refusal();

    expect(error.message).toMatch(/causes\.json, entry 1 \(slug "stiff-fascia"\): Unrecognized key\(s\) in object: 'sumary'/);
    expect(await totalRows()).toBe(0);
  });

  it('is refused when a clinic adaptation adapts a vetted field, naming file, entry and field', async () => {
    const adaptations = seed.read<Array<{ locales: Record<string, Record<string, unknown>> }>>('clinic-adaptations.json');
    const harbour = adaptations[0]?.locales.en;
    if (harbour === undefined) throw new Error('the seed lacks the Harbour adaptation');
    harbour.goal = 'Cures every back.';
    seed.write('clinic-adaptations.json', adaptations);

    const error = await refusal();

    expect(error.message).toMatch(
      /clinic-adaptations\.json, entry 1 \(clinic "harbour-chiro", technique "myofascial-release-therapy"\), field "locales\.en\.goal": goal is vetted medical content and cannot be adapted per clinic/,
    );
    expect(await totalRows()).toBe(0);
  });

  it('is refused when a clinic adaptation names a clinic the seed does not hold', async () => {
    const adaptations = seed.read('clinic-adaptations.json');
    adaptations[1] = { ...adaptations[1], clinic: 'quebec-physio' };
    seed.write('clinic-adaptations.json', adaptations);

    const error = await refusal();

    expect(error.issues).toContainEqual(
      expect.objectContaining({ entry: 'entry 2 (clinic "quebec-physio", technique "myofascial-release-therapy")', field: 'clinic', message: '"quebec-physio" is not in clinics.json for the default locale "en"' }),
    );
    expect(await totalRows()).toBe(0);
  });

  it('is refused when the folder holds a file the seed does not know', async () => {
    seed.write('condition.json', []);

    const error = await refusal();

    expect(error.message).toContain('condition.json: is not a seed file this service knows');
    expect(await totalRows()).toBe(0);
  });

  it('makes `npm run seed` exit non-zero with the message, writing nothing', async () => {
    const conditions = seed.read('conditions.json');
    conditions[0] = { ...conditions[0], summary: '' };
    seed.write('conditions.json', conditions);

    const result = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'seed.js'), '--dir', seed.dir], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'error' },
      encoding: 'utf8',
      timeout: 90000,
    });

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/conditions\.json, entry 1 \(slug "back-pain"\), field "summary": must not be empty/);
    expect(await totalRows()).toBe(0);
  });
});
