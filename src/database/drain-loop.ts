/**
 * The loop of an outbox sender (revalidation webhooks, CDN purges): one round at a time drains the due
 * rows; a round is started at once when a write enqueued rows (`kick`), and otherwise when the next row
 * falls due, or every `pollMs` for rows another instance left. A round that fails (the database away,
 * typically) is reported once per outage and tried again at the next poll.
 */
export interface DrainLoop {
  start(): void;
  /** Drains now (a write just enqueued rows); a round in progress runs once more after it ends. */
  kick(): void;
  /** Resolves once the current round, and any round asked for meanwhile, is done. */
  whenIdle(): Promise<void>;
  /** Stops polling, aborts `signal` (requests in flight end) and waits for the round. */
  stop(): Promise<void>;
}

export function createDrainLoop(input: {
  pollMs: number;
  /** Sends due rows until none is left; resolves with when the next one falls due (null: none pending). */
  drain: (signal: AbortSignal) => Promise<number | null>;
  /** A round failed; `isNew` is false while the same failure repeats. */
  onError: (message: string, isNew: boolean) => void;
}): DrainLoop {
  const { pollMs, drain, onError } = input;
  let isStopped = true;
  let timer: NodeJS.Timeout | null = null;
  let round: Promise<void> | null = null;
  let isAskedAgain = false;
  let lastError: string | null = null;
  const stopping = new AbortController();

  function schedule(nextDue: number | null): void {
    if (isStopped) return;
    const wait = nextDue === null ? pollMs : Math.max(0, Math.min(pollMs, nextDue - Date.now()));
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
    round = drain(stopping.signal)
      .then((next) => {
        nextDue = isStopped ? null : next;
        lastError = null;
      })
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        onError(message, message !== lastError);
        lastError = message;
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

/**
 * The wait after the `attempts`-th failed attempt: base × 2^(attempts-1), capped, of which a random
 * half is dropped ("equal jitter") so that senders failing together do not retry in lockstep.
 */
export function retryDelayMs(settings: { retryBaseMs: number; retryMaxMs: number }, attempts: number, random: () => number = Math.random): number {
  const exponential = settings.retryBaseMs * 2 ** Math.max(0, attempts - 1);
  const capped = Math.min(settings.retryMaxMs, exponential);
  return Math.round(capped / 2 + random() * (capped / 2));
}
