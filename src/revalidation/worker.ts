/**
 * Sends due outbox rows, on every instance: woken at once when a write enqueues rows, and otherwise
 * every REVALIDATION_POLL_MS (30 s; sooner when a retry falls due before then). Each request is signed
 * with the clinic's secret; a failed one is retried with exponential backoff until
 * REVALIDATION_MAX_ATTEMPTS, each failure logged as a warning and the last one as an error.
 */
import { createHmac } from 'crypto';
import type { Core } from '@strapi/strapi';
import { urlForLogs } from './clinics';
import { createDrainLoop, type DrainLoop } from '../database/drain-loop';
import { claimDelivery, dueDeliveries, markAttemptFailed, markDelivered, nextDueAt, releaseClaim, type ClaimedDelivery } from './outbox';
import { retryDelayMs, type RevalidationSettings } from './settings';

export const USER_AGENT = 'clinic-content-revalidation/1';

/** Rows sent at once by one instance. */
const BATCH = 8;
/** A body excerpt in last_error helps an editor see why the site refused ("invalid signature"). */
const BODY_EXCERPT = 200;

/** Stopping aborts requests in flight: their rows go back to the outbox untried. */
export type DeliveryWorker = DrainLoop;

/** The signature header's value: HMAC-SHA256 of "<timestamp>.<body>", hex. */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

async function excerpt(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < BODY_EXCERPT) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length > BODY_EXCERPT ? `${clean.slice(0, BODY_EXCERPT)}…` : clean;
}

/** Why a request failed, for editors and logs: the network error's own words, or the timeout. */
function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error as Error & { cause?: unknown }).cause : undefined;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code) ? `${code}: ${cause.message}` : cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function createDeliveryWorker(input: { strapi: Core.Strapi; settings: RevalidationSettings }): DeliveryWorker {
  const { strapi, settings } = input;
  // Long enough for any request to finish or time out; after it, another instance may retry the row.
  const leaseMs = settings.timeoutMs + 30000;

  type Outcome = { isDelivered: true; status: number } | { isDelivered: false; status: number | null; error: string } | null;

  /** One POST; null when it was cut short because this instance is stopping. */
  async function post(claim: ClaimedDelivery, stopping: AbortSignal): Promise<Outcome> {
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const response = await fetch(claim.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': USER_AGENT,
          'X-Revalidation-Id': claim.deliveryId,
          'X-Revalidation-Timestamp': String(timestamp),
          'X-Revalidation-Signature': signatureOf(claim.signingSecret, timestamp, claim.payload),
        },
        body: claim.payload,
        // A redirected POST may arrive as a GET elsewhere: the configured URL must answer itself.
        redirect: 'manual',
        signal: AbortSignal.any([stopping, AbortSignal.timeout(settings.timeoutMs)]),
      });
      const { status } = response;
      if (status >= 200 && status < 300) {
        await response.body?.cancel().catch(() => undefined);
        return { isDelivered: true, status };
      }
      const body = await excerpt(response);
      const redirect = status >= 300 && status < 400 ? ' (redirects are not followed: set the final URL)' : '';
      return { isDelivered: false, status, error: `HTTP ${status}${redirect}${body === '' ? '' : `: ${body}`}` };
    } catch (caught) {
      if (stopping.aborted) return null;
      return { isDelivered: false, status: null, error: describeError(caught, settings.timeoutMs) };
    }
  }

  async function send(claim: ClaimedDelivery, stopping: AbortSignal): Promise<void> {
    const outcome = await post(claim, stopping);
    if (outcome === null) {
      await releaseClaim(strapi, claim);
      return;
    }
    if (outcome.isDelivered) {
      await markDelivered(strapi, claim, { status: outcome.status, now: Date.now() });
      return;
    }
    const { status, error } = outcome;
    const where = `clinic "${claim.clinicSlug}" at ${urlForLogs(claim.url)}`;
    const attempts = claim.attempts + 1;
    if (attempts >= settings.maxAttempts) {
      await markAttemptFailed(strapi, claim, { status, error, retryAt: null });
      strapi.log.error(`Revalidation of ${where} failed for good after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${error} (delivery ${claim.deliveryId}).`);
      return;
    }
    const delay = retryDelayMs(settings, attempts);
    await markAttemptFailed(strapi, claim, { status, error, retryAt: Date.now() + delay });
    strapi.log.warn(`Revalidation of ${where} failed (attempt ${attempts} of ${settings.maxAttempts}): ${error}; retrying in ${Math.ceil(delay / 1000)} s (delivery ${claim.deliveryId}).`);
  }

  /** Sends due rows in batches until none is left; returns when the next one falls due (null: none). */
  async function sendDue(stopping: AbortSignal): Promise<number | null> {
    while (!stopping.aborted) {
      const now = Date.now();
      const due = await dueDeliveries(strapi, now, BATCH);
      if (due.length === 0) break;
      const claims = await Promise.all(due.map((row) => claimDelivery(strapi, { ...row, now, leaseMs })));
      const mine = claims.filter((claim): claim is ClaimedDelivery => claim !== null);
      // Every row taken by another instance: let it work rather than spin on the same rows.
      if (mine.length === 0) break;
      // Every request runs to its end before the round does (stop() waits for them all).
      const failed = (await Promise.allSettled(mine.map((claim) => send(claim, stopping)))).find((outcome) => outcome.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    }
    return stopping.aborted ? null : nextDueAt(strapi);
  }

  return createDrainLoop({
    pollMs: settings.pollMs,
    drain: sendDue,
    onError: (message, isNew) => {
      if (isNew) strapi.log.warn(`Revalidation deliveries could not be read or updated: ${message}; trying again.`);
    },
  });
}
