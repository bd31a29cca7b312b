/**
 * What a seed file may contain, one zod schema per content type, checked with the same format rules
 * the Document Service middleware applies to every write (src/content-validation/rules.ts).
 */
import { z } from 'zod';
import { UIDS, type ContentUid } from '../content/model';
import {
  countryRule,
  emailRule,
  httpUrlRule,
  linkRule,
  pathTemplateRule,
  phoneRule,
  reviewDatesRule,
  slugRule,
  type RuleResult,
} from '../content-validation/rules';

function rule(check: (field: string, value: unknown) => RuleResult) {
  return (value: unknown, context: z.RefinementCtx): void => {
    const field = context.path[context.path.length - 1];
    const message = check(String(field ?? 'value'), value);
    if (message !== null) context.addIssue({ code: z.ZodIssueCode.custom, message });
  };
}

const pathTemplate = z.string().superRefine(rule((field, value) => pathTemplateRule({ field, value, locales: [] })));
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
export const slug = z.string().superRefine(rule(slugRule));
const slugList = z.array(slug).default([]);
export const paragraphs = z.array(text(4000)).min(1, 'must hold at least one paragraph');
const listItems = z.array(text(300));

const base = {
  slug,
  locale: z.string().min(2).default('en'),
  name: text(160),
  summary: text(400),
};

const seo = z
  .object({
    metaTitle: text(70),
    metaDescription: text(160),
    noIndex: z.boolean().default(false),
  })
  .strict();

/**
 * Required in the default locale, as publishing requires it (src/l10n/publish-check.ts); a translation
 * may leave it out and is served its fallback's review.
 */
const medicalReview = z
  .object(
    {
      reviewedBy: text(120),
      reviewerType: z.enum(['person', 'organization'], { required_error: 'Required: "person" or "organization"' }),
      reviewerCredentials: text(120).optional(),
      lastReviewed: z.string().date('must be a date written YYYY-MM-DD'),
      nextReviewDue: z.string().date('must be a date written YYYY-MM-DD'),
    },
    { required_error: 'Required: a technique or condition is published only with a medical review' },
  )
  .strict()
  .superRefine((review, context) => {
    const message = reviewDatesRule('nextReviewDue', review.lastReviewed, review.nextReviewDue);
    if (message !== null) context.addIssue({ code: z.ZodIssueCode.custom, message, path: ['nextReviewDue'] });
  });

export const causeEntry = z
  .object({ ...base, description: paragraphs.optional() })
  .strict();

export const benefitEntry = z.object(base).strict();

export const providerTypeEntry = z.object(base).strict();

export const conditionEntry = z
  .object({
    ...base,
    name: text(120),
    description: paragraphs.optional(),
    symptoms: listItems.optional(),
    causes: slugList,
    seo: seo.optional(),
    medicalReview,
  })
  .strict();

export const techniqueEntry = z
  .object({
    ...base,
    name: text(120),
    abbreviation: text(20).optional(),
    intro: paragraphs,
    goal: text(600),
    howItWorks: paragraphs.optional(),
    procedureOverview: text(600).optional(),
    procedure: z.array(z.object({ title: text(120), description: text(600) }).strict()).optional(),
    assessments: listItems.optional(),
    progressMeasures: listItems.optional(),
    treatmentCourse: text(600).optional(),
    providerNote: text(400).optional(),
    faqs: z.array(z.object({ question: text(200), answer: paragraphs }).strict()).optional(),
    callToAction: z
      .object({
        text: text(400),
        buttonLabel: text(60).optional(),
        url: z.string().superRefine(rule(linkRule)).optional(),
      })
      .strict()
      .optional(),
    seo: seo.optional(),
    medicalReview,
    treats: slugList,
    causes: slugList,
    providerTypes: slugList,
    benefits: slugList,
  })
  .strict();

