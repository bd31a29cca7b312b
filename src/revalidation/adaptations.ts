/**
 * Revalidation for clinic adaptations: publishing, unpublishing or deleting a clinic's adaptation
 * changes that clinic's pages of the adapted entry, in the adaptation's locales (and those whose
 * chain reaches them), and the pages that list the entry (a technique page shows an adapted
 * condition's summary). Only that clinic's site is told. Its event is `publish` whatever was done to
 * the adaptation: the entry's page stays (served vetted again after an unpublish) and is rebuilt.
 *
 * An outbox subscriber of the write pipeline like enqueue.ts, recorded in the write's transaction.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { ADAPTATION, MODELS, type ContentUid } from '../content/model';
import { publishedEffectOf, readLinked, type AdaptationVersion, type TransactionSubscriber } from '../content/writes';
import { clinicRevalidationSettings, type ClinicRevalidation } from './clinics';
import { affectedLocales, record } from './enqueue';
import type { ChangedEntry, RelatedEntry } from './payload';

interface Prepared {
  /** The clinics with a revalidation URL, as they were before the write. */
  clinics: ClinicRevalidation[];
}

interface Target {
  uid: ContentUid;
  slug: string;
  locales: Set<string>;
}

/** The published adaptation rows a write replaced or removed, and those it published. */
function changedRows(before: readonly AdaptationVersion[], after: readonly AdaptationVersion[]): AdaptationVersion[] {
  const [beforeIds, afterIds] = [new Set(before.map((row) => row.id)), new Set(after.map((row) => row.id))];
  return [...before.filter((row) => row.isPublished && !afterIds.has(row.id)), ...after.filter((row) => row.isPublished && !beforeIds.has(row.id))];
}

/** Per clinic slug, the entries its changed adaptation rows adapt, with their locales. */
function targetsByClinic(rows: readonly AdaptationVersion[]): Map<string, Map<string, Target>> {
  const byClinic = new Map<string, Map<string, Target>>();
  for (const row of rows) {
    if (row.clinic === null || row.target === null || row.locale === null) continue;
    const targets = byClinic.get(row.clinic) ?? new Map<string, Target>();
    const key = `${row.target.uid}|${row.target.slug}`;
    const target = targets.get(key) ?? { ...row.target, locales: new Set<string>() };
    target.locales.add(row.locale);
    targets.set(key, target);
    byClinic.set(row.clinic, targets);
  }
  return byClinic;
}

/** The published entries whose pages list one of these entries (one level of relations). */
async function pagesListing(strapi: Core.Strapi, trx: Knex.Transaction, targets: readonly Target[]): Promise<RelatedEntry[]> {
  const pages = new Map<string, RelatedEntry>();
  for (const target of targets) {
    const rows = (await strapi.db.query(target.uid).findMany({ where: { slug: target.slug, publishedAt: { $notNull: true } }, select: ['id'] })) as Array<{ id: number }>;
    for (const linked of await readLinked(strapi, { uid: target.uid, trx, ids: rows.map((row) => row.id) })) {
      if (!linked.isPublished || linked.slug === null) continue;
      const page = { type: MODELS[linked.uid].name, slug: linked.slug };
      if (!targets.some((other) => MODELS[other.uid].name === page.type && other.slug === page.slug)) pages.set(`${page.type}|${page.slug}`, page);
    }
  }
  return [...pages.values()];
}

export function adaptationRevalidationSubscriber(input: { strapi: Core.Strapi; onEnqueued: () => void }): TransactionSubscriber<Prepared> {
  const { strapi, onEnqueued } = input;
  return {
    name: 'the revalidation outbox of clinic adaptations',
    needsRows: true,

    async prepare(intent) {
      if (intent.uid !== ADAPTATION.uid || publishedEffectOf(intent) === null) return undefined;
      const clinics = (await clinicRevalidationSettings(strapi)).filter((clinic) => clinic.url !== null);
      return clinics.length === 0 ? undefined : { clinics };
    },

    async write(change, { transaction, prepared }) {
      const byClinic = targetsByClinic(changedRows(change.adaptations.before, change.adaptations.after));
      let isEnqueued = false;
      for (const clinic of prepared.clinics) {
        const targets = [...(byClinic.get(clinic.slug)?.values() ?? [])];
        const entries: ChangedEntry[] = targets
          .map((target) => ({ type: MODELS[target.uid].name, slug: target.slug, locales: affectedLocales(strapi, clinic, target.locales) }))
          .filter((entry) => entry.locales.length > 0);
        if (entries.length === 0) continue;
        await record(strapi, { trx: transaction.trx, clinic, event: 'publish', entries, related: await pagesListing(strapi, transaction.trx, targets) });
        isEnqueued = true;
      }
      if (isEnqueued) transaction.onCommit(onEnqueued);
    },
  };
}
