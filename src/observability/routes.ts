/**
 * The operators' endpoints, public content routes: /health/live and /health/ready for load
 * balancers, /metrics (metrics.ts) for Prometheus.
 *
 * /metrics is not public: it answers only with METRICS_TOKEN as a bearer token, and not at all (404)
 * when METRICS_TOKEN is unset. /health/live says the process answers; /health/ready checks the database
 * (503 when it does not answer) and reports Redis, whose absence degrades (local cache and limits) but
 * does not stop the service.
 */
import { timingSafeEqual } from 'crypto';
import type { Core } from '@strapi/strapi';
import type { Context as KoaContext } from 'koa';
import type { Redis } from 'ioredis';
import { bearerToken } from '../http/bearer';
import type { Metrics } from './metrics';

function tokenMatches(authorization: string, expected: string): boolean {
  const token = bearerToken(authorization);
  if (token === null) return false;
  const a = Buffer.from(token);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export function observabilityRoutes(input: { strapi: Core.Strapi; metrics: Metrics; redis: Redis | null; metricsToken: string | null; isDraining: () => boolean }): Core.RouteInput[] {
  const { strapi, metrics, redis, metricsToken, isDraining } = input;
  const json = (ctx: KoaContext, status: number, body: unknown) => {
    ctx.status = status;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = body;
  };
  return [
    { method: 'GET', path: '/health/live', handler: (ctx: KoaContext) => json(ctx, 200, { status: 'ok' }), config: { auth: false } },
    {
      method: 'GET',
      path: '/health/ready',
      config: { auth: false },
      handler: async (ctx: KoaContext) => {
        const checks: Record<string, string> = {};
        if (isDraining()) {
          json(ctx, 503, { status: 'stopping', checks });
          return;
        }
        let ready = true;
        try {
          await within(2000, strapi.db.connection.raw('select 1'));
          checks.database = 'ok';
        } catch (error) {
          ready = false;
          checks.database = `unreachable: ${error instanceof Error ? error.message : String(error)}`;
        }
        if (redis !== null) {
          try {
            await within(1000, redis.ping());
            checks.redis = 'ok';
          } catch {
            checks.redis = 'unreachable: serving with this instance\'s own cache and rate limits';
          }
        }
        json(ctx, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', checks });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      config: { auth: false },
      handler: async (ctx: KoaContext) => {
        if (metricsToken === null) {
          json(ctx, 404, { error: 'Not found' });
          return;
        }
        if (!tokenMatches(ctx.get('authorization'), metricsToken)) {
          ctx.set('WWW-Authenticate', 'Bearer');
          json(ctx, 401, { error: 'Send METRICS_TOKEN as "Authorization: Bearer <token>".' });
          return;
        }
        ctx.set('Cache-Control', 'no-store');
        ctx.type = metrics.registry.contentType;
        ctx.body = await metrics.registry.metrics();
      },
    },
  ];
}
