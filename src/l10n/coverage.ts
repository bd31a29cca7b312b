/**
 * Translation coverage: per locale and content type, which entries are translated, which fields are
 * missing (served in the default locale), which are inherited from a fallback locale (fr-CA from fr),
 * and which translations are stale — their source (the next locale of their chain that has the entry)
 * was edited after the translation last was.
 *
 * Entries are read with the API's own reader (content/reader.ts), so a field the report calls missing
 * is exactly a field the API lists in `fallbackFields` with the default locale.
 *
 * Each locale also counts the clinic adaptations (adaptation-coverage.ts): per clinic, how many it has,
 * how many have their own row in the locale, and which are served from another locale of the chain.
 */
import type { Core } from '@strapi/strapi';
import { localeCodes, modelByName, SERVED_MODELS } from '../content/model';
import { createContentReader, documentsIn, draftEditTimes, type ContentStatus } from '../content/reader';
import { chainOf, localeSettings } from '../locales/config';
import { textTable } from '../reports/text-table';
import { adaptationCoverage, formatAdaptations, type ClinicAdaptationCoverage } from './adaptation-coverage';
import { assertClinicsExist, UnknownClinicError } from '../clinics/adaptations/checks';

export class CoverageInputError extends Error {
  constructor(
    message: string,
    readonly field: 'locale' | 'type' | 'status' | 'clinic',
  ) {
    super(message);
    this.name = 'CoverageInputError';
  }
}

export type EntryState = 'translated' | 'inherited' | 'missing';

export interface EntryCoverage {
  documentId: string;
  slug: string;
  /** The locale the API serves the entry in for this locale. */
  servedIn: string;
  state: EntryState;
  /** Fields served in the default locale although the entry exists in this locale (or its fallback). */
  missingFields: string[];
  /** Fields this locale's own entry leaves to a fallback locale other than the default. */
  inheritedFields: Array<{ field: string; locale: string }>;
  stale: null | { source: string; sourceUpdatedAt: string; updatedAt: string };
}

export interface TypeCoverage {
  type: string;
  entries: number;
  translated: number;
  inherited: number;
  missing: number;
  stale: number;
  missingFields: number;
  inheritedFields: number;
  /** Entries with anything to report: not translated, a field missing or inherited, or stale. */
  details: EntryCoverage[];
}

export interface LocaleCoverage {
  locale: string;
  chain: string[];
  types: TypeCoverage[];
  /** Clinic adaptations of the types reported, per clinic (those with adaptations, or the one asked for). */
  adaptations: ClinicAdaptationCoverage[];
}

export interface CoverageReport {
  status: ContentStatus;
  defaultLocale: string;
  /** The clinic whose adaptations are counted; null for every clinic's. */
  clinic: string | null;
  locales: LocaleCoverage[];
}

export interface CoverageRequest {
  locales?: readonly string[];
  types?: readonly string[];
  status?: string;
  /** Count only this clinic's adaptations (a slug); the content types are counted as without it. */
  clinic?: string;
}

