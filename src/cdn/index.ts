/**
 * CDN purges by tag, after every write (purges.ts: an outbox in the write's transaction, sent once
 * across instances, retried with backoff; routes.ts, mounted by app/routes.ts: what admins see of it). What a CDN sees of a cache tag is its edge tag (edge-tags.ts): the same on the
 * response header (edgeTagHeader) and in the purge (adapters/). The settings say which CDNs are purged
 * (settings.ts); none by default.
 */
export {
  EDGE_TAG_HEADER_RULES,
  EDGE_TAG_LENGTH,
  EDGE_TAG_PREFIX,
  edgeTag,
  edgeTagCapacity,
  edgeTagHeader,
  edgeTags,
  isEdgeTag,
  type Cdn,
  type EdgeTagHeader,
  type EdgeTagHeaderRule,
} from './edge-tags';
export * from './adapters';
export { adaptersFromSettings, cdnSettings, type CdnSettings } from './settings';
export { edgeHeadersFor, MAX_EDGE_TAGS, PRIVATE_CACHE_CONTROL, type EdgeHeaders, type EdgeHeadersOf } from './headers';
export { cdnPurgeSettings, createCdnPurges, type CdnPurges, type PurgeObserver } from './purges';
