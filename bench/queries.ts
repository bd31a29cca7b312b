/** The operations the benchmark times: ours, and the nearest equivalent through Strapi's GraphQL plugin. */

export const OUR_PAGE = `query Page($slug: String!, $locale: String) {
  therapyPage(slug: $slug, locale: $locale) {
    locale
    seo { metaTitle metaDescription noIndex }
    jsonLd
    clinic { name phone email bookingUrl }
    technique {
      slug locale name abbreviation summary goal procedureOverview treatmentCourse providerNote
      intro { html } howItWorks { html }
      procedure { title description } assessments progressMeasures
      faqs { question answer { html } }
      callToAction { text buttonLabel url }
      medicalReview { reviewedBy lastReviewed nextReviewDue }
      treats { slug locale name summary causes { slug name } }
      causes { slug name summary }
      providerTypes { slug name summary }
      benefits { slug name summary }
    }
  }
}`;

export const OUR_LIST = `query List($treats: String!, $locale: String) {
  techniques(filter: { treats: $treats }, locale: $locale, page: { pageSize: 20 }) {
    items { slug locale name summary }
    pageInfo { total }
  }
}`;

/** Strapi's shadow CRUD: the same data (without token rendering, HTML or JSON-LD, which it cannot do). */
export const STRAPI_PAGE = `query Page($slug: String!, $clinic: String!, $locale: I18NLocaleCode) {
  techniques(filters: { slug: { eq: $slug } }, locale: $locale) {
    slug locale name abbreviation summary goal procedureOverview treatmentCourse providerNote
    intro howItWorks
    procedure { title description } assessments { text } progressMeasures { text }
    faqs { question answer }
    callToAction { text buttonLabel url }
    seo { metaTitle metaDescription noIndex }
    medicalReview { reviewedBy lastReviewed nextReviewDue }
    treats { slug locale name summary causes { slug name } }
    causes { slug name summary }
    providerTypes { slug name summary }
    benefits { slug name summary }
  }
  clinics(filters: { slug: { eq: $clinic } }, locale: $locale) { name phone email bookingUrl }
}`;
