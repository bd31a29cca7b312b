import { jsonLdScriptText, therapyPageJsonLd } from '../../src/seo/json-ld';
import { renderTherapyPage, type PageFrame } from '../../src/site-pages/render';
import type { ClinicEntry, MedicalReviewData, TechniqueEntry } from '../../src/content/types';
import type { TherapyPageQuery } from '../../types/graphql/client/graphql';

const HOSTILE = 'Ends </script><script>alert(1)</script>, opens <!-- and has \u2028 and \u2029 & more';

/** The text of the page's first JSON-LD element, as an HTML parser would cut it out. */
function embeddedJsonLd(html: string): string {
  const start = html.indexOf('<script type="application/ld+json">') + '<script type="application/ld+json">'.length;
  return html.slice(start, html.indexOf('</script>', start));
}

describe('JSON-LD in HTML', () => {
  it('escapes <, >, &, U+2028 and U+2029 and still parses to the same value', () => {
    const value = { name: HOSTILE, nested: [{ text: HOSTILE }] };
    const text = jsonLdScriptText(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('is embedded that way in the reference pages: a value holding </script> cannot end the element', () => {
    const jsonLd = { '@context': 'https://schema.org', '@type': 'MedicalWebPage', name: HOSTILE };
    const html = renderTherapyPage(frame(), page(jsonLd));
    expect(JSON.parse(embeddedJsonLd(html))).toEqual(jsonLd);
    expect(html).not.toContain('<script>alert(1)');
  });
});

describe('the reviewer in JSON-LD', () => {
  const jsonLdFor = (review: MedicalReviewData) =>
    therapyPageJsonLd({ technique: technique(review), conditions: [], clinic: clinic(), title: 'MRT', description: 'About MRT' });

  it('is an Organization for a team, without credentials', () => {
    const jsonLd = jsonLdFor({ reviewedBy: 'Clinical content team', reviewerType: 'organization', reviewerCredentials: 'PT', lastReviewed: '2026-11-01', nextReviewDue: '2027-11-01' });
    expect(jsonLd.reviewedBy).toEqual({ '@type': 'Organization', name: 'Clinical content team' });
  });

  it('is a Person with the credentials as a credential awarded to them', () => {
    const jsonLd = jsonLdFor({ reviewedBy: 'Dr. A. Reviewer', reviewerType: 'person', reviewerCredentials: 'DO', lastReviewed: '2026-11-01', nextReviewDue: '2027-11-01' });
    expect(jsonLd.reviewedBy).toEqual({
      '@type': 'Person',
      name: 'Dr. A. Reviewer',
      hasCredential: { '@type': 'EducationalOccupationalCredential', name: 'DO' },
    });
  });

  it('stays a Person for a review saved before reviewer types existed', () => {
    const jsonLd = jsonLdFor({ reviewedBy: 'Dr. B. Older', reviewerType: null, reviewerCredentials: null, lastReviewed: '2026-11-01', nextReviewDue: '2027-11-01' });
    expect(jsonLd.reviewedBy).toEqual({ '@type': 'Person', name: 'Dr. B. Older' });
  });

  it('is left out of a draft not yet reviewed', () => {
    const jsonLd = therapyPageJsonLd({ technique: technique(null), conditions: [], clinic: clinic(), title: 'MRT', description: 'About MRT' });
    expect(jsonLd).not.toHaveProperty('reviewedBy');
    expect(jsonLd).not.toHaveProperty('lastReviewed');
  });
});

describe('what the clinic wrote itself, in JSON-LD', () => {
  const paragraph = (text: string) => [{ type: 'paragraph', children: [{ type: 'text', text }] }];
  const review: MedicalReviewData = { reviewedBy: 'Clinical content team', reviewerType: 'organization', reviewerCredentials: null, lastReviewed: '2026-11-01', nextReviewDue: '2027-11-01' };

  it('is a part of the page whose author is the clinic; the review stays the vetted article\'s', () => {
    const adapted: TechniqueEntry = {
      ...technique(review),
      faqs: [
        { question: 'What is MRT?', answer: paragraph('A technique.'), source: 'vetted' },
        { question: 'Do you bill my insurance directly?', answer: paragraph('Yes, most plans.'), source: 'clinic' },
      ],
      localSection: paragraph('At our clinic, sessions last 45 minutes.'),
    };
    const jsonLd = therapyPageJsonLd({ technique: adapted, conditions: [], clinic: clinic(), title: 'MRT', description: 'About MRT' });
    const author = { '@type': 'MedicalClinic', name: 'Northside Physiotherapy' };
    expect(jsonLd.reviewedBy).toEqual({ '@type': 'Organization', name: 'Clinical content team' });
    expect(jsonLd.lastReviewed).toBe('2026-11-01');
    expect(jsonLd.hasPart).toEqual([
      { '@type': 'Question', name: 'Do you bill my insurance directly?', author, acceptedAnswer: { '@type': 'Answer', text: 'Yes, most plans.', author } },
      { '@type': 'WebPageElement', text: 'At our clinic, sessions last 45 minutes.', author },
    ]);
  });

  it('is absent when the clinic wrote nothing', () => {
    expect(therapyPageJsonLd({ technique: technique(review), conditions: [], clinic: clinic(), title: 'MRT', description: 'About MRT' })).not.toHaveProperty('hasPart');
  });
});

// ---------------------------------------------------------------- fixtures

function technique(medicalReview: MedicalReviewData | null): TechniqueEntry {
  return {
    documentId: 't1', slug: 'mrt', locale: 'en', updatedAt: '2026-11-01T00:00:00.000Z', fallbackFields: [], adaptedFields: [], localSection: null,
    name: 'Myofascial Release Therapy', abbreviation: 'MRT', summary: 'A massage technique.', intro: [], goal: 'Loosen fascia.',
    howItWorks: null, procedureOverview: null, procedure: [], assessments: [], progressMeasures: [], treatmentCourse: null,
    providerNote: null, faqs: [], callToAction: null, seo: null, medicalReview, treats: [], causes: [], providerTypes: [], benefits: [],
  };
}

function clinic(): ClinicEntry {
  return {
    documentId: 'c1', slug: 'northside-physio', locale: 'en', updatedAt: '2026-11-01T00:00:00.000Z', fallbackFields: [], adaptedFields: [],
    name: 'Northside Physiotherapy', description: null, phone: '+1 604 555 0134', email: 'hello@northside.example', website: null,
    bookingUrl: null, address: { street: '1 Main St', city: 'Vancouver', region: 'BC', postalCode: null, country: 'CA' },
    locales: ['en'], offeredTechniques: [], providerTypes: [], techniquePathTemplate: null, conditionPathTemplate: null,
  };
}

function frame(): PageFrame {
  return {
    clinicSlug: 'northside-physio',
    locale: 'en',
    page: { type: 'techniques', slug: 'mrt' },
    profile: {
      slug: 'northside-physio', locale: 'en', name: 'Northside Physiotherapy', description: null, phone: '+1 604 555 0134',
      email: 'hello@northside.example', website: null, bookingUrl: null,
      address: { street: '1 Main St', city: 'Vancouver', region: 'BC', postalCode: null, country: 'CA' },
      locales: ['en'], offeredTechniques: [], providerTypes: [],
    },
  };
}

function page(jsonLd: Record<string, unknown>): TherapyPageQuery['therapyPage'] {
  return {
    locale: 'en',
    jsonLd,
    seo: { metaTitle: 'MRT', metaDescription: 'About MRT', noIndex: false },
    clinic: {
      name: 'Northside Physiotherapy', phone: '+1 604 555 0134', email: 'hello@northside.example', bookingUrl: null, website: null,
      address: { street: '1 Main St', city: 'Vancouver', region: 'BC', postalCode: null, country: 'CA' },
    },
    technique: {
      slug: 'mrt', locale: 'en', name: 'Myofascial Release Therapy', abbreviation: 'MRT', summary: 'A massage technique.',
      goal: 'Loosen fascia.', procedureOverview: null, assessments: [], progressMeasures: [], treatmentCourse: null, providerNote: null,
      updatedAt: '2026-11-01T00:00:00.000Z', intro: { html: '<p>Intro</p>', text: 'Intro' }, howItWorks: null, procedure: [], faqs: [],
      localSection: null, adaptedFields: [], callToAction: null,
      medicalReview: { status: 'MISSING', reviewedBy: null, reviewerType: null, reviewerCredentials: null, lastReviewed: null, nextReviewDue: null },
      treats: [], causes: [], providerTypes: [], benefits: [],
    },
  };
}

describe('the review on a reference page', () => {
  it('is a section for a reviewed entry and absent for a draft not yet reviewed (status MISSING)', () => {
    const missing = page({});
    expect(renderTherapyPage(frame(), missing)).not.toContain('id="medical-review"');
    const reviewed = page({});
    reviewed.technique.medicalReview = {
      status: 'REVIEWED', reviewedBy: 'Clinical content team', reviewerType: 'ORGANIZATION', reviewerCredentials: null,
      lastReviewed: '2026-11-01', nextReviewDue: '2027-11-01',
    };
    expect(renderTherapyPage(frame(), reviewed)).toContain('<dd>Clinical content team</dd>');
  });
});
