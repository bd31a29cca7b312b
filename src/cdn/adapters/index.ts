/**
 * The CDN purge adapters behind one contract (contract.ts): Varnish (xkey), Fastly (surrogate keys) and
 * Cloudflare (cache-tags). Each purges edge tags (../edge-tags.ts) in calls of at most its batchSize.
 */
export { assertPurgeable, batches, DEFAULT_TIMEOUT_MS, MAX_TAG_LENGTH, type PurgeAdapter, type PurgeOptions, type PurgeResult } from './contract';
export { createVarnishAdapter, VARNISH_BATCH_SIZE, VARNISH_MAX_HEADER_BYTES, type VarnishAdapterOptions } from './varnish';
export { createFastlyAdapter, FASTLY_API_URL, FASTLY_BATCH_SIZE, type FastlyAdapterOptions } from './fastly';
export { createCloudflareAdapter, CLOUDFLARE_API_URL, CLOUDFLARE_BATCH_SIZE, type CloudflareAdapterOptions } from './cloudflare';
