/**
 * /graphql inside Koa: every method of the path is answered here, after Strapi's logger, errors and
 * security middlewares (which give every answer its access log line and security headers) and before
 * Strapi's CORS, query, body and session middlewares, which the API does not use. The endpoint applies
 * the API's own CORS policy (cors.ts), reads the body (read-body.ts), runs the pipeline (pipeline.ts)
 * and writes its answer. The Koa middleware that calls it is src/middlewares/graphql-endpoint.ts.
 */
import type { Context as KoaContext, Next } from 'koa';
import type { CacheOutcome } from '../observability/metrics';
import { applyAnswer, refusal } from './answer';
import { ORIGIN_NOT_ALLOWED_MESSAGE, type GraphQLCors } from './cors';
import { runPipeline, type PipelineServices } from './pipeline';
import { readBody } from './read-body';
import { GRAPHQL_PATH } from './http-semantics';


/** Where the composition root puts the endpoint in Strapi's container, for the Koa middleware to find. */
export const GRAPHQL_ENDPOINT_SERVICE = 'clinic-content.graphql-endpoint';

export interface GraphQLEndpoint {
  /** Answers a request for GRAPHQL_PATH; hands any other path on. */
  koa(ctx: KoaContext, next: Next): Promise<void>;
}

/** The operation name a request gives, for metrics (before or without resolving it). */
function operationNameOf(ctx: KoaContext, body: unknown): string | null {
  const name = ctx.method === 'GET' ? new URLSearchParams(ctx.querystring).get('operationName') : typeof body === 'object' && body !== null ? (body as { operationName?: unknown }).operationName : undefined;
  return typeof name === 'string' ? name : null;
}

export function createGraphQLEndpoint(services: PipelineServices & { cors: GraphQLCors }): GraphQLEndpoint {
  const { cors, metrics, limits, cache } = services;

  /** The API's CORS policy; true when it answered (a refusal or a preflight). */
  function answeredByCors(ctx: KoaContext): boolean {
    const origin = ctx.get('origin');
    if (cors.isOriginDependent) ctx.vary('Origin');
    if (origin !== '') {
      if (!cors.isAllowed(origin)) {
        applyAnswer(ctx, refusal({ status: 403, code: 'ORIGIN_NOT_ALLOWED', message: ORIGIN_NOT_ALLOWED_MESSAGE }));
        return true;
      }
      if (ctx.method === 'OPTIONS' && ctx.get('access-control-request-method') !== '') {
        ctx.set(cors.preflightHeaders(origin));
        ctx.status = 204;
        return true;
      }
      ctx.set(cors.responseHeaders(origin));
    }
    if (ctx.method === 'OPTIONS') {
      ctx.set('Allow', 'GET, POST, OPTIONS');
      ctx.status = 204;
      return true;
    }
    return false;
  }

  return {
    async koa(ctx, next) {
      if (ctx.path !== GRAPHQL_PATH) return next();
      if (answeredByCors(ctx)) return;
      const read = await readBody(ctx.req, limits.maxBodyBytes);
      if (read.kind === 'refused') {
        applyAnswer(ctx, read.answer);
        return;
      }
      const started = performance.now();
      let cacheOutcome: CacheOutcome = cache === null ? 'off' : 'bypass';
      try {
        const { answer, exchange } = await runPipeline({ method: ctx.method, headers: ctx.request.headers, rawQuery: ctx.querystring, body: read.body }, services);
        cacheOutcome = exchange.cache;
        applyAnswer(ctx, answer);
      } finally {
        metrics.observeRequest({ operation: operationNameOf(ctx, read.body), cache: cacheOutcome, status: ctx.status, seconds: (performance.now() - started) / 1000 });
      }
    },
  };
}
