/**
 * How revalidation webhooks are delivered: poll interval, request timeout, retries and backoff, from
 * the environment. A malformed value stops the start with the variable's name rather than silently
 * retrying every millisecond or never.
 */

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

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be a whole number of at least ${min}, not "${raw}".`);
  }
  return value;
}

export function revalidationSettings(env: NodeJS.ProcessEnv = process.env): RevalidationSettings {
  return {
    pollMs: whole(env, 'REVALIDATION_POLL_MS', 30000, 10),
    timeoutMs: whole(env, 'REVALIDATION_TIMEOUT_MS', 5000, 1),
    retryBaseMs: whole(env, 'REVALIDATION_RETRY_BASE_MS', 2000, 1),
    retryMaxMs: RETRY_MAX_MS,
    maxAttempts: whole(env, 'REVALIDATION_MAX_ATTEMPTS', 6, 1),
  };
}

/**
 * The wait after the `attempts`-th failed attempt: base × 2^(attempts-1), capped, of which a random
 * half is dropped ("equal jitter") so that clinics failing together do not retry in lockstep.
 */
export function retryDelayMs(settings: Pick<RevalidationSettings, 'retryBaseMs' | 'retryMaxMs'>, attempts: number, random: () => number = Math.random): number {
  const exponential = settings.retryBaseMs * 2 ** Math.max(0, attempts - 1);
  const capped = Math.min(settings.retryMaxMs, exponential);
  return Math.round(capped / 2 + random() * (capped / 2));
}
