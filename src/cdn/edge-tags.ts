/**
 * Edge tags: the short names CDNs see for our cache tags (content/tags.ts). A raw tag such as
 * `links:technique:<24-char documentId>:fr-CA:conditions` is long, and a page carries dozens to hundreds
 * of them, while every CDN bounds the tag header; so what a CDN sees is a fixed-size digest of the tag,
 * computed here and only here, for the response header and for the purge alike (the same raw tag always
 * gives the same edge tag, on every instance and across releases: changing the scheme orphans every
 * object cached under the old one until it expires).
 *
 * The form: `c` + the first 80 bits of SHA-256(tag, UTF-8) in lowercase base32 (RFC 4648 alphabet
 * a-z2-7, no padding): 17 characters, e.g. `cmk6hzlgjfhyotk4x` for `locales`.
 * - Lowercase base32, not base64url: Cloudflare compares cache tags case-insensitively ("Case is not
 *   sensitive": https://developers.cloudflare.com/cache/how-to/purge-cache/purge-by-tags/), which would
 *   quietly take bits out of a mixed-case digest; a-z2-7 has no case, no separator (space for Fastly and
 *   xkey, comma for Cloudflare and newer xkey) and nothing outside printable ASCII.
 * - The `c` ("clinic content") marks our keys among others on a shared service or zone, and keeps a key
 *   from starting with a digit.
 * - Collisions: with n distinct raw tags alive at once, the chance that any two share an edge tag is about
 *   n² / 2^81: for a million tags (far more than entries × locales × relation fields here) about 4·10^-13,
 *   for a hundred million about 4·10^-9. And a collision cannot leave a page stale: purging one tag's edge
 *   tag also purges the pages of the tag it collides with, i.e. it only ever purges too much.
 * - Deployments sharing one CDN service or zone (staging and production on one Cloudflare zone) purge
 *   each other's pages for the same raw tags: again only too much, never too little.
 */
import { createHash } from 'node:crypto';

/** The CDNs the service can purge. */
export type Cdn = 'varnish' | 'fastly' | 'cloudflare';

export const EDGE_TAG_PREFIX = 'c';
/** 80 bits of the digest: 16 base32 characters exactly. */
const DIGEST_BYTES = 10;
export const EDGE_TAG_LENGTH = EDGE_TAG_PREFIX.length + (DIGEST_BYTES * 8) / 5;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const EDGE_TAG = new RegExp(`^${EDGE_TAG_PREFIX}[a-z2-7]{${EDGE_TAG_LENGTH - EDGE_TAG_PREFIX.length}}$`);

