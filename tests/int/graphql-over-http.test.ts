/**
 * /graphql as the GraphQL-over-HTTP spec says, over real HTTP against a real Strapi with the response
 * cache on: the status of every kind of answer for each Accept header (the table in the site
 * developers' docs), the content type, Vary and cache hits that honour Accept, WWW-Authenticate on
 * 401, hash mismatches refused before the cache on every path, no client mistake answered as INTERNAL,
 * and graphql-http's own audit passing every MUST and SHOULD.
 */
import { createHash } from 'crypto';
import { auditServer } from 'graphql-http';
import { createClinicKey, revokeClinicKeys } from '../../src/clinics/keys';
import { runSeed } from '../../src/seed';
import { send, type WireAnswer } from '../helpers/graphql';
import { startApp, type TestApp } from '../helpers/strapi';

let app: TestApp;
let key: string;
let revokedKey: string;

const MAX_BODY_BYTES = 8192;
const JSON_TYPE = /^application\/json\b/;
const RESPONSE_TYPE = /^application\/graphql-response\+json\b/;

/** Every Accept a client may send; null is no Accept header at all. */
const ACCEPTS: Array<string | null> = [null, 'application/json', '*/*', 'application/graphql-response+json'];
/** The Accepts that get the legacy application/json behaviour (200 for GraphQL errors). */
const JSON_ACCEPTS: Array<string | null> = [null, 'application/json', '*/*'];
const RESPONSE_ACCEPT = 'application/graphql-response+json';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

const PROFILE = 'query HttpProfile { clinic { slug name } }';
const OTHER = 'query HttpOther { clinic { phone } }';
const PAGE = 'query HttpPage($slug: String!) { therapyPage(slug: $slug) { technique { name } } }';
const PARSE_ERROR = '{ clinic { name }';
const VALIDATION_ERROR = '{ clinic { noSuchField } }';
const NOT_FOUND = { query: PAGE, variables: { slug: 'no-such-technique' } };
const FORBIDDEN = { query: '{ conditions(locale: "fr") { items { slug } } }' };
const BAD_USER_INPUT = { query: '{ conditions(page: { pageSize: 101 }) { items { slug } } }' };
const VARIABLE_ERROR = { query: PAGE, variables: { slug: 42 } };

function codes(answer: WireAnswer): Array<string | undefined> {
  return (answer.body?.errors ?? []).map((error) => error.extensions?.code);
}

/** The protocol code Apollo gave an error, whether served as the code or as the reason of BAD_USER_INPUT. */
function protocolCodes(answer: WireAnswer): Array<unknown> {
  return (answer.body?.errors ?? []).flatMap((error) => [error.extensions?.code, error.extensions?.reason]);
}

