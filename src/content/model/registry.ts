/**
 * The content-model registry: one record per content type the API serves, and the only place its
 * facts are written down (uid, the name people and other systems use, GraphQL type, page type,
 * relations, components, fields required along a locale chain, cache tag name). Everything else —
 * coverage, XLIFF, webhooks, cache tags, page paths, the write pipeline, publish checks — derives from it.
 * Adding a content type: its schema.json, its .graphql, and one record here.
 *
 * Strapi's own description of each type (fields, tables, join tables) is read through metadata.ts;
 * tests/unit/content-model.test.ts checks every record here against its schema.json.
 */
import type { UID } from '@strapi/strapi';

/** Only content types Strapi knows (types/generated/contentTypes.d.ts) may be listed. */
type KnownContentType<U extends UID.ContentType> = U;

export type ContentUid = KnownContentType<
  | 'api::technique.technique'
  | 'api::condition.condition'
  | 'api::cause.cause'
  | 'api::provider-type.provider-type'
  | 'api::benefit.benefit'
  | 'api::clinic.clinic'
>;

/** The names people and other systems use for the content types (coverage, XLIFF, webhooks, cache tags). */
export type ContentTypeName = 'technique' | 'condition' | 'cause' | 'provider-type' | 'benefit' | 'clinic';

/** The path segment of a type's pages (reference pages, preview links), for the types that have pages. */
export type PageType = 'techniques' | 'conditions';

export interface ContentModel<U extends ContentUid = ContentUid> {
  uid: U;
  name: ContentTypeName;
  /** The GraphQL object type (src/graphql/schema). */
  graphqlName: string;
  /** Null for types shown only on other types' pages. */
  pageType: PageType | null;
  /** Component fields (read and written whole). */
  components: readonly string[];
  /** Relation fields and the type each points at. */
  relations: Readonly<Record<string, ContentUid>>;
  /**
   * Fields an entry must have to be published, in its own locale or along its chain. Strapi's own
   * `required` would demand them in every locale, which would force a regional locale to copy them.
   */
  requiredLocalized: readonly string[];
  /** The type's part of cache tags (src/cache/tags.ts): `technique:<documentId>:<locale>`. */
  cacheTag: string;
  /**
   * Fields a clinic adaptation may override for its clinic (see ADAPTATION below); every other field
   * is vetted medical content. Empty for types clinics do not adapt.
   */
  adaptable: readonly string[];
}

const TECHNIQUE: ContentModel<'api::technique.technique'> = {
  uid: 'api::technique.technique',
  name: 'technique',
  graphqlName: 'Technique',
  pageType: 'techniques',
  components: ['procedure', 'assessments', 'progressMeasures', 'faqs', 'callToAction', 'seo', 'medicalReview'],
  relations: {
    treats: 'api::condition.condition',
    causes: 'api::cause.cause',
    providerTypes: 'api::provider-type.provider-type',
    benefits: 'api::benefit.benefit',
  },
  requiredLocalized: ['name', 'summary', 'intro', 'goal', 'medicalReview'],
  cacheTag: 'technique',
  adaptable: ['summary', 'intro', 'callToAction', 'seo'],
};

const CONDITION: ContentModel<'api::condition.condition'> = {
  uid: 'api::condition.condition',
  name: 'condition',
  graphqlName: 'Condition',
  pageType: 'conditions',
  components: ['symptoms', 'seo', 'medicalReview'],
  relations: { causes: 'api::cause.cause', techniques: 'api::technique.technique' },
  requiredLocalized: ['name', 'summary', 'medicalReview'],
  cacheTag: 'condition',
  adaptable: ['summary', 'seo'],
};

const CAUSE: ContentModel<'api::cause.cause'> = {
  uid: 'api::cause.cause',
  name: 'cause',
  graphqlName: 'Cause',
  pageType: null,
  components: [],
  relations: { conditions: 'api::condition.condition', techniques: 'api::technique.technique' },
  requiredLocalized: ['name', 'summary'],
  cacheTag: 'cause',
  adaptable: [],
};

const PROVIDER_TYPE: ContentModel<'api::provider-type.provider-type'> = {
  uid: 'api::provider-type.provider-type',
  name: 'provider-type',
  graphqlName: 'ProviderType',
  pageType: null,
  components: [],
  relations: { techniques: 'api::technique.technique' },
  requiredLocalized: ['name', 'summary'],
  cacheTag: 'provider-type',
  adaptable: [],
};

