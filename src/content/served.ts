/**
 * One document as the read API serves it: its rows in the chain's locales merged (mergeAlongChain), the
 * clinic's adaptation applied (adaptation.ts) and its texts rendered. The read API's loads
 * (reader.ts) and content history's past pages (src/governance/as-served) both serve entries so.
 */
import { applyAdaptation } from './adaptation';
import { MODELS, type ContentUid } from './model';
import type { EntryByUid } from './types';
import { isEmptyValue } from './values';

export type AnyEntry = EntryByUid[ContentUid];

/** Fields that identify an entry rather than hold its content: never taken from another locale. */
const OWN_FIELDS = new Set(['documentId', 'slug', 'locale', 'updatedAt']);

/**
 * One document's rows in the chain's locales, merged: the first row is the entry; each field it leaves
 * empty (values.ts) is taken from the next row that has it, and (relations aside) listed in
 * `fallbackFields`.
 * `dependsOnUpTo` is the last locale whose row the answer depends on (null: all of the chain's).
 */
export function mergeAlongChain(
  rows: Array<Record<string, unknown>>,
  chain: readonly string[],
  relations: Record<string, unknown>,
): { data: Record<string, unknown>; dependsOnUpTo: string | null } | null {
  if (rows.length === 0) return null;
  if (chain.length === 1) {
    // One locale: nothing to fall back to, and the answer depends on that locale's row alone
    // (whether or not a field is empty), so no field needs its emptiness checked.
    const data: Record<string, unknown> = Object.assign({}, rows[0]);
    for (const field in relations) if (data[field] === null) data[field] = [];
    data.fallbackFields = [];
    return { data, dependsOnUpTo: chain[0] ?? null };
  }
  const ordered = [...rows].sort((a, b) => chain.indexOf(String(a.locale)) - chain.indexOf(String(b.locale)));
  const first = ordered[0] as Record<string, unknown>;
  // Object.assign rather than a spread: V8 copies an object JSON.parse made several times faster so.
  const data: Record<string, unknown> = Object.assign({}, first);
  const fallbackFields: Array<{ field: string; locale: string }> = [];
  let depth = chain.indexOf(String(first.locale));
  let isComplete = true;
  for (const field of Object.keys(first)) {
    if (OWN_FIELDS.has(field) || !isEmptyValue(first[field])) continue;
    const donor = ordered.slice(1).find((row) => !isEmptyValue(row[field]));
    if (donor === undefined) {
      isComplete = false;
      if (field in relations) data[field] = [];
      continue;
    }
    data[field] = donor[field];
    // Relations are structure, kept once per document: inherited, but not a translation gap.
    if (!(field in relations)) fallbackFields.push({ field, locale: String(donor.locale) });
    depth = Math.max(depth, chain.indexOf(String(donor.locale)));
  }
  data.fallbackFields = fallbackFields;
  // A field empty everywhere would change if any locale of the chain filled it in.
  return { data, dependsOnUpTo: isComplete ? (chain[depth] ?? null) : null };
}


/** Fields every entry has, checked once per entry read: the rest is as the type's statement selects it. */
function isEntry(value: object): value is AnyEntry {
  return (
    'documentId' in value && typeof value.documentId === 'string' && 'locale' in value && typeof value.locale === 'string' &&
    'fallbackFields' in value && Array.isArray(value.fallbackFields) && 'adaptedFields' in value && Array.isArray(value.adaptedFields)
  );
}

/** Fields of a loaded entry taken as they are: identity, bookkeeping, relations (documentIds). */
const UNRENDERED = new Set(['documentId', 'slug', 'locale', 'updatedAt', 'fallbackFields', 'adaptedFields']);

/** Every string of a value, rendered (clinic tokens). */
function renderValue(value: unknown, renderText: (text: string) => string): unknown {
  if (typeof value === 'string') return renderText(value);
  if (Array.isArray(value)) return value.map((item) => renderValue(item, renderText));
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) result[key] = renderValue(item, renderText);
    return result;
  }
  return value;
}

/** The merged entry (mergeAlongChain's own copy, changed in place) with its texts rendered. */
function toEntry(uid: ContentUid, data: Record<string, unknown>, renderText: ((text: string) => string) | null): AnyEntry {
  const { relations } = MODELS[uid];
  for (const field in data) {
    const value = data[field];
    if (field in relations) {
      if (value === null || value === undefined) data[field] = [];
    } else if (renderText !== null && !UNRENDERED.has(field)) {
      data[field] = renderValue(value, renderText);
    }
  }
  if (!isEntry(data)) throw new Error(`A loaded ${uid} entry lacks its documentId, locale, fallback or adapted fields.`);
  return data;
}

/**
 * One document as served: its rows in the chain's locales merged (mergeAlongChain), the clinic's
 * adaptation rows applied (adaptation.ts) and every text rendered. The read API's rows come from its
 * statement; content history gives the same rows as they were at a past moment (src/governance/as-served).
 */
export function servedEntry(input: {
  uid: ContentUid;
  /** The document's rows (the read statement's fields, with documentId and locale) in the chain's locales. */
  rows: Array<Record<string, unknown>>;
  /** The clinic's adaptation rows of this entry in the chain's locales, hidden items with their documentIds. */
  adaptationRows: ReadonlyArray<Record<string, unknown>>;
  chain: readonly string[];
  renderText: (text: string) => string;
  /** False when no string of the rows holds a token (`{{`): nothing to render, nothing to copy. */
  mayHoldTokens?: boolean;
}): { entry: AnyEntry; dependsOnUpTo: string | null } | null {
  const { uid, rows, adaptationRows, chain, renderText } = input;
  const model = MODELS[uid];
  const merged = mergeAlongChain(rows, chain, model.relations);
  if (merged === null) return null;
  const render = input.mayHoldTokens === false ? null : renderText;
  return { entry: toEntry(uid, applyAdaptation({ model, data: merged.data, rows, adaptationRows, chain }), render), dependsOnUpTo: merged.dependsOnUpTo };
}
