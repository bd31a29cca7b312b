/**
 * The pieces of the /graphql pipeline that were closures inside the server module: the cache identity
 * of an operation, the caller identification (once per request), and the early cache-hit path.
 */
import { edgeTag } from '../../src/cdn/edge-tags';
import { edgeHeadersFor } from '../../src/cdn/headers';
import type { IncomingMessage, ServerResponse } from 'http';
import type { ResponseCache } from '../../src/cache';
import type { CachedResponse } from '../../src/cache/store';
import type { ClinicDirectory, KeyCheck } from '../../src/clinics/directory';
import type { AuthenticatedKey } from '../../src/clinics/keys';
import { callerOf, identifyCaller, identifyCallerNow } from '../../src/graphql/caller';
import { createEarlyHit } from '../../src/graphql/early-hit';
import { canonical, identityOf, operationOf } from '../../src/graphql/identity';
import type { Metrics } from '../../src/observability/metrics';
import type { RateDecision, RateLimiter } from '../../src/graphql/rate-limit';

const PUBLIC: AuthenticatedKey = { clinicDocumentId: 'clinic-1', clinicSlug: 'north', keyId: 'key-1', kind: 'public', rateLimitPerMinute: null };
const PREVIEW: AuthenticatedKey = { ...PUBLIC, keyId: 'key-2', kind: 'preview' };
const KEY = 'ck_live_example';

function directoryAnswering(checks: Record<string, KeyCheck>, options: { isWarm?: boolean; fails?: boolean } = {}): Pick<ClinicDirectory, 'check' | 'checkNow'> {
  return {
    async check(key) {
      if (options.fails === true) throw new Error('database unreachable');
      return checks[key] ?? { status: 'unknown' };
    },
    checkNow(key) {
      return options.isWarm === false ? undefined : (checks[key] ?? { status: 'unknown' });
    },
  };
}

describe('operation identity', () => {
  const document = { kind: 'document' as const, hash: 'abc', query: '{ clinic { name } }', operationName: 'Page', extensions: undefined, isRegistration: false };

  it('sorts object keys at every depth, so variables given in another order are the same operation', () => {
    expect(JSON.stringify(canonical({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 3 } }))).toBe('{"a":{"c":3,"d":[{"y":2,"z":1}]},"b":1}');
    const one = operationOf({ ...document, variables: { slug: 'mrt', locale: 'fr' } });
    const other = operationOf({ ...document, variables: { locale: 'fr', slug: 'mrt' } });
    expect(identityOf({ configuration: 'c', caller: PUBLIC, media: 'json', method: 'POST', rawQuery: '', operation: one })).toBe(
      identityOf({ configuration: 'c', caller: PUBLIC, media: 'json', method: 'POST', rawQuery: '', operation: other }),
    );
  });

  it('is null for answers nobody may share: no caller, a preview key, a POST without a document', () => {
    const operation = operationOf({ ...document, variables: undefined });
    expect(identityOf({ configuration: 'c', caller: null, media: 'json', method: 'POST', rawQuery: '', operation })).toBeNull();
    expect(identityOf({ configuration: 'c', caller: PREVIEW, media: 'json', method: 'GET', rawQuery: 'query=x', operation: null })).toBeNull();
    expect(identityOf({ configuration: 'c', caller: PUBLIC, media: 'json', method: 'POST', rawQuery: '', operation: null })).toBeNull();
  });

  it('keeps clinics, media types, configurations and query strings apart', () => {
    const base = { configuration: 'c', caller: PUBLIC, media: 'json' as const, method: 'GET', rawQuery: 'query=x', operation: null };
    const identity = identityOf(base);
    expect(identity).not.toBeNull();
    for (const variant of [
      { ...base, caller: { ...PUBLIC, clinicDocumentId: 'clinic-2' } },
      { ...base, media: 'graphqlResponse' as const },
      { ...base, configuration: 'd' },
      { ...base, rawQuery: 'query=y' },
    ]) {
      expect(identityOf(variant)).not.toBe(identity);
    }
  });
});

describe('caller identification', () => {
  const directory = directoryAnswering({ [KEY]: { status: 'active', caller: PUBLIC }, revoked_key: { status: 'revoked' } });

  it('finds no caller without a bearer token, and never asks the directory then', async () => {
    const asked = jest.fn();
    const counting = { check: async (key: string) => (asked(key), { status: 'unknown' as const }) };
    expect(await identifyCaller(counting, undefined)).toEqual({ kind: 'missing' });
    expect(await identifyCaller(counting, `Basic ${KEY}`)).toEqual({ kind: 'missing' });
    expect(asked).not.toHaveBeenCalled();
  });

  it('names the caller of an active key and only of an active key', async () => {
    const active = await identifyCaller(directory, `Bearer ${KEY}`);
    expect(callerOf(active)).toEqual(PUBLIC);
    const revoked = await identifyCaller(directory, 'bearer revoked_key');
    expect(revoked).toEqual({ kind: 'checked', check: { status: 'revoked' } });
    expect(callerOf(revoked)).toBeNull();
  });

  it('keeps a directory failure for the context to answer (503), instead of throwing in the pipeline', async () => {
    const failed = await identifyCaller(directoryAnswering({}, { fails: true }), `Bearer ${KEY}`);
    expect(failed.kind).toBe('failed');
    expect(callerOf(failed)).toBeNull();
  });

  it('answers without waiting only when the directory holds a fresh copy', () => {
    expect(identifyCallerNow(directory, `Bearer ${KEY}`)).toEqual({ kind: 'checked', check: { status: 'active', caller: PUBLIC } });
    expect(identifyCallerNow(directoryAnswering({}, { isWarm: false }), `Bearer ${KEY}`)).toBeUndefined();
  });
});

