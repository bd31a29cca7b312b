/**
 * Drift: which clinic adaptations are out of date with their vetted base. An override remembers the
 * base value it was written against (its basis, basis.ts); when the base is published with another
 * value in the locale the override replaces — or a base text now exists earlier in the chain — the
 * adaptation is out of date until the clinic saves it again or confirms it. A hide is out of date when
 * the published base no longer links the entry it hides.
 *
 * Read by the admin (GET /editor/adaptations/outdated, the home widget, the list's "Base" column), by
 * `npm run adaptations:outdated`, and on every base publish (the `adaptation.outdated` webhook).
 * Drafts are what clinics edit and what saving re-records, so each adaptation's draft rows are compared.
 * A base with no published version serves nothing, so its adaptations are not listed (they stay, unserved).
 */
import type { Core } from '@strapi/strapi';
import { ADAPTATION, UIDS, type ContentTypeName } from '../../content/model';
import { chainOf, localeSettings } from '../../locales/config';
import { textTable } from '../../reports/text-table';
import { adaptationRows, basisOf, publishedBase, type Basis, type BasisEntry } from './basis';
import { adaptationTarget, hiddenEntries, OVERRIDE_FIELDS, type AdaptationTarget } from './rules';
import { assertClinicsExist, linkedSlugs } from './checks';

export interface OutdatedField {
  field: string;
  /** The base value the override was written against; null when the base had none then. */
  was: { locale: string; text: string } | null;
  /** The base value now; null when the base no longer has one along the chain. */
  now: { locale: string; text: string } | null;
}

export interface OutdatedAdaptation {
  documentId: string;
  clinic: string;
  type: ContentTypeName;
  /** The adapted entry's slug. */
  target: string;
  locale: string;
  fields: OutdatedField[];
  /** Hides of entries the published base no longer links. */
  hidden: Array<{ relation: string; slug: string }>;
}

export interface OutdatedReport {
  generatedAt: string;
  /** The clinics asked about; null for all. */
  clinics: string[] | null;
  adaptations: OutdatedAdaptation[];
}


type Row = Record<string, unknown>;

const shown = (entry: BasisEntry | undefined) => (entry === undefined ? null : { locale: entry.locale, text: entry.text });

/** The fields whose base moved: recorded and current basis differ (in value, or in the locale it comes from). */
export function driftedFields(recorded: Basis, current: Basis, overridden: readonly string[]): OutdatedField[] {
  const fields: OutdatedField[] = [];
  for (const field of overridden) {
    const was = recorded[field];
    const now = current[field];
    if (was?.hash === now?.hash && was?.locale === now?.locale) continue;
    fields.push({ field, was: shown(was), now: shown(now) });
  }
  return fields;
}

function basisValue(value: unknown): Basis {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Basis) : {};
}

/** What one target's published base looks like now, read once per target. */
interface BaseNow {
  values: Map<string, Row>;
  linked: Map<string, Set<string>>;
}

async function baseNow(strapi: Core.Strapi, target: AdaptationTarget, relations: readonly string[]): Promise<BaseNow | null> {
  const values = await publishedBase(strapi, target);
  if (values.size === 0) return null;
  const hidden = relations.map((relation, index) => ({ index, relation, slug: null }));
  return { values, linked: await linkedSlugs(strapi, { target, hidden, isPublishedOnly: true }) };
}

/**
 * The adaptations out of date: of the given clinics (null: all), or of one target (`target`: after a
 * base publish). Unknown clinics are refused (UnknownClinicError).
 */
export async function outdatedAdaptations(
  strapi: Core.Strapi,
  input: { clinics: readonly string[] | null; target?: { field: string; slug: string } },
): Promise<OutdatedReport> {
  const { clinics, target: onlyTarget } = input;
  if (clinics !== null) await assertClinicsExist(strapi, clinics);
  const where: Row = { publishedAt: null };
  if (clinics !== null) where[ADAPTATION.clinicField] = { $in: [...clinics] };
  if (onlyTarget !== undefined) where[onlyTarget.field] = onlyTarget.slug;
  const rows = await adaptationRows(strapi, where, { withBasis: true });

  const settings = localeSettings(strapi);
  const bases = new Map<string, Promise<BaseNow | null>>();
  const adaptations: OutdatedAdaptation[] = [];
  for (const row of rows) {
    const { target } = adaptationTarget(row);
    if (target === null || typeof row.locale !== 'string' || typeof row.documentId !== 'string') continue;
    const key = `${target.field}|${target.slug}`;
    let pending = bases.get(key);
    if (pending === undefined) {
      pending = baseNow(strapi, target, Object.keys(target.model.relations));
      bases.set(key, pending);
    }
    const base = await pending;
    if (base === null) continue;
    const overrides = Object.fromEntries(target.model.adaptable.map((field) => [field, row[field]]));
    const current = basisOf({ overrides, chain: chainOf(settings, row.locale), base: base.values });
    const overridden = target.model.adaptable.filter((field) => OVERRIDE_FIELDS.includes(field) && (field in current || field in basisValue(row[ADAPTATION.basisField])));
    const fields = driftedFields(basisValue(row[ADAPTATION.basisField]), current, overridden);
    const hidden = hiddenEntries(row[ADAPTATION.hiddenField]).flatMap((entry) =>
      entry.relation !== null && entry.slug !== null && base.linked.get(entry.relation)?.has(entry.slug) !== true ? [{ relation: entry.relation, slug: entry.slug }] : [],
    );
    if (fields.length === 0 && hidden.length === 0) continue;
    adaptations.push({ documentId: row.documentId, clinic: String(row[ADAPTATION.clinicField]), type: target.model.name, target: target.slug, locale: row.locale, fields, hidden });
  }
  adaptations.sort((a, b) => a.clinic.localeCompare(b.clinic) || a.target.localeCompare(b.target) || a.locale.localeCompare(b.locale));
  return { generatedAt: new Date().toISOString(), clinics: clinics === null ? null : [...clinics], adaptations };
}

const clip = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text).replace(/\s+/g, ' ');

/** The report as text (the command's default output): one block per adaptation, old and new base text. */
export function formatOutdated(report: OutdatedReport): string {
  const scope = report.clinics === null ? 'all clinics' : report.clinics.join(', ');
  if (report.adaptations.length === 0) return `No clinic adaptation is out of date (${scope}).`;
  const lines = [`${report.adaptations.length} clinic adaptation${report.adaptations.length === 1 ? ' is' : 's are'} out of date (${scope}):`];
  lines.push(...textTable({
    headers: ['clinic', 'entry', 'locale', 'out of date'],
    rows: report.adaptations.map((item) => [item.clinic, `${item.type} ${item.target}`, item.locale, [...item.fields.map((field) => field.field), ...item.hidden.map((hide) => `hides ${hide.slug}`)].join(', ')]),
    isRightAligned: () => false,
  }));
  for (const item of report.adaptations) {
    lines.push('', `${item.clinic} · ${item.type} ${item.target} · ${item.locale} (adaptation ${item.documentId})`);
    for (const field of item.fields) {
      lines.push(`  ${field.field}`);
      lines.push(`    was${field.was === null ? ': (no base text)' : ` (${field.was.locale}): ${clip(field.was.text)}`}`);
      lines.push(`    now${field.now === null ? ': (no base text)' : ` (${field.now.locale}): ${clip(field.now.text)}`}`);
    }
    for (const hide of item.hidden) lines.push(`  hides ${hide.relation} ${hide.slug}, which the base no longer links`);
  }
  return lines.join('\n');
}
