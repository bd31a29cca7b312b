/**
 * Apollo Server 5 inside the Strapi process, at /graphql. Strapi 5 runs Koa 2, which the Koa
 * integration package does not support, so requests go through Apollo's documented
 * executeHTTPGraphQLRequest integration API.
 *
 * Public (live-key) responses go through the response cache (src/cache). A cache hit for a GET without
 * an Origin header — a CDN or a site's server asking — is answered before Strapi's middleware chain,
 * since it needs none of it (no body, no session, no CORS); every other request is answered here.
 *
 * Still over 350 lines: it is also the composition root and the HTTP front door today. #10 splits it
 * into src/app/ (building services, mounting routes, start and stop) and src/http/ (the listener, the
 * early hit path) with /graphql as a pipeline of named steps; splitting it before that would only move
 * the closures that share its state.
 */
import { readFileSync, readdirSync } from 'fs';
import type { IncomingMessage, Server, ServerResponse } from 'http';
import path from 'path';
import type { Core } from '@strapi/strapi';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { Context as KoaContext } from 'koa';
import { cacheSettings, connectRedis, createResponseCache, etagOf, type ResponseCache } from '../cache';
import type { CachedResponse } from '../cache/store';
import { createClinicDirectory, parseTtl, type ClinicDirectory } from '../clinics/directory';
import type { AuthenticatedKey } from '../clinics/keys';
import { mountHttpSettle } from '../content/writes';
import { localeSettings } from '../locales/config';
import { l10nRoutes } from '../l10n/routes';
import { revalidationRoutes } from '../revalidation/routes';
import { sitePageRoutes } from '../site-pages/routes';
import { reviewRoutes } from '../editorial/routes';
import { bearerToken, createContext, type GraphQLContext } from './context';
import { createErrorFormatter } from './errors';
import { errorBody, MEDIA_TYPES, responseMedia, statusByMediaType, WWW_AUTHENTICATE, type ResponseMedia } from './http-semantics';
import { fieldsFromSearch, resolveRequest, type RequestFields, type ResolvedRequest } from './operation-request';
import { createPersistedDocuments } from './persisted-documents';
import { graphqlCors } from './cors';
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

export interface GraphQLService {
  /** Stops accepting connections and waits (at most timeoutMs) for the requests in flight. */
  drain(timeoutMs: number): Promise<void>;
  isDraining(): boolean;
  cache: ResponseCache | null;
  rateLimiter: RateLimiter;
  directory: ClinicDirectory;
  stop(): Promise<void>;
}

/** The operation a request names, as far as the cache needs it. */
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

function operationOf(resolved: ResolvedRequest): Operation {
  return { hash: resolved.hash, operationName: resolved.operationName ?? null, variables: canonical(resolved.variables ?? {}) };
}

