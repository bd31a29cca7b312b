/**
 * What a committed write changed, as cache tags (their formats: content/tags.ts). A response is purged
 * when a write changes any tag it carries, and only then.
 */
import type { ModelChange, RowRef } from '../content/changes';
import { isServedUid, UIDS } from '../content/model';
import { clinicTag, entryTag, linksTag, LOCALES_TAG, typeTag } from '../content/tags';

/** What a committed write changed. Draft rows change nothing cached: previews are never cached. */
export function changedTags(change: ModelChange): string[] {
  const tags = new Set<string>();
  if (change.uid === 'plugin::i18n.locale' || change.storeKeys.some((key) => key.includes('i18n'))) tags.add(LOCALES_TAG);
  const add = (row: RowRef, related: boolean) => {
    if (!isServedUid(row.uid)) return;
    if (row.uid === UIDS.clinic) {
      // Keys live on every row of a clinic, drafts included: any write may change who is served.
      tags.add(clinicTag(row.documentId));
      return;
    }
    if (!row.published || row.locale === null) return;
    if (related) {
      // Whoever used that list also read the written row; this is for lists the write joined or left.
      if (row.field !== undefined) tags.add(linksTag(row.uid, row.documentId, row.locale, row.field));
    } else {
      tags.add(entryTag(row.uid, row.documentId, row.locale));
      tags.add(typeTag(row.uid, row.locale));
    }
  };
  for (const row of change.rows) add(row, false);
  for (const row of change.related) add(row, true);
  return [...tags];
}
