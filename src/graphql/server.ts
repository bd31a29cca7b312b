/**
 * Apollo Server 5 inside the Strapi process, at /graphql. Strapi 5 runs Koa 2, which the Koa
 * integration package does not support, so requests go through Apollo's documented
 * executeHTTPGraphQLRequest integration API.
 */
import { readFileSync, readdirSync } from 'fs';
import path from 'path';
import type { Core } from '@strapi/strapi';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { Context as KoaContext } from 'koa';
import { createClinicDirectory, parseTtl } from '../clinics/directory';
import { parseFallbacks } from '../locales/chain';
import { createContext, type GraphQLContext } from './context';
import { createErrorFormatter } from './errors';
import { resolverModules } from './resolvers';

export const GRAPHQL_PATH = '/graphql';

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
  stop(): Promise<void>;
}

export async function mountGraphQL(strapi: Core.Strapi): Promise<GraphQLService> {
  const fallbacks = parseFallbacks(process.env.LOCALE_FALLBACKS);
  const directory = createClinicDirectory({ strapi, ttlMs: parseTtl(process.env.CLINIC_CACHE_TTL_MS) });
  const schema = makeExecutableSchema<GraphQLContext>({
    typeDefs: loadTypeDefs(schemaDir(strapi)),
    // Codegen's Resolvers type is stricter than graphql-tools' IResolvers; the shapes agree at run time.
    resolvers: resolverModules as never,
    resolverValidationOptions: { requireResolversForResolveType: 'ignore' },
  });
  const server = new ApolloServer<GraphQLContext>({
    schema,
    includeStacktraceInErrorResponses: process.env.NODE_ENV === 'development',
    // Caching is the service's own (per response, by content tags); Apollo's per-field cache hints are not used.
    plugins: [ApolloServerPluginCacheControlDisabled()],
    formatError: createErrorFormatter((error) => strapi.log.error(error instanceof Error ? (error.stack ?? error.message) : String(error))),
  });
  await server.start();

  const handle = async (ctx: KoaContext): Promise<void> => {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(ctx.request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: ctx.method.toUpperCase(),
        headers,
        search: ctx.querystring === '' ? '' : `?${ctx.querystring}`,
        body: (ctx.request as { body?: unknown }).body,
      },
      context: () => createContext({ strapi, directory, authorization: ctx.get('authorization') || undefined, fallbacks }),
    });
    for (const [name, value] of response.headers) ctx.set(name, value);
    ctx.status = response.status ?? 200;
    if (response.body.kind === 'complete') {
      ctx.body = response.body.string;
    } else {
      let text = '';
      for await (const chunk of response.body.asyncIterator) text += chunk;
      ctx.body = text;
    }
  };

  strapi.server.routes([
    { method: 'GET', path: GRAPHQL_PATH, handler: handle, config: { auth: false } },
    { method: 'POST', path: GRAPHQL_PATH, handler: handle, config: { auth: false } },
  ] as never);

  return { stop: () => server.stop() };
}
