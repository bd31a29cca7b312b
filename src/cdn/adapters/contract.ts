/**
 * What every CDN purge adapter promises (varnish.ts, fastly.ts, cloudflare.ts), and the checks they share.
 *
 * A purge never throws for what the network or the CDN does: it answers ok:false with the reason (no
 * credential in it), and the caller (a durable outbox) retries with backoff, waiting at least
 * retryAfterMs when the CDN said how long. It throws only for a caller's mistake that no retry can mend:
 * more tags than batchSize, or a tag no CDN can take (empty, a separator, not printable ASCII, too long).
 */
import type { Cdn } from '../edge-tags';

export interface PurgeOptions {
  /** Cuts the request short (shutdown); the answer is then ok:false, "aborted". */
  signal?: AbortSignal;
}

export type PurgeResult =
  | { ok: true; status: number }
  | { ok: false; status: number | null; error: string; retryAfterMs: number | null };

export interface PurgeAdapter {
  readonly name: Cdn;
  /** Most edge tags one purge call may carry. */
  readonly batchSize: number;
  /**
   * Purges these edge tags (at most batchSize) at once: a hard purge, never a soft one. No tags: nothing
   * is sent, and the answer is { ok: true, status: 204 }.
   */
  purge(tags: readonly string[], options?: PurgeOptions): Promise<PurgeResult>;
}

/**
 * The longest tag any of the CDNs takes in a purge: Fastly's "Surrogate key size 1KB"
 * (https://www.fastly.com/documentation/reference/vcl/constraints-and-limitations/) and Cloudflare's
 * "the maximum length of a cache-tag in an API call is 1,024 characters"
 * (https://developers.cloudflare.com/cache/how-to/purge-cache/purge-by-tags/). Edge tags have 17.
 */
export const MAX_TAG_LENGTH = 1024;

/** Time limit per request when the caller gives none (CDN_PURGE_TIMEOUT_MS's default). */
export const DEFAULT_TIMEOUT_MS = 10000;

/** Printable ASCII without space or comma: the separators of xkey, Surrogate-Key and Cache-Tag. */
const PURGEABLE = /^[\x21-\x2b\x2d-\x7e]+$/;

/** These tags split into runs of at most `size`, in order. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batches: the size must be a whole number of at least 1, not ${size}`);
  const runs: T[][] = [];
  for (let start = 0; start < items.length; start += size) runs.push(items.slice(start, start + size));
  return runs;
}

/** Throws when a purge call breaks the contract above (the caller's bug, not the CDN's). */
export function assertPurgeable(adapter: Pick<PurgeAdapter, 'name' | 'batchSize'>, tags: readonly string[]): void {
  if (tags.length > adapter.batchSize) {
    throw new RangeError(`${adapter.name} purges at most ${adapter.batchSize} tags per call, not ${tags.length}: split them with batches()`);
  }
  tags.forEach((tag, index) => {
    if (tag.length > MAX_TAG_LENGTH || !PURGEABLE.test(tag)) {
      throw new TypeError(
        `${adapter.name}: tag ${index + 1} of ${tags.length} cannot be purged (${tag.length === 0 ? 'empty' : `${tag.length} characters`}): ` +
          'purge edge tags (edgeTag), never raw cache tags',
      );
    }
  });
}
