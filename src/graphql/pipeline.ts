/**
 * /graphql as a short pipeline of named steps over one request, framework-neutral (no Koa, no
 * Node response): the Koa endpoint (endpoint.ts) and, for cache hits, the front door's early path
 * (early-hit.ts) run it or its first steps. Each step reads and adds to the exchange, and either hands
 * on (undefined) or answers:
 *
 *   readRequest → identifyCaller → rateLimit → persistedDocument → cacheRead → execute → cacheWrite
 *
 * The body has been read before (read-body.ts, with the one body limit). The caller is identified
 * once and handed to the GraphQL context; nothing later re-reads the Authorization header.
 */
import type { IncomingHttpHeaders } from 'http';
import type { ApolloServer } from '@apollo/server';
import type { Core } from '@strapi/strapi';
import type { ResponseCache } from '../cache';
import type { ClinicDirectory } from '../clinics/directory';
import type { AuthenticatedKey } from '../clinics/keys';
import type { FallbackMap } from '../locales/chain';
import { NEVER_CACHED_TAG } from '../content/tags';
import type { CacheOutcome, Metrics } from '../observability/metrics';
import { etagOf, matchesEtag } from '../http/etag';
import { cachedHeaders, hitAnswer, rateLimitedAnswer, refusal, type GraphQLAnswer } from './answer';
import { callerOf, identifyCaller, type Identification } from './caller';
import { createContext, type GraphQLContext } from './context';
import { apolloRequest, executeWithTimeout } from './execute';
import { WWW_AUTHENTICATE } from '../http/bearer';
import { errorBody, MEDIA_TYPES, responseMedia, type ResponseMedia } from './http-semantics';
import { identityOf, operationOf, passesCsrfCheck } from './identity';
import { LIMIT_CODES, type QueryLimits } from './limits';
import { fieldsFromSearch, resolveRequest, type RequestFields, type ResolvedRequest } from './operation-request';
import type { PersistedDocuments } from './persisted-documents';
import type { PreparedOperations } from './prepared';
import type { RateLimiter } from './rate-limit';

/** A /graphql request as the front door hands it on: the body already read and parsed (POST). */
export interface GraphQLHttpRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** The query string without its `?`. */
  rawQuery: string;
  body: unknown;
}

/** The shared services the steps use (built once, by the composition root). */
export interface PipelineServices {
  strapi: Core.Strapi;
  directory: ClinicDirectory;
  cache: ResponseCache | null;
  rateLimiter: RateLimiter;
  documents: PersistedDocuments;
  apollo: ApolloServer<GraphQLContext>;
  /** Operations Apollo executed before, run again without its pipeline (prepared.ts). */
  prepared: PreparedOperations;
  limits: QueryLimits;
  fallbacks: FallbackMap;
  metrics: Metrics;
  /** The Vary header of cacheable answers. */
  vary: string;
  /** Settings that change answers without being in the request (see identity.ts). */
  configuration: string;
}

/** What the steps learn about the request, in order. */
export interface Exchange {
  request: GraphQLHttpRequest;
  /** Null when neither JSON media type is acceptable (Apollo answers 406). */
  media: ResponseMedia | null;
  /** The document asked for; null for methods Apollo refuses (405) and id-only requests not yet found. */
  resolved: ResolvedRequest | null;
  /** A persisted document id nobody registered. */
  unknownDocumentId: string | null;
  identification: Identification;
  caller: AuthenticatedKey | null;
  /** The response cache key, when the answer may be cached. */
  cacheKey: string | null;
  cache: CacheOutcome;
}

export type Step = (exchange: Exchange, services: PipelineServices) => Promise<GraphQLAnswer | undefined> | GraphQLAnswer | undefined;

/** The fields the client sent, the media type it accepts, and the document resolved (or a refusal). */
export const readRequest: Step = async (exchange, { documents }) => {
  const { method, body, rawQuery, headers } = exchange.request;
  if (Array.isArray(body)) {
    return refusal({ status: 400, code: LIMIT_CODES.batch, message: 'Send one operation per request: batched (array) bodies are not accepted.' });
  }
  exchange.media = responseMediaOf(headers);
  if (method !== 'GET' && method !== 'POST') return undefined;
  const fields: RequestFields = method === 'GET' ? fieldsFromSearch(new URLSearchParams(rawQuery)) : typeof body === 'object' && body !== null ? (body as RequestFields) : {};
  // Malformed requests and hash mismatches are refused before anything else, cache hits included.
  const resolved = await resolveRequest(fields, documents);
  if (resolved.kind === 'refusal') return refusal({ status: resolved.status, code: resolved.code, message: resolved.message, media: exchange.media ?? 'json' });
  if (resolved.kind === 'unknown-document') exchange.unknownDocumentId = resolved.id;
  else exchange.resolved = resolved;
  return undefined;
};

export const identifyCallerStep: Step = async (exchange, { directory }) => {
  exchange.identification = await identifyCaller(directory, exchange.request.headers.authorization);
  exchange.caller = callerOf(exchange.identification);
  return undefined;
};

/** Every request of a known key counts, answered from the cache or not (the early path counts its own). */
export const rateLimit: Step = async (exchange, { rateLimiter, metrics }) => {
  const { caller } = exchange;
  if (caller === null) return undefined;
  const decision = await rateLimiter.take(caller.keyId, caller.rateLimitPerMinute);
  if (decision === null || decision.allowed) return undefined;
  metrics.rateLimited();
  return rateLimitedAnswer(decision);
};

