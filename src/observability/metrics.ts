/**
 * Prometheus metrics (prom-client) at /metrics, and the health endpoints for load balancers.
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
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type CacheOutcome = 'hit' | 'miss' | 'bypass' | 'off';

/** Operation names become label values: bounded, so clients cannot grow the series without end. */
const MAX_OPERATIONS = 100;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export interface Metrics {
  registry: Registry;
  observeRequest(input: { operation: string | null | undefined; cache: CacheOutcome; status: number; seconds: number }): void;
  rateLimited(): void;
}

export function createMetrics(strapi: Core.Strapi): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'GraphQL requests by operation name, cache outcome and HTTP status.',
    labelNames: ['operation', 'cache', 'status'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const cacheRequests = new Counter({
    name: 'graphql_cache_requests_total',
    help: 'GraphQL requests by response-cache outcome (hit, miss, bypass: not cacheable, off).',
    labelNames: ['result'],
    registers: [registry],
  });
  const rejections = new Counter({ name: 'graphql_rate_limit_rejections_total', help: 'Requests refused with 429 by the rate limit.', registers: [registry] });
  const pool = (state: 'used' | 'free' | 'pending') => {
    const client = strapi.db.connection.client as { pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number } };
    if (client.pool === undefined) return 0;
    return state === 'used' ? client.pool.numUsed() : state === 'free' ? client.pool.numFree() : client.pool.numPendingAcquires();
  };
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by state (used, free, pending acquisitions).',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      for (const state of ['used', 'free', 'pending'] as const) this.set({ state }, pool(state));
    },
  });

  const operations = new Set<string>();
  const label = (operation: string | null | undefined): string => {
    if (operation === null || operation === undefined || operation === '') return 'anonymous';
    if (!OPERATION_NAME.test(operation)) return 'other';
    if (operations.has(operation)) return operation;
    if (operations.size >= MAX_OPERATIONS) return 'other';
    operations.add(operation);
    return operation;
  };

  return {
    registry,
    observeRequest({ operation, cache, status, seconds }) {
      duration.observe({ operation: label(operation), cache, status: String(status) }, seconds);
      cacheRequests.inc({ result: cache });
    },
    rateLimited() {
      rejections.inc();
    },
  };
}

function tokenMatches(presented: string | undefined, expected: string): boolean {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(presented ?? '')?.[1];
  if (token === undefined) return false;
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

export function observabilityRoutes(input: { strapi: Core.Strapi; metrics: Metrics; redis: Redis | null; metricsToken: string | null; isDraining: () => boolean }) {
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
        if (!tokenMatches(ctx.get('authorization') || undefined, metricsToken)) {
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
