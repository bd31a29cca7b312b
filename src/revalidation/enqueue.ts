/**
 * The outbox subscriber of the write pipeline: turns every change to published content — publish,
 * unpublish, delete, and create/update with status "published" — into outbox rows, one per clinic whose
 * site shows the change. Draft edits and discarded drafts change nothing public and send nothing.
 *
 * It runs inside the write's transaction (src/content/writes), so the write and its rows commit
 * together: a rolled-back write sends nothing and a committed one is announced even if the process
 * stops right after. The rows and linked rows come with the change; only the clinics' settings are
 * read here. The worker is woken once the outermost transaction has committed.
 */
import { randomUUID } from 'crypto';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { chainOf, localeSettings } from '../locales/config';
import { MODELS, UIDS, isServedUid } from '../content/model';
import { publishedEffectOf, type LinkedRow, type RowVersion, type TransactionSubscriber, type WriteChange } from '../content/writes';
import { clinicRevalidationSettings, isConfigured, urlForLogs, type ClinicRevalidation } from './clinics';
import { insertDelivery, replacePayload } from './outbox';
import { mergePayload, type OutdatedNotice, type ChangedEntry, type RelatedEntry, type RevalidationEvent, type RevalidationPayload } from './payload';

const unique = <T>(values: T[]): T[] => [...new Set(values)];

/** The clinic's locales whose pages change: those whose fallback chain reaches a changed locale. */
export function affectedLocales(strapi: Core.Strapi, clinic: ClinicRevalidation, changed: ReadonlySet<string>): string[] {
  const settings = localeSettings(strapi);
  return clinic.locales.filter((locale) => chainOf(settings, locale).some((code) => changed.has(code)));
}

/** Rows written in one transaction, per clinic and event, so later writes extend them. */
const pendingByTransaction = new WeakMap<Knex.Transaction, Map<string, { deliveryId: string; payload: RevalidationPayload }>>();

/** Records one clinic's delivery of `event` in the write's transaction, or extends the one this transaction already has. */
export async function record(
  strapi: Core.Strapi,
  input: { trx: Knex.Transaction; clinic: ClinicRevalidation; event: RevalidationEvent; entries: ChangedEntry[]; related: RelatedEntry[]; adaptations?: OutdatedNotice[] },
): Promise<void> {
  const { trx, clinic, event } = input;
  const url = clinic.url;
  if (url === null) return;
  let pending = pendingByTransaction.get(trx);
  if (pending === undefined) {
    pending = new Map();
    pendingByTransaction.set(trx, pending);
  }
  const key = `${clinic.documentId}|${event}|${url}`;
  const earlier = pending.get(key);
  if (earlier !== undefined) {
    earlier.payload = mergePayload(earlier.payload, input);
    await replacePayload(strapi, trx, earlier.deliveryId, JSON.stringify(earlier.payload));
    return;
  }
  const deliveryId = randomUUID();
  const now = Date.now();
  const payload = mergePayload({ event, deliveryId, occurredAt: new Date(now).toISOString(), clinic: { slug: clinic.slug }, entries: [], related: [] }, input);
  const failure = isConfigured(clinic)
    ? null
    : 'Not sent: the clinic has a revalidation URL but no revalidation secret (16+ characters) to sign requests with. Set one on the clinic and publish it.';
  if (failure !== null) {
    strapi.log.warn(`Revalidation for clinic "${clinic.slug}" at ${urlForLogs(url)} not sent: the clinic has no revalidation secret.`);
  }
  await insertDelivery(strapi, trx, { deliveryId, clinicDocumentId: clinic.documentId, clinicSlug: clinic.slug, url, payload: JSON.stringify(payload), signingSecret: clinic.secret, failure, now });
  pending.set(key, { deliveryId, payload });
}


interface Prepared {
  event: RevalidationEvent;
  /** The clinics' settings before the write (a deleted clinic is told with the settings it had). */
  clinicsBefore: ClinicRevalidation[];
}

