/** Health endpoints for load balancers and Prometheus metrics behind METRICS_TOKEN. */
import { createClinicKey } from '../../src/clinics/keys';
import { runSeed } from '../../src/seed';
import { startApp, type TestApp } from '../helpers/strapi';

const TOKEN = 'metrics-token-for-tests-0123456789';
let app: TestApp;
let key: string;

beforeAll(async () => {
  app = await startApp({ isListening: true, environment: { METRICS_TOKEN: TOKEN, RATE_LIMIT_PER_MINUTE: '3' } });
  await runSeed({ strapi: app.strapi });
  key = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
});

afterAll(async () => {
  await app?.stop();
});

describe('health', () => {
  it('is live, and ready when the database answers', async () => {
    const live = await fetch(`${app.baseUrl}/health/live`);
    expect([live.status, await live.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${app.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
  });
});

describe('metrics', () => {
  it('are refused without the token or with a wrong one', async () => {
    expect((await fetch(`${app.baseUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN.replace(/.$/, 'x')}` } })).status).toBe(401);
  });

  it('count requests by operation and cache outcome, rate-limit refusals, and the database pool', async () => {
    const ask = () =>
      fetch(`${app.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: 'query ClinicName { clinic { name } }', operationName: 'ClinicName' }),
      });
    const statuses = [];
    for (let index = 0; index < 4; index += 1) statuses.push((await ask()).status);
    expect(statuses).toEqual([200, 200, 200, 429]);

    const response = await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/graphql_request_duration_seconds_count\{operation="ClinicName",cache="miss",status="200"\} 1/);
    expect(text).toMatch(/graphql_request_duration_seconds_count\{operation="ClinicName",cache="hit",status="200"\} 2/);
    expect(text).toMatch(/graphql_cache_requests_total\{result="hit"\} 2/);
    expect(text).toMatch(/graphql_rate_limit_rejections_total 1/);
    expect(text).toMatch(/db_pool_connections\{state="used"\} \d+/);
    expect(text).toMatch(/process_resident_memory_bytes \d+/);
  });
});
