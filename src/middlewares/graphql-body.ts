/**
 * POST /graphql reads and parses its own body, before Strapi's body parser: with the GraphQL body
 * limit (GRAPHQL_MAX_BODY_BYTES, also for chunked bodies), and with GraphQL-shaped answers for what
 * cannot be read — 413 BODY_TOO_LARGE, 400 MALFORMED_JSON — then hands the request to the GraphQL
 * handler. Strapi's logger, errors, security, CORS and query middlewares run before it, as for any
 * route; session, favicon and public files are of no use to the API and are skipped.
 */
import type { Core } from '@strapi/strapi';
import type { Context as KoaContext, Next } from 'koa';
import getRawBody from 'raw-body';
import { GRAPHQL_PATH, graphqlEndpoint } from '../graphql/endpoint';

function refuse(ctx: KoaContext, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'application/json; charset=utf-8';
  ctx.body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
}

export default (_config: unknown, _context: { strapi: Core.Strapi }) =>
  async (ctx: KoaContext, next: Next): Promise<void> => {
    const handle = graphqlEndpoint.handle;
    if (ctx.method !== 'POST' || ctx.path !== GRAPHQL_PATH || handle === null) return next();
    const type = (ctx.get('content-type').split(';')[0] ?? '').trim().toLowerCase();
    if (type === 'application/json') {
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