const idsOf = (rows: readonly RowVersion[]) => new Set(rows.map((row) => row.id));
const slugsOf = (rows: readonly RowVersion[]) => rows.map((row) => row.slug).filter((slug): slug is string => slug !== null);

/** Published documents whose pages list one of these rows (one level of relations). */
function relatedPages(linked: readonly LinkedRow[], rows: readonly RowVersion[]): RelatedEntry[] {
  const ids = idsOf(rows);
  const pages = new Map<string, RelatedEntry>();
  for (const row of linked) {
    if (!row.isPublished || row.slug === null || !ids.has(row.linkedTo)) continue;
    const entry = { type: MODELS[row.uid].name, slug: row.slug };
    pages.set(`${entry.type}|${entry.slug}`, entry);
  }
  return [...pages.values()];
}

export function revalidationSubscriber(input: { strapi: Core.Strapi; onEnqueued: () => void }): TransactionSubscriber<Prepared> {
  const { strapi, onEnqueued } = input;
  return {
    name: 'the revalidation outbox',
    needsRows: true,

    async prepare(intent) {
      const event = publishedEffectOf(intent);
      if (event === null || intent.source !== 'document' || !isServedUid(intent.uid)) return undefined;
      const isClinic = intent.uid === UIDS.clinic;
      const clinicsBefore = await clinicRevalidationSettings(strapi, isClinic && intent.documentId !== null ? { documentId: intent.documentId } : {});
      // Nobody to tell: no rows are read for this write (a seed publishes every entry of a fresh database).
      if (!isClinic && !clinicsBefore.some((clinic) => clinic.url !== null)) return undefined;
      return { event, clinicsBefore };
    },

    async write(change: WriteChange, { transaction, prepared }) {
      const { event, clinicsBefore } = prepared;
      const { documentId } = change;
      if (typeof documentId !== 'string' || !isServedUid(change.uid)) return;
      const isClinic = change.uid === UIDS.clinic;
      const [before, after] = [idsOf(change.rows.before), idsOf(change.rows.after)];
      // A publish replaces the published rows of the locales it publishes (Strapi deletes and recreates
      // them); an unpublish or delete removes them. Rows updated in place keep their pages.
      const publishedBefore = change.rows.before.filter((row) => row.isPublished && !after.has(row.id));
      const changedRows = event === 'publish' ? change.rows.after.filter((row) => row.isPublished && !before.has(row.id)) : publishedBefore;
      if (changedRows.length === 0) return;
      const changedLocales = new Set(changedRows.map((row) => row.locale).filter((locale): locale is string => locale !== null));
      // A publish may rename the page: the old address must be rebuilt too (it now answers 404).
      const slugs = unique([...slugsOf(changedRows), ...slugsOf(publishedBefore)]);
      const type = MODELS[change.uid].name;
      const related = isClinic
        ? []
        : [...relatedPages(change.related.before, publishedBefore), ...(event === 'publish' ? relatedPages(change.related.after, changedRows) : [])];
      const pages = related.filter((entry) => !(entry.type === type && slugs.includes(entry.slug)));

      let clinics = clinicsBefore;
      if (isClinic) {
        // Only the clinic itself hears of its own change, with its settings after the write if it
        // still exists (a URL set in the draft just published), else as they were (deleted).
        const settingsAfter = await clinicRevalidationSettings(strapi, { documentId });
        clinics = settingsAfter.length > 0 ? settingsAfter : clinicsBefore.filter((clinic) => clinic.documentId === documentId);
      }
      let isEnqueued = false;
      for (const clinic of clinics) {
        if (clinic.url === null) continue;
        const locales = affectedLocales(strapi, clinic, changedLocales);
        if (locales.length === 0) continue;
        await record(strapi, { trx: transaction.trx, clinic, event, entries: slugs.map((slug) => ({ type, slug, locales })), related: pages });
        isEnqueued = true;
      }
      if (isEnqueued) transaction.onCommit(onEnqueued);
    },
  };
}
