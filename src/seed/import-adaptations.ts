/**
 * Imports the seed's clinic adaptations (adaptations.ts) through the Document Service, inside the seed's
 * transaction and after the clinics and entries they name, and publishes them: the same rules as every
 * other seed entry (import.ts). An adaptation is found by its clinic and target, not by a slug; a locale
 * whose draft equals the seed is left alone, one an editor changed since is kept unless
 * `shouldOverwriteEdits`, and one an editor unpublished stays unpublished. The basis of the overrides
 * is recorded by the service's own write rules on save and publish (src/clinics/adaptations), never by
 * the seed.
 */
import type { Core } from '@strapi/strapi';
import { ADAPTATION, documentsOf, modelMeta, type ModelMeta } from '../content/model';
import { adaptationFieldKind, localizedFields, targetType, type SeedAdaptation } from './adaptations';
import { actionFor, convert, fingerprint, readFingerprints, writeFingerprints, type SeedAction, type SeedOutcome } from './compare';

type Row = Record<string, unknown>;

/** What names an adaptation: its clinic and target, e.g. `harbour-chiro/myofascial-release-therapy`. */
function nameOf(adaptation: SeedAdaptation): string {
  return `${adaptation.clinic}/${adaptation.target}`;
}

/** The key of an adaptation in the fingerprints, per locale (the target's type too: slugs repeat across types). */
function keyOf(adaptation: SeedAdaptation, locale: string): string {
  return `${adaptation.clinic}/${adaptation.targetField}/${adaptation.target}@${locale}`;
}

function isOf(adaptation: SeedAdaptation, row: Row): boolean {
  return (
    row[ADAPTATION.clinicField] === adaptation.clinic &&
    Object.keys(ADAPTATION.targetFields).every((field) => (row[field] ?? null) === (field === adaptation.targetField ? adaptation.target : null))
  );
}

/** The locale's content as the seed writes it, every field of the target type's adaptation (absent ones cleared). */
function dataOf(adaptation: SeedAdaptation, locale: string, model: ModelMeta): Row {
  const type = targetType(adaptation.targetField);
  const values = adaptation.locales[locale] ?? {};
  const data: Row = {
    [ADAPTATION.clinicField]: adaptation.clinic,
    [adaptation.targetField]: adaptation.target,
    [ADAPTATION.hiddenField]: adaptation.hidden.map((hide) => ({ relation: hide.relation, slug: hide.slug })),
  };
  for (const field of localizedFields(type)) {
    const empty = model.field(field)?.component?.isRepeatable === true ? [] : null;
    data[field] = convert(adaptationFieldKind(type, field), values[field]) ?? empty;
  }
  return data;
}

/** A stored draft in the same form: the fields the seed writes, nothing the service keeps (basis). */
function comparableOf(adaptation: SeedAdaptation, record: Row): Row {
  const type = targetType(adaptation.targetField);
  const comparable: Row = {};
  for (const field of [ADAPTATION.clinicField, adaptation.targetField, ADAPTATION.hiddenField, ...localizedFields(type)]) comparable[field] = record[field];
  return comparable;
}

export async function importAdaptations(input: {
  strapi: Core.Strapi;
  adaptations: readonly SeedAdaptation[];
  shouldOverwriteEdits: boolean;
}): Promise<SeedOutcome[]> {
  const { strapi, adaptations, shouldOverwriteEdits } = input;
  const { uid } = ADAPTATION;
  const documents = documentsOf(strapi, uid);
  const model = modelMeta(strapi, uid);
  const clinics = [...new Set(adaptations.map((adaptation) => adaptation.clinic))];

  const rows = (await strapi.db.query(uid).findMany({
    where: { [ADAPTATION.clinicField]: { $in: clinics } },
    select: ['documentId', 'locale', 'publishedAt', ADAPTATION.clinicField, ...Object.keys(ADAPTATION.targetFields)],
  })) as Row[];
  const locales = [...new Set(adaptations.flatMap((adaptation) => Object.keys(adaptation.locales)))];
  const drafts: Row[] = [];
  for (const locale of locales) {
    drafts.push(...(await documents.findMany({ filters: { [ADAPTATION.clinicField]: { $in: clinics } }, locale, status: 'draft', populate: '*' })));
  }

  const fingerprints = await readFingerprints(strapi, uid);
  const outcomes: SeedOutcome[] = [];
  for (const adaptation of adaptations) {
    const own = rows.filter((row) => isOf(adaptation, row));
    let documentId = typeof own[0]?.documentId === 'string' ? own[0].documentId : null;
    for (const locale of Object.keys(adaptation.locales)) {
      const key = keyOf(adaptation, locale);
      const data = dataOf(adaptation, locale, model);
      const desired = fingerprint(comparableOf(adaptation, data));
      const draft = drafts.find((record) => record.locale === locale && isOf(adaptation, record));
      const isPublished = own.some((row) => row.locale === locale && row.publishedAt !== null && row.publishedAt !== undefined);
      let action: SeedAction;
      if (draft === undefined) {
        // Another locale of the adaptation exists: updating in this locale creates it.
        const written = documentId === null ? await documents.create({ locale, data }) : await documents.update({ documentId, locale, data });
        if (written === null) throw new Error(`${uid} ${nameOf(adaptation)}: document ${String(documentId)} vanished during the seed`);
        documentId = written.documentId;
        action = 'created';
      } else {
        documentId = String(draft.documentId);
        const current = fingerprint(comparableOf(adaptation, draft));
        action = actionFor({ desired, current, remembered: fingerprints[key], isPublished, shouldOverwriteEdits });
        if (action === 'updated') await documents.update({ documentId, locale, data });
      }
      const shouldPublish = action === 'created' || action === 'updated' || (action === 'unchanged' && !isPublished);
      if (shouldPublish) await documents.publish({ documentId, locale });
      if (action !== 'kept-edited') fingerprints[key] = desired;
      outcomes.push({ uid, slug: nameOf(adaptation), locale, documentId, action, isPublished: isPublished || shouldPublish });
    }
  }
  await writeFingerprints(strapi, uid, fingerprints);
  return outcomes;
}
