/**
 * A promise some background task (ours, Strapi's or a driver's) lets fail unobserved — typically a
 * database connection that could not be acquired while PostgreSQL is away — must not take the whole
 * service down: it is logged with its stack and the process keeps answering (503 until the database
 * is back). Exceptions thrown synchronously still end the process.
 */
import type { Core } from '@strapi/strapi';
import { settings } from '../settings';

let isGuardInstalled = false;

export function keepRunningOnStrayRejections(strapi: Core.Strapi): void {
  // Under jest the test runner reports stray rejections itself, as failures.
  if (isGuardInstalled || settings().JEST_WORKER_ID !== null) return;
  isGuardInstalled = true;
  process.on('unhandledRejection', (reason: unknown) => {
    const text = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    strapi.log.error(`A background task failed and nobody was waiting for it; the service keeps running: ${text}`);
  });
}
