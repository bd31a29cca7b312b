/**
 * How a clinic's adaptation changes an entry it reads (model/registry.ts: ADAPTATION, each type's
 * `adaptable` fields). The rows come from the same statement as the entry's own (adaptation-sql.ts).
 *
 * The locale rule, per adaptable field: walk the requested chain (fr-CA → fr → en); at the first locale
 * where the entry's row or the adaptation's row has a value (values.ts), the adaptation's value wins.
 * So with fr-CA → fr → en, a vetted fr-CA summary beats the clinic's fr summary, and the clinic's fr-CA
 * summary beats a vetted fr one. A field served from the adaptation is listed in `adaptedFields` with
 * the adaptation row's locale (and no longer in `fallbackFields`).
 *
 * The clinic's own content (its FAQ items, its local section) is the first along the chain that the
 * adaptation has; FAQ items say who wrote them. Hidden entries (one `{ relation, slug }` item each, the
 * same in every locale) leave the entry's relation lists, so whatever lists them (pages, relation
 * filters, JSON-LD) leaves them out.
 */
import { ADAPTATION, MODELS, type AdaptationTargetField, type ContentModel, type ContentUid } from './model';
import type { FieldLocale } from './types';
import { isEmptyValue } from './values';

type Row = Record<string, unknown>;

const [FAQS, LOCAL_SECTION] = ADAPTATION.ownFields;

const TARGET_FIELDS = new Map<ContentUid, AdaptationTargetField>(
  (Object.entries(ADAPTATION.targetFields) as Array<[AdaptationTargetField, ContentUid]>).map(([field, uid]) => [uid, field]),
);

/** The adaptation field naming entries of `uid`, or null for a type clinics do not adapt. */
export function adaptationTargetField(uid: ContentUid): AdaptationTargetField | null {
  return MODELS[uid].adaptable.length > 0 ? (TARGET_FIELDS.get(uid) ?? null) : null;
}

function inChainOrder(rows: readonly Row[], chain: readonly string[]): Row[] {
  return [...rows].sort((a, b) => chain.indexOf(String(a.locale)) - chain.indexOf(String(b.locale)));
}

const firstWith = (rows: readonly Row[], field: string) => rows.find((row) => !isEmptyValue(row[field]));

function items(value: unknown): Row[] {
  return Array.isArray(value) ? value.filter((item): item is Row => typeof item === 'object' && item !== null) : [];
}

/** A FAQ item with who wrote it (Object.assign: V8 copies a parsed row's object much faster than a spread). */
function sourced(faq: Row, source: 'vetted' | 'clinic'): Row {
  const item = Object.assign({}, faq);
  item.source = source;
  return item;
}

/**
 * An entry merged along the chain (served.ts: mergeAlongChain) with the clinic's adaptation applied:
 * overrides by the locale rule, the clinic's own FAQ items and local section, hidden entries left out,
 * and `adaptedFields`. Types clinics adapt always get `localSection` and sourced `faqs`, adapted or not.
 */
export function applyAdaptation(input: {
  model: ContentModel;
  /** The merged entry (changed in place and returned). */
  data: Row;
  /** The entry's own rows in the chain's locales. */
  rows: readonly Row[];
  /** The calling clinic's adaptation rows of this entry in the chain's locales (none: not adapted). */
  adaptationRows: readonly Row[];
  chain: readonly string[];
}): Row {
  const { model, data, chain } = input;
  const adaptedFields: FieldLocale[] = [];
  if (model.adaptable.length === 0) {
    data.adaptedFields = adaptedFields;
    return data;
  }
  const adaptations = inChainOrder(input.adaptationRows, chain);
  let fallbackFields = Array.isArray(data.fallbackFields) ? (data.fallbackFields as FieldLocale[]) : [];
  // Without adaptation rows (most entries) no field is overridden, and the entry's rows are not needed.
  const overridable = adaptations.length === 0 ? [] : model.adaptable;
  const rows = overridable.length === 0 ? [] : inChainOrder(input.rows, chain);

  for (const field of overridable) {
    const adapted = firstWith(adaptations, field);
    if (adapted === undefined) continue;
    const base = firstWith(rows, field);
    if (base !== undefined && chain.indexOf(String(base.locale)) < chain.indexOf(String(adapted.locale))) continue;
    data[field] = adapted[field];
    fallbackFields = fallbackFields.filter((fallback) => fallback.field !== field);
    adaptedFields.push({ field, locale: String(adapted.locale) });
  }

  const ownFaqs = firstWith(adaptations, FAQS);
  const vetted = model.components.includes(FAQS) ? items(data[FAQS]).map((faq) => sourced(faq, 'vetted')) : [];
  data[FAQS] = [...vetted, ...items(ownFaqs?.[FAQS]).map((faq) => sourced(faq, 'clinic'))];
  if (ownFaqs !== undefined) adaptedFields.push({ field: FAQS, locale: String(ownFaqs.locale) });

  const localSection = firstWith(adaptations, LOCAL_SECTION);
  data[LOCAL_SECTION] = localSection?.[LOCAL_SECTION] ?? null;
  if (localSection !== undefined) adaptedFields.push({ field: LOCAL_SECTION, locale: String(localSection.locale) });

  // Hidden items are not localized: every row holds the same; the first along the chain is used.
  for (const hidden of items(adaptations[0]?.[ADAPTATION.hiddenField])) {
    const relation = String(hidden.relation);
    const list = data[relation];
    if (!(relation in model.relations) || !Array.isArray(list) || typeof hidden.documentId !== 'string') continue;
    data[relation] = list.filter((documentId) => documentId !== hidden.documentId);
  }

  data.fallbackFields = fallbackFields;
  data.adaptedFields = adaptedFields;
  return data;
}
