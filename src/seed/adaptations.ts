/**
 * Clinic adaptations in the seed (data/seed/clinic-adaptations.json): what an entry may hold and how it
 * is checked before anything is written. One entry per adaptation: the clinic and the one technique or
 * condition it adapts (slugs of seed entries), the related entries it hides, and under `locales` its
 * content per locale — overrides of the fields the content-model registry marks adaptable for the
 * target's type, and the clinic's own FAQs and local section. Vetted fields are refused by name, in the
 * words the service refuses them on every write (src/clinics/adaptations, whose Document Service
 * middleware checks the seed's writes too); `basis` is the service's to record, never the seed's.
 */
import { z } from 'zod';
import { vettedMessage } from '../clinics/adaptations';
import { describeUnknownTokens, stringsIn, unknownTokens } from '../clinics/tokens';
import { ADAPTATION, MODELS, UIDS, type AdaptationTargetField, type ContentModel } from '../content/model';
import { SEED_TYPES, paragraphs, slug, type FieldKind, type SeedEntry, type SeedFile, type SeedIssue, type SeedTypeSpec } from './schema';

export const ADAPTATIONS_FILE = 'clinic-adaptations.json';

/** A validated adaptation: one per clinic and target, with its content by locale. */
export interface SeedAdaptation {
  clinic: string;
  targetField: AdaptationTargetField;
  target: string;
  hidden: Array<{ relation: string; slug: string }>;
  /** locale → field → value as the seed file has it (paragraph lists, FAQ objects, components). */
  locales: Record<string, Record<string, unknown>>;
}

/** The target's type and how the seed describes it. */
export interface TargetType {
  field: AdaptationTargetField;
  model: ContentModel;
  spec: SeedTypeSpec;
}

function specOf(uid: string): SeedTypeSpec {
  const spec = SEED_TYPES.find((candidate) => candidate.uid === uid);
  if (spec === undefined) throw new Error(`the seed describes no ${uid}`);
  return spec;
}

const TARGET_TYPES: readonly TargetType[] = (Object.entries(ADAPTATION.targetFields) as Array<[AdaptationTargetField, keyof typeof MODELS]>).map(
  ([field, uid]) => ({ field, model: MODELS[uid] as ContentModel, spec: specOf(uid) }),
);

/** The clinic's own content, the same for every target type: FAQs as the technique's, a local section. */
const OWN_FIELDS: Record<string, { schema: z.ZodTypeAny; kind: FieldKind }> = {
  faqs: { schema: specOf(UIDS.technique).schema.shape.faqs as z.ZodTypeAny, kind: 'faqs' },
  localSection: { schema: paragraphs.optional(), kind: 'blocks' },
};

/** The fields an adaptation of this type writes per locale: its overrides, then the clinic's own. */
export function localizedFields(type: TargetType): string[] {
  return [...type.model.adaptable, ...ADAPTATION.ownFields];
}

/** How a localized field becomes Strapi data: as the target's field of that name, or as own content. */
export function adaptationFieldKind(type: TargetType, field: string): FieldKind | undefined {
  return OWN_FIELDS[field]?.kind ?? type.spec.fields[field];
}

function localeSchema(type: TargetType): z.AnyZodObject {
  const shape: Record<string, z.ZodTypeAny> = {};
  for (const field of type.model.adaptable) {
    const schema = type.spec.schema.shape[field] as z.ZodTypeAny | undefined;
    if (schema === undefined) throw new Error(`the seed's ${type.spec.file} has no ${field}, which ${type.model.name} adaptations override`);
    shape[field] = schema.optional();
  }
  for (const field of ADAPTATION.ownFields) {
    const own = OWN_FIELDS[field];
    if (own === undefined) throw new Error(`the seed does not describe the adaptation's own field ${field}`);
    shape[field] = own.schema.optional();
  }
  return z.object(shape).strict();
}

const LOCALE_SCHEMAS = new Map<AdaptationTargetField, z.AnyZodObject>(TARGET_TYPES.map((type) => [type.field, localeSchema(type)]));

export function targetType(field: AdaptationTargetField): TargetType {
  const type = TARGET_TYPES.find((candidate) => candidate.field === field);
  if (type === undefined) throw new Error(`no adaptation target ${field}`);
  return type;
}

const entrySchema = z
  .object({
    clinic: slug,
    ...Object.fromEntries(TARGET_TYPES.map((type) => [type.field, slug.optional()])),
    hidden: z
      .array(z.object({ relation: z.string().min(1, 'must name a link of the target'), slug }).strict())
      .default([]),
    locales: z.record(z.unknown(), { required_error: 'Required: the adaptation\'s content by locale, e.g. { "en": { "intro": [...] } }' }),
  })
  .strict();

const joined = (fields: readonly string[]) => fields.join(', ');

