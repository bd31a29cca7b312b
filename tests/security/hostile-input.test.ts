/**
 * Hostile input against a real running server. Every case must be refused with an error code — a 4xx
 * when the request fails before execution, 200 when the answer has `data` (the statuses of
 * application/graphql-response+json, which every case asks for) — show no stack trace, leak none of the canaries (a draft's text, an admin's password hash and reset
 * token, clinic key hashes), and leave the server answering the next normal request.
 */
import { createClinicKey } from '../../src/clinics/keys';
import { ensureDevAdmin } from '../../src/admin-account/ensure-dev-admin';
import { parseSettings } from '../../src/settings';
import { runSeed } from '../../src/seed';
import { startApp, type TestApp } from '../helpers/strapi';

let app: TestApp;
const keys: Record<string, string> = {};
const canaries: string[] = [];
const DRAFT_CANARY = 'DRAFTCANARY7c1e';
const MRT = 'myofascial-release-therapy';

interface Case {
  name: string;
  /** A GraphQL body (object, sent as JSON) or raw text; method GET sends `query` in the URL. */
  body?: unknown;
  raw?: string | Buffer;
  method?: 'GET' | 'POST';
  url?: string;
  key?: 'northside' | 'harbour' | 'preview' | 'none' | 'bogus';
  headers?: Record<string, string>;
  status: number | number[];
  code: string | string[];
}

const nest = (depth: number) => `${'{ techniques { items { treats '.repeat(1)}${'{ techniques { treats '.repeat(depth)}{ slug }${' } }'.repeat(depth)} } } }`;

