/**
 * A Document Service middleware that turns every change to published content — publish, unpublish,
 * delete, and create/update with status "published" — into outbox rows, one per clinic whose site
 * shows the change. Draft edits and discarded drafts change nothing public and send nothing.
 *
 * The write and its rows commit together: the middleware runs the write inside a transaction (joining
 * the caller's, if there is one) and writes the rows before it ends, so a rolled-back write sends
 * nothing and a committed one is announced even if the process stops right after. The worker is woken
 * once the outermost transaction has committed.
 */
import { randomUUID } from 'crypto';
import type { Core, Modules } from '@strapi/strapi';
import type { Knex } from 'knex';
import { chainOf, localeSettings } from '../locales/config';
import { linkedRows } from '../content/changes';
import { i18nLocales, isServedUid, MODELS, UIDS, type ContentUid } from '../content/model';
import { clinicRevalidationSettings, isConfigured, urlForLogs, type ClinicRevalidation } from './clinics';
import { insertDelivery, replacePayload } from './outbox';
import { mergePayload, type ChangedEntry, type RelatedEntry, type RevalidationEvent, type RevalidationPayload } from './payload';

const CLINIC: ContentUid = UIDS.clinic;

interface WriteParams {
  documentId?: unknown;
  locale?: unknown;
  status?: unknown;
}

interface VersionRow {
  id: number;
  documentId: string;
  locale: string | null;
  slug: string;
  publishedAt: unknown;
}

interface TransactionTools {
  trx: Knex.Transaction;
  onCommit(callback: () => void): void;
}

/** What a write does to published content, or null for writes that change nothing public. */
function eventOf(action: string, params: WriteParams): RevalidationEvent | null {
  if (action === 'publish' || action === 'unpublish' || action === 'delete') return action;
  // Strapi publishes these itself, without going through the publish action's middlewares.
  if ((action === 'create' || action === 'update') && params.status === 'published') return 'publish';
  return null;
}

const isPublished = (row: VersionRow) => row.publishedAt !== null && row.publishedAt !== undefined;
const unique = <T>(values: T[]): T[] => [...new Set(values)];

/** The locales a write addresses: a code, several, '*' (all), or none given (the default locale). */
async function localeScope(strapi: Core.Strapi, locale: unknown): Promise<string[] | 'all'> {
  if (locale === '*') return 'all';
  if (typeof locale === 'string' && locale !== '') return [locale];
  if (Array.isArray(locale)) {
    const codes = locale.filter((code): code is string => typeof code === 'string' && code !== '');
    if (codes.length > 0) return codes;
  }
  return [await i18nLocales(strapi).getDefaultLocale()];
}

async function versions(strapi: Core.Strapi, uid: ContentUid, documentId: string, scope: string[] | 'all'): Promise<VersionRow[]> {
  return (await strapi.db.query(uid).findMany({
    where: scope === 'all' ? { documentId } : { documentId, locale: { $in: scope } },
    select: ['id', 'documentId', 'locale', 'slug', 'publishedAt'],
  })) as VersionRow[];
}

/** Published documents whose pages list these rows (src/content/changes.ts: linkedRows). */
async function linkedPublished(strapi: Core.Strapi, input: { uid: ContentUid; ids: number[]; trx: Knex.Transaction }): Promise<RelatedEntry[]> {
  const pages = new Map<string, RelatedEntry>();
  for (const row of await linkedRows(strapi, input)) {
    if (!row.published || !isServedUid(row.uid)) continue;
    const entry = { type: MODELS[row.uid].name, slug: row.slug };
    pages.set(`${entry.type}|${entry.slug}`, entry);
  }
  return [...pages.values()];
}

/** The clinic's locales whose pages change: those whose fallback chain reaches a changed locale. */
function affectedLocales(strapi: Core.Strapi, clinic: ClinicRevalidation, changed: ReadonlySet<string>): string[] {
  const settings = localeSettings(strapi);
  return clinic.locales.filter((locale) => chainOf(settings, locale).some((code) => changed.has(code)));
}

