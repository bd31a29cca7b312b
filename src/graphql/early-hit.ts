/**
 * The early path: a GET /graphql cache hit from a caller without an Origin (a CDN or a site's server)
 * is answered by the front door before Strapi's Koa chain, which it needs none of (no body, no session,
 * no CORS). It runs the pipeline's own steps — identify the caller, rate limit, cache read — in their
 * synchronous form when the key and the answer are in memory. Anything that is not a plain hit is
 * left to the full pipeline (false), which answers it the same way.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import { hitAnswer, rateLimitedAnswer, sendAnswer } from './answer';
import { callerOf, identifyCaller, identifyCallerNow } from './caller';
import { graphqlQueryOf, responseMedia, type ResponseMedia } from './http-semantics';
import { identityOf, passesCsrfCheck } from './identity';
import type { PipelineServices } from './pipeline';
import type { CachedResponse } from '../cache/store';
import type { AuthenticatedKey } from '../clinics/keys';

export type EarlyAnswer = (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>;

export function createEarlyHit(services: Pick<PipelineServices, 'cache' | 'directory' | 'rateLimiter' | 'metrics' | 'configuration' | 'vary'> & { defaultPerMinute: number }): EarlyAnswer {
  const { cache, directory, rateLimiter, metrics, configuration, vary, defaultPerMinute } = services;

  function write(request: IncomingMessage, response: ServerResponse, hit: CachedResponse, media: ResponseMedia, started: number): true {
    const { cacheControl, edgeHeaders } = cache as NonNullable<typeof cache>;
    sendAnswer(response, hitAnswer({ hit, media, ifNoneMatch: request.headers['if-none-match'], cacheControl, vary, edgeOf: edgeHeaders }));
    metrics.observeRequest({ operation: hit.operation ?? null, cache: 'hit', status: response.statusCode, seconds: (performance.now() - started) / 1000 });
    return true;
  }

  function refuse(response: ServerResponse, decision: Parameters<typeof rateLimitedAnswer>[0]): true {
    metrics.rateLimited();
    sendAnswer(response, rateLimitedAnswer(decision));
    return true;
  }

  return (request, response) => {
    const started = performance.now();
    if (cache === null || request.method !== 'GET' || request.headers.origin !== undefined || !passesCsrfCheck(request.headers)) return false;
    const rawQuery = graphqlQueryOf(request.url);
    if (rawQuery === null || rawQuery === '') return false;
    const authorization = request.headers.authorization;
    // A document sent with its APQ hash is registered on the way (the pipeline does that).
    if (rawQuery.includes('persistedQuery') && rawQuery.includes('query=')) return false;
    const media = responseMedia(request.headers.accept === '' ? undefined : request.headers.accept);
    if (media === null) return false; // Apollo answers 406
    const identified = identifyCallerNow(directory, authorization);
    if (identified?.kind === 'missing') return false;
    const now: AuthenticatedKey | null | undefined = identified === undefined ? undefined : callerOf(identified);
    if (now === null) return false;
    const knownIdentity = now === undefined ? undefined : identityOf({ configuration, caller: now, media, method: 'GET', rawQuery, operation: null });
    if (knownIdentity === null) return false; // a preview key: never cached
    const peeked = knownIdentity !== undefined && cache.store.peek !== undefined ? cache.store.peek(cache.key(knownIdentity)) : undefined;
    if (now !== undefined && cache.store.kind === 'memory' && peeked === undefined) return false;
    if (now !== undefined && peeked !== undefined) {
      if ((now.rateLimitPerMinute ?? defaultPerMinute) !== 0) {
        const refusal = rateLimiter.refusalInForce(now.keyId);
        if (refusal !== null) return refuse(response, refusal);
        // Counted once answered: a hit does not wait for the count (see RateLimiter.refusalInForce).
        void rateLimiter.take(now.keyId, now.rateLimitPerMinute);
      }
      return write(request, response, peeked, media, started);
    }
    return (async () => {
      const caller = now === undefined ? callerOf(await identifyCaller(directory, authorization)) : now;
      const identity = identityOf({ configuration, caller, media, method: 'GET', rawQuery, operation: null });
      const hit = identity === null ? undefined : await cache.store.get(cache.key(identity));
      if (hit === undefined || caller === null) return false;
      // Only requests answered here are counted here; the others are counted by the pipeline.
      const decision = await rateLimiter.take(caller.keyId, caller.rateLimitPerMinute);
      if (decision !== null && !decision.allowed) return refuse(response, decision);
      return write(request, response, hit, media, started);
    })();
  };
}
