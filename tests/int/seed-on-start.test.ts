import { SEED_UIDS } from '../../src/seed';
import { isPostgres } from '../helpers/database';
import { startApp, type TestApp } from '../helpers/strapi';

let app: TestApp;

beforeAll(async () => {
  app = await startApp({ environment: { SEED_ON_EMPTY: 'true' } });
});

afterAll(async () => {
  await app?.stop();
});

describe('starting on an empty database', () => {
  it('runs on the database the environment names', () => {
    expect(app.strapi.db.dialect.client).toBe(isPostgres() ? 'postgres' : 'sqlite');
  });

  it('imports and publishes the seed by itself when SEED_ON_EMPTY is on', async () => {
    const counts = await Promise.all(
      SEED_UIDS.map((uid) => app.strapi.db.query(uid).count({ where: { publishedAt: { $notNull: true } } })),
    );
    // Published rows per type (causes, benefits, provider types, conditions, techniques, clinics), in
    // en, es and fr, plus the fr-CA overrides (3 provider types, the technique, the clinics); the
    // Montréal clinic is in en, fr and fr-CA only. Then the clinic adaptations: Harbour's en, Montréal's fr-CA.
    expect(counts).toEqual([9, 9, 18, 18, 4, 11, 2]);
  });
});
