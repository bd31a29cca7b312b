/**
 * The label and help text editors see on every field in the admin. A test checks that every field of
 * every content type and component has both, so a new field cannot ship without them.
 */
import { UIDS } from '../content/model';

export interface FieldHelp {
  label: string;
  description: string;
}

const slugHelp = (example: string): FieldHelp => ({
  label: 'Slug',
  description: `Stable address of this entry, the same in every language: lowercase letters, digits and hyphens (e.g. "${example}"). Changing it breaks links from clinic sites.`,
});
const tokenNote = 'Clinic tokens such as {{clinic.name}} are replaced with the calling clinic\'s details.';
const reviewHelp: FieldHelp = {
  label: 'Medical review',
  description:
    'Required to publish: who last reviewed this content medically and when the next review is due (a translation may leave it empty to use its fallback\'s review). Shown to readers and search engines; the review-due report lists it 30 days before it is due.',
};
const seoHelp: FieldHelp = {
  label: 'SEO',
  description: 'Title and description search engines show for this page.',
};
const techniquesBackLink = (what: string): FieldHelp => ({
  label: 'Techniques',
  description: `Techniques linked to this ${what}; edit the link on the technique.`,
});

export const FIELD_HELP: Record<string, Record<string, FieldHelp>> = {
  [UIDS.condition]: {
    name: { label: 'Name', description: 'The condition as patients call it, e.g. "Back pain".' },
    slug: slugHelp('back-pain'),
    summary: { label: 'Summary', description: 'One or two plain sentences shown in lists and search results.' },
    description: { label: 'Description', description: 'What the condition is and how it feels, in the reader\'s terms.' },
    symptoms: { label: 'Symptoms', description: 'One symptom per item, e.g. "Pain that spreads from trigger points".' },
    causes: { label: 'Causes', description: 'What brings this condition about.' },
    techniques: techniquesBackLink('condition'),
    seo: seoHelp,
    medicalReview: reviewHelp,
  },
  [UIDS.cause]: {
    name: { label: 'Name', description: 'The cause in a short phrase, e.g. "Stiff fascia".' },
    slug: slugHelp('stiff-fascia'),
    summary: { label: 'Summary', description: 'One or two plain sentences on how this cause produces pain or restriction.' },
    description: { label: 'Description', description: 'A longer explanation for readers who want more detail.' },
    conditions: { label: 'Conditions', description: 'Conditions this cause brings about; edit the link on the condition.' },
    techniques: techniquesBackLink('cause'),
  },
  [UIDS.technique]: {
    name: { label: 'Name', description: 'Full name of the therapy, e.g. "Myofascial Release Therapy".' },
    abbreviation: { label: 'Abbreviation', description: 'Short form readers meet in the text, e.g. "MRT". Leave empty if none.' },
    slug: slugHelp('myofascial-release-therapy'),
    summary: { label: 'Summary', description: 'One or two plain sentences shown in lists and search results.' },
    intro: { label: 'Introduction', description: `Opening paragraphs of the therapy page: who benefits and why. ${tokenNote}` },
    goal: { label: 'Goal', description: 'What the therapy aims to achieve, in one or two sentences.' },
    howItWorks: { label: 'How it works', description: 'What the therapist does and why it helps.' },
    procedureOverview: { label: 'Procedure overview', description: 'General remarks on the procedure, e.g. that it varies by body part.' },
    procedure: { label: 'Procedure steps', description: 'The steps of a session, in order.' },
    assessments: { label: 'What the therapist assesses', description: 'One item per thing the therapist looks for, e.g. "Knots".' },
    progressMeasures: { label: 'How progress is judged', description: 'One item per sign of progress, e.g. "Regained mobility".' },
    treatmentCourse: { label: 'Course of treatment', description: 'How often and how long the therapy is given.' },
    providerNote: { label: 'Who can provide it', description: 'Training or qualifications providers need, shown above the provider types.' },
    faqs: { label: 'FAQs', description: 'Questions patients ask about this therapy, with answers.' },
    callToAction: { label: 'Call to action', description: `Closing prompt of the page. ${tokenNote}` },
    seo: seoHelp,
    medicalReview: reviewHelp,
    treats: { label: 'Treats', description: 'Conditions this therapy treats or relieves.' },
    causes: { label: 'Causes addressed', description: 'Causes of pain this therapy works on.' },
    providerTypes: { label: 'Delivered by', description: 'Professions that can deliver this therapy.' },
    benefits: { label: 'Benefits', description: 'Outcomes patients can expect.' },
  },
  [UIDS.providerType]: {
    name: { label: 'Name', description: 'The profession, e.g. "Massage therapist".' },
    slug: slugHelp('massage-therapist'),
    summary: { label: 'Summary', description: 'One or two plain sentences on what this profession does.' },
    techniques: techniquesBackLink('provider type'),
  },
  [UIDS.benefit]: {
    name: { label: 'Name', description: 'The outcome in a short phrase, e.g. "Return to normal function".' },
    slug: slugHelp('return-to-normal-function'),
    summary: { label: 'Summary', description: 'One or two plain sentences on what the patient gains.' },
    techniques: techniquesBackLink('benefit'),
  },
  [UIDS.clinic]: {
    name: { label: 'Clinic name', description: 'Shown wherever content says {{clinic.name}}, in every language.' },
    slug: slugHelp('northside-physio'),
    description: { label: 'About the clinic', description: 'A short description of the clinic in this language.' },
    phone: { label: 'Phone', description: 'Front-desk number with country code, e.g. "+1 604 555 0134".' },
    email: { label: 'Email', description: 'Address patients write to, e.g. "front-desk@clinic.example".' },
    website: { label: 'Website', description: 'The clinic\'s own site, an absolute https:// URL.' },
    bookingUrl: { label: 'Booking URL', description: 'Where patients book a session, an absolute https:// URL; used by {{clinic.bookingUrl}}.' },
    address: { label: 'Address', description: 'Street address of the clinic.' },
    locales: { label: 'Published locales', description: 'Locale codes the clinic\'s site publishes, e.g. ["en", "fr-CA"]; each must exist under Settings → Internationalization.' },
    offeredTechniques: { label: 'Offered techniques', description: 'Therapies this clinic offers.' },
    providerTypes: { label: 'Provider types on staff', description: 'Professions the clinic has on staff.' },
    rateLimitPerMinute: {
      label: 'API requests per minute',
      description: 'How many API requests each of the clinic\'s keys may make per minute; empty: the service default (RATE_LIMIT_PER_MINUTE), 0: no limit.',
    },
    revalidationUrl: {
      label: 'Revalidation URL',
      description: 'Where the clinic\'s site wants to hear that content changed (an absolute https:// URL); on every publish, unpublish or delete the service POSTs the changed pages there. Empty: no notifications. Needs a revalidation secret.',
    },
    revalidationSecret: {
      label: 'Revalidation secret',
      description: 'Shared secret (16+ characters, e.g. from `openssl rand -hex 32`) the service signs each notification with; give the same value to the clinic\'s site. Never served by the API.',
    },
    accessKeys: { label: 'Access keys', description: 'Hashes of the clinic\'s API keys. Managed by `npm run clinic:key`; never shown or served.' },
  },
  'content.list-item': {
    text: { label: 'Text', description: 'One short item, a phrase or a sentence.' },
  },
  'content.faq-item': {
    question: { label: 'Question', description: 'The question as a patient would ask it.' },
    answer: { label: 'Answer', description: `A plain answer of a few sentences. ${tokenNote}` },
  },
  'content.procedure-step': {
    title: { label: 'Step', description: 'A short name for the step, e.g. "Apply gentle pressure".' },
    description: { label: 'What happens', description: 'What the therapist does in this step.' },
  },
  'content.call-to-action': {
    text: { label: 'Text', description: `The prompt, e.g. "Contact {{clinic.name}} for more information". ${tokenNote}` },
    buttonLabel: { label: 'Button label', description: 'Text of the button, e.g. "Book a session". Leave empty for no button.' },
    url: { label: 'Link', description: 'Where the button goes: an https:// URL, a path such as "/contact", or {{clinic.bookingUrl}}.' },
  },
  'seo.meta': {
    metaTitle: { label: 'Meta title', description: 'Title in search results, at most 70 characters.' },
    metaDescription: { label: 'Meta description', description: 'Description in search results, at most 160 characters.' },
    noIndex: { label: 'Hide from search engines', description: 'Ask search engines not to index this page.' },
  },
  'medical.review': {
    reviewedBy: { label: 'Reviewed by', description: 'Name of the clinician, or of the team or organization, that reviewed the content.' },
    reviewerType: {
      label: 'Reviewer is',
      description:
        'Person: one named clinician. Organization: a team, department or organization (e.g. "Clinical content team"). Search engines are told which, and are given Credentials for a person only.',
    },
    reviewerCredentials: { label: 'Credentials', description: 'The reviewer\'s qualifications, e.g. "PT, DPT".' },
    lastReviewed: { label: 'Last reviewed', description: 'Date of the latest medical review.' },
    nextReviewDue: { label: 'Next review due', description: 'Date by which the content must be reviewed again; after Last reviewed.' },
  },
  'clinic.address': {
    street: { label: 'Street', description: 'Street and number, with suite if any.' },
    city: { label: 'City', description: 'City or town.' },
    region: { label: 'Region', description: 'Province, state or region.' },
    postalCode: { label: 'Postal code', description: 'Postal or ZIP code.' },
    country: { label: 'Country', description: 'Two-letter ISO country code in capitals, e.g. "CA".' },
  },
};