export async function translationCoverage(strapi: Core.Strapi, request: CoverageRequest = {}): Promise<CoverageReport> {
  const settings = localeSettings(strapi);
  const { defaultLocale } = settings;
  const existing = await localeCodes(strapi);
  const translatable = [...new Set([...settings.locales.map((locale) => locale.code), ...existing])].filter((code) => code !== defaultLocale);

  const status = request.status ?? 'published';
  if (status !== 'published' && status !== 'draft') {
    throw new CoverageInputError(`Unknown status "${status}"; use published (what sites are served) or draft (the latest edits).`, 'status');
  }
  const locales = request.locales !== undefined && request.locales.length > 0 ? [...request.locales] : translatable;
  for (const locale of locales) {
    if (locale === defaultLocale) {
      throw new CoverageInputError(`"${locale}" is the default locale, the source of every translation; ask for one of ${translatable.join(', ')}.`, 'locale');
    }
    if (!translatable.includes(locale)) {
      throw new CoverageInputError(`Unknown locale "${locale}"; this service translates into ${translatable.join(', ')}.`, 'locale');
    }
  }
  const names = SERVED_MODELS.map((model) => model.name);
  const models = (request.types !== undefined && request.types.length > 0 ? [...request.types] : names).map((type) => {
    const model = modelByName(type);
    if (model === undefined) throw new CoverageInputError(`Unknown content type "${type}"; use one of ${names.join(', ')}.`, 'type');
    return model;
  });

  const clinic = request.clinic ?? null;
  if (clinic !== null) {
    try {
      await assertClinicsExist(strapi, [clinic]);
    } catch (error) {
      throw error instanceof UnknownClinicError ? new CoverageInputError(error.message, 'clinic') : error;
    }
  }

  const known = [...new Set([...settings.locales.map((locale) => locale.code), ...existing])];
  const report: CoverageReport = {
    status,
    defaultLocale,
    clinic,
    locales: locales.map((locale) => ({ locale, chain: chainOf(settings, locale, known), types: [], adaptations: [] })),
  };

  for (const { name: type, uid } of models) {
    const sources = await documentsIn(strapi, { uid, locale: defaultLocale, status });
    const edited = await draftEditTimes(strapi, uid);

    for (const localeReport of report.locales) {
      const { locale, chain } = localeReport;
      const reader = createContentReader({ strapi, status, chain, renderText: (text) => text });
      const [found] = await reader.load([{ uid, by: 'documentId', values: sources.map((source) => source.documentId) }]);
      const summary: TypeCoverage = { type, entries: sources.length, translated: 0, inherited: 0, missing: 0, stale: 0, missingFields: 0, inheritedFields: 0, details: [] };
      for (const source of sources) {
        const entry = found?.get(source.documentId);
        if (entry === undefined) continue;
        const servedIn = entry.locale;
        const state: EntryState = servedIn === locale ? 'translated' : servedIn === defaultLocale ? 'missing' : 'inherited';
        const missingFields = state === 'missing' ? [] : entry.fallbackFields.filter((item) => item.locale === defaultLocale).map((item) => item.field);
        const inheritedFields = state === 'translated' ? entry.fallbackFields.filter((item) => item.locale !== defaultLocale) : [];
        let stale: EntryCoverage['stale'] = null;
        if (state === 'translated') {
          const times = edited.get(source.documentId);
          const own = times?.get(locale);
          const sourceLocale = chain.slice(chain.indexOf(locale) + 1).find((candidate) => times?.has(candidate));
          const sourceUpdatedAt = sourceLocale === undefined ? undefined : times?.get(sourceLocale);
          if (own !== undefined && sourceLocale !== undefined && sourceUpdatedAt !== undefined && sourceUpdatedAt > own) {
            stale = { source: sourceLocale, sourceUpdatedAt, updatedAt: own };
          }
        }
        summary[state] += 1;
        summary.missingFields += missingFields.length;
        summary.inheritedFields += inheritedFields.length;
        if (stale !== null) summary.stale += 1;
        if (state !== 'translated' || missingFields.length > 0 || inheritedFields.length > 0 || stale !== null) {
          summary.details.push({ documentId: source.documentId, slug: source.slug, servedIn, state, missingFields, inheritedFields, stale });
        }
      }
      localeReport.types.push(summary);
    }
  }
  const adaptations = await adaptationCoverage(strapi, { status, clinic, types: models.map((model) => model.name), locales: report.locales });
  for (const localeReport of report.locales) localeReport.adaptations = adaptations.get(localeReport.locale) ?? [];
  return report;
}

/** The report as a plain-text table (the CLI's default output). */
export function formatCoverage(report: CoverageReport): string {
  const lines: string[] = [`Translation coverage (${report.status} content; source locale ${report.defaultLocale})`];
  const headers = ['type', 'entries', 'translated', 'inherited', 'missing', 'stale', 'fields missing', 'fields inherited'];
  for (const { locale, chain, types, adaptations } of report.locales) {
    lines.push('', `${locale}  (served along ${chain.join(' → ')})`);
    const rows = types.map((type) => [type.type, type.entries, type.translated, type.inherited, type.missing, type.stale, type.missingFields, type.inheritedFields].map(String));
    lines.push(...textTable({ headers, rows, isRightAligned: (column) => column > 0 }));
    for (const type of types) {
      for (const detail of type.details) {
        const notes: string[] = [];
        if (detail.state === 'missing') notes.push(`not translated (served in ${detail.servedIn})`);
        if (detail.state === 'inherited') notes.push(`no ${locale} entry (served in ${detail.servedIn})`);
        if (detail.missingFields.length > 0) notes.push(`fields missing: ${detail.missingFields.join(', ')}`);
        if (detail.inheritedFields.length > 0) notes.push(`inherited: ${detail.inheritedFields.map((item) => `${item.field} (${item.locale})`).join(', ')}`);
        if (detail.stale !== null) notes.push(`stale: ${detail.stale.source} edited ${detail.stale.sourceUpdatedAt}, this translation ${detail.stale.updatedAt}`);
        lines.push(`  ${type.type} ${detail.slug}: ${notes.join('; ')}`);
      }
    }
    lines.push(...formatAdaptations({ locale, clinic: report.clinic, adaptations }));
  }
  return lines.join('\n');
}
