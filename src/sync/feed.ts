/**
 * One clinic's change feed, derived when it is read from the shared rows of the feed table
 * (feed-table.ts, change.ts): for each row, oldest first, the clinic's pages it touched, told as
 *   PAGE_CHANGED   a page the clinic serves now, in the locales the change reached (an addition too);
 *   PAGE_REMOVED   a locale of a page the clinic can no longer serve, with why;
 *   CLINIC_CHANGED the clinic's own profile changed (every page shows it).
 *
 * Each event is told as things stand when the feed is read, not as they stood at the write: a page
 * changed and later removed is told removed at both events. A site that applies the events in order
 * ends with the pages the manifest lists now, which is all a build needs.
 *
 * Positions: a cursor names a row and, inside it, the last event read (events of a row are in a fixed
 * order by page and locale), so a page of events can end in the middle of a large row (a clinic that
 * drops a locale loses every page in it). Cursors are the same on every instance (row ids are the
 * database's) and survive restarts; one older than the retained rows gets CURSOR_EXPIRED.
 */
import type { Core } from '@strapi/strapi';
import { MODELS, modelByPageType, modelMeta, UIDS, type ContentUid, type PageType } from '../content/model';
import { readLinked } from '../content/writes';
import { linkedPages, type FeedChange, type FeedPage } from './change';
import { feedEnd, feedHorizon, feedRowsAfter, type FeedRow } from './feed-table';
import { clinicPagesAt, pageKey, readClinicPages, type ClinicForPages, type ClinicPages, type PageStatus } from './pages';

export type RemovalReason = 'UNPUBLISHED' | 'DELETED' | 'NOT_OFFERED' | 'HIDDEN' | 'LOCALE_DROPPED' | 'RENAMED';

interface EventBase {
  cursor: string;
  /** When the write was recorded, ms since the epoch. */
  occurredAt: number;
}

export type FeedEvent =
  | (EventBase & { kind: 'PAGE_CHANGED'; type: PageType; slug: string; locales: string[] })
  | (EventBase & { kind: 'PAGE_REMOVED'; type: PageType; slug: string; locale: string; reason: RemovalReason })
  | (EventBase & { kind: 'CLINIC_CHANGED'; locales: string[] });

export interface FeedPageResult {
  events: FeedEvent[];
  endCursor: string;
  hasNextPage: boolean;
}

/** A feed request the client got wrong, with its stable code. */
export class FeedRequestError extends Error {
  constructor(
    readonly code: 'BAD_USER_INPUT' | 'CURSOR_EXPIRED',
    message: string,
  ) {
    super(message);
    this.name = 'FeedRequestError';
  }
}

export const MAX_FEED_PAGE = 100;
/** Rows looked at per request at most: a clinic with nothing in a long stretch still gets an answer soon (hasNextPage). */
const MAX_ROWS_PER_READ = 1000;
const ROWS_PER_BATCH = 200;

interface Position {
  rowId: number;
  /** The last event of the row already read; null when the whole row was. */
  key: string | null;
}

const CURSOR = /^f1\.(\d{1,15})(?:\.([A-Za-z0-9_-]{1,2000}))?$/;

export function encodeCursor(position: Position): string {
  return position.key === null ? `f1.${position.rowId}` : `f1.${position.rowId}.${Buffer.from(position.key).toString('base64url')}`;
}

function decodeCursor(cursor: string): Position {
  const match = CURSOR.exec(cursor);
  if (match === null) throw new FeedRequestError('BAD_USER_INPUT', `"${cursor.slice(0, 40)}" is not a feed cursor: pass an endCursor or cursor this feed returned, or null to start at the oldest event kept.`);
  return { rowId: Number(match[1]), key: match[2] === undefined ? null : Buffer.from(match[2], 'base64url').toString() };
}

interface DocumentState {
  slug: string | null;
  /** Locales with a row in the status read. */
  locales: Set<string>;
}

