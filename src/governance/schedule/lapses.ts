/**
 * Published medical content whose review has lapsed (its next-review date has passed) does not stay
 * silently live. REVIEW_LAPSE_POLICY says what the scheduler does about a lapse:
 * - `flag` (the default): a `flagged` row in the schedule table and a `review.lapsed` row on the audit
 *   trail, once per lapse; editors see it on the entry and in the list (it is `cleared` once the review
 *   served there is renewed, or the locale is unpublished);
 * - `unpublish`: a job that unpublishes that locale now, run like any scheduled unpublish.
 *
 * A lapse is judged on what sites are served: a published locale's own review or, when it has none,
 * the review of the first published locale along its chain (l10n/publish-check.ts). So when the default
 * locale's review lapses, a regional locale served that review lapses with it.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { isEmptyValue, toDay } from '../../content/values';
import { REVIEWED_TYPES } from '../../editorial/review-due';
import { chainOf, localeSettings } from '../../locales/config';
import { actorName } from '../actor';
import { appendAuditRow } from '../audit';
import { insertJob, table, type ScheduleJob } from './table';
import { SCHEDULER } from './runner';

export const REVIEW_LAPSE_POLICIES = ['flag', 'unpublish'] as const;
export type ReviewLapsePolicy = (typeof REVIEW_LAPSE_POLICIES)[number];

export interface Lapse {
  uid: string;
  documentId: string;
  locale: string;
  /** The locale whose review is served there (itself, or one along its chain). */
  reviewLocale: string;
  nextReviewDue: string;
  /** One per lapse of one served review: a renewed review that lapses again is a new lapse. */
  key: string;
}

interface PublishedRow {
  documentId: string;
  locale: string;
  medicalReview: { nextReviewDue?: unknown } | null;
}

/** The lapses of today (UTC): a few statements per type while nothing has lapsed. */
export async function currentLapses(strapi: Core.Strapi, now: Date = new Date()): Promise<Lapse[]> {
  const today = now.toISOString().slice(0, 10);
  const settings = localeSettings(strapi);
  const lapses: Lapse[] = [];
  for (const uid of Object.values(REVIEWED_TYPES)) {
    const query = strapi.db.query(uid);
    const lapsed = (await query.findMany({
      where: { publishedAt: { $notNull: true }, medicalReview: { nextReviewDue: { $lt: today } } } as never,
      select: ['documentId'],
    })) as Array<{ documentId: string }>;
    const documentIds = [...new Set(lapsed.map((row) => row.documentId))];
    if (documentIds.length === 0) continue;
    const rows = (await query.findMany({
      where: { documentId: { $in: documentIds }, publishedAt: { $notNull: true } } as never,
      select: ['documentId', 'locale'],
      populate: { medicalReview: { select: ['nextReviewDue'] } } as never,
    })) as PublishedRow[];
    const byDocument = new Map<string, Map<string, PublishedRow>>();
    for (const row of rows) byDocument.set(row.documentId, (byDocument.get(row.documentId) ?? new Map<string, PublishedRow>()).set(row.locale, row));
    for (const [documentId, locales] of byDocument) {
      const known = [...new Set([...settings.locales.map((locale) => locale.code), ...locales.keys()])];
      for (const locale of locales.keys()) {
        const reviewLocale = chainOf(settings, locale, known).find((step) => {
          const review = locales.get(step)?.medicalReview ?? null;
          return review !== null && !isEmptyValue(review);
        });
        if (reviewLocale === undefined) continue;
        const nextReviewDue = toDay(locales.get(reviewLocale)?.medicalReview?.nextReviewDue);
        if (nextReviewDue === null || nextReviewDue >= today) continue;
        lapses.push({ uid, documentId, locale, reviewLocale, nextReviewDue, key: `${uid}:${documentId}:${locale}:${nextReviewDue}` });
      }
    }
  }
  return lapses;
}

/**
 * Acts on today's lapses under `policy` (each lapse once, however many instances notice it) and clears
 * the flags of lapses that ended. Returns the unpublish jobs it added, for the worker to run.
 */
export async function handleLapses(strapi: Core.Strapi, input: { policy: ReviewLapsePolicy; now?: Date }): Promise<ScheduleJob[]> {
  const lapses = await currentLapses(strapi, input.now);
  const now = (input.now ?? new Date()).getTime();
  const added: ScheduleJob[] = [];
  // Keyed by policy too: a lapse flagged before the policy became `unpublish` is still taken down.
  const keyOf = (lapse: Lapse) => `${input.policy}:${lapse.key}`;
  const known = new Set(
    ((await table(strapi).select('lapse_key').whereIn('lapse_key', lapses.length === 0 ? [''] : lapses.map(keyOf))) as Array<{ lapse_key: string }>).map((row) => row.lapse_key),
  );
  for (const lapse of lapses.filter((item) => !known.has(keyOf(item)))) {
    const isUnpublish = input.policy === 'unpublish';
    const job = await strapi.db.transaction(async ({ trx }: { trx: Knex.Transaction }) => {
      const inserted = await insertJob(strapi, trx, {
        uid: lapse.uid,
        documentId: lapse.documentId,
        locale: lapse.locale,
        action: 'unpublish',
        dueAt: now,
        reason: 'review-lapsed',
        actor: SCHEDULER,
        lapseKey: keyOf(lapse),
        status: isUnpublish ? 'pending' : 'flagged',
        outcome: `medical review ${lapse.reviewLocale === lapse.locale ? '' : `(of "${lapse.reviewLocale}", served here) `}was due ${lapse.nextReviewDue}`,
      });
      if (inserted !== null) {
        await appendAuditRow(strapi, trx, {
          actor: SCHEDULER,
          action: 'review.lapsed',
          target: { uid: lapse.uid, documentId: lapse.documentId, locale: lapse.locale },
          details: { policy: input.policy, nextReviewDue: lapse.nextReviewDue, reviewLocale: lapse.reviewLocale, scheduleId: inserted.id },
        });
      }
      return inserted;
    });
    if (job !== null && isUnpublish) added.push(job);
  }
  // A flag whose lapse is over (review renewed and published, or the locale unpublished) is cleared.
  const current = new Set(lapses.map((lapse) => `flag:${lapse.key}`));
  const flagged = (await table(strapi).select('id', 'lapse_key').where('status', 'flagged')) as Array<{ id: number | string; lapse_key: string | null }>;
  const ended = flagged.filter((row) => row.lapse_key !== null && !current.has(row.lapse_key)).map((row) => Number(row.id));
  if (ended.length > 0) {
    await table(strapi).whereIn('id', ended).andWhere('status', 'flagged').update({ status: 'cleared', closed_at: now, closed_by: actorName(SCHEDULER) });
  }
  return added;
}
