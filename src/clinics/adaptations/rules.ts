/**
 * The write rules of clinic adaptations, derived from the content-model registry: which fields a write
 * may name (overrides of the target type's `adaptable` fields, the clinic's own content, hides), which
 * entry it adapts (exactly one technique or condition), and what a hide may name (a relation of the
 * target type). Pure functions: the Document Service middleware (middleware.ts) and the admin's raw
 * body check (body.ts) decide with them, so an editor, a script and the seed hear the same refusal.
 */
import { ADAPTABLE_MODELS, ADAPTATION, MODELS, type AdaptationTargetField, type ContentModel } from '../../content/model';
import { isEmptyValue } from '../../content/values';
import type { ContentIssue } from '../../content-validation/validate';

/** Every field of a type as Strapi has it: its schema's and Strapi's own (timestamps, creator, locale). */
export type FieldsOf = (uid: string) => readonly string[];

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

/** The adaptation's fields that override the target's field of the same name: those some type adapts. */
export const OVERRIDE_FIELDS: readonly string[] = unique(ADAPTABLE_MODELS.flatMap((model) => model.adaptable));

/** The fields editors write, in the order they are named to them. */
export const ADAPTATION_FIELDS: readonly string[] = [
  ADAPTATION.clinicField,
  ...Object.keys(ADAPTATION.targetFields),
  ...OVERRIDE_FIELDS,
  ...ADAPTATION.ownFields,
  ADAPTATION.hiddenField,
];

/** Keys Strapi adds to a document beside its attributes. */
const DOCUMENT_KEYS = ['id', 'documentId'];

const TARGET_FIELDS = Object.entries(ADAPTATION.targetFields) as Array<[AdaptationTargetField, (typeof ADAPTATION.targetFields)[AdaptationTargetField]]>;

/** The entry an adaptation adapts. */
export interface AdaptationTarget {
  field: AdaptationTargetField;
  model: ContentModel;
  slug: string;
}

