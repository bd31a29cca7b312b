/**
 * Rate limits per clinic key (rate-limiter-flexible): RATE_LIMIT_PER_MINUTE requests per key and
 * minute, or the clinic's own "API requests per minute" when an admin set one (0: no limit). Counted
 * in Redis when REDIS_URL is set, so the limit holds across instances; while Redis is unreachable, each
 * instance counts in memory (logged once per outage) and clients see no error.
 */
import type { Core } from '@strapi/strapi';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export const RATE_LIMITED = 'RATE_LIMITED';

export class RateLimitSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RateLimitSettingsError';
  }
}

export function defaultPerMinute(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.RATE_LIMIT_PER_MINUTE;
  if (raw === undefined || raw.trim() === '') return 600;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new RateLimitSettingsError(`RATE_LIMIT_PER_MINUTE must be a whole number (0: no limit), not "${raw}".`);
  return value;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until a refused caller may try again. */
  retryAfter: number;
}

export interface RateLimiter {
  /** Counts one request of a key; `perMinute` is the clinic's own limit (null: the default). */
  take(keyId: string, perMinute: number | null): Promise<RateDecision | null>;
  metrics: { rejected: number };
}

export function createRateLimiter(input: { strapi: Core.Strapi; redis: Redis | null; prefix: string; defaultPerMinute: number }): RateLimiter {
  const { strapi, redis, prefix } = input;
  const limiters = new Map<number, RateLimiterAbstract>();
  let warned = false;

  function limiter(points: number): RateLimiterAbstract {
    let found = limiters.get(points);
    if (found === undefined) {
      const local = new RateLimiterMemory({ points, duration: 60, keyPrefix: `rl${points}` });
      found =
        redis === null
          ? local
          : new RateLimiterRedis({ storeClient: redis, points, duration: 60, keyPrefix: `${prefix}:rl:${points}`, insuranceLimiter: local, rejectIfRedisNotReady: true });
      limiters.set(points, found);
    }
    return found;
  }

  const rateLimiter: RateLimiter = {
    metrics: { rejected: 0 },
    async take(keyId, perMinute) {
      const points = perMinute ?? input.defaultPerMinute;
      if (points === 0) return null;
      if (redis !== null && redis.status !== 'ready' && !warned) {
        warned = true;
        strapi.log.warn('Redis is unreachable: rate limits are counted in this instance only until it is back.');
      } else if (redis !== null && redis.status === 'ready' && warned) {
        warned = false;
        strapi.log.info('Redis is back: rate limits are shared by every instance again.');
      }
      try {
        const result = await limiter(points).consume(keyId, 1);
        return { allowed: true, limit: points, remaining: result.remainingPoints, retryAfter: 0 };
      } catch (refusal) {
        if (refusal instanceof RateLimiterRes) {
          rateLimiter.metrics.rejected += 1;
          return { allowed: false, limit: points, remaining: 0, retryAfter: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
        }
        // The store failed and no insurance answered: let the request through rather than fail it.
        strapi.log.warn(`Rate limit not counted: ${refusal instanceof Error ? refusal.message : String(refusal)}`);
        return null;
      }
    },
  };
  return rateLimiter;
}