export const clinicEntry = z
  .object({
    slug,
    locale: base.locale,
    name: text(120),
    description: text(600).optional(),
    phone: z.string().superRefine(rule(phoneRule)),
    email: z.string().superRefine(rule(emailRule)),
    website: z.string().superRefine(rule(httpUrlRule)).optional(),
    bookingUrl: z.string().superRefine(rule(httpUrlRule)).optional(),
    address: z
      .object({
        street: text(200),
        city: text(100),
        region: text(100).optional(),
        postalCode: text(20).optional(),
        country: z.string().superRefine(rule(countryRule)),
      })
      .strict(),
    locales: z.array(z.string()).min(1, 'must list at least one locale'),
    // The format only: whether a template tells the clinic's locales apart is checked on import, with the same message.
    techniquePathTemplate: pathTemplate.optional(),
    conditionPathTemplate: pathTemplate.optional(),
    offeredTechniques: slugList,
    providerTypes: slugList,
  })
  .strict();

/** How each field of a seed entry becomes Strapi data. Fields not listed are written as they are. */
export type FieldKind = 'blocks' | 'list' | 'faqs' | { relation: SeedFile };

export interface SeedTypeSpec {
  file: SeedFile;
  uid: ContentUid;
  schema: z.AnyZodObject;
  fields: Record<string, FieldKind>;
}

export type SeedFile =
  | 'causes.json'
  | 'benefits.json'
  | 'provider-types.json'
  | 'conditions.json'
  | 'techniques.json'
  | 'clinics.json';

/** In import order: every type comes after the types it links to. */
export const SEED_TYPES: readonly SeedTypeSpec[] = [
  { file: 'causes.json', uid: UIDS.cause, schema: causeEntry, fields: { description: 'blocks' } },
  { file: 'benefits.json', uid: UIDS.benefit, schema: benefitEntry, fields: {} },
  { file: 'provider-types.json', uid: UIDS.providerType, schema: providerTypeEntry, fields: {} },
  {
    file: 'conditions.json',
    uid: UIDS.condition,
    schema: conditionEntry,
    fields: { description: 'blocks', symptoms: 'list', causes: { relation: 'causes.json' } },
  },
  {
    file: 'techniques.json',
    uid: UIDS.technique,
    schema: techniqueEntry,
    fields: {
      intro: 'blocks',
      howItWorks: 'blocks',
      assessments: 'list',
      progressMeasures: 'list',
      faqs: 'faqs',
      treats: { relation: 'conditions.json' },
      causes: { relation: 'causes.json' },
      providerTypes: { relation: 'provider-types.json' },
      benefits: { relation: 'benefits.json' },
    },
  },
  {
    file: 'clinics.json',
    uid: UIDS.clinic,
    schema: clinicEntry,
    fields: {
      offeredTechniques: { relation: 'techniques.json' },
      providerTypes: { relation: 'provider-types.json' },
    },
  },
];

/** One problem of the seed files, named by file, entry and field. */
export interface SeedIssue {
  file: string;
  /** 1-based position in the file's array, with the slug (or what names it) when it could be read. */
  entry?: string;
  field?: string;
  message: string;
}

/** A validated entry: slug and locale, plus the other fields as the schema parsed them. */
export interface SeedEntry {
  slug: string;
  locale: string;
  /** True for an entry of data/seed/<locale>/: only the fields it translates, no relations. */
  isTranslation?: boolean;
  [field: string]: unknown;
}

/** Fields a translation (data/seed/<locale>/<file>) may hold: the localized ones, never relations. */
export function translatableFields(spec: SeedTypeSpec): string[] {
  if (spec.uid === UIDS.clinic) return ['description'];
  return Object.keys(spec.schema.shape).filter((field) => field !== 'slug' && field !== 'locale' && typeof spec.fields[field] !== 'object');
}

/**
 * A translation entry: the slug of the default-locale entry it translates and any of its translatable
 * fields, each checked as in the default locale. A field left out is served from the locale's fallback.
 */
export function translationSchema(spec: SeedTypeSpec): z.ZodTypeAny {
  const picked: Record<string, true> = { slug: true };
  for (const field of translatableFields(spec)) picked[field] = true;
  return spec.schema.pick(picked).partial().required({ slug: true }).strict();
}
