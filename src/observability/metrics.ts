/**
 * Prometheus metrics (prom-client): request durations by operation, cache outcomes, rate-limit
 * refusals, CDN purges and the database pool. routes.ts serves them at /metrics.
 */
import type { Core } from '@strapi/strapi';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type CacheOutcome = 'hit' | 'miss' | 'bypass' | 'off';

/** Operation names become label values: bounded, so clients cannot grow the series without end. */
const MAX_OPERATIONS = 100;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export interface Metrics {
  registry: Registry;
  observeRequest(input: { operation: string | null | undefined; cache: CacheOutcome; status: number; seconds: number }): void;
  rateLimited(): void;
  /** A request past the cache was answered: by a prepared run (src/graphql/prepared.ts) or by Apollo. */
  executed(path: 'prepared' | 'apollo'): void;
  /** A CDN purge call ended (src/cdn/purges.ts): `seconds` from the write's commit to the CDN's answer. */
  observePurge(input: { cdn: string; isOk: boolean; seconds: number }): void;
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
  const executions = new Counter({
    name: 'graphql_executions_total',
    help: 'GraphQL requests past the cache, by who answered: prepared (an operation Apollo accepted before, run again without its request pipeline) or apollo (the rest: first requests, refusals, answers with errors).',
    labelNames: ['path'],
    registers: [registry],
  });
  const rejections = new Counter({ name: 'graphql_rate_limit_rejections_total', help: 'Requests refused with 429 by the rate limit.', registers: [registry] });
  const purges = new Counter({ name: 'cdn_purges_total', help: 'CDN purge calls by CDN and result (sent: acknowledged, failed: refused or unreachable).', labelNames: ['cdn', 'result'], registers: [registry] });
  const purgeLag = new Histogram({
    name: 'cdn_purge_lag_seconds',
    help: 'Time from the commit of a write to its CDN purge being acknowledged, by CDN.',
    labelNames: ['cdn'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
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
    executed(path) {
      executions.inc({ path });
    },
    observePurge({ cdn, isOk, seconds }) {
      purges.inc({ cdn, result: isOk ? 'sent' : 'failed' });
      if (isOk) purgeLag.observe({ cdn }, seconds);
    },
  };
}