const BENEFIT: ContentModel<'api::benefit.benefit'> = {
  uid: 'api::benefit.benefit',
  name: 'benefit',
  graphqlName: 'Benefit',
  pageType: null,
  components: [],
  relations: { techniques: 'api::technique.technique' },
  requiredLocalized: ['name', 'summary'],
  cacheTag: 'benefit',
  adaptable: [],
};

const CLINIC: ContentModel<'api::clinic.clinic'> = {
  uid: 'api::clinic.clinic',
  name: 'clinic',
  graphqlName: 'Clinic',
  pageType: null,
  components: ['address'],
  relations: { offeredTechniques: 'api::technique.technique', providerTypes: 'api::provider-type.provider-type' },
  requiredLocalized: [],
  cacheTag: 'clinic',
  adaptable: [],
};

/** Every served type, by uid. */
export const MODELS: { readonly [U in ContentUid]: ContentModel<U> } = {
  'api::technique.technique': TECHNIQUE,
  'api::condition.condition': CONDITION,
  'api::cause.cause': CAUSE,
  'api::provider-type.provider-type': PROVIDER_TYPE,
  'api::benefit.benefit': BENEFIT,
  'api::clinic.clinic': CLINIC,
};

/** The uids by role, for code that names one type (instead of writing its uid again). */
export const UIDS = {
  technique: TECHNIQUE.uid,
  condition: CONDITION.uid,
  cause: CAUSE.uid,
  providerType: PROVIDER_TYPE.uid,
  benefit: BENEFIT.uid,
  clinic: CLINIC.uid,
} as const;

export const SERVED_MODELS: readonly ContentModel[] = Object.values(MODELS);

/** True for the content types the API serves. */
export function isServedUid(uid: string): uid is ContentUid {
  return Object.prototype.hasOwnProperty.call(MODELS, uid);
}

/** A type that has pages of its own. */
export type PageModel = ContentModel & { pageType: PageType };

/** The types that have pages of their own, in registry order. */
export const PAGE_MODELS: readonly PageModel[] = SERVED_MODELS.flatMap((model) => (model.pageType === null ? [] : [{ ...model, pageType: model.pageType }]));

const BY_NAME = new Map<string, ContentModel>(SERVED_MODELS.map((model) => [model.name, model]));
const BY_PAGE_TYPE = new Map<string, PageModel>(PAGE_MODELS.map((model) => [model.pageType, model]));

/** The type people call `name` (coverage, XLIFF, webhooks), or undefined. */
export function modelByName(name: string): ContentModel | undefined {
  return BY_NAME.get(name);
}

/** The type whose pages live under `pageType` (techniques, conditions), or undefined. */
export function modelByPageType(pageType: string): PageModel | undefined {
  return BY_PAGE_TYPE.get(pageType);
}

/** True for the path segment of a type's pages. */
export function isPageType(value: string): value is PageType {
  return BY_PAGE_TYPE.has(value);
}

/** The slug format of every served type: the `regex` of `slug` in each schema.json. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The types a clinic may adapt (their `adaptable` fields are not empty). */
export const ADAPTABLE_MODELS: readonly ContentModel[] = SERVED_MODELS.filter((model) => model.adaptable.length > 0);

/**
 * Clinic adaptations (api::clinic-adaptation.clinic-adaptation): one clinic's version of one
 * technique or condition. Strapi 5 keeps relations between localized types per locale, so the clinic
 * and the target are named by slug in non-localized fields (the same in every locale of the
 * adaptation): one adaptation per clinic and target across locales.
 */
export const ADAPTATION = {
  uid: 'api::clinic-adaptation.clinic-adaptation',
  /** The non-localized field naming the clinic (its slug). */
  clinicField: 'clinic',
  /** The non-localized fields naming the target, by the type they point at; exactly one is set. */
  targetFields: { technique: TECHNIQUE.uid, condition: CONDITION.uid } as const,
  /** The clinic's own content, added to the target's rather than overriding it. */
  ownFields: ['faqs', 'localSection'],
  /** Related entries the clinic hides: one item per entry, `{ relation, slug }`. */
  hiddenField: 'hidden',
  /** The base values the overrides were made against (per field: locale, hash, text); kept by the service. */
  basisField: 'basis',
} as const;

export type AdaptationUid = typeof ADAPTATION.uid;
export type AdaptationTargetField = keyof typeof ADAPTATION.targetFields;