/** The current rows of documents of a page type: their slug and the locales they have in `status`; none for a deleted document. */
async function documentStates(strapi: Core.Strapi, type: PageType, documentIds: readonly string[], status: PageStatus): Promise<Map<string, DocumentState>> {
  const states = new Map<string, DocumentState>();
  const model = modelByPageType(type);
  if (documentIds.length === 0 || model === undefined) return states;
  const rows = (await strapi.db.connection(modelMeta(strapi, model.uid).tableName)
    .select('document_id', 'slug', 'locale', 'published_at')
    .whereIn('document_id', [...documentIds])) as Array<{ document_id: string; slug: string | null; locale: string; published_at: unknown }>;
  for (const row of rows) {
    const state = states.get(row.document_id) ?? { slug: row.slug, locales: new Set<string>() };
    const isPublished = row.published_at !== null && row.published_at !== undefined;
    if (isPublished === (status === 'published')) state.locales.add(row.locale);
    states.set(row.document_id, state);
  }
  return states;
}

/** The conditions techniques treat, in `status` (any locale). */
async function treatedBy(strapi: Core.Strapi, techniques: readonly string[], status: PageStatus): Promise<string[]> {
  if (techniques.length === 0) return [];
  const rows = (await strapi.db.query(UIDS.technique).findMany({
    where: { documentId: { $in: [...techniques] }, publishedAt: status === 'published' ? { $notNull: true } : { $null: true } } as never,
    select: ['documentId'],
    populate: { treats: { select: ['documentId'] } } as never,
  })) as Array<{ treats?: Array<{ documentId: string }> }>;
  return [...new Set(rows.flatMap((row) => (row.treats ?? []).map((condition) => condition.documentId)))];
}

/** The pages whose drafts list a document's drafts now (a draft save's row leaves them to the read). */
async function draftLinks(strapi: Core.Strapi, uid: ContentUid, documentId: string): Promise<FeedPage[]> {
  const rows = (await strapi.db.query(uid).findMany({ where: { documentId, publishedAt: { $null: true } } as never, select: ['id'] })) as Array<{ id: number }>;
  const pages = linkedPages(await readLinked(strapi, { uid, trx: null, ids: rows.map((row) => row.id) }), true);
  return pages.filter((page) => !(page.documentId === documentId && MODELS[uid].pageType === page.type));
}

/** A page a row touched, as this clinic sees it. */
interface Touched {
  type: PageType;
  documentId: string;
  slugs: string[];
  /** The locales written; null: all of the clinic's. */
  locales: readonly string[] | null;
  /** May the clinic have served it before (so its absence now is a removal to tell)? */
  canRemove: boolean;
  /** Only these of the clinic's locales, former ones included (a clinic row that added or dropped locales). */
  onlyLocales?: readonly string[];
}

/** An event before its position and time are known (Omit over each member of the union). */
type EventBody = FeedEvent extends infer Event ? (Event extends FeedEvent ? Omit<Event, 'cursor' | 'occurredAt'> : never) : never;

interface Keyed {
  key: string;
  event: EventBody;
}

export async function readFeed(
  strapi: Core.Strapi,
  input: { clinic: ClinicForPages; status: PageStatus; chainOf: (locale: string) => readonly string[]; after: string | null; first: number },
): Promise<FeedPageResult> {
  const { clinic, status, chainOf, first } = input;
  if (!Number.isInteger(first) || first < 1 || first > MAX_FEED_PAGE) {
    throw new FeedRequestError('BAD_USER_INPUT', `first must be between 1 and ${MAX_FEED_PAGE}, not ${first}; read further pages with endCursor instead.`);
  }
  const [horizon, end] = await Promise.all([feedHorizon(strapi), feedEnd(strapi)]);
  let position: Position = input.after === null ? { rowId: horizon, key: null } : decodeCursor(input.after);
  if (position.rowId < horizon) {
    throw new FeedRequestError('CURSOR_EXPIRED', `This cursor is older than the events the feed keeps (FEED_RETENTION_DAYS): rebuild from the manifest, then read the feed from its feedCursor.`);
  }
  if (position.rowId > end) {
    throw new FeedRequestError('BAD_USER_INPUT', 'This cursor is ahead of the feed: it was not handed out by this service (another environment or database?).');
  }

  let pages: ClinicPages | null = null;
  // The clinic's pages as of `end`: the rows read below stop there, so no event is told with a state older than its write.
  const clinicPages = async () => (pages ??= await clinicPagesAt(strapi, { clinic, status, chainOf, end }));
  const clinicLocales = new Set(clinic.locales);

  const events: FeedEvent[] = [];
  let scanned = 0;
  let isExhausted = false;
  while (events.length < first && scanned < MAX_ROWS_PER_READ) {
    const afterId = position.key === null ? position.rowId : position.rowId - 1;
    const rows = await feedRowsAfter(strapi, { afterId, untilId: end, clinic: clinic.documentId, isPreview: status === 'draft', limit: ROWS_PER_BATCH });
    if (rows.length === 0) {
      isExhausted = true;
      break;
    }
    const states = await statesFor(strapi, rows, status);
    for (const row of rows) {
      scanned += 1;
      const keyed = await eventsOf(row, { strapi, clinic, clinicLocales, status, chainOf, clinicPages, states });
      const resumeAfter = row.id === position.rowId ? position.key : null;
      let isRowDone = true;
      for (const { key, event } of keyed) {
        if (resumeAfter !== null && key <= resumeAfter) continue;
        if (events.length === first) {
          isRowDone = false;
          break;
        }
        position = { rowId: row.id, key };
        events.push({ ...event, cursor: encodeCursor(position), occurredAt: row.recordedAt } as FeedEvent);
      }
      if (!isRowDone) break;
      position = { rowId: row.id, key: null };
      if (events.length === first) break;
    }
    if (rows.length < ROWS_PER_BATCH && position.key === null && position.rowId === rows[rows.length - 1]?.id) {
      isExhausted = true;
      break;
    }
  }
  return { events, endCursor: encodeCursor(position), hasNextPage: !isExhausted };
}