describe('the early cache-hit path', () => {
  const RAW_QUERY = 'query=%7Bclinic%7Bname%7D%7D';
  const hit: CachedResponse = { body: '{"data":{"clinic":{"name":"North"}}}', etag: '"etag-1"', tags: ['clinic:clinic-1'], storedAt: 0, operation: 'Clinic' };

  function setUp(options: { stored?: boolean; refusal?: RateDecision | null } = {}) {
    const stored = new Map<string, CachedResponse>();
    const cache = {
      cacheControl: 'public, s-maxage=300',
      edgeHeaders: edgeHeadersFor({ isFastly: false }),
      key: (identity: string) => `k:${identity}`,
      store: { kind: 'memory', peek: (key: string) => stored.get(key), get: async (key: string) => stored.get(key) },
    } as unknown as ResponseCache;
    const identity = identityOf({ configuration: 'conf', caller: PUBLIC, media: 'json', method: 'GET', rawQuery: RAW_QUERY, operation: null }) as string;
    if (options.stored !== false) stored.set(cache.key(identity), hit);
    const taken: string[] = [];
    const rateLimiter = {
      take: async (keyId: string) => (taken.push(keyId), null),
      refusalInForce: () => options.refusal ?? null,
    } as unknown as RateLimiter;
    const observed: unknown[] = [];
    const metrics = { observeRequest: (sample: unknown) => observed.push(sample), rateLimited: () => observed.push('rate-limited') } as unknown as Metrics;
    const early = createEarlyHit({
      cache,
      directory: directoryAnswering({ [KEY]: { status: 'active', caller: PUBLIC } }) as ClinicDirectory,
      rateLimiter,
      metrics,
      configuration: 'conf',
      vary: 'Authorization, Accept',
      defaultPerMinute: 600,
    });
    return { early, taken, observed };
  }

  function request(headers: Record<string, string>, url = `/graphql?${RAW_QUERY}`): IncomingMessage {
    return { method: 'GET', url, headers: { 'apollo-require-preflight': 'true', ...headers } } as unknown as IncomingMessage;
  }

  function response() {
    const written: { status?: number; headers?: Record<string, string>; body?: Buffer } = {};
    const fake = {
      get statusCode() {
        return written.status ?? 200;
      },
      set statusCode(status: number) {
        written.status = status;
      },
      setHeader(name: string, value: string | number) {
        written.headers = { ...written.headers, [name]: String(value) };
        return fake;
      },
      removeHeader(name: string) {
        written.headers = Object.fromEntries(Object.entries(written.headers ?? {}).filter(([key]) => key.toLowerCase() !== name.toLowerCase()));
      },
      end(body?: Buffer) {
        written.body = body;
        return fake;
      },
    };
    return { response: fake as unknown as ServerResponse, written };
  }

  it('answers a stored GET at once, with the hit headers, and counts it after answering', () => {
    const { early, taken, observed } = setUp();
    const { response: res, written } = response();
    expect(early(request({ authorization: `Bearer ${KEY}` }), res)).toBe(true);
    expect(written.status).toBe(200);
    expect(written.headers).toMatchObject({ ETag: '"etag-1"', 'X-Cache': 'HIT', Vary: 'Authorization, Accept', 'Content-Type': 'application/json; charset=utf-8' });
    // The stored answer's tags, in the form the CDNs in front of us purge.
    expect(written.headers).toMatchObject({ 'Cache-Control': 'public, s-maxage=300', 'Cache-Tag': edgeTag('clinic:clinic-1') });
    expect(written.body?.toString()).toBe(hit.body);
    expect(taken).toEqual(['key-1']);
    expect(observed).toEqual([expect.objectContaining({ operation: 'Clinic', cache: 'hit', status: 200 })]);
  });

  it('answers 304 when the client holds the stored version', () => {
    const { early } = setUp();
    const { response: res, written } = response();
    expect(early(request({ authorization: `Bearer ${KEY}`, 'if-none-match': '"etag-1"' }), res)).toBe(true);
    expect(written.status).toBe(304);
    expect(written.body).toBeUndefined();
  });

  it('refuses a key whose refusal is in force with 429, without answering from the cache', () => {
    const { early, observed } = setUp({ refusal: { allowed: false, limit: 10, remaining: 0, retryAfter: 7 } });
    const { response: res, written } = response();
    expect(early(request({ authorization: `Bearer ${KEY}` }), res)).toBe(true);
    expect(written.status).toBe(429);
    expect(written.headers).toMatchObject({ 'Retry-After': '7' });
    expect(observed).toEqual(['rate-limited']);
  });

  it('leaves everything that is not a plain hit to the pipeline', () => {
    const { early } = setUp({ stored: false });
    const cases: IncomingMessage[] = [
      request({ authorization: `Bearer ${KEY}` }),
      request({ authorization: `Bearer ${KEY}`, origin: 'https://site.example' }),
      request({}),
      request({ authorization: `Bearer ${KEY}` }, '/graphql'),
      request({ authorization: `Bearer ${KEY}`, accept: 'text/html' }),
    ];
    for (const item of cases) expect(early(item, response().response)).toBe(false);
    const stored = setUp();
    expect(stored.early(request({ authorization: 'Bearer unknown-key' }), response().response)).toBe(false);
    expect(stored.early({ method: 'GET', url: `/graphql?${RAW_QUERY}`, headers: { authorization: `Bearer ${KEY}` } } as unknown as IncomingMessage, response().response)).toBe(false);
  });
});
