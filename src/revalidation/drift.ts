/**
 * The `adaptation.outdated` webhook: when a technique or condition is published and some clinic's
 * adaptation of it goes out of date (an overridden field's base moved, or a hidden entry is no longer
 * linked: src/clinics/adaptations/drift.ts), that clinic's site — only that clinic's — gets one signed
 * delivery listing them, recorded in the publish's transaction like every other delivery (enqueue.ts).
 * Adaptations already out of date before the publish are not announced again.
 */
import type { Core } from '@strapi/strapi';
import { ADAPTATION, ADAPTABLE_MODELS } from '../content/model';
import { publishedEffectOf, type TransactionSubscriber } from '../content/writes';
import { outdatedAdaptations, type OutdatedAdaptation } from '../clinics/adaptations/drift';
import { clinicRevalidationSettings } from './clinics';
import { record } from './enqueue';
import type { OutdatedNotice } from './payload';

interface Prepared {
  target: { field: string; slug: string };
  /** What was out of date before the publish: `documentId|locale|field` (hides as `hide:<slug>`). */
  before: Set<string>;
}

const TARGET_FIELD_OF = new Map<string, string>(
  Object.entries(ADAPTATION.targetFields).map(([field, uid]) => [uid as string, field]),
);

const marks = (item: OutdatedAdaptation) => [
  ...item.fields.map((field) => `${item.documentId}|${item.locale}|${field.field}`),
  ...item.hidden.map((hide) => `${item.documentId}|${item.locale}|hide:${hide.slug}`),
];

export function adaptationDriftSubscriber(input: { strapi: Core.Strapi; onEnqueued: () => void }): TransactionSubscriber<Prepared> {
  const { strapi, onEnqueued } = input;
  return {
    name: 'the adaptation.outdated webhook',
    needsRows: false,

    async prepare(intent) {
      const field = TARGET_FIELD_OF.get(intent.uid);
      if (field === undefined || publishedEffectOf(intent) !== 'publish' || intent.source !== 'document' || intent.documentId === null) return undefined;
      if (!ADAPTABLE_MODELS.some((model) => model.uid === intent.uid)) return undefined;
      const row = (await strapi.db.query(intent.uid).findOne({ where: { documentId: intent.documentId }, select: ['slug'] })) as { slug?: string } | null;
      if (typeof row?.slug !== 'string') return undefined;
      const target = { field, slug: row.slug };
      const adapted = await strapi.db.query(ADAPTATION.uid).count({ where: { [field]: row.slug } });
      // Nobody adapts it: nothing to compare, nothing read (a seed publishes every entry).
      if (adapted === 0) return undefined;
      const report = await outdatedAdaptations(strapi, { clinics: null, target });
      return { target, before: new Set(report.adaptations.flatMap(marks)) };
    },

    async write(_change, { transaction, prepared }) {
      const report = await outdatedAdaptations(strapi, { clinics: null, target: prepared.target });
      const byClinic = new Map<string, OutdatedNotice[]>();
      for (const item of report.adaptations) {
        const fresh = marks(item).filter((mark) => !prepared.before.has(mark));
        if (fresh.length === 0) continue;
        const notices = byClinic.get(item.clinic) ?? [];
        notices.push({ documentId: item.documentId, type: item.type, slug: item.target, locale: item.locale, fields: item.fields.map((field) => field.field), hidden: item.hidden.map((hide) => hide.slug) });
        byClinic.set(item.clinic, notices);
      }
      if (byClinic.size === 0) return;
      let isEnqueued = false;
      for (const clinic of await clinicRevalidationSettings(strapi, {})) {
        const notices = byClinic.get(clinic.slug);
        if (notices === undefined || clinic.url === null) continue;
        const entries = notices.map((notice) => ({ type: notice.type, slug: notice.slug, locales: [notice.locale] }));
        await record(strapi, { trx: transaction.trx, clinic, event: 'adaptation.outdated', entries, related: [], adaptations: notices });
        isEnqueued = true;
      }
      if (isEnqueued) transaction.onCommit(onEnqueued);
    },
  };
}
