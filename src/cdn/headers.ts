/**
 * The tag headers a cacheable answer carries for the caches in front of us, from its cache tags: the
 * same edge tags (edge-tags.ts) a purge names, so a purge removes exactly the answers that read what a
 * write changed.
 *
 * - `Cache-Tag`: every answer; comma-separated edge tags. Cloudflare reads it as is, and the shipped
 *   Varnish configuration (deploy/varnish/default.vcl) indexes it for xkey purges.
 * - `Surrogate-Key`: when Fastly is configured; space-separated, the same tags (Fastly strips it before
 *   the answer reaches a browser).
 *
 * An answer whose tags do not fit the smallest header limit among those readers (Varnish's 8 KB) is not
 * cut short: a cut list would leave the answer cached through a purge of a dropped tag. It gets no tag
 * header and `Cache-Control: private, no-cache` instead, so no shared cache keeps it; browsers still
 * revalidate it with its ETag. Our own response cache keeps it as usual (its purges use the full tags).
 */
import { EDGE_TAG_HEADER_RULES, edgeTagCapacity, edgeTags } from './edge-tags';

export interface EdgeHeaders {
  /** False when the tags do not fit: the answer must not be stored by shared caches. */
  isCacheableAtEdge: boolean;
  headers: Record<string, string>;
}

/** Most edge tags an answer may carry: what the strictest reader of Cache-Tag (Varnish) takes. */
export const MAX_EDGE_TAGS = Math.min(edgeTagCapacity('varnish'), edgeTagCapacity('cloudflare'));

/** Cache-Control for an answer that shared caches must not store. */
export const PRIVATE_CACHE_CONTROL = 'private, no-cache';

export type EdgeHeadersOf = (tags: readonly string[]) => EdgeHeaders;

/** The function that turns an answer's cache tags into its edge headers, for the configured CDNs. */
export function edgeHeadersFor(input: { isFastly: boolean }): EdgeHeadersOf {
  return (tags) => {
    const edge = edgeTags(tags);
    if (edge.length > MAX_EDGE_TAGS) return { isCacheableAtEdge: false, headers: {} };
    const headers: Record<string, string> = { [EDGE_TAG_HEADER_RULES.cloudflare.name]: edge.join(EDGE_TAG_HEADER_RULES.cloudflare.separator) };
    if (input.isFastly) headers[EDGE_TAG_HEADER_RULES.fastly.name] = edge.join(EDGE_TAG_HEADER_RULES.fastly.separator);
    return { isCacheableAtEdge: true, headers };
  };
}