/** The current state of every document the rows name, one statement per page type. */
async function statesFor(strapi: Core.Strapi, rows: readonly FeedRow[], status: PageStatus): Promise<Map<string, DocumentState>> {
  const ids: Record<PageType, Set<string>> = { techniques: new Set(), conditions: new Set() };
  const note = (page: FeedPage) => ids[page.type].add(page.documentId);
  for (const { change } of rows) {
    if (change.kind === 'content') {
      if (change.entry !== null) note(change.entry);
      change.related.forEach(note);
    } else if (change.kind === 'adaptation') {
      note(change.target);
      change.related.forEach(note);
      change.hidden.forEach(note);
    }
  }
  const [techniques, conditions] = await Promise.all([
    documentStates(strapi, 'techniques', [...ids.techniques], status),
    documentStates(strapi, 'conditions', [...ids.conditions], status),
  ]);
  return new Map([...[...techniques].map(([id, state]) => [pageKey('techniques', id), state] as const), ...[...conditions].map(([id, state]) => [pageKey('conditions', id), state] as const)]);
}

interface RowContext {
  strapi: Core.Strapi;
  clinic: ClinicForPages;
  clinicLocales: ReadonlySet<string>;
  status: PageStatus;
  chainOf: (locale: string) => readonly string[];
  clinicPages: () => Promise<ClinicPages>;
  states: Map<string, DocumentState>;
}

/** The pages a row touched, for this clinic. */
async function touchedBy(change: FeedChange, context: RowContext): Promise<Touched[]> {
  const { clinic, strapi, status } = context;
  if (change.kind === 'content') {
    const canRemove = change.servedTo.includes(clinic.documentId);
    const related = change.linksWhenRead === true ? await draftLinks(strapi, change.uid, change.documentId) : change.related;
    return [
      ...(change.entry === null ? [] : [{ ...change.entry, canRemove }]),
      // Of the pages listing the entry, only a technique's conditions can leave the clinic's pages with
      // it (no longer treated): the other techniques treating a condition were never the clinic's for that.
      ...related.map((page) => ({ ...page, canRemove: canRemove && change.uid === UIDS.technique && page.type === 'conditions' })),
    ];
  }
  if (change.kind === 'adaptation') {
    return [{ ...change.target, canRemove: true }, ...change.related.map((page) => ({ ...page, canRemove: false })), ...change.hidden.map((page) => ({ ...page, canRemove: true }))];
  }
  const touched: Touched[] = [];
  const conditions = await treatedBy(strapi, change.offered, status);
  for (const documentId of change.offered) touched.push({ type: 'techniques', documentId, slugs: [], locales: null, canRemove: true });
  for (const documentId of conditions) touched.push({ type: 'conditions', documentId, slugs: [], locales: null, canRemove: true });
  const dropped = new Set(change.locales.before.filter((locale) => !context.clinicLocales.has(locale)));
  const added = clinic.locales.filter((locale) => !change.locales.before.includes(locale));
  if (added.length > 0) {
    for (const page of (await context.clinicPages()).pages) touched.push({ type: page.type, documentId: page.documentId, slugs: [page.slug], locales: null, canRemove: false, onlyLocales: added });
  }
  if (dropped.size > 0) {
    // The pages it served in the locales it dropped: its pages as if it still published them.
    const before = await readClinicPages(strapi, { clinic: { ...clinic, locales: [...dropped] }, status, chainOf: context.chainOf });
    for (const page of before.pages) touched.push({ type: page.type, documentId: page.documentId, slugs: [page.slug], locales: null, canRemove: true, onlyLocales: [...dropped] });
  }
  return touched;
}

