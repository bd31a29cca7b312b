/**
 * The text of a rebuilt page, as `npm run audit:page` prints it (text.ts) or gives it as JSON: the shape
 * of a therapy or condition page's sections, and how a served entry's values become them.
 */
import type { AnyEntry } from '../../content/served';
import { reviewerTypeOf, type ClinicEntry, type FieldLocale, type MedicalReviewData } from '../../content/types';
import { toDay } from '../../content/values';
import { renderBlocks } from '../../rich-text/blocks';
import type { VersionRef } from './states';

/** A part of the page (the entry, a field of it, the clinic, a related entry) and where it came from. */
export interface PartSource {
  part: string;
  /** The locale the part was served in. */
  locale: string | null;
  versions: VersionRef[];
}

type RenderedText = ReturnType<typeof renderBlocks>;

interface Listed {
  slug: string;
  locale: string;
  name: string;
  summary: string;
}

/** A page's fields as the read API serves them (the TherapyPage and ConditionPage operations' shapes). */
export interface TechniquePageText {
  seo: { metaTitle: string; metaDescription: string; noIndex: boolean };
  clinic: ClinicText;
  technique: {
    slug: string;
    locale: string;
    name: string;
    abbreviation: string | null;
    summary: string;
    intro: RenderedText;
    goal: string;
    howItWorks: RenderedText | null;
    procedureOverview: string | null;
    procedure: Array<{ title: string; description: string }>;
    assessments: string[];
    progressMeasures: string[];
    treatmentCourse: string | null;
    providerNote: string | null;
    faqs: FaqText[];
    localSection: RenderedText | null;
    callToAction: { text: string; buttonLabel: string | null; url: string | null } | null;
    medicalReview: ReviewText;
    adaptedFields: FieldLocale[];
    fallbackFields: FieldLocale[];
    treats: Listed[];
    causes: Listed[];
    providerTypes: Listed[];
    benefits: Listed[];
  };
}

export interface ConditionPageText {
  clinic: ClinicText;
  condition: {
    slug: string;
    locale: string;
    name: string;
    summary: string;
    description: RenderedText | null;
    symptoms: string[];
    causes: Listed[];
    techniques: Array<Listed & { offeredByClinic: boolean }>;
    faqs: FaqText[];
    localSection: RenderedText | null;
    adaptedFields: FieldLocale[];
    fallbackFields: FieldLocale[];
    seo: { metaTitle: string; metaDescription: string; noIndex: boolean } | null;
    medicalReview: ReviewText;
  };
}

interface ClinicText {
  name: string;
  phone: string;
  email: string;
  bookingUrl: string | null;
  website: string | null;
  address: { street: string; city: string; region: string | null; postalCode: string | null; country: string };
}

interface FaqText {
  question: string;
  answer: RenderedText;
  source: 'VETTED' | 'CLINIC';
}

interface ReviewText {
  status: 'REVIEWED' | 'MISSING';
  reviewedBy: string | null;
  reviewerType: 'PERSON' | 'ORGANIZATION' | null;
  reviewerCredentials: string | null;
  lastReviewed: string | null;
  nextReviewDue: string | null;
}

export interface Common {
  clinic: string;
  page: string;
  locale: string;
  at: string;
  /** The locale chain as configured now. */
  chain: string[];
  configuration: string;
}

export type AsServedResult =
  | (Common & { status: 'served'; text: TechniquePageText | ConditionPageText; sources: PartSource[] })
  | (Common & { status: 'not-served'; reason: string; version: VersionRef | null })
  | (Common & { status: 'no-history'; reason: string; firstRecordedAt: string | null });

export const texts = (items: Array<{ text: string }>) => items.map((item) => item.text);
export const richText = (blocks: unknown[] | null) => (blocks === null || blocks.length === 0 ? null : renderBlocks(blocks));
export const faqs = (items: Array<{ question: string; answer: unknown[]; source: string }>): FaqText[] =>
  items.map((faq) => ({ question: faq.question, answer: renderBlocks(faq.answer), source: faq.source === 'clinic' ? 'CLINIC' : 'VETTED' }));

export function review(value: MedicalReviewData | null): ReviewText {
  if (value === null) return { status: 'MISSING', reviewedBy: null, reviewerType: null, reviewerCredentials: null, lastReviewed: null, nextReviewDue: null };
  return {
    status: 'REVIEWED',
    reviewedBy: value.reviewedBy,
    reviewerType: reviewerTypeOf(value) === 'organization' ? 'ORGANIZATION' : 'PERSON',
    reviewerCredentials: value.reviewerCredentials ?? null,
    lastReviewed: toDay(value.lastReviewed),
    nextReviewDue: toDay(value.nextReviewDue),
  };
}

export const listed = (entry: AnyEntry & { name: string; summary: string }): Listed => ({ slug: entry.slug, locale: entry.locale, name: entry.name, summary: entry.summary });

export function clinicText(clinic: ClinicEntry): ClinicText {
  const { street, city, region, postalCode, country } = clinic.address;
  return { name: clinic.name, phone: clinic.phone, email: clinic.email, bookingUrl: clinic.bookingUrl, website: clinic.website, address: { street, city, region, postalCode, country } };
}

