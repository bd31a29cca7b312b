/**
 * The published rows of documents as they stood at a moment T, from content history (index.ts builds
 * pages from them). Per document and locale, the row in effect at T is:
 * - the newest published version recorded at or before T (an unpublish or delete: none);
 * - with none recorded by then but one after T, the values that later version replaced (its `before`:
 *   the row had not changed between the start of history and then);
 * - with no published version at all, the published row as it is now: it has not changed since history
 *   began (every write since is recorded).
 * Callers make sure T is not before the first recorded version (history knows nothing earlier).
 */
import type { Core } from '@strapi/strapi';
import { readDocument, type Values } from '../history/snapshot';
import { versionsUpTo, type HistoryAction, type HistoryVersion } from '../history/table';

/** Where a row's values came from. */
export interface VersionRef {
  /** The version, or null for a row unchanged since history began (served as it is now). */
  historyId: number | null;
  /** `version`: that version's values; `before`: the values that version replaced; `unchanged`: the row as it is now. */
  basis: 'version' | 'before' | 'unchanged';
  uid: string;
  documentId: string;
  locale: string | null;
  action: HistoryAction | null;
  actor: string | null;
  at: string | null;
}

export interface RowState {
  documentId: string;
  locale: string;
  values: Values;
  /** When the values were recorded (ms); -Infinity when they date from before history began. */
  at: number;
  ref: VersionRef;
}

/** A document at T in a chain of locales: its rows in effect, in chain order; why none is, when none is. */
export interface DocumentAt {
  documentId: string;
  rows: RowState[];
  /** The newest unpublish or delete at or before T of a locale with no row in effect. */
  ended: HistoryVersion | null;
  /** The first publish recorded of any locale of the chain, at any time. */
  firstPublished: HistoryVersion | null;
}

const iso = (ms: number) => new Date(ms).toISOString();
const ALL_TIME = Number.MAX_SAFE_INTEGER;

export function refOf(version: HistoryVersion, basis: 'version' | 'before'): VersionRef {
  const { id, uid, documentId, locale, action, actor } = version;
  return { historyId: id, basis, uid, documentId, locale, action, actor, at: iso(version.at) };
}

export interface HistoryAt {
  readonly at: number;
  /** The documents of `uid` in the chain at T, in the order given. */
  documents(uid: string, documentIds: readonly string[], chain: readonly string[]): Promise<DocumentAt[]>;
  /** Documents whose `field` is `value` (a slug, a clinic) in some version or now. */
  named(uid: string, field: string, value: string): Promise<string[]>;
  /** Documents of `uid` whose versions up to T name `documentId` (in a relation). */
  mentioning(uid: string, documentId: string): Promise<string[]>;
}

export function historyAt(strapi: Core.Strapi, at: number): HistoryAt {
  /** Every version of a document, oldest first, by `uid|documentId`. */
  const known = new Map<string, HistoryVersion[]>();
  const now = new Map<string, Promise<Map<string, Values>>>();

  async function load(uid: string, documentIds: readonly string[]): Promise<void> {
    const missing = [...new Set(documentIds)].filter((documentId) => !known.has(`${uid}|${documentId}`));
    if (missing.length === 0) return;
    for (const documentId of missing) known.set(`${uid}|${documentId}`, []);
    for (const version of await versionsUpTo(strapi, { uid, until: ALL_TIME, documentIds: missing })) known.get(`${uid}|${version.documentId}`)?.push(version);
  }

  /** The document's published rows as they are now, by locale. */
  function current(uid: string, documentId: string): Promise<Map<string, Values>> {
    let pending = now.get(`${uid}|${documentId}`);
    if (pending === undefined) {
      pending = readDocument(strapi, { uid, documentId, statuses: ['published'] }).then(
        (snapshot) => new Map([...snapshot.values()].flatMap((row) => (row.locale === null ? [] : [[row.locale, row.values] as [string, Values]]))),
      );
      now.set(`${uid}|${documentId}`, pending);
    }
    return pending;
  }

  async function documentAt(uid: string, documentId: string, chain: readonly string[]): Promise<DocumentAt> {
    const versions = (known.get(`${uid}|${documentId}`) ?? []).filter((version) => version.status === 'published' && version.locale !== null);
    const rows: RowState[] = [];
    let ended: HistoryVersion | null = null;
    for (const locale of chain) {
      const mine = versions.filter((version) => version.locale === locale);
      const upTo = mine.filter((version) => version.at <= at);
      const newest = upTo[upTo.length - 1];
      if (newest !== undefined) {
        if (newest.after !== null) rows.push({ documentId, locale, values: newest.after, at: newest.at, ref: refOf(newest, 'version') });
        else if (ended === null || newest.at > ended.at) ended = newest;
        continue;
      }
      const later = mine[0];
      if (later !== undefined) {
        if (later.before !== null) rows.push({ documentId, locale, values: later.before, at: -Infinity, ref: refOf(later, 'before') });
        continue;
      }
      const values = (await current(uid, documentId)).get(locale);
      if (values !== undefined) rows.push({ documentId, locale, values, at: -Infinity, ref: { historyId: null, basis: 'unchanged', uid, documentId, locale, action: null, actor: null, at: null } });
    }
    const firstPublished = versions.find((version) => version.after !== null && chain.includes(version.locale as string)) ?? null;
    return { documentId, rows, ended, firstPublished };
  }

  return {
    at,

    async documents(uid, documentIds, chain) {
      await load(uid, documentIds);
      return Promise.all(documentIds.map((documentId) => documentAt(uid, documentId, chain)));
    },

    async named(uid, field, value) {
      const [versions, rows] = await Promise.all([
        versionsUpTo(strapi, { uid, until: ALL_TIME, field, value }),
        strapi.db.query(uid).findMany({ where: { [field]: value } as never, select: ['documentId'] }) as Promise<Array<{ documentId: string }>>,
      ]);
      return [...new Set([...versions.map((version) => version.documentId), ...rows.map((row) => row.documentId)])];
    },

    async mentioning(uid, documentId) {
      const versions = await versionsUpTo(strapi, { uid, until: at, mentioning: documentId });
      return [...new Set(versions.map((version) => version.documentId))];
    },
  };
}