/** An id nobody registered; a document sent with its hash is registered (by key holders only). */
export const persistedDocument: Step = async (exchange, { documents }) => {
  if (exchange.unknownDocumentId !== null) {
    // Apollo Client's persisted-query link (and the APQ protocol) resend the document on exactly this.
    return {
      status: 200,
      headers: { 'Cache-Control': 'no-store', 'Content-Type': MEDIA_TYPES[exchange.media ?? 'json'] },
      body: errorBody('PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound', {
        hint: `No document is known by id "${exchange.unknownDocumentId}": send the document itself (with its sha256 in extensions.persistedQuery to register it).`,
      }),
    };
  }
  const { resolved } = exchange;
  // Registered on every path (a cache hit too): any later GET by hash finds it.
  if (resolved?.isRegistration === true && exchange.caller !== null) await documents.register(resolved.hash, resolved.query);
  return undefined;
};

export const cacheRead: Step = async (exchange, { cache, configuration, strapi, vary }) => {
  const { request, media, resolved, caller } = exchange;
  if (cache === null || media === null || resolved === null) return undefined;
  if (request.method === 'GET' && !passesCsrfCheck(request.headers)) return undefined;
  const identity = identityOf({ configuration, caller, media, method: request.method, rawQuery: request.rawQuery, operation: operationOf(resolved) });
  if (identity === null) return undefined;
  exchange.cacheKey = cache.key(identity);
  const hit = await cache.store.get(exchange.cacheKey).catch((error: unknown) => {
    strapi.log.warn(`Response cache read failed, answering uncached: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
  if (hit === undefined) return undefined;
  exchange.cache = 'hit';
  return hitAnswer({ hit, media, ifNoneMatch: request.headers['if-none-match'], cacheControl: cache.cacheControl, vary, edgeOf: cache.edgeHeaders });
};

/** Execution with the timeout, then the cache write for answers that may be shared. */
export const executeAndStore: Step = async (exchange, services) => {
  const { strapi, directory, cache, apollo, prepared, limits, fallbacks, vary } = services;
  const { request, resolved, media, cacheKey } = exchange;
  // The ticket is taken before anything is read, so a purge during this request is noticed.
  const ticket = cache !== null && cacheKey !== null ? await cache.store.ticket().catch(() => null) : null;
  const reads = new Set<string>();
  const executed = await executeWithTimeout({
    apollo,
    prepared,
    method: request.method,
    headers: request.headers,
    resolved,
    media,
    request: resolved === null ? { search: request.rawQuery === '' ? '' : `?${request.rawQuery}`, body: request.body } : apolloRequest(request.method, resolved),
    context: () => createContext({ strapi, directory, identification: exchange.identification, fallbacks, media: media ?? 'json', reads: ticket !== null ? reads : undefined }),
    timeoutMs: limits.timeoutMs,
  });
  if (executed === 'timeout') {
    strapi.log.warn(`A GraphQL request ran longer than GRAPHQL_TIMEOUT_MS (${limits.timeoutMs} ms) and was answered with ${LIMIT_CODES.timeout}.`);
    return refusal({ status: 408, code: LIMIT_CODES.timeout, message: `The request took longer than ${limits.timeoutMs} ms and was stopped; ask for less, or try again.` });
  }
  services.metrics.executed(executed.via);
  const { status, text } = executed;
  const headers: Record<string, string> = { ...executed.headers };
  if (status === 401) headers['www-authenticate'] = WWW_AUTHENTICATE;

  const isCacheable = cache !== null && cacheKey !== null && ticket !== null && status === 200 && !reads.has(NEVER_CACHED_TAG) && (executed.via === 'prepared' || !(JSON.parse(text) as { errors?: unknown }).errors);
  if (!isCacheable) {
    // Errors, 401s, previews and anything uncacheable: never stored by anyone.
    headers['cache-control'] = 'no-store';
    if (cache !== null) headers['x-cache'] = 'BYPASS';
    return { status, headers, body: text };
  }
  const tags = [...reads].sort();
  const etag = etagOf(text);
  exchange.cache = 'miss';
  const operation = resolved?.operationName ?? null;
  const edge = cache.edgeHeaders(tags);
  await cache.store.set(cacheKey, { body: text, etag, tags, storedAt: Date.now(), operation, edge }, ticket).catch((error: unknown) => {
    strapi.log.warn(`Response cache write failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  delete headers['cache-control'];
  Object.assign(headers, cachedHeaders({ cacheControl: cache.cacheControl, etag, vary, edge, outcome: 'MISS' }));
  if (matchesEtag(request.headers['if-none-match'], etag)) return { status: 304, headers, body: null };
  return { status, headers, body: text };
};

/** The steps in order; the last one always answers. */
export const GRAPHQL_STEPS: readonly Step[] = [readRequest, identifyCallerStep, rateLimit, persistedDocument, cacheRead, executeAndStore];

function responseMediaOf(headers: IncomingHttpHeaders): ResponseMedia | null {
  return responseMedia(headers.accept === '' ? undefined : headers.accept);
}

/** Runs the steps until one answers. */
export async function runPipeline(request: GraphQLHttpRequest, services: PipelineServices, steps: readonly Step[] = GRAPHQL_STEPS): Promise<{ answer: GraphQLAnswer; exchange: Exchange }> {
  const exchange: Exchange = {
    request,
    media: null,
    resolved: null,
    unknownDocumentId: null,
    identification: { kind: 'missing' },
    caller: null,
    cacheKey: null,
    cache: services.cache === null ? 'off' : 'bypass',
  };
  for (const step of steps) {
    const answer = await step(exchange, services);
    if (answer !== undefined) return { answer, exchange };
  }
  throw new Error('The GraphQL pipeline ended without an answer.');
}
