/**
 * The response cache of the public API: settings, the store (this process or Redis), and exact
 * invalidation — every committed write purges the responses tagged with what it changed, before the
 * write's Document Service call returns (an after-commit subscriber of src/content/writes).
 */
import type { Core } from '@strapi/strapi';
import { Redis } from 'ioredis';
import { changedTags, writePipeline } from '../content/writes';
import { edgeHeadersFor, type EdgeHeadersOf } from '../cdn/headers';
import { cdnSettings } from '../cdn/settings';
import { settings, type Settings } from '../settings';
import { createFallbackStore, createMemoryStore, createRedisStore, type ResponseStore } from './store';

export interface CacheSettings {
  enabled: boolean;
  maxBytes: number;
  redisUrl: string | null;
  prefix: string;
  ttlSeconds: number;
  maxAge: number;
  sMaxAge: number;
  staleWhileRevalidate: number;
  /** While Redis is unreachable: how long this instance may serve its own cached copy. */
  fallbackMaxAgeMs: number;
  /** How long a registered (APQ) document is kept, here and in Redis. */
  persistedQueryTtlSeconds: number;
}

/** The cache's view of the settings (RESPONSE_CACHE*, REDIS_*, CACHE_CONTROL_*, PERSISTED_QUERY_TTL_SECONDS). */
export function cacheSettings(from: Settings = settings()): CacheSettings {
  return {
    enabled: from.RESPONSE_CACHE,
    maxBytes: from.RESPONSE_CACHE_MAX_MB * 1024 * 1024,
    redisUrl: from.REDIS_URL,
    prefix: from.REDIS_PREFIX,
    ttlSeconds: from.RESPONSE_CACHE_TTL_SECONDS,
    maxAge: from.CACHE_CONTROL_MAX_AGE,
    sMaxAge: from.CACHE_CONTROL_S_MAXAGE,
    staleWhileRevalidate: from.CACHE_CONTROL_STALE_WHILE_REVALIDATE,
    fallbackMaxAgeMs: from.RESPONSE_CACHE_FALLBACK_MS,
    persistedQueryTtlSeconds: from.PERSISTED_QUERY_TTL_SECONDS,
  };
}

export interface ResponseCache {
  readonly settings: CacheSettings;
  readonly store: ResponseStore;
  /** The Redis connection when REDIS_URL is set (shared with the directory's change messages). */
  readonly redis: Redis | null;
  /** Cache-Control for a cacheable response. */
  readonly cacheControl: string;
  /** A cacheable response's tag headers for the CDNs in front of us (src/cdn/headers.ts). */
  readonly edgeHeaders: EdgeHeadersOf;
  /** The store key of a request: its method, the clinic and its raw operation text (see src/graphql/identity.ts). */
  key(identity: string): string;
  close(): Promise<void>;
}

/** The Redis connection for REDIS_URL (cache, rate limits, change messages); null without one. */
export function connectRedis(strapi: Core.Strapi, settings: CacheSettings): Redis | null {
  if (settings.redisUrl === null) return null;
  // Commands wait for a reconnect at most twice, then fail: cache reads then miss and purges are retried.
  // No auto-pipelining: when a connection drops mid-pipeline, ioredis' auto-pipeline callback throws
  // outside any promise (`results[i] is not iterable`), which would take the process down.
  const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: 2 });
  let reported = false;
  redis.on('error', (error: Error) => {
    if (!reported) {
      strapi.log.warn(
        `Redis at REDIS_URL is unreachable (${error.message}): until it is back, this instance caches answers in its own memory for at most ${settings.fallbackMaxAgeMs} ms and counts rate limits itself.`,
      );
    }
    reported = true;
  });
  redis.on('ready', () => {
    if (reported) strapi.log.info('Redis at REDIS_URL is reachable again.');
    reported = false;
  });
  return redis;
}

export function createResponseCache(strapi: Core.Strapi, settings: CacheSettings, redis: Redis | null): ResponseCache {
  // Tags whose purge failed (Redis unreachable): retried every second; until they are purged this
  // instance does not use the shared cache (its own short-lived copy stands in), and the failure is logged.
  const unpurged = new Set<string>();
  const store =
    redis === null
      ? createMemoryStore(settings.maxBytes)
      : createFallbackStore({
          shared: createRedisStore({ redis, prefix: settings.prefix, ttlSeconds: settings.ttlSeconds }),
          local: createMemoryStore(settings.maxBytes),
          sharedUsable: () => redis.status === 'ready' && unpurged.size === 0,
          localMaxAgeMs: settings.fallbackMaxAgeMs,
        });

  let retry: NodeJS.Timeout | null = null;
  const purge = async (tags: string[]): Promise<void> => {
    try {
      await store.purge(tags);
    } catch (error) {
      for (const tag of tags) unpurged.add(tag);
      strapi.log.error(`Response cache purge of ${tags.length} tags failed, retrying every second: ${error instanceof Error ? error.message : String(error)}`);
      retry ??= setInterval(() => {
        const pending = [...unpurged];
        store.purge(pending).then(
          () => {
            for (const tag of pending) unpurged.delete(tag);
            if (unpurged.size === 0 && retry !== null) {
              clearInterval(retry);
              retry = null;
              strapi.log.info('Response cache purges caught up.');
            }
          },
          () => undefined,
        );
      }, 1000);
      retry.unref();
    }
  };
  const stop = writePipeline(strapi).afterCommit({
    name: 'the response cache purge',
    needsRows: true,
    committed(change) {
      const tags = changedTags(change);
      return tags.length > 0 ? purge(tags) : undefined;
    },
  });

  const cacheControl = `public, max-age=${settings.maxAge}, s-maxage=${settings.sMaxAge}, stale-while-revalidate=${settings.staleWhileRevalidate}`;
  return {
    settings,
    store,
    redis,
    cacheControl,
    edgeHeaders: edgeHeadersFor({ isFastly: cdnSettings().fastly !== null }),
    key: (identity) => store.keyOf(identity),
    async close() {
      stop();
      if (retry !== null) clearInterval(retry);
      await store.close();
    },
  };
}