beforeAll(async () => {
  // Introspection on: two of the audit's checks (28B9, 2EA1) query `__type`, which production refuses.
  app = await startApp({ isListening: true, environment: { RESPONSE_CACHE: 'on', GRAPHQL_MAX_BODY_BYTES: String(MAX_BODY_BYTES), GRAPHQL_INTROSPECTION: 'on' } });
  await runSeed({ strapi: app.strapi });
  key = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
  // harbour-chiro: its keys are revoked here, and the ones made later are limited to one request a minute.
  revokedKey = (await createClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', kind: 'public' })).key;
  await revokeClinicKeys({ strapi: app.strapi, slug: 'harbour-chiro' });
  const clinics = app.strapi.documents('api::clinic.clinic') as unknown as {
    findFirst(params: object): Promise<{ documentId: string }>;
    update(params: object): Promise<unknown>;
    publish(params: object): Promise<unknown>;
  };
  const harbour = await clinics.findFirst({ filters: { slug: 'harbour-chiro' }, locale: 'en' });
  await clinics.update({ documentId: harbour.documentId, locale: 'en', data: { rateLimitPerMinute: 1 } });
  await clinics.publish({ documentId: harbour.documentId, locale: 'en' });
});

afterAll(async () => {
  await app?.stop();
});

describe.each(ACCEPTS)('whatever the Accept header (here %s)', (accept) => {
  it.each([
    ['no key', null],
    ['an unknown key', `cck_live_${'A'.repeat(43)}`],
    ['a revoked key', 'revoked'],
  ])('answers %s with 401 UNAUTHENTICATED and WWW-Authenticate: Bearer, over POST and GET', async (_name, presented) => {
    const sent = presented === 'revoked' ? revokedKey : presented;
    for (const method of ['POST', 'GET'] as const) {
      const answer = await send(app, { method, key: sent, accept, body: { query: PROFILE }, params: method === 'GET' ? { query: PROFILE } : undefined });
      expect([method, answer.status, codes(answer)]).toEqual([method, 401, ['UNAUTHENTICATED']]);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('answers a body over GRAPHQL_MAX_BODY_BYTES with 413', async () => {
    const answer = await send(app, { key, accept, body: { query: PROFILE, variables: { padding: 'x'.repeat(MAX_BODY_BYTES) } } });
    expect(answer.status).toBe(413);
    expect(codes(answer)).toEqual(['BODY_TOO_LARGE']);
  });

  it('answers a key over its rate limit with 429', async () => {
    const limited = (await createClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', kind: 'public' })).key;
    expect((await send(app, { key: limited, accept, body: { query: PROFILE } })).status).toBe(200);
    const refused = await send(app, { key: limited, accept, body: { query: PROFILE } });
    expect(refused.status).toBe(429);
    expect(codes(refused)).toEqual(['RATE_LIMITED']);
  });

  it('answers a mutation over GET with 405', async () => {
    const answer = await send(app, { method: 'GET', key, accept, params: { query: 'mutation { __typename }' } });
    expect(answer.status).toBe(405);
    expect(codes(answer)).not.toContain('INTERNAL');
  });

  it('answers a body that is not JSON with 400', async () => {
    const answer = await send(app, { key, accept, body: '{ "not a JSON' });
    expect(answer.status).toBe(400);
    expect(answer.body?.errors?.length).toBeGreaterThan(0);
    expect(codes(answer)).not.toContain('INTERNAL');
  });

  it('answers a body with no query, documentId or persistedQuery with 400', async () => {
    const answer = await send(app, { key, accept, body: { qeury: PROFILE } });
    expect(answer.status).toBe(400);
    expect(codes(answer)).not.toContain('INTERNAL');
  });

  it("answers a document sent with another document's hash with 400 PERSISTED_QUERY_HASH_MISMATCH", async () => {
    const answer = await send(app, { key, accept, body: { query: PROFILE, extensions: persisted(sha256(OTHER)) } });
    expect([answer.status, codes(answer)]).toEqual([400, ['PERSISTED_QUERY_HASH_MISMATCH']]);
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });
});

describe.each(JSON_ACCEPTS)('with Accept %s (application/json answers)', (accept) => {
  const cases: Array<[string, object, string]> = [
    ['a parse error', { query: PARSE_ERROR }, 'GRAPHQL_PARSE_FAILED'],
    ['a validation error', { query: VALIDATION_ERROR }, 'GRAPHQL_VALIDATION_FAILED'],
    ['a variable that does not coerce', VARIABLE_ERROR, 'BAD_USER_INPUT'],
    ['NOT_FOUND', NOT_FOUND, 'NOT_FOUND'],
    ['FORBIDDEN', FORBIDDEN, 'FORBIDDEN'],
    ['BAD_USER_INPUT', BAD_USER_INPUT, 'BAD_USER_INPUT'],
    ['PERSISTED_QUERY_NOT_FOUND', { extensions: persisted('f'.repeat(64)) }, 'PERSISTED_QUERY_NOT_FOUND'],
  ];

  it.each(cases)('answers %s with 200 in application/json, the code in the body', async (_name, body, code) => {
    const answer = await send(app, { key, accept, body });
    expect([answer.status, answer.headers.get('content-type')]).toEqual([200, expect.stringMatching(JSON_TYPE)]);
    expect(protocolCodes(answer)).toContain(code);
    expect(codes(answer)).not.toContain('INTERNAL');
  });

  it('answers an unknown persisted-query hash over GET with 200 PERSISTED_QUERY_NOT_FOUND', async () => {
    const answer = await send(app, { method: 'GET', key, accept, params: { extensions: persisted('e'.repeat(64)) } });
    expect([answer.status, codes(answer)]).toEqual([200, ['PERSISTED_QUERY_NOT_FOUND']]);
    expect(answer.headers.get('content-type')).toMatch(JSON_TYPE);
  });

  it('answers data in application/json', async () => {
    const answer = await send(app, { key, accept, body: { query: PROFILE } });
    expect([answer.status, answer.headers.get('content-type')]).toEqual([200, expect.stringMatching(JSON_TYPE)]);
    expect(answer.body?.data).toEqual({ clinic: { slug: 'northside-physio', name: 'Northside Physiotherapy & Massage' } });
  });
});

describe('with Accept application/graphql-response+json', () => {
  it.each([
    ['a parse error', { query: PARSE_ERROR }, 'GRAPHQL_PARSE_FAILED'],
    ['a validation error', { query: VALIDATION_ERROR }, 'GRAPHQL_VALIDATION_FAILED'],
    ['a variable that does not coerce', VARIABLE_ERROR, 'BAD_USER_INPUT'],
  ])('answers %s with 400 and no data entry', async (_name, body, code) => {
    const answer = await send(app, { key, accept: RESPONSE_ACCEPT, body });
    expect([answer.status, answer.headers.get('content-type')]).toEqual([400, expect.stringMatching(RESPONSE_TYPE)]);
    expect(answer.body).not.toHaveProperty('data');
    expect(protocolCodes(answer)).toContain(code);
  });

  it.each([
    ['NOT_FOUND', NOT_FOUND],
    ['FORBIDDEN', FORBIDDEN],
    ['BAD_USER_INPUT', BAD_USER_INPUT],
  ])('answers %s, whose data entry is present (null), with 200', async (code, body) => {
    const answer = await send(app, { key, accept: RESPONSE_ACCEPT, body });
    expect([answer.status, answer.headers.get('content-type')]).toEqual([200, expect.stringMatching(RESPONSE_TYPE)]);
    expect(answer.body).toHaveProperty('data');
    expect(codes(answer)).toEqual([code]);
  });

  it('answers an unknown persisted-query hash with 200 PERSISTED_QUERY_NOT_FOUND, over POST and GET', async () => {
    const post = await send(app, { key, accept: RESPONSE_ACCEPT, body: { extensions: persisted('d'.repeat(64)) } });
    const get = await send(app, { method: 'GET', key, accept: RESPONSE_ACCEPT, params: { extensions: persisted('d'.repeat(64)) } });
    for (const answer of [post, get]) {
      expect([answer.status, codes(answer)]).toEqual([200, ['PERSISTED_QUERY_NOT_FOUND']]);
      expect(answer.headers.get('content-type')).toMatch(RESPONSE_TYPE);
    }
  });

  it('answers data in application/graphql-response+json', async () => {
    const answer = await send(app, { key, accept: RESPONSE_ACCEPT, body: { query: PROFILE } });
    expect([answer.status, answer.headers.get('content-type')]).toEqual([200, expect.stringMatching(RESPONSE_TYPE)]);
    expect(answer.body?.data).toEqual({ clinic: { slug: 'northside-physio', name: 'Northside Physiotherapy & Massage' } });
  });
});

describe('the response cache and Accept', () => {
  it('names Accept in Vary, on misses and hits', async () => {
    const query = 'query VaryProfile { clinic { slug } }';
    const miss = await send(app, { key, body: { query } });
    const hit = await send(app, { key, body: { query } });
    expect([miss.headers.get('x-cache'), hit.headers.get('x-cache')]).toEqual(['MISS', 'HIT']);
    for (const answer of [miss, hit]) {
      const vary = (answer.headers.get('vary') ?? '').split(',').map((name) => name.trim().toLowerCase());
      expect(vary).toEqual(expect.arrayContaining(['accept', 'authorization']));
    }
  });

  it('answers POST hits in the content type each Accept asks for, each Accept its own entry', async () => {
    const query = 'query AcceptPost { clinic { name } }';
    const response = [await send(app, { key, accept: RESPONSE_ACCEPT, body: { query } }), await send(app, { key, accept: RESPONSE_ACCEPT, body: { query } })];
    expect(response.map((answer) => answer.headers.get('x-cache'))).toEqual(['MISS', 'HIT']);
    for (const answer of response) expect(answer.headers.get('content-type')).toMatch(RESPONSE_TYPE);

    const json = [await send(app, { key, accept: 'application/json', body: { query } }), await send(app, { key, accept: 'application/json', body: { query } })];
    expect(json.map((answer) => answer.headers.get('x-cache'))).toEqual(['MISS', 'HIT']);
    for (const answer of json) expect(answer.headers.get('content-type')).toMatch(JSON_TYPE);
    expect(json[1]?.body).toEqual(response[1]?.body);

    for (const accept of [null, '*/*']) {
      const answer = await send(app, { key, accept, body: { query } });
      expect(answer.headers.get('content-type')).toMatch(JSON_TYPE);
    }
  });

  it('answers early GET hits (before Strapi) in the content type each Accept asks for', async () => {
    const params = { query: 'query AcceptGet { clinic { phone } }' };
    const response = [await send(app, { method: 'GET', key, accept: RESPONSE_ACCEPT, params }), await send(app, { method: 'GET', key, accept: RESPONSE_ACCEPT, params })];
    expect(response.map((answer) => answer.headers.get('x-cache'))).toEqual(['MISS', 'HIT']);
    expect(response[1]?.headers.get('x-powered-by')).toBeNull(); // answered before Strapi's middleware
    for (const answer of response) expect(answer.headers.get('content-type')).toMatch(RESPONSE_TYPE);

    const json = [await send(app, { method: 'GET', key, accept: 'application/json', params }), await send(app, { method: 'GET', key, accept: 'application/json', params })];
    expect(json.map((answer) => answer.headers.get('x-cache'))).toEqual(['MISS', 'HIT']);
    for (const answer of json) expect(answer.headers.get('content-type')).toMatch(JSON_TYPE);
    expect((json[1]?.headers.get('vary') ?? '').toLowerCase()).toContain('accept');
  });
});

describe('a document sent with another document’s hash', () => {
  it('is refused on a POST whose document is in the response cache, instead of served from it', async () => {
    const query = 'query MismatchCached { clinic { email } }';
    await send(app, { key, body: { query } });
    expect((await send(app, { key, body: { query } })).headers.get('x-cache')).toBe('HIT');
    const answer = await send(app, { key, body: { query, extensions: persisted(sha256(OTHER)) } });
    expect([answer.status, codes(answer)]).toEqual([400, ['PERSISTED_QUERY_HASH_MISMATCH']]);
    expect(answer.headers.get('x-cache')).not.toBe('HIT');
    expect(answer.body).not.toHaveProperty('data');
  });

  it('is refused on GET, every time (never cached), for each Accept', async () => {
    const params = { query: 'query MismatchGet { clinic { website } }', extensions: persisted(sha256(OTHER)) };
    for (const accept of ACCEPTS) {
      for (let round = 0; round < 2; round += 1) {
        const answer = await send(app, { method: 'GET', key, accept, params });
        expect([accept, round, answer.status, codes(answer)]).toEqual([accept, round, 400, ['PERSISTED_QUERY_HASH_MISMATCH']]);
        expect(answer.headers.get('x-cache')).not.toBe('HIT');
      }
    }
  });

  it('is refused on GET even when the same document was cached by GET without a hash', async () => {
    const query = 'query MismatchEarly { clinic { bookingUrl } }';
    await send(app, { method: 'GET', key, params: { query } });
    expect((await send(app, { method: 'GET', key, params: { query } })).headers.get('x-cache')).toBe('HIT');
    const answer = await send(app, { method: 'GET', key, params: { query, extensions: persisted(sha256(OTHER)) } });
    expect([answer.status, codes(answer)]).toEqual([400, ['PERSISTED_QUERY_HASH_MISMATCH']]);
  });
});

describe('client mistakes in the Apollo protocol', () => {
  // Each request a client can get wrong, in the ways Apollo Server reports; none may be INTERNAL or 5xx.
  const mistakes: Array<[string, Parameters<typeof send>[1]]> = [
    ['GRAPHQL_PARSE_FAILED', { body: { query: PARSE_ERROR } }],
    ['GRAPHQL_VALIDATION_FAILED', { body: { query: VALIDATION_ERROR } }],
    ['BAD_USER_INPUT (variables)', { body: VARIABLE_ERROR }],
    ['OPERATION_RESOLUTION_FAILURE (two operations, no name)', { body: { query: `${PROFILE} ${OTHER}` } }],
    ['OPERATION_RESOLUTION_FAILURE (unknown operation name)', { body: { query: PROFILE, operationName: 'NoSuchOperation' } }],
    ['PERSISTED_QUERY_NOT_FOUND', { body: { extensions: persisted('c'.repeat(64)) } }],
    ['PERSISTED_QUERY_HASH_MISMATCH', { body: { query: PROFILE, extensions: persisted(sha256(OTHER)) } }],
    ['BAD_REQUEST (unsupported persisted query version)', { body: { query: PROFILE, extensions: { persistedQuery: { version: 2, sha256Hash: sha256(PROFILE) } } } }],
    ['BAD_REQUEST (persisted query without a hash)', { body: { extensions: { persistedQuery: { version: 1 } } } }],
    ['BAD_REQUEST (query not a string)', { body: { query: 5 } }],
    ['BAD_REQUEST (no query)', { body: {} }],
    ['BAD_REQUEST (variables not a map)', { body: { query: PROFILE, variables: 'slug' } }],
    ['BAD_REQUEST (extensions not a map)', { body: { query: PROFILE, extensions: 'apq' } }],
    ['BAD_REQUEST (operationName not a string)', { body: { query: PROFILE, operationName: 7 } }],
    ['BAD_REQUEST (batched body)', { body: [{ query: PROFILE }] }],
    ['BAD_REQUEST (GET without the CSRF preflight header)', { method: 'GET', params: { query: PROFILE }, headers: { 'apollo-require-preflight': '' } }],
    ['BAD_REQUEST (GET variables not JSON)', { method: 'GET', params: { query: PROFILE, variables: '{nope' } }],
    ['BAD_REQUEST (GET mutation)', { method: 'GET', params: { query: 'mutation { __typename }' } }],
    ['BAD_REQUEST (POST as text/plain)', { body: JSON.stringify({ query: PROFILE }), headers: { 'content-type': 'text/plain' } }],
  ];

  it.each(mistakes)('answers %s with a stable code, never INTERNAL', async (_name, input) => {
    const answer = await send(app, { key, ...input });
    expect(answer.status).toBeGreaterThanOrEqual(200);
    expect(answer.status).toBeLessThan(500);
    expect(answer.body?.errors?.length ?? 0).toBeGreaterThan(0);
    for (const error of answer.body?.errors ?? []) {
      expect(typeof error.extensions?.code).toBe('string');
      expect(['INTERNAL', 'INTERNAL_SERVER_ERROR']).not.toContain(error.extensions?.code);
      expect(error.message).not.toBe('Internal server error');
    }
  });
});

describe("graphql-http's audit", () => {
  it('passes every MUST (13) and SHOULD (23) audit', async () => {
    // A site's server: the clinic key on every request, Apollo's CSRF preflight header on GETs.
    const fetchFn = (input: string | URL | Request, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${key}`);
      if ((init.method ?? 'GET').toUpperCase() === 'GET') headers.set('apollo-require-preflight', 'true');
      return fetch(input, { ...init, headers });
    };
    const results = await auditServer({ url: `${app.baseUrl}/graphql`, fetchFn });
    const required = results.filter((result) => result.name.startsWith('MUST ') || result.name.startsWith('SHOULD '));
    const failed = required
      .filter((result) => result.status !== 'ok')
      .map((result) => `${result.id} ${result.name}: ${'reason' in result ? `${result.reason} (HTTP ${result.response.status})` : ''}`);
    expect(failed).toEqual([]);
    expect(required.filter((result) => result.name.startsWith('MUST ')).length).toBe(13);
    expect(required.filter((result) => result.name.startsWith('SHOULD ')).length).toBe(23);
  });
});
