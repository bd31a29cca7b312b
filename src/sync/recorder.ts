/**
 * The change feed's subscriber of the write pipeline: every Document Service write to a served type or
 * to a clinic adaptation becomes one feed row (change.ts), appended in the write's transaction
 * (feed-table.ts). A write that publishes, unpublishes or deletes is seen by every key; a draft-only
 * write (a save, a discarded draft) by preview keys only. Nothing is written per clinic: a publish is
 * one row however many clinics show the entry.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { ADAPTATION, MODELS, UIDS, i18nLocales, isServedUid, modelMeta, type ContentUid, type PageType } from '../content/model';
import { publishedEffectOf, readLinked, type TransactionSubscriber, type WriteChange } from '../content/writes';
import { linkedPages, mergePages, type FeedChange, type FeedPage } from './change';
import { appendFeedRow } from './feed-table';

type Status = 'published' | 'draft';

interface ClinicState {
  offered: Set<string>;
  locales: string[];
  /** What the API serves of the clinic, in every locale: a write that leaves it alone (a new secret) tells sites nothing. */
  served: string;
}

interface Prepared {
  isDraft: boolean;
  /** Clinics whose pages could show the written entry before the write. */
  servedTo: string[];
  clinicBefore: ClinicState | null;
  /** The adaptation's hidden items before the write, as `relation|slug`. */
  hiddenBefore: Set<string>;
}

const unique = <T>(values: Iterable<T>): T[] => [...new Set(values)];
const statusWhere = (status: Status) => ({ publishedAt: status === 'published' ? { $notNull: true } : { $null: true } });

/** The write's transaction (joining it runs no statement). */
async function transactionOf(strapi: Core.Strapi): Promise<Knex.Transaction> {
  return strapi.db.transaction(async ({ trx }: { trx: Knex.Transaction }) => trx);
}

/**
 * The clinic's offering and locales in `status`, as the API serves them: from its row in the default
 * locale (each locale of a clinic is published on its own, so the rows may differ), else any row.
 */
async function clinicState(strapi: Core.Strapi, documentId: string, status: Status): Promise<ClinicState> {
  // Every field but the private ones (keys, the revalidation secret, editors, the rate limit).
  const served = modelMeta(strapi, UIDS.clinic).fields.filter((field) => !field.isPrivate && field.column !== null && !BOOKKEEPING.has(field.name));
  const rows = (await strapi.db.query(UIDS.clinic).findMany({
    where: { documentId, ...statusWhere(status) } as never,
    select: served.map((field) => field.name),
    populate: { address: true, offeredTechniques: { select: ['documentId'] }, providerTypes: { select: ['documentId'] } } as never,
    orderBy: { locale: 'asc' } as never,
  })) as Array<Record<string, unknown> & { locale: string; locales: unknown; offeredTechniques?: Array<{ documentId: string }> }>;
  const defaultLocale = rows.length > 1 ? await i18nLocales(strapi).getDefaultLocale() : null;
  const row = rows.find((candidate) => candidate.locale === defaultLocale) ?? rows[0];
  if (row === undefined) return { offered: new Set(), locales: [], served: '' };
  const withoutIds = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(withoutIds) : typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'id').map(([key, item]) => [key, withoutIds(item)])) : value;
  return {
    offered: new Set((row.offeredTechniques ?? []).map((technique) => technique.documentId)),
    locales: Array.isArray(row.locales) ? row.locales.filter((code): code is string => typeof code === 'string') : [],
    served: JSON.stringify(withoutIds(rows)),
  };
}

/** Columns every row has that say nothing about the clinic. */
const BOOKKEEPING = new Set(['createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy']);

async function hiddenItems(strapi: Core.Strapi, documentId: string, status: Status): Promise<Set<string>> {
  const rows = (await strapi.db.query(ADAPTATION.uid).findMany({
    where: { documentId, ...statusWhere(status) } as never,
    select: ['id'],
    populate: { [ADAPTATION.hiddenField]: true } as never,
  })) as Array<Record<string, unknown>>;
  const items = new Set<string>();
  for (const row of rows) {
    const hidden = row[ADAPTATION.hiddenField];
    if (!Array.isArray(hidden)) continue;
    for (const item of hidden as Array<{ relation?: unknown; slug?: unknown }>) {
      if (typeof item.relation === 'string' && typeof item.slug === 'string') items.add(`${item.relation}|${item.slug}`);
    }
  }
  return items;
}

/**
 * Clinics whose offering could put this entry on their pages: those offering the technique, or a
 * technique that treats the condition. Drafts count too (a preview shows the draft offering).
 */