/** A slug as written: trimmed text, or null for none (null, undefined, blank). */
export function slugValue(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

const joined = (fields: readonly string[]) => fields.join(', ');

/** What an adaptation of this type may set besides the clinic and the target. */
function mayWrite(model: ContentModel): string {
  return `a ${model.name} adaptation overrides ${joined(model.adaptable)} and adds ${joined(ADAPTATION.ownFields)}`;
}

export function vettedMessage(field: string, target: ContentModel | null): string {
  const message = `${field} is vetted medical content and cannot be adapted per clinic`;
  const isRelation = (target === null ? ADAPTABLE_MODELS : [target]).some((model) => Object.hasOwn(model.relations, field));
  return isRelation ? `${message}; to leave a linked entry off the clinic's pages, list it under ${ADAPTATION.hiddenField}` : message;
}

/**
 * THE decision on the fields a write names (the Document Service's data, or the admin's raw body
 * before Strapi drops what it does not know): each must be a field of the adaptation that applies to
 * its target. Overriding a field of the target that is not adaptable is refused as vetted; a field
 * neither the adaptation nor the target has is unknown. `target` is null while it is not known (the
 * write sets none, or both): a field of any adaptable type then counts as the target's.
 * Empty values of the adaptation's own fields are ignored (the admin sends every field of the form).
 */
export function adaptationFieldIssues(input: { target: ContentModel | null; data: Readonly<Record<string, unknown>>; fieldsOf: FieldsOf }): ContentIssue[] {
  const { target, data, fieldsOf } = input;
  const own = new Set([...fieldsOf(ADAPTATION.uid), ...DOCUMENT_KEYS]);
  const candidates = target === null ? ADAPTABLE_MODELS : [target];
  const issues: ContentIssue[] = [];
  for (const [field, value] of Object.entries(data)) {
    if (OVERRIDE_FIELDS.includes(field) && own.has(field)) {
      if (target === null || target.adaptable.includes(field) || isEmptyValue(value)) continue;
      const message = fieldsOf(target.uid).includes(field)
        ? vettedMessage(field, target)
        : `${field} cannot be adapted for a ${target.name}, which has no ${field}: ${mayWrite(target)}`;
      issues.push({ path: [field], message });
      continue;
    }
    if (own.has(field)) continue;
    if (candidates.some((model) => fieldsOf(model.uid).includes(field))) {
      issues.push({ path: [field], message: vettedMessage(field, target) });
      continue;
    }
    const fields = target === null ? `its fields are ${joined(ADAPTATION_FIELDS)}` : mayWrite(target);
    issues.push({ path: [field], message: `${field} is not a field of a clinic adaptation: ${fields}` });
  }
  return issues;
}

/** The entry a record (an adaptation as stored, or as a write leaves it) adapts, or why it adapts none. */
export function adaptationTarget(record: Readonly<Record<string, unknown>>): { target: AdaptationTarget | null; issues: ContentIssue[] } {
  const set = TARGET_FIELDS.flatMap(([field, uid]) => {
    const slug = slugValue(record[field]);
    return slug === null ? [] : [{ field, model: MODELS[uid] as ContentModel, slug }];
  });
  const names = TARGET_FIELDS.map(([field]) => field);
  if (set.length === 1) return { target: set[0] ?? null, issues: [] };
  if (set.length === 0) {
    return {
      target: null,
      issues: [{ path: [names[0] ?? 'technique'], message: `${names.join(' or ')} must be set: an adaptation adapts exactly one entry (give its slug)` }],
    };
  }
  const values = set.map((entry) => `${entry.field} "${entry.slug}"`).join(' and ');
  return {
    target: null,
    issues: [{ path: [set[1]?.field ?? 'condition'], message: `${values} are both set: an adaptation adapts exactly one entry; clear one of them` }],
  };
}

/** The clinic a record names, or why it names none. */
export function adaptationClinic(record: Readonly<Record<string, unknown>>): { clinic: string | null; issues: ContentIssue[] } {
  const clinic = slugValue(record[ADAPTATION.clinicField]);
  if (clinic !== null) return { clinic, issues: [] };
  return { clinic: null, issues: [{ path: [ADAPTATION.clinicField], message: `${ADAPTATION.clinicField} must be set: the slug of the clinic this adaptation is for` }] };
}

/** One item of the adaptation's hides, as written. */
export interface HiddenEntry {
  index: number;
  relation: string | null;
  slug: string | null;
}

/** The hides of a record (`hidden`: a list of `{ relation, slug }`). */
export function hiddenEntries(value: unknown): HiddenEntry[] {
  if (!Array.isArray(value)) return [];
  return value.map((item: unknown, index) => {
    const entry = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
    return { index, relation: slugValue(entry.relation), slug: slugValue(entry.slug) };
  });
}

/**
 * The hides a target allows: each names one of the target type's relations and an entry the target
 * links there. `linked`: the slugs the target's rows (any locale, any status) link, by relation.
 */
export function hiddenIssues(input: { target: AdaptationTarget; hidden: readonly HiddenEntry[]; linked: ReadonlyMap<string, ReadonlySet<string>> }): ContentIssue[] {
  const { target, hidden, linked } = input;
  const relations = Object.keys(target.model.relations);
  const field = ADAPTATION.hiddenField;
  const issues: ContentIssue[] = [];
  const seen = new Set<string>();
  for (const { index, relation, slug } of hidden) {
    const at = `${field}[${index}]`;
    if (relation === null || !relations.includes(relation)) {
      const named = relation === null ? 'is missing' : `"${relation}" is not a link of a ${target.model.name}`;
      issues.push({ path: [field, index, 'relation'], message: `${at}.relation ${named}: a ${target.model.name} links ${joined(relations)}` });
      continue;
    }
    if (slug === null) {
      issues.push({ path: [field, index, 'slug'], message: `${at}.slug must be set: the slug of the linked entry to hide` });
      continue;
    }
    const slugs = linked.get(relation) ?? new Set<string>();
    if (!slugs.has(slug)) {
      const links = slugs.size === 0 ? 'nothing' : [...slugs].sort().map((known) => `"${known}"`).join(', ');
      issues.push({
        path: [field, index, 'slug'],
        message: `${at}.slug "${slug}" is not linked from ${target.field} "${target.slug}" under ${relation}, so there is nothing to hide: it links ${links} there`,
      });
      continue;
    }
    const key = `${relation}|${slug}`;
    if (seen.has(key)) issues.push({ path: [field, index], message: `${at} hides ${relation} "${slug}" a second time` });
    seen.add(key);
  }
  return issues;
}
