/**
 * What a write changed, as cache tags (their formats: content/tags.ts). A response is purged
 * when a write changes any tag it carries, and only then. A clinic adaptation changes only that
 * clinic's answers that read the adapted entry; a write to the entry itself changes every clinic's.
 */
import type { LinkedRow, RowVersion, WriteChange } from './change';
import { UIDS } from '../model';
import { adaptationTag, clinicTag, entryTag, linksTag, LOCALES_TAG, typeTag } from '../tags';

type TaggedChange = Pick<WriteChange, 'uid' | 'rows' | 'related' | 'adaptations' | 'storeKeys'>;

/**
 * Whether a write changed the service's locales: the locale list, or the i18n keys of Strapi's store
 * (the default locale). Strapi writes other store keys on timers of its own (the upload plugin's
 * metrics); those change nothing of ours.
 */
export const changesLocales = (change: Pick<WriteChange, 'uid' | 'storeKeys'>): boolean =>
  change.uid === 'plugin::i18n.locale' || change.storeKeys.some((key) => key.includes('i18n'));

/** Computed once per change: the response cache's purge and the CDN purges' outbox ask for the same. */
const computed = new WeakMap<TaggedChange, string[]>();

/** What a committed write changed. Draft rows change nothing cached: previews are never cached. */
export function changedTags(change: TaggedChange): string[] {
  const known = computed.get(change);
  if (known !== undefined) return known;
  const result = tagsOf(change);
  computed.set(change, result);
  return result;
}

function tagsOf(change: TaggedChange): string[] {
  const tags = new Set<string>();
  if (changesLocales(change)) tags.add(LOCALES_TAG);
  const add = (row: RowVersion | LinkedRow, related: boolean) => {
    if (row.uid === UIDS.clinic) {
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
  for (const row of [...change.adaptations.before, ...change.adaptations.after]) {
    if (row.isPublished && row.clinic !== null && row.target !== null) tags.add(adaptationTag(row.clinic, row.target.uid, row.target.slug));
  }
  return [...tags];
}
