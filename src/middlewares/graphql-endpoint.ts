/**
 * /graphql in Strapi's middleware chain (config/middlewares.ts places it after the logger, errors and
 * security middlewares and before CORS, query, body and session). The endpoint itself is built by the
 * composition root at bootstrap and found in Strapi's container; until then the path falls through.
 */
import type { Core } from '@strapi/strapi';
import type { Context as KoaContext, Next } from 'koa';
import { GRAPHQL_ENDPOINT_SERVICE, type GraphQLEndpoint } from '../graphql/endpoint';

export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: KoaContext, next: Next): Promise<void> => {
    if (!strapi.has(GRAPHQL_ENDPOINT_SERVICE)) return next();
    return (strapi.get(GRAPHQL_ENDPOINT_SERVICE) as GraphQLEndpoint).koa(ctx, next);
  };
