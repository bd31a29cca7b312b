/**
 * Content as the read API serves it: one entry in the locale it was served in, clinic tokens already
 * rendered, relations as the documentIds they point at (resolved per request through DataLoaders).
 */
export type ContentUid =
  | 'api::technique.technique'
  | 'api::condition.condition'
  | 'api::cause.cause'
  | 'api::provider-type.provider-type'
  | 'api::benefit.benefit'
  | 'api::clinic.clinic';

/** The names people and other systems use for the content types (coverage, XLIFF, webhooks). */
export type ContentTypeName = 'technique' | 'condition' | 'cause' | 'provider-type' | 'benefit' | 'clinic';

export const CONTENT_TYPE_UIDS: Readonly<Record<ContentTypeName, ContentUid>> = {
  technique: 'api::technique.technique',
  condition: 'api::condition.condition',
  cause: 'api::cause.cause',
  'provider-type': 'api::provider-type.provider-type',
  benefit: 'api::benefit.benefit',
  clinic: 'api::clinic.clinic',
};

export const CONTENT_TYPE_NAMES = Object.fromEntries(
  Object.entries(CONTENT_TYPE_UIDS).map(([name, uid]) => [uid, name]),
) as Readonly<Record<ContentUid, ContentTypeName>>;

export type Blocks = unknown[];

export interface ListItem {
  text: string;
}

export interface SeoData {
  metaTitle: string;
  metaDescription: string;
  noIndex: boolean;
}

/** Who reviewed: one named clinician, or a team or organization (schema.org Person or Organization). */
export type ReviewerType = 'person' | 'organization';

export interface MedicalReviewData {
  reviewedBy: string;
  /** Null on reviews saved before the field existed; read them with reviewerTypeOf. */
  reviewerType: ReviewerType | null;
  reviewerCredentials: string | null;
  lastReviewed: string;
  nextReviewDue: string;
}

/**
 * A review's reviewer type. Reviews saved before the field existed were served (and described to
 * search engines) as a person's, so they stay one until an editor says otherwise.
 */
export function reviewerTypeOf(review: MedicalReviewData): ReviewerType {
  return review.reviewerType ?? 'person';
}

export interface FaqData {
  question: string;
  answer: Blocks;
}

export interface ProcedureStepData {
  title: string;
  description: string;
}

export interface CallToActionData {
  text: string;
  buttonLabel: string | null;
  url: string | null;
}

export interface AddressData {
  street: string;
  city: string;
  region: string | null;
  postalCode: string | null;
  country: string;
}

/** A field an entry left empty in its own locale, served from a later locale of the chain. */
export interface FieldLocale {
  field: string;
  locale: string;
}

interface BaseEntry {
  documentId: string;
  slug: string;
  /** The locale of the entry's own row: the first locale of the chain it exists in. */
  locale: string;
  updatedAt: string;
  /** Fields empty in `locale` and served from a fallback locale (fr-CA → fr), in field order. */
  fallbackFields: FieldLocale[];
}

export interface TechniqueEntry extends BaseEntry {
  name: string;
  abbreviation: string | null;
  summary: string;
  intro: Blocks;
  goal: string;
  howItWorks: Blocks | null;
  procedureOverview: string | null;
  procedure: ProcedureStepData[];
  assessments: ListItem[];
  progressMeasures: ListItem[];
  treatmentCourse: string | null;
  providerNote: string | null;
  faqs: FaqData[];
  callToAction: CallToActionData | null;
  seo: SeoData | null;
  medicalReview: MedicalReviewData | null;
  treats: string[];
  causes: string[];
  providerTypes: string[];
  benefits: string[];
}

export interface ConditionEntry extends BaseEntry {
  name: string;
  summary: string;
  description: Blocks | null;
  symptoms: ListItem[];
  causes: string[];
  techniques: string[];
  seo: SeoData | null;
  medicalReview: MedicalReviewData | null;
}

export interface CauseEntry extends BaseEntry {
  name: string;
  summary: string;
  description: Blocks | null;
  conditions: string[];
  techniques: string[];
}

export interface ProviderTypeEntry extends BaseEntry {
  name: string;
  summary: string;
  techniques: string[];
}

export interface BenefitEntry extends BaseEntry {
  name: string;
  summary: string;
  techniques: string[];
}

export interface ClinicEntry extends BaseEntry {
  name: string;
  description: string | null;
  phone: string;
  email: string;
  website: string | null;
  bookingUrl: string | null;
  address: AddressData;
  locales: string[];
  offeredTechniques: string[];
  providerTypes: string[];
}

export interface EntryByUid {
  'api::technique.technique': TechniqueEntry;
  'api::condition.condition': ConditionEntry;
  'api::cause.cause': CauseEntry;
  'api::provider-type.provider-type': ProviderTypeEntry;
  'api::benefit.benefit': BenefitEntry;
  'api::clinic.clinic': ClinicEntry;
}

/** Which fields of each type are components and which are relations (and to what). */
export const MODELS: { [U in ContentUid]: { components: string[]; relations: Record<string, ContentUid> } } = {
  'api::technique.technique': {
    components: ['procedure', 'assessments', 'progressMeasures', 'faqs', 'callToAction', 'seo', 'medicalReview'],
    relations: {
      treats: 'api::condition.condition',
      causes: 'api::cause.cause',
      providerTypes: 'api::provider-type.provider-type',
      benefits: 'api::benefit.benefit',
    },
  },
  'api::condition.condition': {
    components: ['symptoms', 'seo', 'medicalReview'],
    relations: { causes: 'api::cause.cause', techniques: 'api::technique.technique' },
  },
  'api::cause.cause': {
    components: [],
    relations: { conditions: 'api::condition.condition', techniques: 'api::technique.technique' },
  },
  'api::provider-type.provider-type': { components: [], relations: { techniques: 'api::technique.technique' } },
  'api::benefit.benefit': { components: [], relations: { techniques: 'api::technique.technique' } },
  'api::clinic.clinic': {
    components: ['address'],
    relations: { offeredTechniques: 'api::technique.technique', providerTypes: 'api::provider-type.provider-type' },
  },
};
