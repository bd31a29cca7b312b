/**
 * Apollo Server 5 inside the Strapi process, at /graphql. Strapi 5 runs Koa 2, which the Koa
 * integration package does not support, so requests go through Apollo's documented
 * executeHTTPGraphQLRequest integration API.
 *
 * Public (live-key) responses go through the response cache (src/cache). A cache hit for a GET without
 * an Origin header — a CDN or a site's server asking — is answered before Strapi's middleware chain,
 * since it needs none of it (no body, no session, no CORS); every other request is answered here.
 */
import { createHash } from 'crypto';
import { readFileSync, readdirSync } from 'fs';
import type { IncomingMessage, Server, ServerResponse } from 'http';
import path from 'path';
import type { Core } from '@strapi/strapi';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { Context as KoaContext } from 'koa';
import { LRUCache } from 'lru-cache';
import { cacheSettings, connectRedis, createResponseCache, etagOf, type ResponseCache } from '../cache';
import type { CachedResponse } from '../cache/store';
import { createClinicDirectory, parseTtl, type ClinicDirectory } from '../clinics/directory';
import type { AuthenticatedKey } from '../clinics/keys';
import { settleChanges } from '../content/changes';
import { localeSettings } from '../locales/config';
import { l10nRoutes } from '../l10n/routes';
import { revalidationRoutes } from '../revalidation/routes';
import { sitePageRoutes } from '../site-pages/routes';
import { reviewRoutes } from '../editorial/routes';
import { bearerToken, createContext, type GraphQLContext } from './context';
import { createErrorFormatter } from './errors';
import { LIMIT_CODES, limitProtection, queryLimits } from './limits';
import { createRateLimiter, defaultPerMinute, RATE_LIMITED, type RateDecision, type RateLimiter } from './rate-limit';
import { requestIdFrom, runWithRequestId } from '../observability/request-context';
import { createMetrics, observabilityRoutes, type CacheOutcome } from '../observability/metrics';
import { resolverModules } from './resolvers';

import { GRAPHQL_PATH, graphqlEndpoint } from './endpoint';

export { GRAPHQL_PATH };

export function schemaDir(strapi: Core.Strapi): string {
  return path.join(strapi.dirs.app.root, 'src', 'graphql', 'schema');
}

export function loadTypeDefs(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(path.join(dir, file), 'utf8'));
}

const STATUS_BY_CODE: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, INTERNAL: 500, SERVICE_UNAVAILABLE: 503 };

/**
 * An answer that carries nothing but errors gets the HTTP status of its most serious error (401, 403,
 * 404, 500; other client mistakes 400), so proxies, CDNs and logs see what happened. Partial answers
 * (some data, some errors) stay 200, as GraphQL intends.
 */
const statusFromErrors: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const { data, errors } = response.body.singleResult;
        if (errors === undefined || errors.length === 0) return;
        if (data !== null && data !== undefined && Object.values(data).some((value) => value !== null)) return;
        if (response.http.status !== undefined && response.http.status !== 200) return;
        const codes = errors.map((error) => String(error.extensions?.code ?? 'INTERNAL'));
        const status = [401, 403, 503, 500, 404].find((candidate) => codes.some((code) => STATUS_BY_CODE[code] === candidate)) ?? 400;
        response.http.status = status;
        if (status === 503) response.http.headers.set('retry-after', '5');
      },
    };
  },
};

export interface GraphQLService {
  /** Stops accepting connections and waits (at most timeoutMs) for the requests in flight. */
  drain(timeoutMs: number): Promise<void>;
  isDraining(): boolean;
  cache: ResponseCache | null;
  rateLimiter: RateLimiter;
  directory: ClinicDirectory;
  stop(): Promise<void>;
}

/** The operation a request names, as far as the cache needs it; null when it cannot be read. */
interface Operation {
  /** sha256 of the document (the APQ hash), hex. */
  hash: string;
  operationName: string | null;
  variables: unknown;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value;
}

function jsonParam(text: string | null): unknown {
  if (text === null || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return Symbol.for('unreadable');
  }
}

