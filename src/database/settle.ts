/**
 * Strapi emits content events (entry.create, entry.publish, …) after a write commits and loads the
 * entry for them in the background. Closing the database while those loads wait for a connection
 * aborts them with unhandled errors, so short-lived processes (CLI tools, tests) wait for the pool to
 * settle before they shut Strapi down.
 */
import type { Core } from '@strapi/strapi';

interface PoolStats {
  numPendingAcquires(): number;
  numUsed(): number;
}

export async function settleDatabase(strapi: Core.Strapi, { timeoutMs = 15000 } = {}): Promise<void> {
  const pool = (strapi.db.connection.client as { pool?: PoolStats }).pool;
  if (pool === undefined) return;
  const deadline = Date.now() + timeoutMs;
  // Two idle readings in a row: an event load may be queued right after the first.
  let idleReadings = 0;
  while (idleReadings < 2 && Date.now() < deadline) {
    idleReadings = pool.numPendingAcquires() === 0 && pool.numUsed() === 0 ? idleReadings + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function shutDown(strapi: Core.Strapi): Promise<void> {
  await settleDatabase(strapi);
  await strapi.destroy();
}
