/**
 * The review-due report: techniques and conditions whose medical review has lapsed or falls due
 * within a window (30 days by default), and those that have no review at all. Editors see it in the
 * admin (GET /editor/review-due, routes.ts) and on the command line (`npm run review:due`).
 *
 * It reads drafts — the version editors work on, which is where a new review is entered — and says for
 * each whether that locale is published. A locale with a review of its own is listed on its own; a
 * locale without one is served its fallback's review (publish-check.ts), so only the end of the chain
 * (the default locale, or the locale a document exists in when it has no default-locale version) is
 * listed as missing.
 */
import type { Core } from '@strapi/strapi';
import { chainOf, localeSettings } from '../locales/config';
import { UIDS } from '../content/model';
import { isEmptyValue, toDay } from '../content/values';
import { textTable } from '../reports/text-table';

export const REVIEWED_TYPES = { technique: UIDS.technique, condition: UIDS.condition } as const;

export type ReviewedType = keyof typeof REVIEWED_TYPES;
export type ReviewStatus = 'overdue' | 'due-soon' | 'missing';

export interface ReviewDueEntry {
  type: ReviewedType;
  documentId: string;
  slug: string;
  locale: string;
  /** The entry's name in this locale, or along its chain when the locale leaves it empty. */
  name: string;
  reviewedBy: string | null;
  lastReviewed: string | null;
  /** YYYY-MM-DD; null when the review is missing. */
  nextReviewDue: string | null;
  status: ReviewStatus;
  /** Days from today (UTC) to nextReviewDue: negative when overdue, 0 when due today, null when missing. */
  daysLeft: number | null;
  /** True when this locale of the entry is published (sites serve it). */
  isPublished: boolean;
}

export interface ReviewDueReport {
  generatedAt: string;
  withinDays: number;
  entries: ReviewDueEntry[];
}

export const DEFAULT_WITHIN_DAYS = 30;
/** Ten years: a longer window is a typo, and it keeps the date arithmetic far from overflow. */
export const MAX_WITHIN_DAYS = 3650;

export class ReviewDueInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReviewDueInputError';
  }
}

/** The window in days as the CLI and the route take it: a whole number from 1 to MAX_WITHIN_DAYS. */
export function parseWithinDays(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_WITHIN_DAYS;
  const value = /^\d{1,5}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isInteger(value) || value < 1 || value > MAX_WITHIN_DAYS) {
    throw new ReviewDueInputError(`days must be a whole number from 1 to ${MAX_WITHIN_DAYS} (got "${raw}")`);
  }
  return value;
}

interface ReviewRecord {
  reviewedBy?: string | null;
  lastReviewed?: unknown;
  nextReviewDue?: unknown;
}