/** Rows written in one transaction, per clinic and event, so later writes extend them. */
const pendingByTransaction = new WeakMap<Knex.Transaction, Map<string, { deliveryId: string; payload: RevalidationPayload }>>();

async function record(strapi: Core.Strapi, input: { trx: Knex.Transaction; clinic: ClinicRevalidation; event: RevalidationEvent; entries: ChangedEntry[]; related: RelatedEntry[] }): Promise<void> {
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

export function revalidationMiddleware(input: { strapi: Core.Strapi; onEnqueued: () => void }): Modules.Documents.Middleware.Middleware {
  const { strapi, onEnqueued } = input;
  return async (context, next) => {
    const params = context.params as WriteParams;
    const event = eventOf(context.action, params);
    const uid = context.uid as string;
    if (event === null || !isServedUid(uid)) return next();

    return strapi.db.transaction(async ({ trx, onCommit }: TransactionTools) => {
      const isClinic = uid === CLINIC;
      const clinicsBefore = await clinicRevalidationSettings(strapi, isClinic && typeof params.documentId === 'string' ? { documentId: params.documentId } : {});
      // Nobody to tell: skip the reads below (a seed publishes every entry of a fresh database).
      if (!isClinic && !clinicsBefore.some((clinic) => clinic.url !== null)) return next();

      const scope = await localeScope(strapi, params.locale);
      const before = typeof params.documentId === 'string' ? await versions(strapi, uid, params.documentId, scope) : [];
      const publishedBefore = before.filter(isPublished);
      const relatedBefore = isClinic ? [] : await linkedPublished(strapi, { uid, ids: publishedBefore.map((row) => row.id), trx });

      const result = await next();

      const documentId = typeof params.documentId === 'string' ? params.documentId : (result as { documentId?: unknown } | null)?.documentId;
      if (typeof documentId !== 'string') return result;
      // A publish changes the rows published now; an unpublish or delete the rows published before.
      let changedRows = publishedBefore;
      let related = relatedBefore;
      if (event === 'publish') {
        const publishedNow = (await versions(strapi, uid, documentId, scope)).filter(isPublished);
        // Only locales that had a draft to publish changed (all of them for a document just created).
        const drafted = new Set(before.filter((row) => !isPublished(row)).map((row) => row.locale));
        changedRows = before.length === 0 ? publishedNow : publishedNow.filter((row) => drafted.has(row.locale));
        if (!isClinic) related = [...relatedBefore, ...(await linkedPublished(strapi, { uid, ids: changedRows.map((row) => row.id), trx }))];
      }
      if (changedRows.length === 0) return result;
      const changedLocales = new Set(changedRows.map((row) => row.locale).filter((locale): locale is string => locale !== null));
      // A publish may rename the page: the old address must be rebuilt too (it now answers 404).
      const slugs = unique([...changedRows, ...publishedBefore].map((row) => row.slug));
      const type = MODELS[uid].name;
      const relatedPages = related.filter((entry) => !(entry.type === type && slugs.includes(entry.slug)));

      let clinics = clinicsBefore;
      if (isClinic) {
        // Only the clinic itself hears of its own change, with its settings after the write if it
        // still exists (a URL set in the draft just published), else as they were (deleted).
        const after = await clinicRevalidationSettings(strapi, { documentId });
        clinics = after.length > 0 ? after : clinicsBefore.filter((clinic) => clinic.documentId === documentId);
      }
      let isEnqueued = false;
      for (const clinic of clinics) {
        if (clinic.url === null) continue;
        const locales = affectedLocales(strapi, clinic, changedLocales);
        if (locales.length === 0) continue;
        await record(strapi, { trx, clinic, event, entries: slugs.map((slug) => ({ type, slug, locales })), related: isClinic ? [] : relatedPages });
        isEnqueued = true;
      }
      if (isEnqueued) onCommit(onEnqueued);
      return result;
    });
  };
}
