/**
 * The settle point for writes made over HTTP (the admin, admin routes): a request that may have written
 * answers only once the after-commit work of its writes is done. Document Service writes settle by
 * themselves; this covers the rest: `strapi.db.query` writes, and writes inside a transaction the
 * request's handler opened, which commit after the action returns.
 */
import type { Core } from '@strapi/strapi';
import { writePipeline } from './pipeline';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Mounts the settle point on Strapi's HTTP server (once, at start). */
export function mountHttpSettle(strapi: Core.Strapi): void {
  const pipeline = writePipeline(strapi);
  strapi.server.use(async (ctx: { method: string }, next: () => Promise<unknown>) => {
    await next();
    if (!READS.has(ctx.method)) await pipeline.settled();
  });
}