const BASIS_MESSAGE = `${ADAPTATION.basisField} is recorded by the service (the base values the overrides were made against, taken when the adaptation is saved or published); a seed file never holds it`;

/** Why a key the schema does not know is refused, named as the service names it. */
function unknownKeyMessage(key: string, type: TargetType | null, isTopLevel: boolean): string {
  if (key === ADAPTATION.basisField) return BASIS_MESSAGE;
  const types = type === null ? TARGET_TYPES : [type];
  const fieldsOf = (candidate: TargetType) => Object.keys(candidate.spec.schema.shape).filter((field) => field !== 'slug' && field !== 'locale');
  const isLocalized = types.some((candidate) => localizedFields(candidate).includes(key));
  if (isTopLevel && isLocalized) return `${key} is localized: put it under locales.<locale> (e.g. locales.en.${key})`;
  if (types.some((candidate) => fieldsOf(candidate).includes(key))) return vettedMessage(key, type?.model ?? null);
  if (type !== null && !isTopLevel) {
    return `${key} is not a field of a ${type.model.name} adaptation: it overrides ${joined(type.model.adaptable)} and adds ${joined(ADAPTATION.ownFields)}`;
  }
  const fields = [ADAPTATION.clinicField, ...TARGET_TYPES.map((candidate) => candidate.field), ADAPTATION.hiddenField, 'locales'];
  return `${key} is not a field of a clinic adaptation in the seed: an entry holds ${joined(fields)}`;
}

/** zod's issues as seed issues: an unknown key gets the service's reason, one issue per key. */
function issuesOf(error: z.ZodError, at: { prefix: Array<string | number>; type: TargetType | null; push: (field: string | undefined, message: string) => void }): void {
  for (const problem of error.issues) {
    const path = [...at.prefix, ...problem.path];
    // Keys of the entry itself, or of its content in a locale: the ones a vetted field could be written as.
    const isEntryOrContent = path.length === 0 || (path.length === 2 && path[0] === 'locales');
    if (problem.code === 'unrecognized_keys' && isEntryOrContent) {
      for (const key of problem.keys) at.push([...path, key].join('.'), unknownKeyMessage(key, at.type, path.length === 0));
      continue;
    }
    at.push(path.length > 0 ? path.join('.') : undefined, problem.message);
  }
}

/** What the seed's entry of a type links, by relation (own relation fields, or the inverse of another type's). */
function linkedSlugs(type: TargetType, entries: ReadonlyMap<SeedFile, SeedEntry[]>, slugValue: string, locale: string): Map<string, Set<string>> {
  const linked = new Map<string, Set<string>>();
  const own = (entries.get(type.spec.file) ?? []).find((entry) => entry.slug === slugValue && entry.locale === locale);
  for (const [relation, uid] of Object.entries(type.model.relations)) {
    const slugs = new Set<string>();
    const kind = type.spec.fields[relation];
    if (typeof kind === 'object') {
      for (const target of (own?.[relation] as string[] | undefined) ?? []) slugs.add(target);
    } else {
      // The other side holds the link (a condition's techniques are the techniques that treat it).
      const other = SEED_TYPES.find((spec) => spec.uid === uid);
      const inverse = Object.entries(other?.fields ?? {}).find(([, otherKind]) => typeof otherKind === 'object' && otherKind.relation === type.spec.file);
      if (other !== undefined && inverse !== undefined) {
        for (const entry of entries.get(other.file) ?? []) {
          if (entry.locale === locale && ((entry[inverse[0]] as string[] | undefined) ?? []).includes(slugValue)) slugs.add(entry.slug);
        }
      }
    }
    linked.set(relation, slugs);
  }
  return linked;
}

function entryLabel(index: number, raw: unknown): string {
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const named = [ADAPTATION.clinicField, ...TARGET_TYPES.map((type) => type.field)]
    .filter((field) => typeof record[field] === 'string')
    .map((field) => `${field} "${String(record[field])}"`);
  return `entry ${index + 1}${named.length > 0 ? ` (${named.join(', ')})` : ''}`;
}

/**
 * Checks data/seed/clinic-adaptations.json against the seed's other entries (`entries`, by file, every
 * locale), adding what is wrong to `issues`; returns the adaptations that are right.
 */
