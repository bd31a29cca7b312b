/**
 * Revalidation webhooks: when published content changes, each clinic site that asked for it
 * (revalidationUrl and revalidationSecret on the clinic) gets a signed POST naming the pages to
 * rebuild (a clinic's adaptation: that clinic's pages only, adaptations.ts), and `adaptation.outdated`
 * when a base publish leaves its adaptations out of date (drift.ts). The write pipeline's outbox
 * subscribers (enqueue.ts, adaptations.ts, drift.ts) record them with the write; the worker
 * (worker.ts) sends them. The admin route (routes.ts) is mounted with the others.
 */
import type { Core } from '@strapi/strapi';
import { writePipeline } from '../content/writes';
import { adaptationRevalidationSubscriber } from './adaptations';
import { adaptationDriftSubscriber } from './drift';
import { revalidationSubscriber } from './enqueue';
import { ensureDeliveriesTable } from './outbox';
import type { RevalidationSettings } from './settings';
import { createDeliveryWorker } from './worker';

interface Hook {
  register(handler: () => Promise<void>): unknown;
}

export interface Revalidation {
  /**
   * In Strapi's register(): subscribes the outbox to the write pipeline, and creates the outbox table
   * right after Strapi's schema sync (under the start-up lock, before any start-up write).
   */
  register(): void;
  /** Starts sending (rows left pending by a stopped instance included). */
  start(): void;
  /**
   * Stops sending and waits for requests in flight (their rows go back to the outbox untried). Writes
   * still record their rows: another instance, or the next start, sends them.
   */
  stop(): Promise<void>;
}

export function createRevalidation(input: { strapi: Core.Strapi; settings: RevalidationSettings }): Revalidation {
  const { strapi, settings } = input;
  const worker = createDeliveryWorker({ strapi, settings });
  return {
    register() {
      const pipeline = writePipeline(strapi);
      pipeline.inTransaction(revalidationSubscriber({ strapi, onEnqueued: () => worker.kick() }));
      pipeline.inTransaction(adaptationDriftSubscriber({ strapi, onEnqueued: () => worker.kick() }));
      pipeline.inTransaction(adaptationRevalidationSubscriber({ strapi, onEnqueued: () => worker.kick() }));
      (strapi.hook('strapi::content-types.afterSync') as Hook).register(() => ensureDeliveriesTable(strapi));
    },
    start() {
      worker.start();
    },
    stop() {
      return worker.stop();
    },
  };
}
