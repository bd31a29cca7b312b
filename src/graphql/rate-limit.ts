/**
 * Rate limits per clinic key (rate-limiter-flexible): RATE_LIMIT_PER_MINUTE requests per key and
 * minute, or the clinic's own "API requests per minute" when an admin set one (0: no limit). Counted
 * in Redis when REDIS_URL is set, so the limit holds across instances; while Redis is unreachable, each
 * instance counts in memory (logged once per outage) and clients see no error.
 */
import type { Core } from '@strapi/strapi';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { settings, type Settings } from '../settings';

export const RATE_LIMITED = 'RATE_LIMITED';

/** RATE_LIMIT_PER_MINUTE: requests per key and minute for clinics without their own limit (0: none). */
export function defaultPerMinute(from: Settings = settings()): number {
  return from.RATE_LIMIT_PER_MINUTE;
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
  /**
   * For the cache-hit path, which answers without waiting: the refusal in force for a key that went
   * over its limit (known from its previous requests), else null. The hit is then counted with `take`
   * after it was answered, so a key is refused from the request after the one that used its budget up.
   */
  refusalInForce(keyId: string): RateDecision | null;
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

  const refusals = new Map<string, { decision: RateDecision; until: number }>();

  const rateLimiter: RateLimiter = {
    metrics: { rejected: 0 },
    refusalInForce(keyId) {
      const refusal = refusals.get(keyId);
      if (refusal === undefined) return null;
      const left = refusal.until - Date.now();
      if (left <= 0) {
        refusals.delete(keyId);
        return null;
      }
      rateLimiter.metrics.rejected += 1;
      return { ...refusal.decision, retryAfter: Math.max(1, Math.ceil(left / 1000)) };
    },
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
        if (result.remainingPoints === 0) {
          // The budget is used up: the hit path refuses the next request without asking the store.
          const retryAfter = Math.max(1, Math.ceil(result.msBeforeNext / 1000));
          refusals.set(keyId, { decision: { allowed: false, limit: points, remaining: 0, retryAfter }, until: Date.now() + result.msBeforeNext });
        }
        return { allowed: true, limit: points, remaining: result.remainingPoints, retryAfter: 0 };
      } catch (refusal) {
        if (refusal instanceof RateLimiterRes) {
          rateLimiter.metrics.rejected += 1;
          const decision = { allowed: false, limit: points, remaining: 0, retryAfter: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
          refusals.set(keyId, { decision, until: Date.now() + refusal.msBeforeNext });
          return decision;
        }
        // The store failed and no insurance answered: let the request through rather than fail it.
        strapi.log.warn(`Rate limit not counted: ${refusal instanceof Error ? refusal.message : String(refusal)}`);
        return null;
      }
    },
  };
  return rateLimiter;
}