export function checkAdaptations(input: {
  raw: readonly unknown[];
  file: string;
  entries: ReadonlyMap<SeedFile, SeedEntry[]>;
  knownLocales: readonly string[];
  defaultLocale: string;
  issues: SeedIssue[];
}): SeedAdaptation[] {
  const { raw, file, entries, knownLocales, defaultLocale, issues } = input;
  const adaptations: SeedAdaptation[] = [];
  const seen = new Map<string, string>();
  const inDefaultLocale = (seedFile: SeedFile, slugValue: string) =>
    (entries.get(seedFile) ?? []).find((entry) => entry.slug === slugValue && entry.locale === defaultLocale);

  raw.forEach((item, index) => {
    const entry = entryLabel(index, item);
    let isValid = true;
    const push = (field: string | undefined, message: string) => {
      isValid = false;
      issues.push({ file, entry, field, message });
    };
    const parsed = entrySchema.safeParse(item);
    if (!parsed.success) {
      issuesOf(parsed.error, { prefix: [], type: null, push });
      return;
    }
    const data = parsed.data as Record<string, unknown> & z.infer<typeof entrySchema>;

    const targets = TARGET_TYPES.filter((type) => typeof data[type.field] === 'string');
    const [type] = targets;
    if (targets.length !== 1 || type === undefined) {
      if (targets.length === 0) push(TARGET_TYPES[0]?.field, `${TARGET_TYPES.map((candidate) => candidate.field).join(' or ')} must be set: the slug of the entry this adaptation adapts`);
      else push(targets[1]?.field, `${targets.map((candidate) => `${candidate.field} "${String(data[candidate.field])}"`).join(' and ')} are both set: an adaptation adapts exactly one entry; keep one of them`);
      return;
    }
    const target = data[type.field] as string;

    const clinic = inDefaultLocale('clinics.json', data.clinic);
    if (clinic === undefined) push(ADAPTATION.clinicField, `"${data.clinic}" is not in clinics.json for the default locale "${defaultLocale}"`);
    if (inDefaultLocale(type.spec.file, target) === undefined) push(type.field, `"${target}" is not in ${type.spec.file} for the default locale "${defaultLocale}"`);

    const identity = `${data.clinic}|${type.field}|${target}`;
    const earlier = seen.get(identity);
    if (earlier !== undefined) {
      push(type.field, `clinic "${data.clinic}" already adapts ${type.field} "${target}" in ${earlier}: there is one adaptation per clinic and entry; put every locale under the locales of that one`);
    }
    seen.set(identity, entry);

    const linked = linkedSlugs(type, entries, target, defaultLocale);
    const hides = new Set<string>();
    data.hidden.forEach((hide, at) => {
      const slugs = linked.get(hide.relation);
      if (slugs === undefined) {
        push(`${ADAPTATION.hiddenField}.${at}.relation`, `"${hide.relation}" is not a link of a ${type.model.name}: a ${type.model.name} links ${joined([...linked.keys()])}`);
      } else if (!slugs.has(hide.slug)) {
        const links = slugs.size === 0 ? 'nothing' : [...slugs].sort().map((known) => `"${known}"`).join(', ');
        push(`${ADAPTATION.hiddenField}.${at}.slug`, `"${hide.slug}" is not linked from ${type.field} "${target}" under ${hide.relation}, so there is nothing to hide: it links ${links} there`);
      } else if (hides.has(`${hide.relation}|${hide.slug}`)) {
        push(`${ADAPTATION.hiddenField}.${at}`, `hides ${hide.relation} "${hide.slug}" a second time`);
      }
      hides.add(`${hide.relation}|${hide.slug}`);
    });

    const clinicLocales = (clinic?.locales as string[] | undefined) ?? [];
    const schema = LOCALE_SCHEMAS.get(type.field) as z.AnyZodObject;
    const locales: Record<string, Record<string, unknown>> = {};
    const codes = Object.keys(data.locales);
    if (codes.length === 0) push('locales', 'must hold the adaptation in at least one locale, e.g. { "en": { "intro": [...] } }');
    for (const locale of codes) {
      if (!knownLocales.includes(locale)) {
        push(`locales.${locale}`, `"${locale}" is not a locale of this service (known: ${joined(knownLocales)})`);
        continue;
      }
      if (clinic !== undefined && !clinicLocales.includes(locale)) {
        push(`locales.${locale}`, `clinic "${data.clinic}" does not publish "${locale}" (its locales: ${joined(clinicLocales)}), so this adaptation would never be served`);
      }
      const content = schema.safeParse(data.locales[locale]);
      if (!content.success) {
        issuesOf(content.error, { prefix: ['locales', locale], type, push });
        continue;
      }
      const values = Object.fromEntries(Object.entries(content.data as Record<string, unknown>).filter(([, value]) => value !== undefined));
      if (Object.keys(values).length === 0) {
        push(`locales.${locale}`, `adapts nothing: set at least one of ${joined(localizedFields(type))}`);
        continue;
      }
      for (const [fieldPath, text] of stringsIn(values)) {
        const tokens = unknownTokens(text);
        const field = ['locales', locale, ...fieldPath].join('.');
        if (tokens.length > 0) push(field, describeUnknownTokens(field, tokens));
      }
      locales[locale] = values;
    }

    if (isValid) adaptations.push({ clinic: data.clinic, targetField: type.field, target, hidden: data.hidden, locales });
  });
  return adaptations;
}