async function eventsOf(row: FeedRow, context: RowContext): Promise<Keyed[]> {
  const { change } = row;
  const { clinic, clinicLocales, status } = context;
  const touched = await touchedBy(change, context);
  const keyed = new Map<string, Keyed>();
  if (change.kind === 'clinic') keyed.set('0', { key: '0', event: { kind: 'CLINIC_CHANGED', locales: [...clinic.locales] } });
  if (touched.length === 0) return [...keyed.values()];

  const pages = await context.clinicPages();
  // Documents the row's own lists did not name (a clinic row) are read now.
  const missing = touched.filter((page) => !context.states.has(pageKey(page.type, page.documentId)));
  for (const type of ['techniques', 'conditions'] as const) {
    const ids = missing.filter((page) => page.type === type).map((page) => page.documentId);
    for (const [id, state] of await documentStates(context.strapi, type, ids, status)) context.states.set(pageKey(type, id), state);
  }

  const changed = new Map<string, { type: PageType; slug: string; locales: Set<string> }>();
  const remove = (type: PageType, slug: string, locale: string, reason: RemovalReason) => {
    const key = `1|${type}|${slug}|${locale}`;
    if (!keyed.has(key)) keyed.set(key, { key, event: { kind: 'PAGE_REMOVED', type, slug, locale, reason } });
  };

  for (const page of touched) {
    const state = context.states.get(pageKey(page.type, page.documentId));
    const servedPage = pages.byId.get(pageKey(page.type, page.documentId));
    const slug = servedPage?.slug ?? state?.slug ?? page.slugs[0];
    if (slug === undefined) continue;
    const written = page.locales;
    const candidates =
      page.onlyLocales ?? clinic.locales.filter((locale) => written === null || context.chainOf(locale).some((code) => written.includes(code)));
    for (const locale of candidates) {
      const served = clinicLocales.has(locale) ? servedPage?.locales.find((entry) => entry.locale === locale) : undefined;
      if (served !== undefined) {
        const entry = changed.get(pageKey(page.type, page.documentId)) ?? { type: page.type, slug, locales: new Set<string>() };
        entry.locales.add(locale);
        changed.set(pageKey(page.type, page.documentId), entry);
        // The addresses it had under former slugs are gone.
        for (const former of page.slugs) if (former !== slug) remove(page.type, former, locale, 'RENAMED');
        continue;
      }
      if (!page.canRemove) continue;
      let reason: RemovalReason;
      if (state === undefined) reason = 'DELETED';
      else if (!clinicLocales.has(locale)) reason = 'LOCALE_DROPPED';
      // A document with rows left but none to serve here: unpublished, or (for previews) that locale deleted.
      else if (!context.chainOf(locale).some((code) => state.locales.has(code))) reason = status === 'published' ? 'UNPUBLISHED' : 'DELETED';
      else if (page.type === 'conditions' && pages.hidden.has(page.documentId)) reason = 'HIDDEN';
      else reason = 'NOT_OFFERED';
      remove(page.type, slug, locale, reason);
      for (const former of page.slugs) if (former !== slug) remove(page.type, former, locale, reason);
    }
  }
  for (const entry of changed.values()) {
    const key = `2|${entry.type}|${entry.slug}`;
    const locales = clinic.locales.filter((locale) => entry.locales.has(locale));
    keyed.set(key, { key, event: { kind: 'PAGE_CHANGED', type: entry.type, slug: entry.slug, locales } });
  }
  return [...keyed.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
