/**
 * Adaptations follow a renamed entry. An adaptation names its clinic, its target and the entries it
 * hides by slug (non-localized fields, so that it is one per clinic and target across locales), so a
 * slug an editor changes would leave the clinic's overrides and hides naming an entry that no longer
 * exists: the clinic's page would lose them silently. This subscriber of the write pipeline rewrites
 * those slugs in the write's own transaction, once no row of the renamed document (draft or published)
 * carries the old slug: a draft renamed but not yet published keeps the adaptation on the published
 * page until the rename is published.
 *
 * The rewrites are writes of their own (`strapi.db.query`), so the pipeline's other subscribers hear
 * them: the clinic's cached answers are purged and its site is told.
 */
import type { Core } from '@strapi/strapi';
import { ADAPTABLE_MODELS, ADAPTATION, MODELS, UIDS, isServedUid, type ContentUid } from '../../content/model';
import type { RowVersion, TransactionSubscriber, WriteChange } from '../../content/writes';

const HIDDEN_ENTRY = 'adaptation.hidden-entry';

interface Rename {
  uid: ContentUid;
  documentId: string;
  from: string;
  to: string;
}

/** The fields of an adaptation that name an entry of `uid` by slug, and the hides that may. */
function namingFields(uid: ContentUid): { fields: string[]; hides: Array<{ targetField: string; relation: string }> } {
  const fields = Object.entries(ADAPTATION.targetFields)
    .filter(([, target]) => target === uid)
    .map(([field]) => field);
  if (uid === UIDS.clinic) fields.push(ADAPTATION.clinicField);
  const hides = ADAPTABLE_MODELS.flatMap((model) => {
    const targetField = Object.entries(ADAPTATION.targetFields).find(([, target]) => target === model.uid)?.[0];
    if (targetField === undefined) return [];
    return Object.entries(model.relations)
      .filter(([, related]) => related === uid)
      .map(([relation]) => ({ targetField, relation }));
  });
  return { fields, hides };
}

/** The types whose slugs an adaptation names. */
const NAMED_UIDS = new Set(
  (Object.keys(MODELS) as ContentUid[]).filter((uid) => {
    const { fields, hides } = namingFields(uid);
    return fields.length > 0 || hides.length > 0;
  }),
);

/** The slug changes of a write: per document, a slug its rows had before and no longer have after. */
function renamesOf(change: WriteChange): Rename[] {
  const after = new Map<string, RowVersion[]>();
  for (const row of change.rows.after) after.set(row.documentId, [...(after.get(row.documentId) ?? []), row]);
  const renames = new Map<string, Rename>();
  for (const row of change.rows.before) {
    const to = after.get(row.documentId)?.find((next) => next.slug !== null && next.slug !== row.slug)?.slug;
    if (row.slug === null || to === undefined || to === null) continue;
    renames.set(`${row.documentId}|${row.slug}`, { uid: row.uid, documentId: row.documentId, from: row.slug, to });
  }
  return [...renames.values()];
}

async function carry(strapi: Core.Strapi, rename: Rename): Promise<void> {
  const remaining = await strapi.db.query(rename.uid).count({ where: { documentId: rename.documentId, slug: rename.from } });
  // Another row (the published version of a renamed draft) still answers to the old slug.
  if (remaining > 0) return;
  const { fields, hides } = namingFields(rename.uid);
  for (const field of fields) {
    await strapi.db.query(ADAPTATION.uid).updateMany({ where: { [field]: rename.from }, data: { [field]: rename.to } });
  }
  for (const { targetField, relation } of hides) {
    const rows = (await strapi.db.query(ADAPTATION.uid).findMany({
      where: { [targetField]: { $notNull: true }, [ADAPTATION.hiddenField]: { relation, slug: rename.from } },
      populate: { [ADAPTATION.hiddenField]: true },
    })) as Array<Record<string, unknown>>;
    const ids = rows.flatMap((row) =>
      ((row[ADAPTATION.hiddenField] as Array<{ id: number; relation: string; slug: string }> | undefined) ?? [])
        .filter((entry) => entry.relation === relation && entry.slug === rename.from)
        .map((entry) => entry.id),
    );
    if (ids.length > 0) await strapi.db.query(HIDDEN_ENTRY).updateMany({ where: { id: { $in: ids } }, data: { slug: rename.to } });
  }
}

export function adaptationRenameSubscriber(strapi: Core.Strapi): TransactionSubscriber<true> {
  return {
    name: 'adaptation renames',
    needsRows: true,
    prepare: (intent) => (isServedUid(intent.uid) && NAMED_UIDS.has(intent.uid) && intent.action !== 'create' && intent.action !== 'createMany' ? true : undefined),
    async write(change) {
      for (const rename of renamesOf(change)) await carry(strapi, rename);
    },
  };
}
