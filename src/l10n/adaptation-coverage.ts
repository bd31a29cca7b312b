/**
 * The clinic adaptations part of the coverage report (coverage.ts): for each locale of the report and
 * each clinic, how many adaptations the clinic has, how many have their own row in the locale, which
 * are served from another locale of the chain (fr for fr-CA, or en), which have no row along the chain
 * at all (not served in the locale), and which own rows are stale: the row they were translated from
 * (the next locale of the chain that has one) was edited after them.
 *
 * An adaptation is counted by its rows, as sites are served them: with `published`, its published
 * rows; with `draft`, its drafts. Field by field, the API then walks the chain through both the base
 * and the adaptation (docs/clinics.md); this report says where each adaptation's row comes from.
 */
import type { Core } from '@strapi/strapi';
import type { AdaptationTargetField } from '../content/model';
import type { ContentStatus } from '../content/reader';
import { textTable } from '../reports/text-table';
import { adaptationName, adaptationRows, type AdaptationRow } from './adaptations';

export type AdaptationState = 'own' | 'chain' | 'unserved';

export interface AdaptationCoverage {
  documentId: string;
  /** The adapted entry: its type and slug. */
  type: AdaptationTargetField;
  target: string;
  /** own: a row in this locale; chain: served from a later locale of the chain; unserved: no row along it. */
  state: AdaptationState;
  /** The locale its row is served from; null when unserved. */
  servedIn: string | null;
  stale: null | { source: string; sourceUpdatedAt: string; updatedAt: string };
}

export interface ClinicAdaptationCoverage {
  clinic: string;
  /** Adaptations of the clinic (with a row in the report's status, in any locale). */
  adaptations: number;
  /** Of those, with their own row in this locale. */
  own: number;
  /** Served from another locale of this locale's chain. */
  fromChain: number;
  /** With no row along the chain: the clinic's pages in this locale show the base alone. */
  unserved: number;
  stale: number;
  /** Adaptations with anything to report: not own, or stale. */
  details: AdaptationCoverage[];
}

interface Document {
  documentId: string;
  clinic: string;
  type: AdaptationTargetField;
  target: string;
  /** Locales with a row in the report's status. */
  locales: Set<string>;
  /** Draft edit times per locale (drafts are what translators and clinics change). */
  edited: Map<string, string>;
}

function byDocument(rows: readonly AdaptationRow[], status: ContentStatus): Document[] {
  const documents = new Map<string, Document>();
  for (const row of rows) {
    const { documentId, clinic, type, target } = row;
    const document = documents.get(documentId) ?? { documentId, clinic, type, target, locales: new Set<string>(), edited: new Map<string, string>() };
    if (row.isPublished === (status === 'published')) document.locales.add(row.locale);
    if (!row.isPublished) document.edited.set(row.locale, row.updatedAt);
    documents.set(documentId, document);
  }
  return [...documents.values()].filter((document) => document.locales.size > 0);
}

function coverageOf(document: Document, chain: readonly string[]): AdaptationCoverage {
  const [locale] = chain;
  const servedIn = chain.find((candidate) => document.locales.has(candidate)) ?? null;
  const state: AdaptationState = servedIn === null ? 'unserved' : servedIn === locale ? 'own' : 'chain';
  let stale: AdaptationCoverage['stale'] = null;
  const own = locale === undefined ? undefined : document.edited.get(locale);
  const source = chain.slice(1).find((candidate) => document.edited.has(candidate));
  const sourceUpdatedAt = source === undefined ? undefined : document.edited.get(source);
  if (state === 'own' && own !== undefined && source !== undefined && sourceUpdatedAt !== undefined && sourceUpdatedAt > own) {
    stale = { source, sourceUpdatedAt, updatedAt: own };
  }
  return { documentId: document.documentId, type: document.type, target: document.target, state, servedIn, stale };
}

/** Per locale of the report, per clinic: its adaptations of the types named (one statement for all). */
export async function adaptationCoverage(
  strapi: Core.Strapi,
  input: { status: ContentStatus; clinic: string | null; types: readonly string[]; locales: ReadonlyArray<{ locale: string; chain: readonly string[] }> },
): Promise<Map<string, ClinicAdaptationCoverage[]>> {
  const { status, clinic, types, locales } = input;
  const rows = (await adaptationRows(strapi, clinic === null ? {} : { clinic })).filter((row) => types.includes(row.type));
  const documents = byDocument(rows, status);
  const clinics = clinic === null ? [...new Set(documents.map((document) => document.clinic))] : [clinic];
  const result = new Map<string, ClinicAdaptationCoverage[]>();
  for (const { locale, chain } of locales) {
    result.set(
      locale,
      clinics.map((slug) => {
        const summary: ClinicAdaptationCoverage = { clinic: slug, adaptations: 0, own: 0, fromChain: 0, unserved: 0, stale: 0, details: [] };
        for (const document of documents.filter((candidate) => candidate.clinic === slug)) {
          const coverage = coverageOf(document, chain);
          summary.adaptations += 1;
          if (coverage.state === 'own') summary.own += 1;
          else if (coverage.state === 'chain') summary.fromChain += 1;
          else summary.unserved += 1;
          if (coverage.stale !== null) summary.stale += 1;
          if (coverage.state !== 'own' || coverage.stale !== null) summary.details.push(coverage);
        }
        return summary;
      }),
    );
  }
  return result;
}

/** The adaptations of one locale as lines of the text report. */
export function formatAdaptations(input: { locale: string; clinic: string | null; adaptations: readonly ClinicAdaptationCoverage[] }): string[] {
  const { locale, clinic, adaptations } = input;
  if (adaptations.length === 0) return ['', '  clinic adaptations: none'];
  const headers = ['clinic', 'adaptations', `own ${locale}`, 'from chain', 'not served', 'stale'];
  const rows = adaptations.map((item) => [item.clinic, item.adaptations, item.own, item.fromChain, item.unserved, item.stale].map(String));
  const lines = ['', clinic === null ? '  clinic adaptations' : `  clinic adaptations of ${clinic}`, ...textTable({ headers, rows, isRightAligned: (column) => column > 0 }).map((line) => `  ${line}`)];
  for (const item of adaptations) {
    for (const detail of item.details) {
      const notes: string[] = [];
      if (detail.state === 'chain') notes.push(`no ${locale} row (served in ${detail.servedIn ?? ''})`);
      if (detail.state === 'unserved') notes.push(`no row along the chain (not served in ${locale})`);
      if (detail.stale !== null) notes.push(`stale: ${detail.stale.source} edited ${detail.stale.sourceUpdatedAt}, this translation ${detail.stale.updatedAt}`);
      lines.push(`  adaptation ${adaptationName({ clinic: item.clinic, type: detail.type, target: detail.target })}: ${notes.join('; ')}`);
    }
  }
  return lines;
}
