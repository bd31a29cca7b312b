/**
 * Revalidation webhooks: when published content changes, each clinic site that asked for it
 * (revalidationUrl and revalidationSecret on the clinic) gets a signed POST naming the pages to
 * rebuild. Wired from src/index.ts register(); the admin route is mounted with the others in
 * src/graphql/server.ts.
 */
import type { Core } from '@strapi/strapi';
import { revalidationMiddleware } from './enqueue';
import { ensureDeliveriesTable } from './outbox';
import { revalidationSettings } from './settings';
import { createDeliveryWorker } from './worker';

interface Hook {
  register(handler: () => Promise<void>): unknown;
}

export function registerRevalidation(strapi: Core.Strapi): void {
  const worker = createDeliveryWorker({ strapi, settings: revalidationSettings() });
  strapi.documents.use(revalidationMiddleware({ strapi, onEnqueued: () => worker.kick() }));
  // Right after Strapi's own schema sync: under the start-up lock, before the seed writes, and at
  // the start of every process that bootstraps Strapi (server, CLI), so rows left pending by a
  // stopped instance are sent by the next one.
  (strapi.hook('strapi::content-types.afterSync') as Hook).register(async () => {
    await ensureDeliveriesTable(strapi);
    worker.start();
  });
  // Before Strapi closes the database: no timer or request may outlive it.
  const destroy = strapi.destroy.bind(strapi);
  strapi.destroy = async () => {
    await worker.stop();
    return destroy();
  };
}
