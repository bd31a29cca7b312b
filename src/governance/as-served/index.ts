/**
 * "As served on a day": the text a clinic's page (techniques/<slug> or conditions/<slug>) served in a
 * locale at a past moment, rebuilt from content history (src/governance/history) — the published
 * versions in effect then of the entry, of its related entries, of the clinic and of the clinic's
 * adaptations — and rendered by the read API's own steps (content/served.ts `servedEntry`: the merge
 * along the locale chain, the adaptation's overrides and hidden entries, clinic tokens).
 *
 * A version is in effect at T for a document and locale when it is the newest published one recorded
 * at or before T; an unpublish or a delete recorded after the last publish means nothing is served; a
 * row not written since history began is as its first later version found it, or as it is now
 * (states.ts).
 * A relation with another side (a technique's `treats`, a condition's `techniques`) is one set of
 * links seen from both entries, and a write to either changes it: a link between two entries is as
 * the newer of their two versions in effect recorded it (a technique published later lists a
 * condition that its older version does not).
 * Configuration is not in history: the locale chain and the settings are taken as they are now, and
 * every answer says so.
 */
import type { Core } from '@strapi/strapi';
import { adaptationSql } from '../../content/adaptation-sql';
import { ADAPTATION, MODELS, UIDS, i18nLocales, modelByPageType, modelMeta, type ContentUid, type PageType } from '../../content/model';
import { readSql } from '../../content/reader';
import { servedEntry, type AnyEntry } from '../../content/served';
import type { ClinicEntry, ConditionEntry, TechniqueEntry } from '../../content/types';
import { clinicTokenValues, renderTokens } from '../../clinics/tokens';
import { chainOf, localeSettings } from '../../locales/config';
import { renderBlocks } from '../../rich-text/blocks';
import { therapyPageSeo } from '../../seo/page-seo';
import { firstVersionAt, type HistoryVersion } from '../history/table';
import { historyAt, refOf, type DocumentAt, type RowState, type VersionRef } from './states';
import { clinicText, faqs, listed, review, richText, texts, type AsServedResult, type Common, type ConditionPageText, type PartSource, type TechniquePageText } from './page-text';

export type { AsServedResult, ConditionPageText, PartSource, TechniquePageText } from './page-text';

export type { VersionRef } from './states';

/** What the answer says about configuration, every time. */
export const CONFIGURATION_NOTE = 'Configuration (locale chains, settings) is taken as it is now, not as it was then: only content, the clinic and its adaptations come from history.';

/** A clinic, page or locale that the service does not know (the command exits 1 with the message). */
export class AsServedLookupError extends Error {}