function base32(bytes: Uint8Array): string {
  let text = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += BASE32[(buffer >>> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) text += BASE32[(buffer << (5 - bits)) & 31];
  return text;
}

/** The edge tag of one cache tag. */
export function edgeTag(tag: string): string {
  if (tag === '') throw new TypeError('edgeTag: a cache tag is never empty');
  return EDGE_TAG_PREFIX + base32(createHash('sha256').update(tag, 'utf8').digest().subarray(0, DIGEST_BYTES));
}

/** The edge tags of these cache tags, each once, in the order first seen. */
export function edgeTags(tags: Iterable<string>): string[] {
  const seen = new Set<string>();
  for (const tag of tags) seen.add(edgeTag(tag));
  return [...seen];
}

/** Whether a string has the form of an edge tag (not whether any cache tag maps to it). */
export function isEdgeTag(value: string): boolean {
  return EDGE_TAG.test(value);
}

/** How a CDN reads tags off a response: which header, how they are separated, how much of it counts. */
export interface EdgeTagHeaderRule {
  readonly name: string;
  readonly separator: string;
  /** Bytes of the header's value (after `Name: `) the CDN takes into account. */
  readonly maxValueBytes: number;
  /** Tags the CDN keeps per object, when it says so apart from the size; null when only the size bounds them. */
  readonly maxTags: number | null;
}

/**
 * The documented limits, read conservatively ("16 KB" as 16,000 bytes, the smaller reading):
 * - Varnish + xkey vmod: keys in the `xkey` response header, "Multiple keys can be specified per header
 *   line with spaces and/or commas as separators" (vmod_xkey(3), varnish-modules 0.18+; older ones take
 *   spaces only, so spaces are used). The header is bounded by varnishd's `http_resp_hdr_len`, "Maximum
 *   length of any HTTP backend response header we will allow. The limit is inclusive its continuation
 *   lines", default 8k (`varnishd -x parameter`), name included: 8000 bytes of value leaves room for
 *   `xkey: ` and the line end. (Varnish refuses a longer header with a 503 rather than cutting it.)
 * - Fastly: `Surrogate-Key`, space-separated; "Surrogate key size 1KB: requests to the purge API that
 *   cite longer keys will fail" and "Surrogate key header size 16KB: only keys that are entirely within
 *   the first 16KB of the surrogate key header value will be applied to the cache object"
 *   (https://www.fastly.com/documentation/reference/vcl/constraints-and-limitations/).
 * - Cloudflare: `Cache-Tag`, comma-separated; "Individual tags do not have a maximum length, but the
 *   aggregate Cache-Tag HTTP header cannot exceed 16 KB after the header field name, which is
 *   approximately 1,000 unique tags. Length includes whitespace and commas"; "For cache purges, the
 *   maximum length of a cache-tag in an API call is 1,024 characters"; printable ASCII only; no spaces;
 *   case-insensitive (https://developers.cloudflare.com/cache/how-to/purge-cache/purge-by-tags/). The
 *   1,000 is also kept as a count (Cloudflare's older article gave it as a limit of its own).
 */
export const EDGE_TAG_HEADER_RULES: Readonly<Record<Cdn, EdgeTagHeaderRule>> = {
  varnish: { name: 'xkey', separator: ' ', maxValueBytes: 8000, maxTags: null },
  fastly: { name: 'Surrogate-Key', separator: ' ', maxValueBytes: 16000, maxTags: null },
  cloudflare: { name: 'Cache-Tag', separator: ',', maxValueBytes: 16000, maxTags: 1000 },
};

/** The most edge tags one response header may carry for this CDN (444 for Varnish, 888 for Fastly and Cloudflare). */
export function edgeTagCapacity(cdn: Cdn): number {
  const rule = EDGE_TAG_HEADER_RULES[cdn];
  const bySize = Math.floor((rule.maxValueBytes + rule.separator.length) / (EDGE_TAG_LENGTH + rule.separator.length));
  return rule.maxTags === null ? bySize : Math.min(bySize, rule.maxTags);
}

/**
 * A response's tag header for one CDN, or why it cannot be sent. Never cut short: a CDN that ignored the
 * tags past its limit would keep the page cached through purges of those tags, i.e. serve it stale. What
 * to do instead is the caller's choice: tag the answer more broadly (e.g. its type tags, which every
 * write of that type purges), or keep it out of the CDN's cache.
 */
export type EdgeTagHeader =
  | { isWithinLimit: true; name: string; value: string; tagCount: number; bytes: number }
  | { isWithinLimit: false; name: string; tagCount: number; bytes: number; maxBytes: number; maxTags: number | null };

/** The `cdn` header for a response carrying these cache tags (raw tags: they are turned into edge tags here). */
export function edgeTagHeader(cacheTags: Iterable<string>, cdn: Cdn): EdgeTagHeader {
  const rule = EDGE_TAG_HEADER_RULES[cdn];
  const tags = edgeTags(cacheTags);
  const value = tags.join(rule.separator);
  // Edge tags are ASCII: characters are bytes.
  const bytes = value.length;
  const isWithinLimit = bytes <= rule.maxValueBytes && (rule.maxTags === null || tags.length <= rule.maxTags);
  if (isWithinLimit) return { isWithinLimit, name: rule.name, value, tagCount: tags.length, bytes };
  return { isWithinLimit, name: rule.name, tagCount: tags.length, bytes, maxBytes: rule.maxValueBytes, maxTags: rule.maxTags };
}
