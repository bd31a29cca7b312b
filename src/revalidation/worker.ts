/**
 * Sends due outbox rows, on every instance: woken at once when a write enqueues rows, and otherwise
 * every REVALIDATION_POLL_MS (30 s; sooner when a retry falls due before then). Each request is signed
 * with the clinic's secret; a failed one is retried with exponential backoff until
 * REVALIDATION_MAX_ATTEMPTS, each failure logged as a warning and the last one as an error.
 */
import { createHmac } from 'crypto';
import type { Core } from '@strapi/strapi';
import { urlForLogs } from './clinics';
import { claimDelivery, dueDeliveries, markAttemptFailed, markDelivered, nextDueAt, releaseClaim, type ClaimedDelivery } from './outbox';
import { retryDelayMs, type RevalidationSettings } from './settings';

export const USER_AGENT = 'clinic-content-revalidation/1';

/** Rows sent at once by one instance. */
const BATCH = 8;
/** A body excerpt in last_error helps an editor see why the site refused ("invalid signature"). */
const BODY_EXCERPT = 200;

export interface DeliveryWorker {
  start(): void;
  /** Looks for due rows now (a write just enqueued some). */
  kick(): void;
  /** Resolves once the current round of sending, and any round asked for meanwhile, is done. */
  whenIdle(): Promise<void>;
  /** Stops polling, aborts requests in flight (their rows go back to the outbox untried) and waits. */
  stop(): Promise<void>;
}

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
  let isStopped = true;
  let timer: NodeJS.Timeout | null = null;
  let round: Promise<void> | null = null;
  let isAskedAgain = false;
  let lastRoundError: string | null = null;
  const stopping = new AbortController();

  type Outcome = { isDelivered: true; status: number } | { isDelivered: false; status: number | null; error: string } | null;

  /** One POST; null when it was cut short because this instance is stopping. */
  async function post(claim: ClaimedDelivery): Promise<Outcome> {
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
        signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(settings.timeoutMs)]),
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
      if (stopping.signal.aborted) return null;
      return { isDelivered: false, status: null, error: describeError(caught, settings.timeoutMs) };
    }
  }

  async function send(claim: ClaimedDelivery): Promise<void> {
    const outcome = await post(claim);
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
  async function sendDue(): Promise<number | null> {
    while (!isStopped) {
      const now = Date.now();
      const due = await dueDeliveries(strapi, now, BATCH);
      if (due.length === 0) break;
      const claims = await Promise.all(due.map((row) => claimDelivery(strapi, { ...row, now, leaseMs })));
      const mine = claims.filter((claim): claim is ClaimedDelivery => claim !== null);
      // Every row taken by another instance: let it work rather than spin on the same rows.
      if (mine.length === 0) break;
      // Every request runs to its end before the round does (stop() waits for them all).
      const failed = (await Promise.allSettled(mine.map((claim) => send(claim)))).find((outcome) => outcome.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    }
    return isStopped ? null : nextDueAt(strapi);
  }

  function schedule(nextDue: number | null): void {
    if (isStopped) return;
    const wait = nextDue === null ? settings.pollMs : Math.max(0, Math.min(settings.pollMs, nextDue - Date.now()));
    timer = setTimeout(() => {
      timer = null;
      runRound();
    }, wait);
    // A command-line process that forgets to stop Strapi still exits.
    timer.unref();
  }

  function runRound(): void {
    if (isStopped) return;
    if (round !== null) {
      isAskedAgain = true;
      return;
    }
    if (timer !== null) clearTimeout(timer);
    timer = null;
    let nextDue: number | null = null;
    round = sendDue()
      .then((next) => {
        nextDue = next;
        lastRoundError = null;
      })
      .catch((error: unknown) => {
        // The database away, typically: said once per outage, tried again at the next poll.
        const message = error instanceof Error ? error.message : String(error);
        if (message !== lastRoundError) strapi.log.warn(`Revalidation deliveries could not be read or updated: ${message}; trying again.`);
        lastRoundError = message;
      })
      .finally(() => {
        round = null;
        if (isAskedAgain) {
          isAskedAgain = false;
          runRound();
        } else {
          schedule(nextDue);
        }
      });
  }

  return {
    start() {
      if (!isStopped || stopping.signal.aborted) return;
      isStopped = false;
      runRound();
    },
    kick() {
      runRound();
    },
    async whenIdle() {
      while (round !== null) await round;
    },
    async stop() {
      isStopped = true;
      isAskedAgain = false;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      stopping.abort();
      while (round !== null) await round;
    },
  };
}
