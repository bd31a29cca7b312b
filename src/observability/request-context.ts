/**
 * The request id: taken from the X-Request-Id a load balancer sent (when it looks like one), otherwise
 * made here; returned in the X-Request-Id header and written in every log line of that request.
 */
import { AsyncLocalStorage } from 'async_hooks';
import { randomUUID } from 'crypto';
import { winston } from '@strapi/logger';

interface RequestStore {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestStore>();

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && WELL_FORMED.test(value) ? value : randomUUID();
}

export function runWithRequestId<T>(requestId: string, work: () => T): T {
  return storage.run({ requestId }, work);
}

/** A winston format: "[<request id>] message" for lines logged while a request is handled. */
export const requestIdFormat = winston.format((info) => {
  const requestId = currentRequestId();
  if (requestId !== undefined) info.message = `[${requestId}] ${String(info.message)}`;
  return info;
});
