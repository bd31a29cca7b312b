/**
 * The XLIFF units of clinic adaptations, which `l10n:export -- --clinic SLUG` hands to a translator
 * (xliff.ts writes and reads them): the translatable fields of each adaptation's default-locale draft —
 * its overrides (summary, intro, call to action, SEO) and its own content (FAQs, local section) — with
 * the target locale's draft as the translation. What names the clinic and the target, the hidden
 * entries and the recorded basis are not text for translators: they are not localized, or not text,
 * so the schema-derived shape (units.ts) leaves them out by itself.
 *
 * Unit ids follow the content's: `clinic-adaptation.<documentId>.<field path>`; the file groups the
 * units by clinic (`<group id="<clinic slug>">`).
 */
import type { Core } from '@strapi/strapi';
import { ADAPTATION, documentsOf } from '../content/model';
import { ADAPTATION_TYPE, adaptationKey, adaptationName, adaptationRows, namesOf } from './adaptations';
import { translatableShape, unitsOf, type Entry, type TypeUnits } from './units';

interface AdaptationEntry extends Entry {
  clinic: string;
  key: string;
}

async function drafts(strapi: Core.Strapi, input: { locale: string; clinic?: string; targetTypes?: readonly string[] }): Promise<Map<string, AdaptationEntry>> {
  const { locale, clinic, targetTypes } = input;
  const rows = await documentsOf(strapi, ADAPTATION.uid).findMany({
    locale,
    status: 'draft',
    populate: '*',
    ...(clinic === undefined ? {} : { filters: { [ADAPTATION.clinicField]: clinic } }),
  });
  const entries: AdaptationEntry[] = [];
  for (const row of rows) {
    const named = namesOf(row);
    if (named === null || (targetTypes !== undefined && !targetTypes.includes(named.type))) continue;
    entries.push({ documentId: String(row.documentId), slug: adaptationName(named), clinic: named.clinic, key: adaptationKey(named), data: row });
  }
  entries.sort((a, b) => a.key.localeCompare(b.key));
  return new Map(entries.map((entry) => [entry.documentId, entry]));
}

/**
 * The units of the adaptations of one clinic (or of every clinic, to read a file back), from the
 * default locale's drafts, with the target locale's drafts; `targetTypes` keeps adaptations of those
 * types only. With a clinic, the file has its group even when it holds no units.
 */
export async function adaptationUnits(
  strapi: Core.Strapi,
  input: { sourceLocale: string; locale: string; clinic?: string; targetTypes?: readonly string[] },
): Promise<TypeUnits & { entries: Map<string, AdaptationEntry> }> {
  const { sourceLocale, locale, clinic, targetTypes } = input;
  const shape = translatableShape(strapi, ADAPTATION.uid);
  const entries = await drafts(strapi, { locale: sourceLocale, clinic, targetTypes });
  const targets = await drafts(strapi, { locale, clinic, targetTypes });
  const groups = new Map<string, TypeUnits['units']>(clinic === undefined ? [] : [[clinic, []]]);
  for (const entry of entries.values()) {
    const units = unitsOf({ type: ADAPTATION_TYPE, documentId: entry.documentId, slug: entry.slug, data: entry.data, shape });
    groups.set(entry.clinic, [...(groups.get(entry.clinic) ?? []), ...units]);
  }
  return {
    type: ADAPTATION_TYPE,
    uid: ADAPTATION.uid,
    units: [...groups.values()].flat(),
    entries,
    targets,
    groups: [...groups.entries()].map(([id, units]) => ({ id, units })),
  };
}

/** The clinic an adaptation entry of `adaptationUnits` belongs to. */
export function clinicOf(entry: Entry): string | null {
  return namesOf(entry.data)?.clinic ?? null;
}

/**
 * Why an export for a clinic holds no units, for the person exporting: the clinic has no adaptations,
 * none in the source locale, or none with text (only hidden entries).
 */
export async function emptyAdaptationsNotice(
  strapi: Core.Strapi,
  input: { clinic: string; sourceLocale: string; targetTypes?: readonly string[]; entries: number },
): Promise<string> {
  const { clinic, sourceLocale, targetTypes, entries } = input;
  const rows = (await adaptationRows(strapi, { clinic })).filter((row) => targetTypes === undefined || targetTypes.includes(row.type));
  const count = new Set(rows.map((row) => row.documentId)).size;
  const adaptations = `${count} adaptation${count === 1 ? '' : 's'}${targetTypes === undefined ? '' : ` of ${targetTypes.join(' or ')} entries`}`;
  if (count === 0) return `${clinic} has no adaptations${targetTypes === undefined ? '' : ` of ${targetTypes.join(' or ')} entries`}: the file holds no units.`;
  if (entries === 0) return `${clinic} has ${adaptations}, none in ${sourceLocale} (the source locale): the file holds no units.`;
  return `${clinic}'s ${adaptations} hold no text in ${sourceLocale} to translate (only hidden entries): the file holds no units.`;
}
