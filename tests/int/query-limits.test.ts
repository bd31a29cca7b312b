/**
 * Every query limit refuses with a 4xx and the code of that limit, and the server answers the next
 * normal request (the hostile-input suite in tests/security/ goes wider).
 */
import { createClinicKey } from '../../src/clinics/keys';
import { runSeed } from '../../src/seed';
import { startApp, type TestApp } from '../helpers/strapi';

let app: TestApp;
let key: string;

async function post(body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${app.baseUrl}/graphql`, {
    method: 'POST',
    // Refusals before execution are 400 under the spec's media type (200 under application/json).
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${key}`, ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: JSON.parse(text) };
}

const ask = (query: string, variables: Record<string, unknown> = {}) => post(JSON.stringify({ query, variables }));
const codeOf = (answer: { json: any }) => answer.json.errors?.[0]?.extensions?.code;

beforeAll(async () => {
  app = await startApp({
    isListening: true,
    environment: { GRAPHQL_MAX_DEPTH: '6', GRAPHQL_MAX_ALIASES: '3', GRAPHQL_MAX_DIRECTIVES: '3', GRAPHQL_MAX_TOKENS: '400', GRAPHQL_MAX_COST: '5000', GRAPHQL_MAX_BODY_BYTES: '8000' },
  });
  await runSeed({ strapi: app.strapi });
  key = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
});

afterAll(async () => {
  await app?.stop();
});

describe('query limits', () => {
  it.each([
    ['depth', '{ techniques { items { treats { techniques { treats { techniques { slug } } } } } } }', 'DEPTH_LIMIT_EXCEEDED'],
    ['aliases', '{ a: clinic { name } b: clinic { name } c: clinic { name } d: clinic { name } }', 'ALIAS_LIMIT_EXCEEDED'],
    ['directives', '{ clinic { name @include(if: true) @include(if: true) @skip(if: false) @skip(if: false) } }', 'DIRECTIVE_LIMIT_EXCEEDED'],
    ['tokens', `{ clinic { ${'name '.repeat(450)} } }`, 'TOKEN_LIMIT_EXCEEDED'],
    ['cost', '{ techniques(page: { pageSize: 100 }) { items { treats { causes { name } techniques { name } } } } }', 'COST_LIMIT_EXCEEDED'],
  ])('refuses a query over the %s limit with 400 and its code', async (_limit, query, code) => {
    const answer = await ask(query);
    expect(answer.status).toBe(400);
    expect(codeOf(answer)).toBe(code);
    expect(answer.text).not.toMatch(/stacktrace|at .*\.js:\d+/);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
  });

  it('lets list sizes multiply the cost: the same query with small pages passes', async () => {
    const answer = await ask('{ techniques(page: { pageSize: 2 }) { items { treats { causes { name } techniques { name } } } } }');
    expect(answer.status).toBe(200);
    expect(answer.json.errors).toBeUndefined();
  });

  it('refuses batched bodies, oversized bodies and oversized pages with their own codes', async () => {
    const batch = await post(JSON.stringify([{ query: '{ clinic { name } }' }, { query: '{ clinic { name } }' }]));
    expect([batch.status, codeOf(batch)]).toEqual([400, 'BATCH_NOT_SUPPORTED']);
    const large = await post(JSON.stringify({ query: '{ clinic { name } }', variables: { padding: 'x'.repeat(9000) } }));
    expect([large.status, codeOf(large)]).toEqual([413, 'BODY_TOO_LARGE']);
    const page = await ask('{ conditions(page: { pageSize: 101 }) { items { slug } } }');
    expect(codeOf(page)).toBe('BAD_USER_INPUT');
    expect((await ask('{ clinic { name } }')).json.data.clinic.name).toBe('Northside Physiotherapy & Massage');
  });

  it('keeps the request id a load balancer sent, and answers with one otherwise', async () => {
    const sent = await post(JSON.stringify({ query: '{ clinic { name } }' }), { 'x-request-id': 'lb-1234567890' });
    expect(sent.headers.get('x-request-id')).toBe('lb-1234567890');
    const made = await post(JSON.stringify({ query: '{ clinic { name } }' }), { 'x-request-id': 'bad id with spaces' });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('does not expose /metrics without METRICS_TOKEN', async () => {
    expect((await fetch(`${app.baseUrl}/metrics`)).status).toBe(404);
  });

  it('hides the schema outside development: no introspection, no "did you mean"', async () => {
    const introspection = await ask('{ __schema { types { name } } }');
    expect(introspection.status).toBe(400);
    expect(introspection.text).not.toContain('"Technique"');
    const typo = await ask('{ clinic { nam } }');
    expect(typo.text).not.toContain('Did you mean');
  });
});
