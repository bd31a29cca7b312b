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

/** Who wrote an FAQ item: the vetted article, or the calling clinic (its adaptation's own items). */
export type FaqSource = 'vetted' | 'clinic';

export interface FaqData {
  question: string;
  answer: Blocks;
  source: FaqSource;
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

/** A field and the locale it was served in (a fallback locale, or the clinic adaptation's row). */
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
  /**
   * Fields served from the calling clinic's adaptation (adaptation.ts), with the locale of the
   * adaptation's row they came from. Empty for types clinics do not adapt.
   */
  adaptedFields: FieldLocale[];
}

/** What a clinic adds to the entries it adapts: its own local section ("At our clinic"). */
interface AdaptableEntry extends BaseEntry {
  /** The clinic's local section; null when it has none (or the request is no clinic's). */
  localSection: Blocks | null;
}

export interface TechniqueEntry extends AdaptableEntry {
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
  /** The vetted items, then the clinic's own. */
  faqs: FaqData[];
  callToAction: CallToActionData | null;
  seo: SeoData | null;
  medicalReview: MedicalReviewData | null;
  treats: string[];
  causes: string[];
  providerTypes: string[];
  benefits: string[];
}

export interface ConditionEntry extends AdaptableEntry {
  name: string;
  summary: string;
  description: Blocks | null;
  symptoms: ListItem[];
  /** The clinic's own items only: conditions have no vetted FAQ. */
  faqs: FaqData[];
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
  /** Where its static site puts its pages (src/sync/paths.ts); null for the default. */
  techniquePathTemplate: string | null;
  conditionPathTemplate: string | null;
}

export interface EntryByUid {
  [UIDS.technique]: TechniqueEntry;
  [UIDS.condition]: ConditionEntry;
  [UIDS.cause]: CauseEntry;
  [UIDS.providerType]: ProviderTypeEntry;
  [UIDS.benefit]: BenefitEntry;
  [UIDS.clinic]: ClinicEntry;
}