async function clinicsShowing(strapi: Core.Strapi, trx: Knex.Transaction, uid: ContentUid, documentId: string): Promise<string[]> {
  if (uid !== UIDS.technique && uid !== UIDS.condition) return [];
  const clinic = modelMeta(strapi, UIDS.clinic);
  const technique = modelMeta(strapi, UIDS.technique);
  const offered = clinic.field('offeredTechniques')?.joinTable;
  const treats = technique.field('treats')?.joinTable;
  if (offered === undefined || offered === null || treats === undefined || treats === null) throw new Error('The clinic offering or the technique treats relation has no join table.');
  const query = strapi.db.connection(`${clinic.tableName} as c`)
    .distinct('c.document_id')
    .join(`${offered.name} as o`, `o.${offered.joinColumn.name}`, 'c.id')
    .join(`${technique.tableName} as t`, 't.id', `o.${offered.inverseJoinColumn.name}`)
    .transacting(trx);
  if (uid === UIDS.technique) query.where('t.document_id', documentId);
  else {
    query
      .join(`${treats.name} as l`, `l.${treats.joinColumn.name}`, 't.id')
      .join(`${modelMeta(strapi, UIDS.condition).tableName} as k`, 'k.id', `l.${treats.inverseJoinColumn.name}`)
      .where('k.document_id', documentId);
  }
  return ((await query) as Array<{ document_id: string }>).map((row) => row.document_id);
}

async function documentIdBySlug(strapi: Core.Strapi, uid: ContentUid, slug: string): Promise<string | null> {
  const row = (await strapi.db.query(uid).findOne({ where: { slug } as never, select: ['documentId'] })) as { documentId: string } | null;
  return row?.documentId ?? null;
}

const HIDDEN_PAGE_TYPES: Readonly<Record<string, ContentUid>> = { treats: UIDS.condition, techniques: UIDS.technique };

