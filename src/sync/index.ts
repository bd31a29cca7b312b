/**
 * Sync for static clinic sites: what a site built ahead of time (Next.js, Astro, Hugo) needs to know at
 * build time — every page it may publish (manifest.ts, over pages.ts) and its sitemap (sitemap.ts) —
 * and between builds: exactly what changed since its last build, removals included (feed.ts, read from
 * the rows recorder.ts appends with every write, feed-table.ts). Webhooks push; this is the pull side a
 * site that was down, or is built for the first time, catches up with.
 */
import type { Core } from '@strapi/strapi';
import { writePipeline } from '../content/writes';
import { createDrainLoop, type DrainLoop } from '../database/drain-loop';
import { settings } from '../settings';
import { ensureFeedTables, pruneFeed } from './feed-table';
import { feedRecorder } from './recorder';

export { FeedRequestError, MAX_FEED_PAGE, readFeed, type FeedEvent, type FeedPageResult, type RemovalReason } from './feed';
export { manifestPages, type ClinicForManifest, type ManifestLocale, type ManifestPage } from './manifest';
export { clinicSync, type ClinicSync } from './clinic-sync';
export { pruneFeed } from './feed-table';

interface Hook {
  register(handler: () => Promise<void>): unknown;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Retention is in days: looking once an hour keeps the feed within an hour of it. */
const PRUNE_EVERY_MS = 60 * 60 * 1000;

export interface Sync {
  /** In Strapi's register(): the feed's subscriber, and its tables right after Strapi's schema sync. */
  register(): void;
  /** Starts deleting events older than FEED_RETENTION_DAYS (now, then hourly). */
  start(): void;
  stop(): Promise<void>;
}

export function createSync(input: { strapi: Core.Strapi }): Sync {
  const { strapi } = input;
  let pruning: DrainLoop | null = null;
  return {
    register() {
      writePipeline(strapi).inTransaction(feedRecorder(strapi));
      (strapi.hook('strapi::content-types.afterSync') as Hook).register(() => ensureFeedTables(strapi));
    },
    start() {
      const retentionMs = settings().FEED_RETENTION_DAYS * DAY_MS;
      pruning = createDrainLoop({
        pollMs: PRUNE_EVERY_MS,
        drain: async () => {
          const deleted = await pruneFeed(strapi, Date.now() - retentionMs);
          if (deleted > 0) strapi.log.info(`Change feed: ${deleted} events older than ${settings().FEED_RETENTION_DAYS} days deleted.`);
          return null;
        },
        onError: (message, isNew) => {
          if (isNew) strapi.log.warn(`Change feed retention could not run (tried again in an hour): ${message}`);
        },
      });
      pruning.start();
    },
    async stop() {
      await pruning?.stop();
      pruning = null;
    },
  };
}
