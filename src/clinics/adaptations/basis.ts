/**
 * The basis of an adaptation: for each field it overrides in a locale, the base value it was made
 * against — the target's published value along that locale's chain (fr-CA → fr → en: the first locale
 * where the base has it) — as `{ field: { locale, hash, text } }`. The hash compares (drift: the base
 * published with another value); the text shows an editor what the override was written against.
 * Editors never write it: the service records it when an adaptation is saved or published, and when
 * the clinic confirms its adaptation against a new base (`confirmAdaptation`).
 */
import { createHash } from 'crypto';
import type { Core } from '@strapi/strapi';
import { ADAPTATION, modelMeta } from '../../content/model';
import { isEmptyValue } from '../../content/values';
import { chainOf, localeSettings } from '../../locales/config';
import { renderBlocks } from '../../rich-text/blocks';
import type { AdaptationTarget } from './rules';
import { adaptationTarget, OVERRIDE_FIELDS } from './rules';

export interface BasisEntry {
  /** The locale the base value was read from (along the adaptation locale's chain). */
  locale: string;
  /** sha256 of the value's canonical JSON (fingerprint). */
  hash: string;
  /** The value as plain text, for editors (rich text flattened). */
  text: string;
}

export type Basis = Record<string, BasisEntry>;

/** Keys that change when a value is stored again (component row ids) or exist only in the admin's form. */
const VOLATILE_KEYS = new Set(['id', '__component', '__temp_key__']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.keys(value)
        // A stored component holds its unset fields as null; a written one may leave them out.
        .filter((key) => !VOLATILE_KEYS.has(key) && value[key] !== undefined && value[key] !== null)
        .sort()
        .map((key) => [key, canonical(value[key])]),
    );
  }
  return value;
}

/** JSON with sorted keys, without row ids and unset fields: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value) ?? null);
}

const isBlocks = (value: unknown): value is unknown[] =>
  Array.isArray(value) && value.every((item) => isRecord(item) && typeof item.type === 'string' && Array.isArray(item.children));

/** A stored value as an editor reads it: text as is, rich text flattened, a component as `field: value` lines. */
export function plainText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isBlocks(value)) return renderBlocks(value).text;
  if (Array.isArray(value)) return value.map(plainText).filter((text) => text !== '').join('\n\n');
  if (isRecord(value)) {
    return Object.entries(value)
      .filter(([key, inner]) => !VOLATILE_KEYS.has(key) && inner !== false && !isEmptyValue(inner))
      .map(([key, inner]) => `${key}: ${plainText(inner)}`)
      .join('\n');
  }
  return '';
}

/** A base value's fingerprint: what a basis entry records of it. */
export function fingerprint(value: unknown): { hash: string; text: string } {
  return { hash: createHash('sha256').update(canonicalJson(value)).digest('hex'), text: plainText(value) };
}

/**
 * The basis of the overrides set in one locale: for each, the first locale of the chain where the
 * published base has a value. An override whose base has no value anywhere along the chain records
 * nothing (it replaces nothing yet).
 */
export function basisOf(input: {
  overrides: Readonly<Record<string, unknown>>;
  chain: readonly string[];
  /** The published base's values, by locale. */
  base: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}): Basis {
  const basis: Basis = {};
  for (const [field, value] of Object.entries(input.overrides)) {
    if (isEmptyValue(value)) continue;
    for (const locale of input.chain) {
      const baseValue = input.base.get(locale)?.[field];
      if (isEmptyValue(baseValue)) continue;
      basis[field] = { locale, ...fingerprint(baseValue) };
      break;
    }
  }
  return basis;
}

type Row = Record<string, unknown>;

/** The published rows of the target (every locale), with the fields the adaptation may override. */
export async function publishedBase(strapi: Core.Strapi, target: AdaptationTarget): Promise<Map<string, Row>> {
  const fields = target.model.adaptable;
  const components = fields.filter((field) => target.model.components.includes(field));
  const rows = (await strapi.db.query(target.model.uid).findMany({
    where: { slug: target.slug, publishedAt: { $notNull: true } },
    select: ['id', 'locale', ...fields.filter((field) => !components.includes(field))],
    ...(components.length > 0 ? { populate: Object.fromEntries(components.map((field) => [field, true])) } : {}),
  })) as Row[];
  return new Map(rows.filter((row) => typeof row.locale === 'string').map((row) => [row.locale as string, row]));
}

/** The basis of the overrides `values` sets in `locale`, for an adaptation of `target`. */
export async function recordBasis(strapi: Core.Strapi, input: { target: AdaptationTarget; locale: string; values: Readonly<Record<string, unknown>> }): Promise<Basis> {
  const { target, locale, values } = input;
  const overrides = Object.fromEntries(target.model.adaptable.map((field) => [field, values[field]]));
  if (Object.values(overrides).every(isEmptyValue)) return {};
  return basisOf({ overrides, chain: chainOf(localeSettings(strapi), locale), base: await publishedBase(strapi, target) });
}

/** An adaptation's rows (every locale, draft and published) with what its rules and its basis read. */
export async function adaptationRows(strapi: Core.Strapi, where: Record<string, unknown>, options: { withBasis?: boolean } = {}): Promise<Row[]> {
  const meta = modelMeta(strapi, ADAPTATION.uid);
  const isComponent = (field: string) => meta.field(field)?.type === 'component';
  const read = [ADAPTATION.clinicField, ...Object.keys(ADAPTATION.targetFields), ...OVERRIDE_FIELDS, ADAPTATION.hiddenField, ...(options.withBasis === true ? [ADAPTATION.basisField] : [])];
  return (await strapi.db.query(ADAPTATION.uid).findMany({
    where,
    select: ['id', 'documentId', 'locale', 'publishedAt', ...read.filter((field) => !isComponent(field))],
    populate: Object.fromEntries(read.filter(isComponent).map((field) => [field, true])),
  })) as Row[];
}

/** What confirming recorded: the basis of each row, by locale and status. */
export interface ConfirmedBasis {
  documentId: string;
  rows: Array<{ locale: string; isPublished: boolean; basis: Basis }>;
}

/**
 * Re-records the basis of an adaptation against the base as it is published now, in `locale` or in
 * every locale, draft and published rows alike, without touching its content (no new draft, nothing
 * to publish): the "confirm" of the drift workflow, after the clinic has checked its overrides against
 * the new base. Null when the adaptation does not exist (in that locale).
 */
export async function confirmAdaptation(strapi: Core.Strapi, input: { documentId: string; locale?: string }): Promise<ConfirmedBasis | null> {
  const { documentId, locale } = input;
  const rows = await adaptationRows(strapi, { documentId, ...(locale === undefined ? {} : { locale }) });
  if (rows.length === 0) return null;
  const confirmed: ConfirmedBasis = { documentId, rows: [] };
  for (const row of rows) {
    const { target } = adaptationTarget(row);
    const rowLocale = typeof row.locale === 'string' ? row.locale : localeSettings(strapi).defaultLocale;
    const basis = target === null ? {} : await recordBasis(strapi, { target, locale: rowLocale, values: row });
    await strapi.db.query(ADAPTATION.uid).update({ where: { id: row.id }, data: { [ADAPTATION.basisField]: basis } });
    confirmed.rows.push({ locale: rowLocale, isPublished: row.publishedAt !== null && row.publishedAt !== undefined, basis });
  }
  return confirmed;
}
