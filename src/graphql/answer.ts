/**
 * A /graphql answer as the pipeline produces it, before it is written: status, headers, body. The
 * front door writes every one of them (sendAnswer), so every refusal, 429 and cache hit is built once,
 * here.
 */
import type { ServerResponse } from 'http';
import type { CachedResponse } from '../cache/store';
import { PRIVATE_CACHE_CONTROL, type EdgeHeaders, type EdgeHeadersOf } from '../cdn/headers';
import { matchesEtag } from '../http/etag';
import { errorBody, MEDIA_TYPES, type ResponseMedia } from './http-semantics';
import { RATE_LIMITED, type RateDecision } from './rate-limit';

export interface GraphQLAnswer {
  status: number;
  headers: Record<string, string>;
  /** Null for answers without a body (304). */
  body: string | Buffer | null;
}

/** A refusal in GraphQL's response shape, in the media type the client asked for, never cached. */
export function refusal(input: { status: number; code: string; message: string; media?: ResponseMedia; extensions?: Record<string, unknown> }): GraphQLAnswer {
  const { status, code, message, media = 'json', extensions } = input;
  return { status, headers: { 'Cache-Control': 'no-store', 'Content-Type': MEDIA_TYPES[media] }, body: errorBody(code, message, extensions) };
}

/** 429 for a key over its rate limit, with the headers that say when to come back. */
export function rateLimitedAnswer(decision: RateDecision): GraphQLAnswer {
  return {
    status: 429,
    headers: {
      'Retry-After': String(decision.retryAfter),
      'X-RateLimit-Limit': String(decision.limit),
      'X-RateLimit-Remaining': '0',
      'Cache-Control': 'no-store',
      'Content-Type': 'application/json; charset=utf-8',
    },
    body: errorBody(RATE_LIMITED, `This key made more than ${decision.limit} requests in a minute; try again in ${decision.retryAfter} s.`, { retryAfter: decision.retryAfter }),
  };
}

/**
 * The headers every cacheable answer carries, hit or miss: its tags for the caches in front of us
 * (src/cdn/headers.ts), or, when they do not fit a tag header, a Cache-Control no shared cache stores.
 */
export function cachedHeaders(input: { cacheControl: string; etag: string; vary: string; edge: EdgeHeaders; outcome: 'HIT' | 'MISS' }): Record<string, string> {
  const { edge } = input;
  return { 'Cache-Control': edge.isCacheableAtEdge ? input.cacheControl : PRIVATE_CACHE_CONTROL, ETag: input.etag, Vary: input.vary, ...edge.headers, 'X-Cache': input.outcome };
}

interface HitHeaders {
  cacheControl: string;
  vary: string;
  /** The 304's headers; the 200's add the Content-Type of each media type asked for. */
  notModified: Readonly<Record<string, string>>;
  byMedia: Partial<Record<ResponseMedia, Readonly<Record<string, string>>>>;
}

/**
 * A hit's headers, made once per stored answer: an answer in the memory store is the same object on
 * every hit. Frozen, so that no caller can change what the next hit sends.
 */
const hitHeadersOf = new WeakMap<CachedResponse, HitHeaders>();

/** A cache hit: 304 when the client holds this version (If-None-Match), the stored body otherwise. */
export function hitAnswer(input: { hit: CachedResponse; media: ResponseMedia; ifNoneMatch: string | undefined; cacheControl: string; vary: string; edgeOf: EdgeHeadersOf }): GraphQLAnswer {
  const { hit, media, ifNoneMatch, cacheControl, vary, edgeOf } = input;
  let known = hitHeadersOf.get(hit);
  if (known === undefined || known.cacheControl !== cacheControl || known.vary !== vary) {
    const notModified = Object.freeze({
      // Stored with the answer; an entry another version wrote without them gets them here.
      ...cachedHeaders({ cacheControl, etag: hit.etag, vary, edge: hit.edge ?? edgeOf(hit.tags), outcome: 'HIT' }),
      'X-Content-Type-Options': 'nosniff',
    });
    known = { cacheControl, vary, notModified, byMedia: {} };
    hitHeadersOf.set(hit, known);
  }
  if (matchesEtag(ifNoneMatch, hit.etag)) return { status: 304, headers: known.notModified, body: null };
  const headers = (known.byMedia[media] ??= Object.freeze({ ...known.notModified, 'Content-Type': MEDIA_TYPES[media] }));
  return { status: 200, headers, body: hit.bytes ?? hit.body };
}

/** Statuses that never carry a body (nor its Content-Type and length). */
const BODYLESS = new Set([204, 304]);

/**
 * Writes an answer on the Node response. Its headers go over those already set (the request id, the
 * security and CORS headers), name by name whatever their case, as Koa's ctx.set did.
 */
export function sendAnswer(response: ServerResponse, answer: GraphQLAnswer, extraHeaders: Record<string, string> = {}): void {
  const { status, headers, body } = answer;
  for (const name in headers) response.setHeader(name, headers[name] as string);
  for (const name in extraHeaders) response.setHeader(name, extraHeaders[name] as string);
  response.statusCode = status;
  if (body === null || BODYLESS.has(status)) {
    response.removeHeader('Content-Type');
    response.removeHeader('Content-Length');
    response.end();
    return;
  }
  response.setHeader('Content-Length', typeof body === 'string' ? Buffer.byteLength(body) : body.length);
  response.end(body);
}
