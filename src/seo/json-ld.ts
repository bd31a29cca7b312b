/**
 * schema.org JSON-LD for a therapy page: a MedicalWebPage published by the clinic, about the technique
 * (MedicalTherapy) and the conditions it treats (MedicalCondition, with their causes), carrying the
 * medical review. Empty values are left out rather than written as null.
 *
 * The review (reviewedBy, lastReviewed) is the vetted article's. What the clinic wrote itself in its
 * adaptation — its FAQ items and its local section — is not covered by it, so those are parts of the
 * page (hasPart: a Question, a WebPageElement) whose author is the clinic.
 */
import { reviewerTypeOf, type ClinicEntry, type ConditionEntry, type MedicalReviewData, type TechniqueEntry } from '../content/types';
import { renderBlocks } from '../rich-text/blocks';

type JsonObject = { [key: string]: JsonValue };
type JsonValue = string | number | boolean | JsonObject | JsonValue[];

function compact(object: Record<string, JsonValue | null | undefined>): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    result[key] = value;
  }
  return result;
}

/**
 * The reviewer as schema.org knows it: a Person (with the credentials the editor gave, as a credential
 * awarded to that person) or an Organization, e.g. a clinical content team. Credentials are a person's
 * qualifications ("PT, DPT"), so an organization's reviewer carries its name only.
 */
function reviewer(review: MedicalReviewData): JsonObject {
  if (reviewerTypeOf(review) === 'organization') return { '@type': 'Organization', name: review.reviewedBy };
  return compact({
    '@type': 'Person',
    name: review.reviewedBy,
    hasCredential: review.reviewerCredentials
      ? { '@type': 'EducationalOccupationalCredential', name: review.reviewerCredentials }
      : undefined,
  });
}

/**
 * JSON-LD as the text of a `<script type="application/ld+json">` element. JSON.stringify leaves `<`,
 * `>` and `&` as they are, so a value holding `</script>` or `<!--` would end the element or change how
 * the HTML parser reads it; written as \u escapes they mean the same JSON. U+2028 and U+2029 are escaped
 * too, for sites that put the same text into a JavaScript string.
 */
export function jsonLdScriptText(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function therapyPageJsonLd(input: {
  technique: TechniqueEntry;
  conditions: Array<{ condition: Pick<ConditionEntry, 'name' | 'summary'>; causeNames: string[] }>;
  clinic: ClinicEntry;
  title: string;
  description: string;
}): JsonObject {
  const { technique, conditions, clinic, title, description } = input;
  const therapy = compact({
    '@type': 'MedicalTherapy',
    name: technique.name,
    alternateName: technique.abbreviation,
    description: technique.summary,
  });
  const review = technique.medicalReview;
  const author: JsonObject = { '@type': 'MedicalClinic', name: clinic.name };
  const clinicParts: JsonObject[] = [
    ...technique.faqs
      .filter((faq) => faq.source === 'clinic')
      .map((faq) => ({ '@type': 'Question', name: faq.question, author, acceptedAnswer: { '@type': 'Answer', text: renderBlocks(faq.answer).text, author } })),
    ...(technique.localSection === null ? [] : [{ '@type': 'WebPageElement', text: renderBlocks(technique.localSection).text, author }]),
  ];
  return compact({
    '@context': 'https://schema.org',
    '@type': 'MedicalWebPage',
    name: title,
    description,
    inLanguage: technique.locale,
    dateModified: technique.updatedAt,
    lastReviewed: review?.lastReviewed,
    reviewedBy: review ? reviewer(review) : undefined,
    publisher: compact({
      '@type': 'MedicalClinic',
      name: clinic.name,
      telephone: clinic.phone,
      email: clinic.email,
      url: clinic.website,
      address: compact({
        '@type': 'PostalAddress',
        streetAddress: clinic.address.street,
        addressLocality: clinic.address.city,
        addressRegion: clinic.address.region,
        postalCode: clinic.address.postalCode,
        addressCountry: clinic.address.country,
      }),
    }),
    mainEntity: therapy,
    hasPart: clinicParts,
    about: [
      therapy,
      ...conditions.map(({ condition, causeNames }) =>
        compact({
          '@type': 'MedicalCondition',
          name: condition.name,
          description: condition.summary,
          possibleTreatment: compact({ '@type': 'MedicalTherapy', name: technique.name }),
          cause: causeNames.map((name) => ({ '@type': 'MedicalCause', name })),
        }),
      ),
    ],
  });
}