const CASES: Case[] = [
  // Bombs
  { name: 'depth bomb', body: { query: nest(15) }, status: 400, code: 'DEPTH_LIMIT_EXCEEDED' },
  { name: 'alias bomb', body: { query: `{ ${Array.from({ length: 200 }, (_, i) => `a${i}: clinic { name }`).join(' ')} }` }, status: 400, code: 'ALIAS_LIMIT_EXCEEDED' },
  {
    name: 'fragment bomb (exponential spreads)',
    body: {
      query: `query { clinic { ...F0 } } ${Array.from({ length: 12 }, (_, i) => `fragment F${i} on Clinic { name ${i < 11 ? `...F${i + 1} ...F${i + 1}` : ''} }`).join(' ')}`,
    },
    status: 400,
    code: ['COST_LIMIT_EXCEEDED', 'DEPTH_LIMIT_EXCEEDED', 'BAD_USER_INPUT', 'TOKEN_LIMIT_EXCEEDED'],
  },
  { name: 'cyclic fragments', body: { query: '{ clinic { ...A } } fragment A on Clinic { ...B } fragment B on Clinic { ...A }' }, status: 400, code: 'BAD_USER_INPUT' },
  { name: 'directive bomb', body: { query: `{ clinic { name ${'@include(if: true) '.repeat(100)} } }` }, status: 400, code: 'DIRECTIVE_LIMIT_EXCEEDED' },
  { name: 'token bomb', body: { query: `{ clinic { ${'name '.repeat(5000)} } }` }, status: 400, code: 'TOKEN_LIMIT_EXCEEDED' },
  { name: 'cost bomb through page sizes', body: { query: '{ techniques(page: { pageSize: 100 }) { items { treats { causes { conditions { techniques { slug } } } } } } }' }, status: 400, code: ['COST_LIMIT_EXCEEDED', 'DEPTH_LIMIT_EXCEEDED'] },
  // Pages
  { name: 'huge page size', body: { query: '{ conditions(page: { pageSize: 1000000 }) { items { slug } } }' }, status: 200, code: 'BAD_USER_INPUT' },
  { name: 'negative page size', body: { query: '{ conditions(page: { pageSize: -1 }) { items { slug } } }' }, status: 200, code: 'BAD_USER_INPUT' },
  { name: 'page zero', body: { query: '{ conditions(page: { page: 0 }) { items { slug } } }' }, status: 200, code: 'BAD_USER_INPUT' },
  { name: 'page size beyond 32 bits', body: { query: '{ conditions(page: { pageSize: 99999999999 }) { items { slug } } }' }, status: 400, code: 'BAD_USER_INPUT' },
  // Bodies
  { name: 'batched body', body: [{ query: '{ clinic { name } }' }, { query: '{ clinic { slug } }' }], status: 400, code: 'BATCH_NOT_SUPPORTED' },
  { name: 'malformed JSON', raw: '{"query": "{ clinic { name } }"', status: 400, code: 'MALFORMED_JSON' },
  { name: 'a 2 MB body', raw: JSON.stringify({ query: '{ clinic { name } }', variables: { pad: 'x'.repeat(2 * 1024 * 1024) } }), status: 413, code: 'BODY_TOO_LARGE' },
  { name: 'empty body', raw: '', status: 400, code: ['MALFORMED_JSON', 'BAD_USER_INPUT'] },
  { name: 'query that is not a string', body: { query: { $ne: null } }, status: 400, code: 'MALFORMED_REQUEST' },
  { name: 'wrong variable type', body: { query: 'query($slug: String!) { technique(slug: $slug) { name } }', variables: { slug: 42 } }, status: 400, code: 'BAD_USER_INPUT' },
  { name: 'variables as a string', body: { query: '{ clinic { name } }', variables: 'slug=1' }, status: 400, code: 'MALFORMED_REQUEST' },
  // Injection in slugs, locales and filters
  { name: 'SQL in a slug', body: { query: `{ technique(slug: "${MRT}' OR '1'='1") { name } }` }, status: 200, code: 'BAD_USER_INPUT' },
  { name: 'null byte in a slug', body: { query: 'query($s: String!) { technique(slug: $s) { name } }', variables: { s: `${MRT}\u0000` } }, status: 200, code: 'BAD_USER_INPUT' },
  { name: 'operator object as a slug', body: { query: 'query($s: String!) { technique(slug: $s) { name } }', variables: { s: { $ne: '' } } }, status: 400, code: 'BAD_USER_INPUT' },
  { name: 'where-object in a filter', body: { query: 'query($f: TechniqueFilter) { techniques(filter: $f) { items { slug } } }', variables: { f: { treats: { $contains: 'a' } } } }, status: 400, code: 'BAD_USER_INPUT' },
  { name: 'SQL in a filter slug', body: { query: `{ techniques(filter: { treats: "x'; DROP TABLE techniques; --" }) { items { slug } } }` }, status: 200, code: 'BAD_USER_INPUT' },
  { name: 'SQL in a locale', body: { query: `{ techniques(locale: "en' OR 1=1 --") { items { slug } } }` }, status: 200, code: 'BAD_USER_INPUT' },
  { name: 'a very long slug', body: { query: `{ technique(slug: "${'a'.repeat(5000)}") { name } }` }, status: 200, code: 'BAD_USER_INPUT' },
  // Private fields
  { name: 'an admin password through the schema', body: { query: '{ clinic { createdBy { password } } }' }, status: 400, code: 'BAD_USER_INPUT' },
  { name: 'a reset-password token through the schema', body: { query: '{ technique(slug: "myofascial-release-therapy") { updatedBy { resetPasswordToken } } }' }, status: 400, code: 'BAD_USER_INPUT' },
  { name: 'key hashes through the schema', body: { query: '{ clinic { accessKeys } }' }, status: 400, code: 'BAD_USER_INPUT' },
  { name: 'introspection of private types', body: { query: '{ __type(name: "AdminUser") { fields { name } } }' }, status: 400, code: 'BAD_USER_INPUT' },
  { name: 'Strapi internals by filter', body: { query: '{ techniques(filter: { createdBy: "1" }) { items { slug } } }' }, status: 400, code: 'BAD_USER_INPUT' },
  // Drafts with a public key
  { name: 'a draft-only entry by slug', body: { query: '{ technique(slug: "draft-canary") { name summary } }' }, status: 200, code: 'NOT_FOUND' },
  { name: 'a draft by a status argument', body: { query: `{ technique(slug: "${MRT}", status: DRAFT) { summary } }` }, status: 400, code: 'BAD_USER_INPUT' },
  { name: 'a draft by a preview header', body: { query: '{ technique(slug: "draft-canary") { name } }' }, headers: { 'x-preview': 'true', 'strapi-status': 'draft' }, status: 200, code: 'NOT_FOUND' },
  { name: 'a draft by a status argument on a list', body: { query: '{ techniques(status: DRAFT, publicationState: PREVIEW) { items { name } } }' }, status: 400, code: 'BAD_USER_INPUT' },
  { name: "a draft through the therapy page", body: { query: '{ therapyPage(slug: "draft-canary") { technique { name } } }' }, status: 200, code: 'NOT_FOUND' },
  // Keys and clinics
  { name: 'no key', body: { query: '{ clinic { name } }' }, key: 'none', status: 401, code: 'UNAUTHENTICATED' },
  { name: 'a forged key', body: { query: '{ clinic { name } }' }, key: 'bogus', status: 401, code: 'UNAUTHENTICATED' },
  { name: 'a key hash presented as a key', body: { query: '{ clinic { name } }' }, key: 'none', headers: { authorization: 'Bearer HASH' }, status: 401, code: 'UNAUTHENTICATED' },
  { name: "another clinic's data by argument", body: { query: '{ clinic(slug: "harbour-chiro") { phone email } }' }, status: 400, code: 'BAD_USER_INPUT' },
  { name: 'GET without the preflight header (cross-site request)', method: 'GET', body: { query: '{ clinic { name } }' }, headers: { 'apollo-require-preflight': '' }, status: 400, code: 'BAD_USER_INPUT' },
  { name: 'a mutation', body: { query: 'mutation { deleteTechnique(id: 1) { id } }' }, status: 400, code: 'BAD_USER_INPUT' },
];

