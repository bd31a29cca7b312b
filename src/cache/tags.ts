/**
 * Cache tags: what a response read, and what a write changed. A response is purged when a write
 * changes any tag it carries, and only then.
 *
 *   technique:<documentId>:<locale>   one entry's published row in one locale (read along a locale chain:
 *                                     every locale up to the one served, since a row appearing in an
 *                                     earlier locale would change the answer)
 *   type:technique:<locale>           every published row of a type in a locale (lists, slugs not found)
 *   links:technique:<documentId>:<locale>:<field>
 *                                     one relation list of that row, for responses that used it (a write
 *                                     on the other side of a two-sided relation changes it)
 *   clinic:<documentId>               the calling clinic (its data, locales and keys)
 *   locales                           the service's locales and its default locale
 */
import type { LinkedRow, RowVersion, WriteChange } from '../content/writes';

export const LOCALES_TAG = 'locales';

/** `api::provider-type.provider-type` → `provider-type`. */
export function typeName(uid: string): string {
  return uid.slice(uid.lastIndexOf('.') + 1);
}

export const entryTag = (uid: string, documentId: string, locale: string) => `${typeName(uid)}:${documentId}:${locale}`;
export const typeTag = (uid: string, locale: string) => `type:${typeName(uid)}:${locale}`;
export const linksTag = (uid: string, documentId: string, locale: string, field: string) => `links:${typeName(uid)}:${documentId}:${locale}:${field}`;
export const clinicTag = (documentId: string) => `clinic:${documentId}`;

/** Tags for reading an entry along a chain: the locales up to the one served, or all of them if none. */
export function readTags(uid: string, documentId: string, chain: readonly string[], served: string | null): string[] {
  const upTo = served === null ? chain.length : chain.indexOf(served) + 1;
  return chain.slice(0, upTo).map((locale) => entryTag(uid, documentId, locale));
}

/** What a committed write changed. Draft rows change nothing cached: previews are never cached. */
export function changedTags(change: Pick<WriteChange, 'uid' | 'rows' | 'related' | 'storeKeys'>): string[] {
  const tags = new Set<string>();
  if (change.uid === 'plugin::i18n.locale' || change.storeKeys.some((key) => key.includes('i18n'))) tags.add(LOCALES_TAG);
  const add = (row: RowVersion | LinkedRow, related: boolean) => {
    if (row.uid === 'api::clinic.clinic') {
      // Keys live on every row of a clinic, drafts included: any write may change who is served.
      tags.add(clinicTag(row.documentId));
      return;
    }
    if (!row.isPublished || row.locale === null) return;
    if (related) {
      // Whoever used that list also read the written row; this is for lists the write joined or left.
      if ('field' in row) tags.add(linksTag(row.uid, row.documentId, row.locale, row.field));
    } else {
      tags.add(entryTag(row.uid, row.documentId, row.locale));
      tags.add(typeTag(row.uid, row.locale));
    }
  };
  for (const row of [...change.rows.before, ...change.rows.after]) add(row, false);
  for (const row of [...change.related.before, ...change.related.after]) add(row, true);
  return [...tags];
}
