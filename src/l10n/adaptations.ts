/**
 * Clinic adaptations as marketing teams handle them (coverage per locale, XLIFF for one clinic):
 * which adaptations exist, in which locales each has a row, how each is named in reports and files,
 * (A clinic named on the command line or in a query is checked by clinics/adaptations' assertClinicsExist.)
 *
 * An adaptation names its clinic and target by slug in non-localized fields (content/model's
 * ADAPTATION), so every row of a document carries them: one statement reads them all.
 */
import type { Core } from '@strapi/strapi';
import { ADAPTATION, UIDS, type AdaptationTargetField } from '../content/model';
import { toIso } from '../content/values';

/** The name adaptations go by in XLIFF unit ids and coverage reports. */
export const ADAPTATION_TYPE = 'clinic-adaptation';

/** One locale version (draft or published) of an adaptation. */
export interface AdaptationRow {
  documentId: string;
  locale: string;
  clinic: string;
  /** The adapted entry: its type and slug. */
  type: AdaptationTargetField;
  target: string;
  isPublished: boolean;
  updatedAt: string;
}


const TARGET_FIELDS = Object.keys(ADAPTATION.targetFields) as AdaptationTargetField[];

/**
 * The clinic and target an adaptation's row names. The write rules keep exactly one target set; a row
 * without one serves nothing and is left out (null).
 */
export function namesOf(row: Record<string, unknown>): Pick<AdaptationRow, 'clinic' | 'type' | 'target'> | null {
  const type = TARGET_FIELDS.find((field) => typeof row[field] === 'string' && row[field] !== '');
  if (type === undefined) return null;
  return { clinic: String(row[ADAPTATION.clinicField]), type, target: String(row[type]) };
}

/** Every row of every adaptation (of one clinic when named), in a stable order: clinic, target, locale. */
export async function adaptationRows(strapi: Core.Strapi, input: { clinic?: string } = {}): Promise<AdaptationRow[]> {
  const rows = (await strapi.db.query(ADAPTATION.uid).findMany({
    where: input.clinic === undefined ? {} : { [ADAPTATION.clinicField]: input.clinic },
    select: ['documentId', 'locale', ADAPTATION.clinicField, ...TARGET_FIELDS, 'publishedAt', 'updatedAt'],
  })) as Array<Record<string, unknown>>;
  const result: AdaptationRow[] = [];
  for (const row of rows) {
    const named = namesOf(row);
    if (named === null) continue;
    result.push({
      documentId: String(row.documentId),
      locale: String(row.locale),
      ...named,
      isPublished: row.publishedAt !== null && row.publishedAt !== undefined,
      updatedAt: toIso(row.updatedAt),
    });
  }
  return result.sort((a, b) => adaptationKey(a).localeCompare(adaptationKey(b)) || a.locale.localeCompare(b.locale));
}

/** How an adaptation is named to people: `harbour-chiro, technique myofascial-release-therapy`. */
export function adaptationName(row: Pick<AdaptationRow, 'clinic' | 'type' | 'target'>): string {
  return `${row.clinic}, ${row.type} ${row.target}`;
}

/** The sort key of an adaptation: by clinic, then type, then target. */
export function adaptationKey(row: Pick<AdaptationRow, 'clinic' | 'type' | 'target'>): string {
  return `${row.clinic}\u0000${row.type}\u0000${row.target}`;
}
