/**
 * A clinic's pages: the therapy pages of the techniques it offers and the condition pages of the
 * conditions those techniques treat on its pages (a condition its adaptation of a technique hides is
 * not treated there), each in the clinic's locales that can serve it along their chains, with the
 * locale it is served from, when it last changed and its medical review dates.
 *
 * This is the set the manifest lists, the sitemap links and the change feed compares against, so all
 * three agree. It is read with a handful of light statements (identity columns, relation documentIds,
 * review dates): never the entries' text, which a site fetches page by page.
 */
import type { Core } from '@strapi/strapi';
import { ADAPTATION, UIDS, modelMeta, type ContentUid, type JoinTable, type PageType } from '../content/model';
import { toEpochMs } from '../content/values';

export type PageStatus = 'published' | 'draft';

export interface ClinicForPages {
  documentId: string;
  slug: string;
  /** Its locales, in its order (the first is its default). */
  locales: readonly string[];
  offeredTechniques: readonly string[];
}

export interface PageLocale {
  /** One of the clinic's locales. */
  locale: string;
  /** The locale of the chain the page is served from. */
  servedFrom: string;
  /** The entry's or the clinic's adaptation's last change, ms since the epoch. */
  modifiedAt: number;
  lastReviewed: string | null;
  nextReviewDue: string | null;
}

export interface ClinicPage {
  type: PageType;
  documentId: string;
  slug: string;
  /** In the clinic's order of locales. */
  locales: PageLocale[];
}

export interface ClinicPages {
  /** Therapy pages first, then condition pages, each by slug. */
  pages: ClinicPage[];
  byId: ReadonlyMap<string, ClinicPage>;
  /** Conditions treated by an offered technique whose every offering technique hides them here. */
  hidden: ReadonlySet<string>;
}

interface EntryRow {
  documentId: string;
  slug: string;
  locale: string;
  updatedAt: unknown;
  treats?: Array<{ documentId: string }>;
  medicalReview?: { lastReviewed?: unknown; nextReviewDue?: unknown } | null;
}

interface AdaptationRow {
  locale: string;
  updatedAt: unknown;
  technique: string | null;
  condition: string | null;
  hidden?: Array<{ relation?: unknown; slug?: unknown }>;
}

/** A page's key in `byId`. */
export const pageKey = (type: PageType, documentId: string) => `${type}|${documentId}`;

const statusWhere = (status: PageStatus) => ({ publishedAt: status === 'published' ? { $notNull: true } : { $null: true } });

const date = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value.slice(0, 10) : null);

/** A field's join table, which must exist (the registry and the schemas agree: tests/unit/content-model.test.ts). */
function joinOf(strapi: Core.Strapi, uid: string, field: string): JoinTable {
  const join = modelMeta(strapi, uid).field(field)?.joinTable;
  if (join === undefined || join === null) throw new Error(`${uid} field "${field}" has no join table.`);
  return join;
}

function columnOf(strapi: Core.Strapi, uid: string, field: string): string {
  const column = modelMeta(strapi, uid).field(field)?.column;
  if (column === undefined || column === null) throw new Error(`${uid} field "${field}" has no column.`);
  return column;
}

/**
 * Rows of a page type by documentId, with the few columns pages need: one statement for the rows and
 * their review dates, and one for the treated conditions of techniques. Written against Strapi's
 * metadata rather than through its query engine: a clinic offering everything has thousands of rows,
 * and hydrating them as entities would cost more than the statements.
 */