async function send(testCase: Case): Promise<{ status: number; text: string; json: any }> {
  const keyName = testCase.key ?? 'northside';
  const key = keyName === 'none' ? null : keyName === 'bogus' ? `cck_live_${'B'.repeat(43)}` : keys[keyName];
  // The spec's own media type, under which a request that failed before execution is a 4xx (application/json answers 200).
  const headers: Record<string, string> = { accept: 'application/graphql-response+json', ...(key !== null && key !== undefined ? { authorization: `Bearer ${key}` } : {}) };
  for (const [name, value] of Object.entries(testCase.headers ?? {})) headers[name] = value === 'Bearer HASH' ? `Bearer ${canaries[2]}` : value;
  let response: Response;
  if (testCase.method === 'GET') {
    const query = (testCase.body as { query: string }).query;
    response = await fetch(`${app.baseUrl}/graphql?${new URLSearchParams({ query })}`, { headers });
  } else {
    response = await fetch(`${app.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: testCase.raw ?? JSON.stringify(testCase.body),
    });
  }
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // asserted below
  }
  return { status: response.status, text, json };
}

beforeAll(async () => {
  app = await startApp({ isListening: true });
  await runSeed({ strapi: app.strapi });
  keys.northside = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
  keys.harbour = (await createClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', kind: 'public' })).key;

  // Canaries: a draft's text, an admin's password hash and reset token, the clinics' key hashes.
  const techniques = app.strapi.documents('api::technique.technique') as unknown as {
    create(params: object): Promise<{ documentId: string }>;
    findFirst(params: object): Promise<{ documentId: string }>;
    update(params: object): Promise<unknown>;
  };
  await techniques.create({
    locale: 'en',
    data: {
      name: `Draft ${DRAFT_CANARY}`,
      slug: 'draft-canary',
      summary: `Never published: ${DRAFT_CANARY}`,
      intro: [{ type: 'paragraph', children: [{ type: 'text', text: DRAFT_CANARY }] }],
      goal: DRAFT_CANARY,
    },
  });
  const mrt = await techniques.findFirst({ filters: { slug: MRT }, locale: 'en' });
  await techniques.update({ documentId: mrt.documentId, locale: 'en', data: { summary: `Unpublished edit ${DRAFT_CANARY}` } });
  await ensureDevAdmin(app.strapi, parseSettings({ NODE_ENV: 'test', ADMIN_EMAIL: 'canary-admin@example.com', ADMIN_PASSWORD: 'Canary-passw0rd' }));
  const token = 'resetcanary0123456789abcdef';
  await app.strapi.db.query('admin::user').update({ where: { email: 'canary-admin@example.com' }, data: { resetPasswordToken: token } });
  const admin = (await app.strapi.db.query('admin::user').findOne({ where: { email: 'canary-admin@example.com' }, select: ['password'] })) as { password: string };
  const clinic = (await app.strapi.db.query('api::clinic.clinic').findOne({ where: { slug: 'northside-physio' }, select: ['accessKeys'] })) as { accessKeys: Array<{ hash: string }> };
  const harbour = (await app.strapi.db.query('api::clinic.clinic').findOne({ where: { slug: 'harbour-chiro' }, select: ['accessKeys'] })) as { accessKeys: Array<{ hash: string }> };
  canaries.push(DRAFT_CANARY, admin.password.slice(0, 29), clinic.accessKeys[0]!.hash, harbour.accessKeys[0]!.hash, token);
  expect(admin.password).toMatch(/^\$2[aby]\$/);
});

afterAll(async () => {
  await app?.stop();
});

describe('hostile input', () => {
  it('has at least 30 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each([
    ['a list search', `{ techniques(search: "${DRAFT_CANARY}") { items { name } pageInfo { total } } }`, 'techniques'],
    ['a filter naming a draft', '{ conditions(filter: { treatedBy: "draft-canary" }) { items { name } pageInfo { total } } }', 'conditions'],
  ])('finds no draft through %s (an empty list, not an error)', async (_way, query, field) => {
    const answer = await send({ name: 'list', body: { query }, status: 200, code: [] });
    expect(answer.status).toBe(200);
    expect(answer.json.data[field].pageInfo.total).toBe(0);
    for (const canary of canaries) expect(answer.text).not.toContain(canary);
  });

  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))('%s: refused with its status and code, no trace, no canary, server fine after', async (_name, testCase) => {
    const answer = await send(testCase);
    const statuses = Array.isArray(testCase.status) ? testCase.status : [testCase.status];
    expect({ status: answer.status, body: answer.text.slice(0, 300) }).toEqual({ status: expect.toBeOneOf(statuses), body: expect.any(String) });
    const codes = Array.isArray(testCase.code) ? testCase.code : [testCase.code];
    expect(answer.json).not.toBeNull();
    expect(codes).toContain(answer.json.errors?.[0]?.extensions?.code);
    expect(answer.text).not.toMatch(/stacktrace|\bat [\w.<>]+ \(|node_modules|\.js:\d+/);
    for (const canary of canaries) expect(answer.text).not.toContain(canary);

    const next = await send({ name: 'normal', body: { query: `{ technique(slug: "${MRT}") { name summary } }` }, status: 200, code: [] });
    expect(next.status).toBe(200);
    expect(next.json.data.technique.name).toBe('Myofascial Release Therapy');
    for (const canary of canaries) expect(next.text).not.toContain(canary);
  });
});

expect.extend({
  toBeOneOf(received: unknown, expected: unknown[]) {
    const pass = expected.includes(received);
    return { pass, message: () => `expected ${String(received)} to be one of ${expected.join(', ')}` };
  },
});

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Expect {
      toBeOneOf(expected: unknown[]): unknown;
    }
  }
}
