/** Where the GraphQL handler is published for the Koa endpoint middleware (src/middlewares/graphql-endpoint.ts). */
import type { Context as KoaContext } from 'koa';
import type { GraphQLCors } from './cors';

export const GRAPHQL_PATH = '/graphql';

export const graphqlEndpoint: { handle: ((ctx: KoaContext) => Promise<void>) | null; maxBodyBytes: number; cors: GraphQLCors | null } = {
  handle: null,
  maxBodyBytes: 100 * 1024,
  cors: null,
};
