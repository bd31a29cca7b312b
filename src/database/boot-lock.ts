/**
 * Several instances starting at once on one PostgreSQL database take turns: each holds a session-level
 * advisory lock from registration until its bootstrap is done — across Strapi's schema sync, its own
 * start-up writes and the seed-on-empty import — so tables are created once and content imported once.
 * The lock lives on a connection of its own; if the process dies, PostgreSQL releases it.
 */
import type { Core } from '@strapi/strapi';
import { Client, type ClientConfig } from 'pg';

/** Any fixed 64-bit number; this one spells "clinic-content boot". */
const BOOT_LOCK_ID = '7263646200000001';

export type ReleaseBootLock = () => Promise<void>;

export async function acquireBootLock(strapi: Core.Strapi): Promise<ReleaseBootLock> {
  const connection = strapi.config.get('database.connection') as { client?: string; connection?: ClientConfig } | undefined;
  if (connection?.client !== 'postgres' || connection.connection === undefined) return async () => undefined;
  // Waiting may take as long as another instance needs to start: no statement timeout here.
  const client = new Client({ ...connection.connection, statement_timeout: 0 });
  await client.connect();
  const started = Date.now();
  const waiting = setInterval(() => strapi.log.info(`Waiting for another instance to finish starting (${Math.round((Date.now() - started) / 1000)} s)…`), 10000);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [BOOT_LOCK_ID]);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  } finally {
    clearInterval(waiting);
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    await client.query('SELECT pg_advisory_unlock($1)', [BOOT_LOCK_ID]).catch(() => undefined);
    await client.end().catch(() => undefined);
  };
}
