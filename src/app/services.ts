/**
 * The shared services of a serving process, each built once: Redis, the clinic directory, the
 * response cache, the rate limiter, metrics, persisted documents, Apollo and the /graphql pipeline.
 * The composition root (index.ts) builds them in order and closes them in the reverse order.
 */
import path from 'path';
import type { Core } from '@strapi/strapi';
import type { ApolloServer } from '@apollo/server';
import type { Redis } from 'ioredis';
import { cacheSettings, connectRedis, createResponseCache, type CacheSettings, type ResponseCache } from '../cache';
import { createClinicDirectory, type ClinicDirectory } from '../clinics/directory';
import { localeSettings } from '../locales/config';
import { createMetrics, type Metrics } from '../observability/metrics';
import { settings } from '../settings';
import type { GraphQLContext } from '../graphql/context';
import { graphqlCors, type GraphQLCors } from '../graphql/cors';
import { queryLimits, type QueryLimits } from '../graphql/limits';
import { createPersistedDocuments } from '../graphql/persisted-documents';
import type { PipelineServices } from '../graphql/pipeline';
import { createRateLimiter, defaultPerMinute } from '../graphql/rate-limit';
import { createApollo } from '../graphql/server';

/** What every process that loads the app has from register() on: Redis and the clinic directory. */
export interface CoreServices {
  cacheSettings: CacheSettings;
  redis: Redis | null;
  directory: ClinicDirectory;
}

/** Built at register(): a process that only registers (a command's light boot) still tells other instances what it changed. */
export function buildCoreServices(strapi: Core.Strapi): CoreServices {
  const settings = cacheSettings();
  const redis = connectRedis(strapi, settings);
  const directory = createClinicDirectory({ strapi });
  if (redis !== null) directory.shareChangesThrough(redis, settings.prefix);
  return { cacheSettings: settings, redis, directory };
}

export interface ServingServices extends PipelineServices {
  cache: ResponseCache | null;
  apollo: ApolloServer<GraphQLContext>;
  metrics: Metrics;
  cors: GraphQLCors;
  limits: QueryLimits;
  defaultPerMinute: number;
  metricsToken: string | null;
}

/** Built at bootstrap(), for serving HTTP. */
export async function buildServingServices(strapi: Core.Strapi, core: CoreServices): Promise<ServingServices> {
  const { cacheSettings: cacheConfig, redis, directory } = core;
  const locales = localeSettings(strapi);
  const { METRICS_TOKEN: metricsToken, NODE_ENV } = settings();
  const limits = queryLimits();
  const perMinute = defaultPerMinute();
  const cors = graphqlCors();
  const cache = cacheConfig.enabled ? createResponseCache(strapi, cacheConfig, redis) : null;
  const { apollo, prepared } = await createApollo({ strapi, limits, isDevelopment: NODE_ENV === 'development' });
  const documents = createPersistedDocuments({
    manifestFile: path.join(strapi.dirs.app.root, 'types', 'graphql', 'client', 'persisted-documents.json'),
    redis,
    prefix: cacheConfig.prefix,
    ttlSeconds: cacheConfig.persistedQueryTtlSeconds,
    maxLocal: 5000,
    warn: (message) => strapi.log.warn(message),
  });
  return {
    strapi,
    directory,
    cache,
    rateLimiter: createRateLimiter({ strapi, redis, prefix: cacheConfig.prefix, defaultPerMinute: perMinute }),
    documents,
    apollo,
    prepared,
    limits,
    fallbacks: locales.fallbacks,
    metrics: createMetrics(strapi),
    // Answers differ by key and by media type (statuses, Content-Type); by Origin only when origins are allowed.
    vary: cors.isOriginDependent ? 'Authorization, Accept, Origin' : 'Authorization, Accept',
    configuration: JSON.stringify([locales.defaultLocale, [...locales.fallbacks]]),
    cors,
    defaultPerMinute: perMinute,
    metricsToken,
  };
}
