/**
 * How revalidation webhooks are delivered: poll interval, request timeout, retries and backoff: the
 * REVALIDATION_* settings (src/settings refuses a malformed value at start, naming the variable, rather
 * than retrying every millisecond or never).
 */
import { settings, type Settings } from '../settings';

export interface RevalidationSettings {
  /**
   * How often an idle instance looks for deliveries another one left (a write wakes its own instance at
   * once, and a pending retry at its time): a rare read, so an idle service costs the database nothing.
   */
  pollMs: number;
  /** How long one POST may take before it counts as failed. */
  timeoutMs: number;
  /** Delay before the first retry; each further retry waits twice as long. */
  retryBaseMs: number;
  /** No retry waits longer than this, however many attempts are allowed. */
  retryMaxMs: number;
  /** Attempts (the first one included) before a delivery is given up as failed. */
  maxAttempts: number;
}

export const RETRY_MAX_MS = 10 * 60 * 1000;

export function revalidationSettings(from: Settings = settings()): RevalidationSettings {
  return {
    pollMs: from.REVALIDATION_POLL_MS,
    timeoutMs: from.REVALIDATION_TIMEOUT_MS,
    retryBaseMs: from.REVALIDATION_RETRY_BASE_MS,
    retryMaxMs: RETRY_MAX_MS,
    maxAttempts: from.REVALIDATION_MAX_ATTEMPTS,
  };
}

/** The wait after the `attempts`-th failed attempt (shared with every outbox sender). */
export { retryDelayMs } from '../database/drain-loop';
