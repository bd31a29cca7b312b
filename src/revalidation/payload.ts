/**
 * The body a clinic's site receives when published content changes: which pages to rebuild, in the
 * clinic's own locales. Kept free of Strapi so the shape and its merging are easy to read and test.
 */
import type { ContentTypeName } from '../content/model';

export type { ContentTypeName };

/**
 * publish, unpublish, delete: published content changed. adaptation.outdated: a base publish made
 * some of the clinic's adaptations out of date (`entries`: the adapted entries, in the adaptations'
 * locales; `adaptations`: what to check).
 */
export type RevalidationEvent = 'publish' | 'unpublish' | 'delete' | 'adaptation.outdated';

/** An adaptation a base publish made out of date: the fields (and hides) whose base moved. */
export interface OutdatedNotice {
  documentId: string;
  type: ContentTypeName;
  slug: string;
  locale: string;
  fields: string[];
  hidden: string[];
}

export interface ChangedEntry {
  type: ContentTypeName;
  slug: string;
  /** The clinic's locales whose pages show the change (its own or along the fallback chain). */
  locales: string[];
}

export interface RelatedEntry {
  type: ContentTypeName;
  slug: string;
}

export interface RevalidationPayload {
  event: RevalidationEvent;
  deliveryId: string;
  occurredAt: string;
  clinic: { slug: string };
  entries: ChangedEntry[];
  /** Published documents that link to a changed one (one level of relations): their pages list it. */
  related: RelatedEntry[];
  /** adaptation.outdated only. */
  adaptations?: OutdatedNotice[];
}

const key = (entry: RelatedEntry) => `${entry.type}:${entry.slug}`;

/**
 * Adds a later change of the same transaction to a payload (e.g. a seed that publishes twenty
 * entries): the site gets one request listing them all rather than twenty.
 */
export function mergePayload(into: RevalidationPayload, change: Pick<RevalidationPayload, 'entries' | 'related' | 'adaptations'>): RevalidationPayload {
  const entries = new Map(into.entries.map((entry) => [key(entry), { ...entry, locales: [...entry.locales] }]));
  for (const entry of change.entries) {
    const known = entries.get(key(entry));
    if (known === undefined) entries.set(key(entry), { ...entry, locales: [...entry.locales] });
    else known.locales = [...known.locales, ...entry.locales.filter((locale) => !known.locales.includes(locale))];
  }
  const related = new Map<string, RelatedEntry>();
  for (const entry of [...into.related, ...change.related]) {
    if (!entries.has(key(entry))) related.set(key(entry), entry);
  }
  const merged: RevalidationPayload = { ...into, entries: [...entries.values()], related: [...related.values()] };
  if (into.adaptations !== undefined || change.adaptations !== undefined) {
    const notices = new Map<string, OutdatedNotice>();
    for (const notice of [...(into.adaptations ?? []), ...(change.adaptations ?? [])]) notices.set(`${notice.documentId}|${notice.locale}`, notice);
    merged.adaptations = [...notices.values()];
  }
  return merged;
}
