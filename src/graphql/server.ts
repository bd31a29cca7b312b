/**
 * Apollo Server 5 for /graphql: the schema (src/graphql/schema/*.graphql with the resolvers), the
 * query limits, the error formatter and the status rule. Built once by the composition root
 * (src/app); requests reach it through the pipeline (pipeline.ts), and the reference pages run
 * operations on it directly.
 */
import { readFileSync, readdirSync } from 'fs';
import path from 'path';
import type { Core } from '@strapi/strapi';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLContext } from './context';
import { createErrorFormatter } from './errors';
import { statusByMediaType } from './http-semantics';
import { limitProtection, type QueryLimits } from './limits';
import { createPreparedOperations, type PreparedOperations } from './prepared';
import { resolverModules } from './resolvers';

export function schemaDir(strapi: Core.Strapi): string {
  return path.join(strapi.dirs.app.root, 'src', 'graphql', 'schema');
}

export function loadTypeDefs(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(path.join(dir, file), 'utf8'));
}

/** The started Apollo server, and the operations it executed, to run again without its pipeline (prepared.ts). */
export async function createApollo(input: { strapi: Core.Strapi; limits: QueryLimits; isDevelopment: boolean }): Promise<{ apollo: ApolloServer<GraphQLContext>; prepared: PreparedOperations }> {
  const { strapi, limits, isDevelopment } = input;
  const schema = makeExecutableSchema<GraphQLContext>({
    typeDefs: loadTypeDefs(schemaDir(strapi)),
    // Codegen's Resolvers type is stricter than graphql-tools' IResolvers; the shapes agree at run time.
    resolvers: resolverModules as never,
    resolverValidationOptions: { requireResolversForResolveType: 'ignore' },
  });
  const protection = limitProtection(limits, { isDevelopment });
  const prepared = createPreparedOperations({ schema, limits });
  const server = new ApolloServer<GraphQLContext>({
    schema,
    includeStacktraceInErrorResponses: isDevelopment,
    // Outside development the schema is not for browsing: sites get it as types/graphql/schema.graphql.
    introspection: limits.isIntrospectionEnabled,
    allowBatchedHttpRequests: false,
    // Stopping is the composition root's: requests in flight finish first.
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: protection.validationRules as never,
    // Persisted documents and APQ are resolved before Apollo (operation-request.ts), on every path.
    persistedQueries: false,
    // Caching is the service's own (whole responses, by content tags); Apollo's per-field hints are not used.
    plugins: [ApolloServerPluginCacheControlDisabled(), ...protection.plugins, statusByMediaType, prepared.plugin],
    formatError: createErrorFormatter((error) => strapi.log.error(error instanceof Error ? (error.stack ?? error.message) : String(error))),
  });
  await server.start();
  return { apollo: server, prepared };
}
