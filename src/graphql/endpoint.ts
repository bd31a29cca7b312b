/** Where the GraphQL handler is published for the body middleware (src/middlewares/graphql-body.ts). */
import type { Context as KoaContext } from 'koa';

export const GRAPHQL_PATH = '/graphql';

export const graphqlEndpoint: { handle: ((ctx: KoaContext) => Promise<void>) | null; maxBodyBytes: number } = {
  handle: null,
  maxBodyBytes: 100 * 1024,
};
