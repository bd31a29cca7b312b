/**
 * /graphql, every method of it, answered by the front door (src/http/front-door.ts) on the Node
 * request, without Strapi's Koa chain: a bearer-key GraphQL read needs none of its session, body
 * parser, router or admin CORS. What that chain gave these answers is given here, once: the security
 * headers of its `strapi::security` middleware (learnt from it, src/http/security-headers.ts), the
 * access log line of its `strapi::logger` (`POST /graphql (12 ms) 200`, at the http level) and an
 * answer for an unexpected failure. The endpoint applies the API's own CORS policy (cors.ts), reads
 * the body (read-body.ts), runs the pipeline (pipeline.ts) and writes its answer.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { Core } from '@strapi/strapi';
import type { EarlyHandler } from '../http/front-door';
import { applySecurityHeaders, type SecurityHeaders } from '../http/security-headers';
import type { CacheOutcome } from '../observability/metrics';
import { refusal, sendAnswer, type GraphQLAnswer } from './answer';
import { ORIGIN_NOT_ALLOWED_MESSAGE, type GraphQLCors } from './cors';
import { runPipeline, type PipelineServices } from './pipeline';
import { readBody } from './read-body';
import { graphqlQueryOf } from './http-semantics';

/** The operation name a request gives, for metrics (before or without resolving it). */
function operationNameOf(method: string, rawQuery: string, body: unknown): string | null {
  const name = method === 'GET' ? new URLSearchParams(rawQuery).get('operationName') : typeof body === 'object' && body !== null ? (body as { operationName?: unknown }).operationName : undefined;
  return typeof name === 'string' ? name : null;
}

export function createGraphQLEndpoint(
  services: PipelineServices & {
    cors: GraphQLCors;
    /** What Strapi's security middleware gives a GET, and any other method, of GRAPHQL_PATH. */
    securityHeaders: { get: SecurityHeaders; other: SecurityHeaders };
  },
): EarlyHandler {
  const { cors, metrics, limits, cache, strapi, securityHeaders } = services;
  const log = strapi.log as Core.Strapi['log'] & { isHttpEnabled?: () => boolean };

  /** The API's CORS policy: an answer for a refusal or a preflight, its headers (set on `response`) otherwise. */
  function corsAnswer(request: IncomingMessage, response: ServerResponse): GraphQLAnswer | null {
    const origin = request.headers.origin ?? '';
    if (cors.isOriginDependent) response.setHeader('Vary', 'Origin');
    if (origin !== '') {
      if (!cors.isAllowed(origin)) return refusal({ status: 403, code: 'ORIGIN_NOT_ALLOWED', message: ORIGIN_NOT_ALLOWED_MESSAGE });
      if (request.method === 'OPTIONS' && (request.headers['access-control-request-method'] ?? '') !== '') {
        return { status: 204, headers: cors.preflightHeaders(origin), body: null };
      }
      for (const [name, value] of Object.entries(cors.responseHeaders(origin))) response.setHeader(name, value);
    }
    if (request.method === 'OPTIONS') return { status: 204, headers: { Allow: 'GET, POST, OPTIONS' }, body: null };
    return null;
  }

  async function answer(request: IncomingMessage, response: ServerResponse, rawQuery: string): Promise<void> {
    const early = corsAnswer(request, response);
    if (early !== null) return sendAnswer(response, early);
    const read = await readBody(request, limits.maxBodyBytes);
    if (read.kind === 'refused') return sendAnswer(response, read.answer);
    const method = request.method ?? 'GET';
    const started = performance.now();
    let cacheOutcome: CacheOutcome = cache === null ? 'off' : 'bypass';
    try {
      const { answer: given, exchange } = await runPipeline({ method, headers: request.headers, rawQuery, body: read.body }, services);
      cacheOutcome = exchange.cache;
      sendAnswer(response, given);
    } finally {
      metrics.observeRequest({ operation: operationNameOf(method, rawQuery, read.body), cache: cacheOutcome, status: response.statusCode, seconds: (performance.now() - started) / 1000 });
    }
  }

  return (request, response) => {
    const rawQuery = graphqlQueryOf(request.url);
    if (rawQuery === null) return false;
    const started = Date.now();
    applySecurityHeaders(response, request.method === 'GET' ? securityHeaders.get : securityHeaders.other);
    answer(request, response, rawQuery)
      .catch((error: unknown) => {
        log.error(`/graphql failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        if (response.headersSent) response.destroy();
        // The API's code for its own failures (errors.ts); the log line carries the request id.
        else sendAnswer(response, refusal({ status: 500, code: 'INTERNAL', message: 'Internal server error' }));
      })
      .finally(() => {
        // Strapi's logger line, as its middleware writes it (the format is the operators' grep).
        if (log.isHttpEnabled?.() ?? true) log.http(`${request.method} ${request.url} (${Math.ceil(Date.now() - started)} ms) ${response.statusCode}`);
      });
    return true;
  };
}
