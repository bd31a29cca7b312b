/** GRAPHQL_TIMEOUT_MS: an answer that takes longer is replaced by 408 REQUEST_TIMEOUT, never cached. */
import { createClinicKey } from '../../src/clinics/keys';
import { runSeed } from '../../src/seed';
import { startApp, type TestApp } from '../helpers/strapi';

let app: TestApp;

beforeAll(async () => {
  // 1 ms: no page of the seed can be read that fast.
  app = await startApp({ isListening: true, environment: { GRAPHQL_TIMEOUT_MS: '1' } });
  await runSeed({ strapi: app.strapi });
});

afterAll(async () => {
  await app?.stop();
});

it('answers a request over the time limit with 408 REQUEST_TIMEOUT, and the next one normally', async () => {
  const key = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
  const ask = () =>
    fetch(`${app.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: '{ therapyPage(slug: "myofascial-release-therapy") { jsonLd technique { treats { name causes { name } } } } }' }),
    });
  const response = await ask();
  expect(response.status).toBe(408);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(((await response.json()) as any).errors[0].extensions.code).toBe('REQUEST_TIMEOUT');
  expect((await fetch(`${app.baseUrl}/health/live`)).status).toBe(200);
});
