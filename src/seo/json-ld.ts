/**
 * schema.org JSON-LD for a therapy page: a MedicalWebPage published by the clinic, about the technique
 * (MedicalTherapy) and the conditions it treats (MedicalCondition, with their causes), carrying the
 * medical review. Empty values are left out rather than written as null.
 */
import type { ClinicEntry, ConditionEntry, TechniqueEntry } from '../content/types';

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

export function therapyPageJsonLd(input: {
  technique: TechniqueEntry;
  conditions: Array<{ condition: ConditionEntry; causeNames: string[] }>;
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
  return compact({
    '@context': 'https://schema.org',
    '@type': 'MedicalWebPage',
    name: title,
    description,
    inLanguage: technique.locale,
    dateModified: technique.updatedAt,
    lastReviewed: review?.lastReviewed,
    reviewedBy: review
      ? compact({ '@type': 'Person', name: review.reviewedBy, jobTitle: review.reviewerCredentials })
      : undefined,
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