async function entryRows(strapi: Core.Strapi, uid: ContentUid, documentIds: readonly string[], locales: readonly string[], status: PageStatus, withTreats: boolean): Promise<Map<string, Map<string, EntryRow>>> {
  const byDocument = new Map<string, Map<string, EntryRow>>();
  if (documentIds.length === 0) return byDocument;
  const knex = strapi.db.connection;
  const review = joinOf(strapi, uid, 'medicalReview');
  const reviewUid = modelMeta(strapi, uid).field('medicalReview')?.component?.uid ?? '';
  const reviewTable = modelMeta(strapi, reviewUid).tableName;
  const query = knex(`${modelMeta(strapi, uid).tableName} as t`)
    .leftJoin(`${review.name} as j`, function joinReview() {
      this.on(`j.${review.joinColumn.name}`, '=', 't.id');
      for (const [column, value] of Object.entries(review.on ?? {})) this.andOn(`j.${column}`, '=', knex.raw('?', [value]));
    })
    .leftJoin(`${reviewTable} as r`, 'r.id', `j.${review.inverseJoinColumn.name}`)
    .whereIn('t.document_id', [...documentIds])
    .whereIn('t.locale', [...locales])
    .select(
      't.id',
      't.document_id',
      't.slug',
      't.locale',
      't.updated_at',
      // As text: PostgreSQL's driver would otherwise make a date a local midnight.
      knex.raw('cast(r.?? as text) as last_reviewed', [columnOf(strapi, reviewUid, 'lastReviewed')]),
      knex.raw('cast(r.?? as text) as next_review_due', [columnOf(strapi, reviewUid, 'nextReviewDue')]),
    );
  if (status === 'published') query.whereNotNull('t.published_at');
  else query.whereNull('t.published_at');
  const rows = (await query) as Array<{ id: number | string; document_id: string; slug: string; locale: string; updated_at: unknown; last_reviewed: string | null; next_review_due: string | null }>;

  const treats = new Map<number, string[]>();
  if (withTreats && rows.length > 0) {
    const link = joinOf(strapi, uid, 'treats');
    const links = (await knex(`${link.name} as l`)
      .join(`${modelMeta(strapi, UIDS.condition).tableName} as c`, 'c.id', `l.${link.inverseJoinColumn.name}`)
      .whereIn(`l.${link.joinColumn.name}`, rows.map((row) => Number(row.id)))
      .select(`l.${link.joinColumn.name} as row_id`, 'c.document_id')) as Array<{ row_id: number | string; document_id: string }>;
    for (const entry of links) treats.set(Number(entry.row_id), [...(treats.get(Number(entry.row_id)) ?? []), entry.document_id]);
  }

  for (const row of rows) {
    const locales = byDocument.get(row.document_id) ?? new Map<string, EntryRow>();
    const hasReview = row.last_reviewed !== null || row.next_review_due !== null;
    locales.set(row.locale, {
      documentId: row.document_id,
      slug: row.slug,
      locale: row.locale,
      updatedAt: row.updated_at,
      treats: (treats.get(Number(row.id)) ?? []).map((documentId) => ({ documentId })),
      medicalReview: hasReview ? { lastReviewed: row.last_reviewed, nextReviewDue: row.next_review_due } : null,
    });
    byDocument.set(row.document_id, locales);
  }
  return byDocument;
}

/** The first row of the chain, and each field it leaves empty from the next row that has it (as the API serves it). */
function served(rows: ReadonlyMap<string, EntryRow> | undefined, chain: readonly string[]): { row: EntryRow; treats: string[]; review: EntryRow['medicalReview'] } | null {
  if (rows === undefined) return null;
  const ordered = chain.flatMap((locale) => {
    const row = rows.get(locale);
    return row === undefined ? [] : [row];
  });
  const [first] = ordered;
  if (first === undefined) return null;
  const treats = ordered.find((row) => (row.treats ?? []).length > 0)?.treats ?? [];
  const review = ordered.find((row) => row.medicalReview !== null && row.medicalReview !== undefined)?.medicalReview ?? null;
  return { row: first, treats: treats.map((link) => link.documentId), review };
}

/** Computed page sets by clinic and status, each valid while the feed has not moved past `end`. */
interface Known {
  end: number;
  pages: Promise<ClinicPages>;
}
const known = new WeakMap<Core.Strapi, Map<string, Known>>();
/** A clinic offering everything has some 15,000 page-locales: a few dozen sets are plenty. */
const MAX_KNOWN = 32;

/**
 * The clinic's pages as of feed position `end` (read by the caller before this call). Every write that
 * can change a clinic's pages appends a feed row, on whichever instance makes it, so a set computed at
 * `end` holds until the feed moves on: the many requests of one build (a manifest in pages of 100, the
 * feed read page by page) compute it once.
 */
export async function clinicPagesAt(
  strapi: Core.Strapi,
  input: { clinic: ClinicForPages; status: PageStatus; chainOf: (locale: string) => readonly string[]; end: number },
): Promise<ClinicPages> {
  const { clinic, status, chainOf, end } = input;
  let byKey = known.get(strapi);
  if (byKey === undefined) {
    byKey = new Map();
    known.set(strapi, byKey);
  }
  const key = JSON.stringify([clinic.documentId, clinic.slug, status, clinic.locales.map((locale) => chainOf(locale)), clinic.offeredTechniques]);
  const hit = byKey.get(key);
  if (hit !== undefined && hit.end === end) return hit.pages;
  const pages = readClinicPages(strapi, { clinic, status, chainOf });
  byKey.delete(key);
  byKey.set(key, { end, pages });
  pages.catch(() => byKey?.get(key)?.pages === pages && byKey.delete(key));
  if (byKey.size > MAX_KNOWN) byKey.delete(byKey.keys().next().value as string);
  return pages;
}