function operationOf(fields: { query: unknown; operationName: unknown; variables: unknown; extensions: unknown }, sha256: (text: string) => string): Operation | null {
  const { query, operationName, variables, extensions } = fields;
  if (typeof variables === 'symbol' || typeof extensions === 'symbol') return null;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return null;
  const persisted = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
  let hash: string;
  if (typeof query === 'string' && query !== '') hash = sha256(query);
  else if (typeof persisted === 'string' && /^[0-9a-f]{64}$/.test(persisted)) hash = persisted;
  else return null;
  return { hash, operationName: operationName ?? null, variables: canonical(variables ?? {}) };
}

function fromSearch(search: URLSearchParams) {
  return {
    query: search.get('query') ?? undefined,
    operationName: search.get('operationName') ?? undefined,
    variables: jsonParam(search.get('variables')),
    extensions: jsonParam(search.get('extensions')),
  };
}

/** Apollo's CSRF prevention rule, applied to the GETs answered before Apollo sees them. */
function passesCsrfCheck(headers: IncomingMessage['headers']): boolean {
  const type = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== undefined && type !== '' && !['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'].includes(type)) return true;
  return Boolean(headers['apollo-require-preflight']) || Boolean(headers['x-apollo-operation-name']);
}

function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

/** Persisted documents from the committed manifest, then registrations (APQ) in a bounded LRU. */
function persistedQueryCache(manifestFile: string): KeyValueCache<string> {
  const manifest = new Map<string, string>();
  try {
    const entries = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, string>;
    for (const [id, document] of Object.entries(entries)) manifest.set(id.replace(/^sha256:/, ''), document);
  } catch (error) {
    throw new Error(`Cannot read the persisted-documents manifest ${manifestFile}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const registered = new LRUCache<string, string>({ max: 5000 });
  return {
    async get(key) {
      return manifest.get(key.replace(/^apq:/, '')) ?? registered.get(key);
    },
    async set(key, value) {
      registered.set(key, value);
    },
    async delete(key) {
      return registered.delete(key);
    },
  };
}

export async function mountGraphQL(strapi: Core.Strapi): Promise<GraphQLService> {
  const locales = localeSettings(strapi);
  const { fallbacks } = locales;
  const settings = cacheSettings();
  const directory = createClinicDirectory({ strapi, ttlMs: parseTtl(process.env.CLINIC_CACHE_TTL_MS) });
  const redis = connectRedis(strapi, settings);
  const cache = settings.enabled ? createResponseCache(strapi, settings, redis) : null;
  if (redis !== null) directory.shareChangesThrough(redis, settings.prefix);
  const rateLimiter = createRateLimiter({ strapi, redis, prefix: settings.prefix, defaultPerMinute: defaultPerMinute() });
  const metrics = createMetrics(strapi);
  const metricsToken = process.env.METRICS_TOKEN?.trim() || null;
  if (metricsToken !== null && metricsToken.length < 16) {
    throw new Error('METRICS_TOKEN must be at least 16 characters (it guards /metrics); generate one with `openssl rand -hex 24`.');
  }

  const schema = makeExecutableSchema<GraphQLContext>({
    typeDefs: loadTypeDefs(schemaDir(strapi)),
    // Codegen's Resolvers type is stricter than graphql-tools' IResolvers; the shapes agree at run time.
    resolvers: resolverModules as never,
    resolverValidationOptions: { requireResolversForResolveType: 'ignore' },
  });
  const isDevelopment = process.env.NODE_ENV === 'development';
  const limits = queryLimits();
  const protection = limitProtection(limits, { isDevelopment });
  const server = new ApolloServer<GraphQLContext>({
    schema,
    includeStacktraceInErrorResponses: isDevelopment,
    // Outside development the schema is not for browsing: sites get it as types/graphql/schema.graphql.
    introspection: isDevelopment,
    allowBatchedHttpRequests: false,
    // Stopping is ours (src/index.ts): requests in flight finish first.
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: protection.validationRules as never,
    persistedQueries: { cache: persistedQueryCache(path.join(strapi.dirs.app.root, 'types', 'graphql', 'client', 'persisted-documents.json')) },
    // Caching is the service's own (whole responses, by content tags); Apollo's per-field hints are not used.
    plugins: [ApolloServerPluginCacheControlDisabled(), ...protection.plugins, statusFromErrors],
    formatError: createErrorFormatter((error) => strapi.log.error(error instanceof Error ? (error.stack ?? error.message) : String(error))),
  });
  await server.start();

  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const vary = 'Authorization';

  const rateLimitDefault = defaultPerMinute();

  // Settings that change answers without being in the request; instances that differ in them do not share.
  const configuration = JSON.stringify([locales.defaultLocale, [...locales.fallbacks]]);

  /**
   * What identifies a request's answer, for a live key: the clinic, and the operation as sent — for a
   * GET the raw query string (so a hit needs no parsing), for a POST the document's hash, operation name
   * and variables. Null when the answer must not be cached.
   */
  function identityOf(caller: AuthenticatedKey | null, method: string, rawQuery: string, operation: Operation | null): string | null {
    if (caller === null || caller.kind !== 'public') return null;
    if (method === 'GET') return `g\n${configuration}\n${caller.clinicDocumentId}\n${rawQuery}`;
    if (operation === null) return null;
    return `p\n${configuration}\n${caller.clinicDocumentId}\n${operation.hash}\n${operation.operationName ?? ''}\n${JSON.stringify(operation.variables)}`;
  }

  function hitHeaders(hit: CachedResponse): Record<string, string> {
    return {
      'Cache-Control': (cache as ResponseCache).cacheControl,
      ETag: hit.etag,
      Vary: vary,
      'Cache-Tag': hit.tagHeader ?? hit.tags.join(','),
      'X-Cache': 'HIT',
      'X-Content-Type-Options': 'nosniff',
    };
  }

  function writeHit(request: IncomingMessage, response: ServerResponse, hit: CachedResponse, started: number): void {
    if (matchesEtag(request.headers['if-none-match'], hit.etag)) {
      response.writeHead(304, hitHeaders(hit)).end();
    } else {
      const bytes = hit.bytes ?? Buffer.from(hit.body);
      response.writeHead(200, { ...hitHeaders(hit), 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(bytes.length) }).end(bytes);
    }
    metrics.observeRequest({ operation: hit.operation, cache: 'hit', status: response.statusCode, seconds: (performance.now() - started) / 1000 });
  }

  /**
   * Before Strapi's middleware: GET cache hits from callers without an Origin (CDNs, site servers).
   * Synchronous when the key and the answer are in memory; a promise when Redis or the directory must
   * be asked; false whenever the request is not a plain hit (Strapi and Apollo then answer it).
   */
  function answerEarly(request: IncomingMessage, response: ServerResponse, started: number): boolean | Promise<boolean> {
    if (cache === null || !cache.usable() || request.method !== 'GET' || request.headers.origin !== undefined || !passesCsrfCheck(request.headers)) return false;
    const url = request.url ?? '';
    const queryStart = url.indexOf('?');
    if (queryStart === -1 || url.slice(0, queryStart) !== GRAPHQL_PATH) return false;
    const presented = bearerToken(request.headers.authorization);
    if (presented === null) return false;
    const rawQuery = url.slice(queryStart + 1);
    const now = directory.authenticateNow(presented);
    const limited = (caller: AuthenticatedKey | null) => caller !== null && (caller.rateLimitPerMinute ?? rateLimitDefault) !== 0;
    if (now === null) return false;
    const knownIdentity = now === undefined ? undefined : identityOf(now, 'GET', rawQuery, null);
    if (knownIdentity === null) return false; // a preview key: never cached
    const peeked = knownIdentity !== undefined && cache.store.peek !== undefined ? cache.store.peek(cache.key(knownIdentity)) : undefined;
    if (now !== undefined && cache.store.kind === 'memory' && peeked === undefined) return false;
    if (now !== undefined && peeked !== undefined) {
      const hit = peeked;
      if (limited(now)) {
        const refusal = rateLimiter.refusalInForce(now.keyId);
        if (refusal !== null) {
          writeRateLimited(response, refusal);
          return true;
        }
        // Counted once answered: a hit does not wait for the count (see RateLimiter.refusalInForce).
        void rateLimiter.take(now.keyId, now.rateLimitPerMinute);
      }
      writeHit(request, response, hit, started);
      return true;
    }
    return (async () => {
      const caller = now === undefined ? await directory.authenticate(presented) : now;
      const identity = identityOf(caller, 'GET', rawQuery, null);
      const hit = identity === null ? undefined : await cache.store.get(cache.key(identity));
      if (hit === undefined || caller === null) return false;
      // Only requests answered here are counted here; the others are counted in `handle`.
      const decision = await rateLimiter.take(caller.keyId, caller.rateLimitPerMinute);
      if (decision !== null && !decision.allowed) {
        writeRateLimited(response, decision);
        return true;
      }
      writeHit(request, response, hit, started);
      return true;
    })();
  }

  function rateLimitedBody(decision: RateDecision): string {
    return JSON.stringify({
      errors: [
        {
          message: `This key made more than ${decision.limit} requests in a minute; try again in ${decision.retryAfter} s.`,
          extensions: { code: RATE_LIMITED, retryAfter: decision.retryAfter },
        },
      ],
    });
  }

  function rateLimitHeaders(decision: RateDecision): Record<string, string> {
    return { 'Retry-After': String(decision.retryAfter), 'X-RateLimit-Limit': String(decision.limit), 'X-RateLimit-Remaining': '0', 'Cache-Control': 'no-store' };
  }

  function writeRateLimited(response: ServerResponse, decision: RateDecision): void {
    metrics.rateLimited();
    response.writeHead(429, { ...rateLimitHeaders(decision), 'Content-Type': 'application/json; charset=utf-8' }).end(rateLimitedBody(decision));
  }

  /** A refusal in GraphQL's response shape, never cached. */
  function refuse(ctx: KoaContext, status: number, code: string, message: string): void {
    ctx.status = status;
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  }

  const handle = async (ctx: KoaContext): Promise<void> => {
    const started = performance.now();
    const outcome: { cache: CacheOutcome } = { cache: cache === null ? 'off' : 'bypass' };
    try {
      await answer(ctx, outcome);
    } finally {
      const fields = ctx.method === 'GET' ? { operationName: new URLSearchParams(ctx.querystring).get('operationName') } : ((ctx.request as { body?: { operationName?: unknown } }).body ?? {});
      const operation = typeof fields.operationName === 'string' ? fields.operationName : null;
      metrics.observeRequest({ operation, cache: outcome.cache, status: ctx.status, seconds: (performance.now() - started) / 1000 });
    }
  };

  const answer = async (ctx: KoaContext, outcome: { cache: CacheOutcome }): Promise<void> => {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(ctx.request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const body = (ctx.request as { body?: unknown }).body;
    if (ctx.method === 'POST' && ctx.get('content-length') === '' && Buffer.byteLength(JSON.stringify(body ?? null)) > limits.maxBodyBytes) {
      // A chunked body has no Content-Length to refuse it by before it is read.
      refuse(ctx, 413, LIMIT_CODES.body, `The request body is larger than the limit of ${limits.maxBodyBytes} bytes.`);
      return;
    }
    if (Array.isArray(body)) {
      refuse(ctx, 400, LIMIT_CODES.batch, 'Send one operation per request: batched (array) bodies are not accepted.');
      return;
    }
    const fields = ctx.method === 'GET' ? fromSearch(new URLSearchParams(ctx.querystring)) : ((body ?? {}) as Parameters<typeof operationOf>[0]);
    const authorization = ctx.get('authorization') || undefined;
    const readable = cache !== null && cache.usable() && (ctx.method === 'POST' || (ctx.method === 'GET' && passesCsrfCheck(ctx.request.headers)));
    const presented = bearerToken(authorization);
    const caller = presented === null ? null : await directory.authenticate(presented).catch(() => null);
    if (caller !== null) {
      const decision = await rateLimiter.take(caller.keyId, caller.rateLimitPerMinute);
      if (decision !== null && !decision.allowed) {
        metrics.rateLimited();
        ctx.status = 429;
        ctx.set(rateLimitHeaders(decision));
        ctx.type = 'application/json; charset=utf-8';
        ctx.body = rateLimitedBody(decision);
        return;
      }
    }
    const operation = readable ? operationOf(fields, sha256) : null;
    const identity = readable && operation !== null ? identityOf(caller, ctx.method, ctx.querystring, operation) : null;
    const key = cache !== null && identity !== null ? cache.key(identity) : null;

    if (cache !== null && key !== null) {
      const hit = await cache.store.get(key).catch((error: unknown) => {
        strapi.log.warn(`Response cache read failed, answering uncached: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      });
      if (hit !== undefined) {
        outcome.cache = 'hit';
        ctx.set(hitHeaders(hit));
        if (matchesEtag(ctx.get('if-none-match') || undefined, hit.etag)) {
          ctx.status = 304;
          return;
        }
        ctx.type = 'application/json; charset=utf-8';
        ctx.body = hit.bytes ?? hit.body;
        return;
      }
    }

    // The ticket is taken before anything is read, so a purge during this request is noticed.
    const ticket = cache !== null && key !== null ? await cache.store.ticket().catch(() => null) : null;
    const reads = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), limits.timeoutMs);
    });
    const execution = server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: ctx.method.toUpperCase(),
        headers,
        search: ctx.querystring === '' ? '' : `?${ctx.querystring}`,
        body,
      },
      context: () => createContext({ strapi, directory, authorization, fallbacks, reads: ticket !== null ? reads : undefined }),
    });
    const executionStarted = performance.now();
    const response = await Promise.race([execution, timedOut]).finally(() => clearTimeout(timer));
    // SQLite answers synchronously, so the timer may only fire after the work is done: time is also checked.
    if (response === 'timeout' || performance.now() - executionStarted > limits.timeoutMs) {
      strapi.log.warn(`A GraphQL request ran longer than GRAPHQL_TIMEOUT_MS (${limits.timeoutMs} ms) and was answered with ${LIMIT_CODES.timeout}.`);
      refuse(ctx, 408, LIMIT_CODES.timeout, `The request took longer than ${limits.timeoutMs} ms and was stopped; ask for less, or try again.`);
      return;
    }
    for (const [name, value] of response.headers) ctx.set(name, value);
    ctx.status = response.status ?? 200;
    let text: string;
    if (response.body.kind === 'complete') {
      text = response.body.string;
    } else {
      text = '';
      for await (const chunk of response.body.asyncIterator) text += chunk;
    }
    ctx.body = text;

    const cacheable = cache !== null && key !== null && ticket !== null && ctx.status === 200;
    if (cacheable && !(JSON.parse(text) as { errors?: unknown }).errors) {
      const tags = [...reads].sort();
      const etag = etagOf(text);
      outcome.cache = 'miss';
      const operationName = typeof (fields as { operationName?: unknown }).operationName === 'string' ? ((fields as { operationName: string }).operationName) : null;
      await cache.store.set(key, { body: text, etag, tags, storedAt: Date.now(), operation: operationName }, ticket).catch((error: unknown) => {
        strapi.log.warn(`Response cache write failed: ${error instanceof Error ? error.message : String(error)}`);
      });
      ctx.set({ 'Cache-Control': cache.cacheControl, ETag: etag, Vary: vary, 'Cache-Tag': tags.join(','), 'X-Cache': 'MISS' });
      if (matchesEtag(ctx.get('if-none-match') || undefined, etag)) {
        ctx.status = 304;
        ctx.body = null;
      }
    } else {
      // Errors, 401s, previews and anything uncacheable: never stored by anyone.
      ctx.set('Cache-Control', 'no-store');
      if (cache !== null) ctx.set('X-Cache', 'BYPASS');
    }
  };

  // Admin and API writes answer only once the caches (here and on other instances) have let go of what
  // they changed: an editor who saw "Published" never finds the old version on the site.
  strapi.server.use(async (ctx: KoaContext, next: () => Promise<unknown>) => {
    await next();
    if (!['GET', 'HEAD', 'OPTIONS'].includes(ctx.method)) await settleChanges(strapi);
  });

  graphqlEndpoint.handle = handle;
  graphqlEndpoint.maxBodyBytes = limits.maxBodyBytes;
  strapi.server.routes([
    { method: 'GET', path: GRAPHQL_PATH, handler: handle, config: { auth: false } },
    { method: 'POST', path: GRAPHQL_PATH, handler: handle, config: { auth: false } },
    ...observabilityRoutes({ strapi, metrics, redis, metricsToken, isDraining: () => draining }),
    ...l10nRoutes({ strapi, directory }),
    ...revalidationRoutes({ strapi }),
    ...sitePageRoutes({ strapi, directory, server, fallbacks }),
    ...reviewRoutes({ strapi }),
  ] as never);

  const httpServer = strapi.server.httpServer as Server;
  const downstream = httpServer.listeners('request') as Array<(request: IncomingMessage, response: ServerResponse) => void>;
  httpServer.removeAllListeners('request');
  const passOn = (request: IncomingMessage, response: ServerResponse) => {
    for (const listener of downstream) listener(request, response);
  };
  /** A body over GRAPHQL_MAX_BODY_BYTES is refused from its Content-Length, before it is read. */
  function refuseLargeBody(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== 'POST') return false;
    const url = request.url ?? '';
    const queryStart = url.indexOf('?');
    if ((queryStart === -1 ? url : url.slice(0, queryStart)) !== GRAPHQL_PATH) return false;
    const length = Number(request.headers['content-length'] ?? 0);
    if (!(length > limits.maxBodyBytes)) return false;
    const body = JSON.stringify({
      errors: [{ message: `The request body has ${length} bytes, more than the limit of ${limits.maxBodyBytes}.`, extensions: { code: LIMIT_CODES.body } }],
    });
    response.writeHead(413, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' }).end(body);
    request.resume();
    return true;
  }

  // Graceful shutdown: requests in flight are counted, so that stopping can wait for them.
  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | null = null;
  httpServer.on('request', (request: IncomingMessage, response: ServerResponse) => {
    inFlight += 1;
    response.once('close', () => {
      inFlight -= 1;
      if (draining && inFlight === 0) drained?.();
    });
    if (draining) response.setHeader('Connection', 'close');
    const requestId = requestIdFrom(request.headers['x-request-id']);
    response.setHeader('X-Request-Id', requestId);
    runWithRequestId(requestId, () => {
      if (refuseLargeBody(request, response)) return;
      let answered: boolean | Promise<boolean>;
      try {
        answered = answerEarly(request, response, performance.now());
      } catch {
        answered = false;
      }
      if (answered === true) return;
      if (answered === false) return passOn(request, response);
      answered.then(
        (done) => {
          if (!done) passOn(request, response);
        },
        () => passOn(request, response),
      );
    });
  });

  return {
    cache,
    rateLimiter,
    directory,
    isDraining: () => draining,
    async drain(timeoutMs) {
      draining = true;
      // No new connections; idle keep-alive ones are closed, busy ones after their answer.
      if (httpServer.listening) httpServer.close();
      httpServer.closeIdleConnections();
      if (inFlight > 0) {
        strapi.log.info(`Stopping: waiting for ${inFlight} request(s) in flight (at most ${timeoutMs} ms).`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            strapi.log.warn(`Stopping with ${inFlight} request(s) still in flight after ${timeoutMs} ms.`);
            resolve();
          }, timeoutMs);
          drained = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    async stop() {
      graphqlEndpoint.handle = null;
      httpServer.removeAllListeners('request');
      for (const listener of downstream) httpServer.on('request', listener);
      await server.stop();
      await cache?.close();
      await directory.close();
      if (redis !== null) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