export function feedRecorder(strapi: Core.Strapi): TransactionSubscriber<Prepared> {
  async function contentChange(change: WriteChange, prepared: Prepared, trx: Knex.Transaction): Promise<{ isDraft: boolean; change: FeedChange } | null> {
    if (!isServedUid(change.uid) || typeof change.documentId !== 'string') return null;
    const written = [...change.rows.before, ...change.rows.after];
    let { isDraft } = prepared;
    // Deleting a document never published changes drafts only: previews are told.
    if (!isDraft && !written.some((row) => row.isPublished)) isDraft = true;
    const rows = written.filter((row) => row.isPublished !== isDraft);
    if (rows.length === 0) return null;
    const model = MODELS[change.uid];
    const type: PageType | null = model.pageType;
    const entry: FeedPage | null =
      type === null
        ? null
        : {
            type,
            documentId: change.documentId,
            slugs: unique(rows.flatMap((row) => (row.slug === null ? [] : [row.slug]))),
            locales: unique(rows.flatMap((row) => (row.locale === null ? [] : [row.locale]))),
          };
    const base = { kind: 'content' as const, uid: change.uid, documentId: change.documentId, entry, servedTo: prepared.servedTo };
    // Drafts link to drafts, which the change leaves out: previews read them with the feed.
    if (isDraft && change.action !== 'delete') return { isDraft, change: { ...base, related: [], linksWhenRead: true, isDeleted: false } };
    const writtenLocales = unique(rows.flatMap((row) => (row.locale === null ? [] : [row.locale])));
    const related = mergePages([
      ...linkedPages([...change.related.before, ...change.related.after], isDraft),
      ...(await pagesThroughFallback(change.uid, change.documentId, writtenLocales, trx)),
    ]).filter((page) => !(page.type === type && page.documentId === change.documentId));
    if (entry === null && related.length === 0) return null;
    const isDeleted = change.action === 'delete' && Number(await strapi.db.query(change.uid).count({ where: { documentId: change.documentId } as never })) === 0;
    return { isDraft, change: { ...base, related, isDeleted } };
  }

  /**
   * Pages that list the entry in a locale it was not written in, and show it in one it was: a page
   * whose own locale leaves the list empty takes it from the next locale of its chain (fr → en), and
   * shows the listed entries in its own locale. Told in the written locales.
   */
  async function pagesThroughFallback(uid: ContentUid, documentId: string, written: readonly string[], trx: Knex.Transaction): Promise<FeedPage[]> {
    const others = (await strapi.db.query(uid).findMany({
      where: { documentId, locale: { $notIn: [...written] }, publishedAt: { $notNull: true } } as never,
      select: ['id'],
    })) as Array<{ id: number }>;
    if (others.length === 0) return [];
    const pages = linkedPages(await readLinked(strapi, { uid, trx, ids: others.map((row) => row.id) }), false);
    return pages.map((page) => ({ ...page, locales: [...written] }));
  }

  async function adaptationChange(change: WriteChange, prepared: Prepared, trx: Knex.Transaction): Promise<{ clinic: string; change: FeedChange } | null> {
    if (typeof change.documentId !== 'string') return null;
    const { isDraft } = prepared;
    const rows = [...change.adaptations.before, ...change.adaptations.after].filter((row) => row.isPublished !== isDraft);
    const named = rows.find((row) => row.clinic !== null && row.target !== null);
    if (named?.clinic === null || named?.clinic === undefined || named.target === null) return null;
    const clinic = await documentIdBySlug(strapi, UIDS.clinic, named.clinic);
    const targetType = MODELS[named.target.uid].pageType;
    const targetId = await documentIdBySlug(strapi, named.target.uid, named.target.slug);
    if (clinic === null || targetType === null || targetId === null) return null;
    const locales = unique(rows.flatMap((row) => (row.locale === null ? [] : [row.locale])));
    const target: FeedPage = { type: targetType, documentId: targetId, slugs: [named.target.slug], locales };
    const targetRows = (await strapi.db.query(named.target.uid).findMany({ where: { documentId: targetId, ...statusWhere(isDraft ? 'draft' : 'published') } as never, select: ['id'] })) as Array<{ id: number }>;
    const related = linkedPages(await readLinked(strapi, { uid: named.target.uid, trx, ids: targetRows.map((row) => row.id) }), isDraft);
    const hiddenAfter = await hiddenItems(strapi, change.documentId, isDraft ? 'draft' : 'published');
    const toggled = [...prepared.hiddenBefore, ...hiddenAfter].filter((item) => prepared.hiddenBefore.has(item) !== hiddenAfter.has(item));
    const hidden: FeedPage[] = [];
    for (const item of toggled) {
      const [relation = '', slug = ''] = item.split('|');
      const uid = HIDDEN_PAGE_TYPES[relation];
      const type = uid === undefined ? null : MODELS[uid].pageType;
      const documentId = uid === undefined ? null : await documentIdBySlug(strapi, uid, slug);
      if (type !== null && documentId !== null) hidden.push({ type, documentId, slugs: [slug], locales });
    }
    return { clinic, change: { kind: 'adaptation', target, related, hidden } };
  }

  return {
    name: 'the change feed',
    needsRows: true,

    async prepare(intent) {
      if (intent.source !== 'document' || !(isServedUid(intent.uid) || intent.uid === ADAPTATION.uid)) return undefined;
      const isDraft = publishedEffectOf(intent) === null;
      const status: Status = isDraft ? 'draft' : 'published';
      const { documentId } = intent;
      const prepared: Prepared = { isDraft, servedTo: [], clinicBefore: null, hiddenBefore: new Set() };
      if (documentId === null) return prepared;
      if (intent.uid === UIDS.clinic) prepared.clinicBefore = await clinicState(strapi, documentId, status);
      else if (intent.uid === ADAPTATION.uid) prepared.hiddenBefore = await hiddenItems(strapi, documentId, status);
      // Only a publish, unpublish or delete takes a page away: a draft save needs no one to tell.
      else if (!isDraft) prepared.servedTo = await clinicsShowing(strapi, await transactionOf(strapi), intent.uid, documentId);
      return prepared;
    },

    async write(change, { transaction, prepared }) {
      const { trx } = transaction;
      const { isDraft } = prepared;
      if (change.uid === UIDS.clinic) {
        if (typeof change.documentId !== 'string') return;
        const before = prepared.clinicBefore ?? { offered: new Set<string>(), locales: [], served: '' };
        const after = await clinicState(strapi, change.documentId, isDraft ? 'draft' : 'published');
        if (after.served === before.served) return;
        const offered = [...before.offered, ...after.offered].filter((id) => before.offered.has(id) !== after.offered.has(id));
        await appendFeedRow(strapi, trx, { isDraft, clinic: change.documentId, change: { kind: 'clinic', offered: unique(offered), locales: { before: before.locales, after: after.locales } } });
        return;
      }
      if (change.uid === ADAPTATION.uid) {
        const recorded = await adaptationChange(change, prepared, trx);
        if (recorded !== null) await appendFeedRow(strapi, trx, { isDraft, clinic: recorded.clinic, change: recorded.change });
        return;
      }
      const recorded = await contentChange(change, prepared, trx);
      if (recorded !== null) await appendFeedRow(strapi, trx, { isDraft: recorded.isDraft, clinic: null, change: recorded.change });
    },
  };
}