interface DraftRow {
  documentId: string;
  slug: string;
  locale: string;
  name: string | null;
  medicalReview: ReviewRecord | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function dayNumber(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / DAY_MS;
}

const STATUS_RANK: Record<ReviewStatus, number> = { missing: 0, overdue: 1, 'due-soon': 2 };

/** Most urgent first: no review at all, then the longest overdue, then the soonest due; live before draft-only. */
function compareEntries(a: ReviewDueEntry, b: ReviewDueEntry): number {
  return (
    STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
    (a.daysLeft ?? 0) - (b.daysLeft ?? 0) ||
    Number(b.isPublished) - Number(a.isPublished) ||
    a.type.localeCompare(b.type) ||
    a.slug.localeCompare(b.slug) ||
    a.locale.localeCompare(b.locale)
  );
}

/**
 * Entries whose review is overdue or due within `withinDays` days of `now` (default: today), and
 * entries with no review at all; reviews due later are left out. A fixed number of queries (a few per
 * type), however many entries there are.
 */
export async function reviewsDue(
  strapi: Core.Strapi,
  options: { withinDays?: number; now?: Date } = {},
): Promise<ReviewDueEntry[]> {
  const withinDays = options.withinDays ?? DEFAULT_WITHIN_DAYS;
  if (!Number.isInteger(withinDays) || withinDays < 1 || withinDays > MAX_WITHIN_DAYS) {
    throw new ReviewDueInputError(`withinDays must be a whole number from 1 to ${MAX_WITHIN_DAYS} (got ${withinDays})`);
  }
  const today = dayNumber((options.now ?? new Date()).toISOString().slice(0, 10));
  const settings = localeSettings(strapi);
  const entries: ReviewDueEntry[] = [];

  for (const [type, uid] of Object.entries(REVIEWED_TYPES) as Array<[ReviewedType, (typeof REVIEWED_TYPES)[ReviewedType]]>) {
    const query = strapi.db.query(uid);
    const drafts = (await query.findMany({
      where: { publishedAt: { $null: true } },
      select: ['id', 'documentId', 'slug', 'locale', 'name'],
      populate: { medicalReview: { select: ['reviewedBy', 'lastReviewed', 'nextReviewDue'] } },
    })) as DraftRow[];
    const published = (await query.findMany({
      where: { publishedAt: { $notNull: true } },
      select: ['documentId', 'locale'],
    })) as Array<{ documentId: string; locale: string }>;
    const isPublished = new Set(published.map((row) => `${row.documentId}@${row.locale}`));

    const byDocument = new Map<string, Map<string, DraftRow>>();
    for (const row of drafts) {
      const locales = byDocument.get(row.documentId) ?? new Map<string, DraftRow>();
      locales.set(row.locale, row);
      byDocument.set(row.documentId, locales);
    }
    const known = [...new Set([...settings.locales.map((locale) => locale.code), ...drafts.map((row) => row.locale)])];

    for (const row of drafts) {
      const versions = byDocument.get(row.documentId) as Map<string, DraftRow>;
      const fallbacks = chainOf(settings, row.locale, known).slice(1);
      const name =
        [row.locale, ...fallbacks].map((locale) => versions.get(locale)?.name).find((value) => typeof value === 'string' && value.trim() !== '') ??
        row.slug;
      const common = { type, documentId: row.documentId, slug: row.slug, locale: row.locale, name, isPublished: isPublished.has(`${row.documentId}@${row.locale}`) };
      const review = row.medicalReview;
      if (review === null || isEmptyValue(review)) {
        // Served its fallback's review when one exists along the chain; that version is listed itself.
        if (fallbacks.some((locale) => versions.has(locale))) continue;
        entries.push({ ...common, reviewedBy: null, lastReviewed: null, nextReviewDue: null, status: 'missing', daysLeft: null });
        continue;
      }
      const nextReviewDue = toDay(review.nextReviewDue);
      const reviewedBy = typeof review.reviewedBy === 'string' && review.reviewedBy.trim() !== '' ? review.reviewedBy : null;
      const lastReviewed = toDay(review.lastReviewed);
      if (nextReviewDue === null) {
        // A draft review without a due date cannot be scheduled: as good as none.
        entries.push({ ...common, reviewedBy, lastReviewed, nextReviewDue: null, status: 'missing', daysLeft: null });
        continue;
      }
      const daysLeft = dayNumber(nextReviewDue) - today;
      if (daysLeft > withinDays) continue;
      entries.push({ ...common, reviewedBy, lastReviewed, nextReviewDue, status: daysLeft < 0 ? 'overdue' : 'due-soon', daysLeft });
    }
  }
  return entries.sort(compareEntries);
}

export async function reviewDueReport(
  strapi: Core.Strapi,
  options: { withinDays?: number; now?: Date } = {},
): Promise<ReviewDueReport> {
  const now = options.now ?? new Date();
  const withinDays = options.withinDays ?? DEFAULT_WITHIN_DAYS;
  return { generatedAt: now.toISOString(), withinDays, entries: await reviewsDue(strapi, { withinDays, now }) };
}

/** The report as a table for people. */
export function formatReviewDue(report: ReviewDueReport): string {
  const today = report.generatedAt.slice(0, 10);
  const { entries } = report;
  if (entries.length === 0) {
    return `No medical review is missing, overdue or due within ${report.withinDays} days (as of ${today}).`;
  }
  const count = (status: ReviewStatus) => entries.filter((entry) => entry.status === status).length;
  const lines = [
    `Medical reviews as of ${today}: ${count('missing')} missing, ${count('overdue')} overdue, ${count('due-soon')} due within ${report.withinDays} days`,
    '',
  ];
  const headers = ['status', 'days', 'type', 'locale', 'published', 'next due', 'reviewed by', 'entry'];
  const rows = entries.map((entry) => [
    entry.status,
    entry.daysLeft === null ? '-' : String(entry.daysLeft),
    entry.type,
    entry.locale,
    entry.isPublished ? 'yes' : 'no',
    entry.nextReviewDue ?? '-',
    entry.reviewedBy ?? '-',
    `${entry.name} (${entry.slug})`,
  ]);
  lines.push(...textTable({ headers, rows, isRightAligned: (column) => column === 1 }));
  return lines.join('\n');
}
