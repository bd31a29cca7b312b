/** Waiting in tests for what happens after a write (a delivery, a worker's round): polls until a value comes. */

/** Calls `read` every `everyMs` until it gives a value other than undefined; throws `message` after `timeoutMs`. */
export async function eventually<T>(read: () => T | undefined | Promise<T | undefined>, options: { timeoutMs?: number; everyMs?: number; message?: string } = {}): Promise<T> {
  const { timeoutMs = 5000, everyMs = 50, message = 'timed out waiting' } = options;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