/** The request as Apollo is given it: the document resolved, no persistedQuery extension (APQ is ours). */
function apolloRequest(method: string, resolved: ResolvedRequest): { search: string; body: unknown } {
  const { query, operationName, variables, extensions } = resolved;
  if (method === 'GET') {
    const search = new URLSearchParams({ query });
    if (operationName !== undefined) search.set('operationName', operationName);
    if (variables !== undefined) search.set('variables', JSON.stringify(variables));
    if (extensions !== undefined) search.set('extensions', JSON.stringify(extensions));
    return { search: `?${search.toString()}`, body: undefined };
  }
  // Apollo refuses keys present with the value undefined: only the fields that are there.
  const body: Record<string, unknown> = { query };
  if (operationName !== undefined) body.operationName = operationName;
  if (variables !== undefined) body.variables = variables;
  if (extensions !== undefined) body.extensions = extensions;
  return { search: '', body };
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
    introspection: limits.isIntrospectionEnabled,
    allowBatchedHttpRequests: false,
    // Stopping is ours (src/index.ts): requests in flight finish first.
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: protection.validationRules as never,
    // Persisted documents and APQ are resolved before Apollo (operation-request.ts), on every path.
    persistedQueries: false,
    // Caching is the service's own (whole responses, by content tags); Apollo's per-field hints are not used.
    plugins: [ApolloServerPluginCacheControlDisabled(), ...protection.plugins, statusByMediaType],
    formatError: createErrorFormatter((error) => strapi.log.error(error instanceof Error ? (error.stack ?? error.message) : String(error))),
  });
  await server.start();

  const documents = createPersistedDocuments({
    manifestFile: path.join(strapi.dirs.app.root, 'types', 'graphql', 'client', 'persisted-documents.json'),
    redis,
    prefix: settings.prefix,
    ttlSeconds: settings.persistedQueryTtlSeconds,
    maxLocal: 5000,
    warn: (message) => strapi.log.warn(message),
  });
  const cors = graphqlCors();
  // Answers differ by key and by media type (statuses, Content-Type); by Origin only when origins are allowed.
  const vary = cors.isOriginDependent ? 'Authorization, Accept, Origin' : 'Authorization, Accept';

  const rateLimitDefault = defaultPerMinute();

  // Settings that change answers without being in the request; instances that differ in them do not share.
  const configuration = JSON.stringify([locales.defaultLocale, [...locales.fallbacks]]);

  /**
   * What identifies a request's answer, for a live key: the clinic, the response media type (statuses
   * and Content-Type depend on it), and the operation as sent — for a GET the raw query string (so a hit
   * needs no parsing; only answers to resolved, checked requests are ever stored under it), for a POST
   * the document's hash, operation name and variables. Null when the answer must not be cached.
   */
  function identityOf(caller: AuthenticatedKey | null, media: ResponseMedia, method: string, rawQuery: string, operation: Operation | null): string | null {
    if (caller === null || caller.kind !== 'public') return null;
    if (method === 'GET') return `g\n${configuration}\n${media}\n${caller.clinicDocumentId}\n${rawQuery}`;
    if (operation === null) return null;
    return `p\n${configuration}\n${media}\n${caller.clinicDocumentId}\n${operation.hash}\n${operation.operationName ?? ''}\n${JSON.stringify(operation.variables)}`;
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

  function writeHit(request: IncomingMessage, response: ServerResponse, hit: CachedResponse, media: ResponseMedia, started: number): void {
    if (matchesEtag(request.headers['if-none-match'], hit.etag)) {
      response.writeHead(304, hitHeaders(hit)).end();
    } else {
      const bytes = hit.bytes ?? Buffer.from(hit.body);
      response.writeHead(200, { ...hitHeaders(hit), 'Content-Type': MEDIA_TYPES[media], 'Content-Length': String(bytes.length) }).end(bytes);
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
    // A document sent with its APQ hash is registered on the way (the slower path does that).
    if (rawQuery.includes('persistedQuery') && rawQuery.includes('query=')) return false;
    const media = responseMedia(request.headers.accept);
    if (media === null) return false; // Apollo answers 406
    const now = directory.authenticateNow(presented);
    const limited = (caller: AuthenticatedKey | null) => caller !== null && (caller.rateLimitPerMinute ?? rateLimitDefault) !== 0;
    if (now === null) return false;
    const knownIdentity = now === undefined ? undefined : identityOf(now, media, 'GET', rawQuery, null);
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
      writeHit(request, response, hit, media, started);
      return true;
    }
    return (async () => {
      const caller = now === undefined ? await directory.authenticate(presented) : now;
      const identity = identityOf(caller, media, 'GET', rawQuery, null);
      const hit = identity === null ? undefined : await cache.store.get(cache.key(identity));
      if (hit === undefined || caller === null) return false;
      // Only requests answered here are counted here; the others are counted in `handle`.
      const decision = await rateLimiter.take(caller.keyId, caller.rateLimitPerMinute);
      if (decision !== null && !decision.allowed) {
        writeRateLimited(response, decision);
        return true;
      }
      writeHit(request, response, hit, media, started);
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

  /** A refusal in GraphQL's response shape, in the media type the client asked for, never cached. */
  function refuse(ctx: KoaContext, status: number, code: string, message: string, media: ResponseMedia = 'json'): void {
    ctx.status = status;
    ctx.set('Cache-Control', 'no-store');
    ctx.type = MEDIA_TYPES[media];
    ctx.body = errorBody(code, message);
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
    const fields: RequestFields = ctx.method === 'GET' ? fieldsFromSearch(new URLSearchParams(ctx.querystring)) : typeof body === 'object' && body !== null ? (body as RequestFields) : {};
    const media = responseMedia(ctx.get('accept') || undefined);
    // Malformed requests and hash mismatches are refused before anything else, cache hits included.
    const resolved = ctx.method === 'GET' || ctx.method === 'POST' ? await resolveRequest(fields, documents) : null;
    if (resolved?.kind === 'refusal') {
      refuse(ctx, resolved.status, resolved.code, resolved.message, media ?? 'json');
      return;
    }
    const authorization = ctx.get('authorization') || undefined;
    const readable = cache !== null && cache.usable() && media !== null && (ctx.method === 'POST' || (ctx.method === 'GET' && passesCsrfCheck(ctx.request.headers)));
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
    if (resolved?.kind === 'unknown-document') {
      // Apollo Client's persisted-query link (and the APQ protocol) resend the document on exactly this.
      ctx.status = 200;
      ctx.set('Cache-Control', 'no-store');
      ctx.type = MEDIA_TYPES[media ?? 'json'];
      ctx.body = errorBody('PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound', {
        hint: `No document is known by id "${resolved.id}": send the document itself (with its sha256 in extensions.persistedQuery to register it).`,
      });
      return;
    }
    // Registered on every path (a cache hit too), by key holders only: any later GET by hash finds it.
    if (resolved?.isRegistration === true && caller !== null) await documents.register(resolved.hash, resolved.query);
    const operation = readable && resolved !== null ? operationOf(resolved) : null;
    const identity = readable && operation !== null && media !== null ? identityOf(caller, media, ctx.method, ctx.querystring, operation) : null;
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
        ctx.type = MEDIA_TYPES[media ?? 'json'];
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
    const forApollo = resolved === null ? { search: ctx.querystring === '' ? '' : `?${ctx.querystring}`, body } : apolloRequest(ctx.method, resolved);
    const execution = server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: ctx.method.toUpperCase(), headers, ...forApollo },
      context: () => createContext({ strapi, directory, authorization, fallbacks, media: media ?? 'json', reads: ticket !== null ? reads : undefined }),
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
    if (ctx.status === 401) ctx.set('WWW-Authenticate', WWW_AUTHENTICATE);
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
      const operationName = resolved?.kind === 'document' ? (resolved.operationName ?? null) : null;
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
  mountHttpSettle(strapi);

  graphqlEndpoint.handle = handle;
  graphqlEndpoint.maxBodyBytes = limits.maxBodyBytes;
  graphqlEndpoint.cors = cors;
  strapi.server.routes([
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
      graphqlEndpoint.cors = null;
      httpServer.removeAllListeners('request');
      for (const listener of downstream) httpServer.on('request', listener);
      await server.stop();
      await cache?.close();
      await directory.close();
      if (redis !== null) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
