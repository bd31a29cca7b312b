/**
 * SIGTERM and SIGINT belong to the composition root. `createStrapi` installs listeners that call
 * `strapi.destroy()` at once, and Strapi's destroy tears plugins and providers down before the app's
 * own destroy() runs — too late to let requests in flight finish. They are replaced by one listener
 * that runs the app's shutdown (drain, stop workers, then strapi.destroy()).
 */
import { settings } from '../settings';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export function ownTerminationSignals(shutdown: (signal: string) => Promise<void>): void {
  // Under jest the runner owns the process; tests stop Strapi themselves.
  if (settings().JEST_WORKER_ID !== null) return;
  let isStopping = false;
  for (const signal of SIGNALS) {
    process.removeAllListeners(signal);
    process.on(signal, () => {
      // Signals can arrive twice (a terminal's Ctrl-C and its process group): stop once.
      if (isStopping) return;
      isStopping = true;
      void shutdown(signal).finally(() => process.exit());
    });
  }
}