export async function readClinicPages(
  strapi: Core.Strapi,
  input: { clinic: ClinicForPages; status: PageStatus; chainOf: (locale: string) => readonly string[] },
): Promise<ClinicPages> {
  const { clinic, status, chainOf } = input;
  const chains = new Map(clinic.locales.map((locale) => [locale, chainOf(locale)]));
  const allLocales = [...new Set([...chains.values()].flat())];

  const [techniques, adaptations] = await Promise.all([
    entryRows(strapi, UIDS.technique, clinic.offeredTechniques, allLocales, status, true),
    strapi.db.query(ADAPTATION.uid).findMany({
      where: { [ADAPTATION.clinicField]: clinic.slug, locale: { $in: allLocales }, ...statusWhere(status) } as never,
      select: ['locale', 'updatedAt', 'technique', 'condition'],
      populate: { [ADAPTATION.hiddenField]: true } as never,
    }) as Promise<AdaptationRow[]>,
  ]);

  // The clinic's adaptations by target slug: hidden items are not localized, change times are.
  const adapted = new Map<string, { hidden: Set<string>; modified: Map<string, number> }>();
  for (const row of adaptations) {
    const key = row.technique !== null && row.technique !== '' ? `techniques|${row.technique}` : row.condition !== null && row.condition !== '' ? `conditions|${row.condition}` : null;
    if (key === null) continue;
    const known = adapted.get(key) ?? { hidden: new Set<string>(), modified: new Map<string, number>() };
    for (const item of row.hidden ?? []) if (item.relation === 'treats' && typeof item.slug === 'string') known.hidden.add(item.slug);
    known.modified.set(row.locale, toEpochMs(row.updatedAt));
    adapted.set(key, known);
  }
  const adaptationModified = (type: PageType, slug: string, chain: readonly string[]): number => {
    const modified = adapted.get(`${type}|${slug}`)?.modified;
    return modified === undefined ? 0 : Math.max(0, ...chain.map((locale) => modified.get(locale) ?? 0));
  };

  const pages = new Map<string, ClinicPage>();
  /** A page served in one of the clinic's locales, from the chain's row (`entry`). */
  const add = (type: PageType, documentId: string, entry: NonNullable<ReturnType<typeof served>>, locale: string, chain: readonly string[]) => {
    const { row, review } = entry;
    const key = pageKey(type, documentId);
    const page = pages.get(key) ?? { type, documentId, slug: row.slug, locales: [] };
    page.locales.push({
      locale,
      servedFrom: row.locale,
      modifiedAt: Math.max(toEpochMs(row.updatedAt), adaptationModified(type, row.slug, chain)),
      lastReviewed: date(review?.lastReviewed),
      nextReviewDue: date(review?.nextReviewDue),
    });
    pages.set(key, page);
  };

  // The techniques each clinic locale serves, and the conditions they treat there.
  const servedTechniques = new Map<string, Array<NonNullable<ReturnType<typeof served>>>>();
  for (const [locale, chain] of chains) {
    const here: Array<NonNullable<ReturnType<typeof served>>> = [];
    for (const documentId of clinic.offeredTechniques) {
      const technique = served(techniques.get(documentId), chain);
      if (technique === null) continue;
      here.push(technique);
      add('techniques', documentId, technique, locale, chain);
    }
    servedTechniques.set(locale, here);
  }

  // Hidden items name conditions by slug: the treated conditions' rows first, then what each locale shows.
  const treated = [...new Set([...servedTechniques.values()].flat().flatMap((technique) => technique.treats))];
  const conditions = await entryRows(strapi, UIDS.condition, treated, allLocales, status, false);
  const slugOf = (documentId: string) => [...(conditions.get(documentId)?.values() ?? [])][0]?.slug ?? null;
  for (const [locale, chain] of chains) {
    const visible = new Set<string>();
    for (const technique of servedTechniques.get(locale) ?? []) {
      const hides = adapted.get(`techniques|${technique.row.slug}`)?.hidden;
      for (const documentId of technique.treats) {
        const slug = slugOf(documentId);
        if (slug !== null && hides?.has(slug) !== true) visible.add(documentId);
      }
    }
    for (const documentId of visible) {
      const condition = served(conditions.get(documentId), chain);
      if (condition === null) continue;
      add('conditions', documentId, condition, locale, chain);
    }
  }
  const hidden = new Set(treated.filter((documentId) => conditions.has(documentId) && !pages.has(pageKey('conditions', documentId))));

  const order = (page: ClinicPage) => (page.type === 'techniques' ? 0 : 1);
  const list = [...pages.values()].sort((a, b) => order(a) - order(b) || a.slug.localeCompare(b.slug));
  for (const page of list) page.locales.sort((a, b) => clinic.locales.indexOf(a.locale) - clinic.locales.indexOf(b.locale));
  return { pages: list, byId: pages, hidden };
}
