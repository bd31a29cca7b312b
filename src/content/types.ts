/**
 * Content as the read API serves it: one entry in the locale it was served in, clinic tokens already
 * rendered, relations as the documentIds they point at (resolved per request through DataLoaders).
 * Which types exist and what their fields are is the registry's (content/model).
 */
import { UIDS } from './model';

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
  [UIDS.technique]: TechniqueEntry;
  [UIDS.condition]: ConditionEntry;
  [UIDS.cause]: CauseEntry;
  [UIDS.providerType]: ProviderTypeEntry;
  [UIDS.benefit]: BenefitEntry;
  [UIDS.clinic]: ClinicEntry;
}