export interface AsServedRequest {
  clinic: string;
  pageType: PageType;
  slug: string;
  locale: string;
  /** Milliseconds since the epoch. */
  at: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

const describe = (version: HistoryVersion) => `${version.action} by ${version.actor} at ${iso(version.at)} (version #${version.id})`;

/** A row as the read statement gives it: the same fields, with its document, locale and time. */
function rowOf(fields: readonly string[], state: RowState): Record<string, unknown> {
  const values: Record<string, unknown> = { ...state.values, documentId: state.documentId, locale: state.locale, updatedAt: Number.isFinite(state.at) ? iso(state.at) : null };
  return Object.fromEntries(fields.map((field) => [field, values[field] ?? null]));
}

export async function pageAsServed(strapi: Core.Strapi, request: AsServedRequest): Promise<AsServedResult> {
  const { clinic: clinicSlug, pageType, slug, locale, at } = request;
  const model = modelByPageType(pageType);
  if (model === undefined) throw new AsServedLookupError(`There are no "${pageType}" pages; pages are techniques and conditions.`);
  const settings = localeSettings(strapi);
  const known = (await i18nLocales(strapi).find()).map((row) => row.code);
  if (!known.includes(locale)) throw new AsServedLookupError(`Unknown locale "${locale}"; this service has ${known.join(', ')}.`);
  const chain = chainOf(settings, locale, known);
  const common: Common = { clinic: clinicSlug, page: `${pageType}/${slug}`, locale, at: iso(at), chain, configuration: CONFIGURATION_NOTE };
  const history = historyAt(strapi, at);

  const [clinicIds, entryIds] = await Promise.all([history.named(UIDS.clinic, 'slug', clinicSlug), history.named(model.uid, 'slug', slug)]);
  if (clinicIds.length === 0) throw new AsServedLookupError(`There is no clinic "${clinicSlug}", now or in content history.`);
  if (entryIds.length === 0) throw new AsServedLookupError(`There is no ${model.name} "${slug}", now or in content history.`);

  const first = await firstVersionAt(strapi);
  if (first === null || at < first) {
    const reason = first === null ? 'No history is recorded yet.' : `No history recorded before ${iso(first)}: what was served at ${iso(at)} is not known.`;
    return { ...common, status: 'no-history', reason, firstRecordedAt: first === null ? null : iso(first) };
  }
  const notServed = (reason: string, version: VersionRef | null): AsServedResult => ({ ...common, status: 'not-served', reason, version });
  const whyNot = (what: string, document: DocumentAt | undefined): AsServedResult => {
    if (document?.ended != null) return notServed(`${what} was not served at ${iso(at)}: its last change before then was the ${describe(document.ended)}.`, refOf(document.ended, 'version'));
    if (document?.firstPublished != null && document.firstPublished.at > at) {
      return notServed(`${what} was not yet published in ${chain.join(' → ')} at ${iso(at)}: first published ${iso(document.firstPublished.at)}.`, null);
    }
    return notServed(`${what} was never published in ${chain.join(' → ')} before ${iso(at)}.`, null);
  };
  /** The one of `documents` whose row in effect has `slug` (a slug may have moved from one entry to another). */
  const bySlug = (documents: DocumentAt[], wanted: string) => documents.find((document) => document.rows[0]?.values.slug === wanted);

  const sql = readSql(strapi);
  const sources: PartSource[] = [];

  // The clinic: as the directory reads it, its default locale first, then every other locale.
  const clinicChain = [settings.defaultLocale, ...known.filter((code) => code !== settings.defaultLocale)];
  const clinics = await history.documents(UIDS.clinic, clinicIds, clinicChain);
  const clinicDocument = bySlug(clinics, clinicSlug);
  if (clinicDocument === undefined) return whyNot(`Clinic "${clinicSlug}"`, clinics[0]);
  const clinicRows = clinicDocument.rows;
  const clinic = servedEntry({ uid: UIDS.clinic, rows: clinicRows.map((row) => rowOf(sql.entry(UIDS.clinic).fields, row)), adaptationRows: [], chain: clinicChain, renderText: (text) => text })?.entry as ClinicEntry;
  sources.push({ part: `clinic ${clinicSlug}`, locale: clinic.locale, versions: clinicRows.map((row) => row.ref) });
  const clinicRef = clinicRows[0]?.ref ?? null;
  if (!clinic.locales.includes(locale)) {
    return notServed(`Clinic "${clinicSlug}" did not publish locale "${locale}" at ${iso(at)} (its locales: ${clinic.locales.join(', ')}).`, clinicRef);
  }
  const values = clinicTokenValues(clinic);
  const renderText = (text: string) => renderTokens(text, values);

  // The clinic's adaptations in effect at T, by the type and slug of the entry each adapts.
  const adaptationIds = await history.named(ADAPTATION.uid, ADAPTATION.clinicField, clinicSlug);
  const adaptationsAt = new Map<string, RowState[]>();
  for (const document of await history.documents(ADAPTATION.uid, adaptationIds, chain)) {
    for (const [field, uid] of Object.entries(ADAPTATION.targetFields)) {
      const target = document.rows[0]?.values[field];
      if (typeof target === 'string' && target !== '') adaptationsAt.set(`${uid}|${target}`, [...(adaptationsAt.get(`${uid}|${target}`) ?? []), ...document.rows]);
    }
  }
  const hiddenIds = new Map<string, string | null>();
  async function adaptationRowsOf(uid: ContentUid, entrySlug: string): Promise<{ rows: Array<Record<string, unknown>>; states: RowState[] }> {
    const states = adaptationsAt.get(`${uid}|${entrySlug}`) ?? [];
    const fields = adaptationSql(sql).fields;
    const rows: Array<Record<string, unknown>> = [];
    for (const state of states) {
      const row = rowOf(fields, state);
      const hidden = Array.isArray(row[ADAPTATION.hiddenField]) ? (row[ADAPTATION.hiddenField] as Array<Record<string, unknown>>) : [];
      // Hidden items name entries by slug; the read statement adds the documentId that slug names.
      row[ADAPTATION.hiddenField] = await Promise.all(
        hidden.map(async (item) => {
          const target = MODELS[uid].relations[String(item.relation)];
          const key = `${target}|${String(item.slug)}`;
          if (target !== undefined && !hiddenIds.has(key)) hiddenIds.set(key, (await history.named(target, 'slug', String(item.slug)))[0] ?? null);
          return { ...item, documentId: hiddenIds.get(key) ?? null };
        }),
      );
      rows.push(row);
    }
    return { rows, states };
  }

  /** A row's links in a relation with another side: the newer of each pair's two rows in effect decides. */
  async function linksAt(input: { uid: ContentUid; state: RowState; row: Record<string, unknown> }): Promise<void> {
    const { uid, state, row } = input;
    for (const [field, target] of Object.entries(MODELS[uid].relations)) {
      const relation = modelMeta(strapi, uid).field(field)?.relation;
      const inverse = relation?.inversedBy ?? relation?.mappedBy ?? null;
      if (inverse === null || inverse === undefined) continue;
      const own = Array.isArray(row[field]) ? (row[field] as string[]) : [];
      const candidates = [...new Set([...own, ...(await history.mentioning(target, state.documentId))])];
      const others = await history.documents(target, candidates, [state.locale]);
      row[field] = candidates.filter((other, index) => {
        const theirs = others[index]?.rows[0];
        if (theirs === undefined || theirs.at <= state.at) return own.includes(other);
        const list = theirs.values[inverse];
        return Array.isArray(list) ? list.includes(state.documentId) : own.includes(other);
      });
    }
  }

  /** Entries of a type as served at T in the chain, in the order given; those not served then are left out. */
  async function entriesAt<U extends ContentUid>(uid: U, documentIds: readonly string[]) {
    const served: Array<{ entry: AnyEntry; document: DocumentAt; adaptation: RowState[] }> = [];
    for (const document of await history.documents(uid, documentIds, chain)) {
      if (document.rows.length === 0) continue;
      const adaptation = MODELS[uid].adaptable.length > 0 ? await adaptationRowsOf(uid, String(document.rows[0]?.values.slug)) : { rows: [], states: [] };
      const entryRows = document.rows.map((state) => rowOf(sql.entry(uid).fields, state));
      for (const [index, state] of document.rows.entries()) await linksAt({ uid, state, row: entryRows[index] as Record<string, unknown> });
      const result = servedEntry({ uid, rows: entryRows, adaptationRows: adaptation.rows, chain, renderText });
      if (result !== null) served.push({ entry: result.entry, document, adaptation: adaptation.states });
    }
    return served;
  }

  const candidates = await history.documents(model.uid, entryIds, chain);
  const document = bySlug(candidates, slug);
  const what = `${model.name === 'technique' ? 'Technique' : 'Condition'} "${slug}"`;
  if (document === undefined) return whyNot(what, candidates[0]);
  const [page] = await entriesAt(model.uid, [document.documentId]);
  if (page === undefined) return whyNot(what, document);

  // Sources of the entry: its own rows, then each field served from the adaptation or a fallback locale.
  const entry = page.entry as (TechniqueEntry | ConditionEntry) & AnyEntry;
  const refIn = (states: RowState[], wanted: string) => states.filter((state) => state.locale === wanted).map((state) => state.ref);
  sources.push({ part: `${model.name} ${slug}`, locale: entry.locale, versions: page.document.rows.map((row) => row.ref) });
  if (page.adaptation.length > 0) sources.push({ part: "the clinic's adaptation (overrides, own FAQ items and section, hidden entries)", locale: page.adaptation[0]?.locale ?? null, versions: page.adaptation.map((row) => row.ref) });
  for (const adapted of entry.adaptedFields) sources.push({ part: `${adapted.field} (the clinic's adaptation)`, locale: adapted.locale, versions: refIn(page.adaptation, adapted.locale) });
  for (const fallback of entry.fallbackFields) sources.push({ part: `${fallback.field} (fallback locale)`, locale: fallback.locale, versions: refIn(page.document.rows, fallback.locale) });
  const relatedOf = async <U extends ContentUid>(field: string, uid: U) => {
    const documentIds = (entry as unknown as Record<string, string[]>)[field] ?? [];
    const found = await entriesAt(uid, documentIds);
    for (const item of found) sources.push({ part: `${field}: ${item.entry.slug}`, locale: item.entry.locale, versions: [...item.document.rows, ...item.adaptation].map((row) => row.ref) });
    return found.map((item) => item.entry as AnyEntry & { name: string; summary: string });
  };

  if (model.uid === UIDS.technique) {
    const technique = entry as TechniqueEntry;
    if (!clinic.offeredTechniques.includes(technique.documentId)) {
      return notServed(`Clinic "${clinicSlug}" did not offer technique "${slug}" at ${iso(at)}, so its site had no such page.`, clinicRef);
    }
    const [treats, causes, providerTypes, benefits] = [
      await relatedOf('treats', UIDS.condition),
      await relatedOf('causes', UIDS.cause),
      await relatedOf('providerTypes', UIDS.providerType),
      await relatedOf('benefits', UIDS.benefit),
    ];
    const text: TechniquePageText = {
      seo: therapyPageSeo({ technique, clinic }),
      clinic: clinicText(clinic),
      technique: {
        slug: technique.slug,
        locale: technique.locale,
        name: technique.name,
        abbreviation: technique.abbreviation,
        summary: technique.summary,
        intro: renderBlocks(technique.intro),
        goal: technique.goal,
        howItWorks: richText(technique.howItWorks),
        procedureOverview: technique.procedureOverview,
        procedure: technique.procedure.map((step) => ({ title: step.title, description: step.description })),
        assessments: texts(technique.assessments),
        progressMeasures: texts(technique.progressMeasures),
        treatmentCourse: technique.treatmentCourse,
        providerNote: technique.providerNote,
        faqs: faqs(technique.faqs),
        localSection: richText(technique.localSection),
        callToAction: technique.callToAction === null ? null : { text: technique.callToAction.text, buttonLabel: technique.callToAction.buttonLabel, url: technique.callToAction.url },
        medicalReview: review(technique.medicalReview),
        adaptedFields: technique.adaptedFields,
        fallbackFields: technique.fallbackFields,
        treats: treats.map(listed),
        causes: causes.map(listed),
        providerTypes: providerTypes.map(listed),
        benefits: benefits.map(listed),
      },
    };
    return { ...common, status: 'served', text, sources };
  }

  const condition = entry as ConditionEntry;
  // A clinic's site has a condition's page when a technique it offers treats it there (and does not hide it).
  const offered = await entriesAt(UIDS.technique, clinic.offeredTechniques);
  if (!offered.some((item) => (item.entry as TechniqueEntry).treats.includes(condition.documentId))) {
    return notServed(`No technique clinic "${clinicSlug}" offered at ${iso(at)} treated condition "${slug}" on its pages, so its site had no such page.`, clinicRef);
  }
  const [causes, techniques] = [await relatedOf('causes', UIDS.cause), await relatedOf('techniques', UIDS.technique)];
  const text: ConditionPageText = {
    clinic: clinicText(clinic),
    condition: {
      slug: condition.slug,
      locale: condition.locale,
      name: condition.name,
      summary: condition.summary,
      description: richText(condition.description),
      symptoms: texts(condition.symptoms),
      causes: causes.map(listed),
      techniques: techniques.map((technique) => ({ ...listed(technique), offeredByClinic: clinic.offeredTechniques.includes(technique.documentId) })),
      faqs: faqs(condition.faqs),
      localSection: richText(condition.localSection),
      adaptedFields: condition.adaptedFields,
      fallbackFields: condition.fallbackFields,
      seo: condition.seo === null ? null : { metaTitle: condition.seo.metaTitle, metaDescription: condition.seo.metaDescription, noIndex: condition.seo.noIndex },
      medicalReview: review(condition.medicalReview),
    },
  };
  return { ...common, status: 'served', text, sources };
}
