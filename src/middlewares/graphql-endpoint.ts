/**
 * /graphql inside Koa: every method of the path is answered here, after Strapi's logger, errors and
 * security middlewares and before Strapi's CORS (the API has its own policy, src/graphql/cors.ts),
 * query, body and session middlewares, which the API does not use. POST bodies are read here, with the
 * GraphQL body limit (GRAPHQL_MAX_BODY_BYTES, also for chunked bodies) and GraphQL-shaped answers for
 * what cannot be read — 413 BODY_TOO_LARGE, 400 MALFORMED_JSON — then the GraphQL handler answers.
 */
import type { Core } from '@strapi/strapi';
import type { Context as KoaContext, Next } from 'koa';
import getRawBody from 'raw-body';
import { ORIGIN_NOT_ALLOWED_MESSAGE } from '../graphql/cors';
import { GRAPHQL_PATH, graphqlEndpoint } from '../graphql/endpoint';
import { errorBody } from '../graphql/http-semantics';

function refuse(ctx: KoaContext, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'application/json; charset=utf-8';
  ctx.body = errorBody(code, message);
}

export default (_config: unknown, _context: { strapi: Core.Strapi }) =>
  async (ctx: KoaContext, next: Next): Promise<void> => {
    const { handle, cors } = graphqlEndpoint;
    if (ctx.path !== GRAPHQL_PATH || handle === null || cors === null) return next();
    const origin = ctx.get('origin');
    if (cors.isOriginDependent) ctx.vary('Origin');
    if (origin !== '') {
      if (!cors.isAllowed(origin)) {
        refuse(ctx, 403, 'ORIGIN_NOT_ALLOWED', ORIGIN_NOT_ALLOWED_MESSAGE);
        return;
      }
      if (ctx.method === 'OPTIONS' && ctx.get('access-control-request-method') !== '') {
        ctx.set(cors.preflightHeaders(origin));
        ctx.status = 204;
        return;
      }
      ctx.set(cors.responseHeaders(origin));
    }
    if (ctx.method === 'OPTIONS') {
      ctx.set('Allow', 'GET, POST, OPTIONS');
      ctx.status = 204;
      return;
    }
    if (ctx.method === 'POST' && (ctx.get('content-type').split(';')[0] ?? '').trim().toLowerCase() === 'application/json') {
      let text: string;
      try {
        text = await getRawBody(ctx.req, {
          limit: graphqlEndpoint.maxBodyBytes,
          length: ctx.get('content-length') || undefined,
          encoding: 'utf8',
        });
      } catch (error) {
        const kind = (error as { type?: string }).type;
        if (kind === 'entity.too.large') {
          refuse(ctx, 413, 'BODY_TOO_LARGE', `The request body is larger than the limit of ${graphqlEndpoint.maxBodyBytes} bytes.`);
          return;
        }
        refuse(ctx, 400, 'MALFORMED_REQUEST', 'The request body could not be read (its length did not match Content-Length, or it was not UTF-8).');
        return;
      }
      try {
        (ctx.request as { body?: unknown }).body = JSON.parse(text);
      } catch {
        refuse(ctx, 400, 'MALFORMED_JSON', 'The request body is not valid JSON. Send {"query": "...", "variables": {...}}.');
        return;
      }
    }
    // Other content types reach Apollo without a body, which refuses them (CSRF prevention, 400).
    await handle(ctx);
  };
