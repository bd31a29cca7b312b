/**
 * Cache tags: names for what a response read. A response is purged when a write changes any tag it
 * carries, and only then (cache/tags.ts: what a write changed).
 *
 *   technique:<documentId>:<locale>   one entry's published row in one locale (read along a locale chain:
 *                                     every locale up to the one served, since a row appearing in an
 *                                     earlier locale would change the answer)
 *   type:technique:<locale>           every published row of a type in a locale (lists, slugs not found)
 *   links:technique:<documentId>:<locale>:<field>
 *                                     one relation list of that row, for responses that used it (a write
 *                                     on the other side of a two-sided relation changes it)
 *   adaptation:<clinic>:technique:<slug>
 *                                     the calling clinic's adaptation of an entry (named by slugs, as the
 *                                     adaptation names them), carried by every answer of that clinic that
 *                                     read the entry, adapted or not: creating one changes the answer
 *   clinic:<documentId>               the calling clinic (its data, locales and keys)
 *   locales                           the service's locales and its default locale
 *   never-cached                      not a purge: an answer carrying it is never stored
 *
 * A type's part of a tag is its registry record's `cacheTag`.
 */
import { MODELS, type ContentUid } from './model';

export const LOCALES_TAG = 'locales';

/** Carried by an answer that must never be stored (the change feed: every write makes it longer). */
export const NEVER_CACHED_TAG = 'never-cached';

export const entryTag = (uid: ContentUid, documentId: string, locale: string) => `${MODELS[uid].cacheTag}:${documentId}:${locale}`;
export const typeTag = (uid: ContentUid, locale: string) => `type:${MODELS[uid].cacheTag}:${locale}`;
export const linksTag = (uid: ContentUid, documentId: string, locale: string, field: string) => `links:${MODELS[uid].cacheTag}:${documentId}:${locale}:${field}`;
export const clinicTag = (documentId: string) => `clinic:${documentId}`;
export const adaptationTag = (clinicSlug: string, uid: ContentUid, slug: string) => `adaptation:${clinicSlug}:${MODELS[uid].cacheTag}:${slug}`;

/** Tags for reading an entry along a chain: the locales up to the one served, or all of them if none. */
export function readTags(uid: ContentUid, documentId: string, chain: readonly string[], served: string | null): string[] {
  const upTo = served === null ? chain.length : chain.indexOf(served) + 1;
  return chain.slice(0, upTo).map((locale) => entryTag(uid, documentId, locale));
}
