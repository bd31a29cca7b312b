/**
 * The label and help text editors see on every field in the admin. A test checks that every field of
 * every content type and component has both, so a new field cannot ship without them.
 *
 * What clinics may adapt is read from the registry (`adaptable`, ADAPTATION), never written here: the
 * help of every field of a type clinics adapt says whether they may, and the adaptation's own fields
 * say which fields of each type they override.
 */
import { ADAPTABLE_MODELS, ADAPTATION, MODELS, UIDS, type ContentModel, type PageType } from '../content/model';
import { DEFAULT_PATH_TEMPLATES } from '../sync/paths';

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
const pathTemplateHelp = (input: { label: string; what: string; type: PageType; example: string }): FieldHelp => ({
  label: input.label,
  description: `Where the clinic's site puts each ${input.what} page: {locale} and {slug} are replaced with the page's locale and slug, e.g. "${input.example}". Starts with "/"; {slug} exactly once; {locale} at most once, and needed when the clinic publishes more than one locale; no spaces, "?" or "#". Empty: "${DEFAULT_PATH_TEMPLATES[input.type]}". Used for the page addresses in the clinic's sitemap.`,
});
const techniquesBackLink = (what: string): FieldHelp => ({
  label: 'Techniques',
  description: `Techniques linked to this ${what}; edit the link on the technique.`,
});

const BASE_HELP: Record<string, Record<string, FieldHelp>> = {
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
    techniquePathTemplate: pathTemplateHelp({ label: 'Technique page path', what: 'technique', type: 'techniques', example: '/{locale}/therapies/{slug}' }),
    conditionPathTemplate: pathTemplateHelp({ label: 'Condition page path', what: 'condition', type: 'conditions', example: '/{locale}/health/{slug}' }),
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
    editors: {
      label: 'Clinic editors',
      description: 'E-mail addresses of the admin users (role "Clinic editor") who edit this clinic\'s adaptations and contact details, e.g. ["front-desk@clinic.example"]. Takes effect when saved; only administrators see or change this list.',
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

// ---------------------------------------------------------------- clinic adaptations

const ADAPTABLE = 'Clinics may adapt this field (in their clinic adaptation).';
const VETTED = 'Vetted: clinics cannot adapt this field.';

/** What the help of a field of an adaptable type says about adapting it. */
function adaptationNote(model: ContentModel, field: string): string {
  if (model.adaptable.includes(field)) return ADAPTABLE;
  if (Object.hasOwn(model.relations, field)) return `${VETTED} A clinic may hide entries linked here from its pages (Hidden entries of its adaptation).`;
  if ((ADAPTATION.ownFields as readonly string[]).includes(field)) return `${VETTED} A clinic adds its own in its adaptation.`;
  return VETTED;
}

/** "Summary, Introduction and SEO": the labels editors know the fields by. */
function labelsOf(model: ContentModel, fields: readonly string[]): string {
  const labels = fields.map((field) => BASE_HELP[model.uid]?.[field]?.label ?? field);
  return labels.length <= 1 ? labels.join('') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1) ?? ''}`;
}

/** The types (by name, plural) that adapt a field, e.g. "techniques". */
function adaptedBy(field: string): string {
  const names = ADAPTABLE_MODELS.filter((model) => model.adaptable.includes(field)).map((model) => `${model.name}s`);
  return names.length === ADAPTABLE_MODELS.length ? '' : ` (${names.join(' and ')} only)`;
}

function targetHelp(field: string, model: ContentModel, example: string): FieldHelp {
  const others = Object.keys(ADAPTATION.targetFields).filter((other) => other !== field);
  return {
    label: `${model.name[0]?.toUpperCase() ?? ''}${model.name.slice(1)}`,
    description:
      `Slug of the ${model.name} this clinic adapts (e.g. "${example}"); leave empty when adapting a ${others.join(' or ')}. ` +
      `Clinics may adapt a ${model.name}'s ${labelsOf(model, model.adaptable)}; everything else is vetted medical content and stays as reviewed.`,
  };
}

const overrideHelp = (field: string, what: string, label = what): FieldHelp => ({
  label: `Clinic's ${label}`,
  description: `The clinic's own ${what}${adaptedBy(field)}, shown instead of the entry's. Empty: the entry's is shown. ${tokenNote}`,
});

const hiddenRelations = ADAPTABLE_MODELS.map((model) => `${Object.keys(model.relations).join(', ')} (a ${model.name}'s)`).join('; ');

BASE_HELP[ADAPTATION.uid] = {
  [ADAPTATION.clinicField]: {
    label: 'Clinic',
    description: 'Slug of the clinic this adaptation is for (e.g. "harbour-chiropractic"), the same in every language. A clinic has one adaptation per technique or condition.',
  },
  technique: targetHelp('technique', MODELS[UIDS.technique], 'myofascial-release-therapy'),
  condition: targetHelp('condition', MODELS[UIDS.condition], 'back-pain'),
  summary: overrideHelp('summary', 'summary'),
  intro: overrideHelp('intro', 'introduction'),
  callToAction: overrideHelp('callToAction', 'call to action'),
  seo: overrideHelp('seo', 'SEO title and description', 'SEO'),
  faqs: {
    label: "Clinic's own FAQs",
    description: `Questions only this clinic answers (e.g. "Do you bill my insurance directly?"), shown after the entry's and marked as the clinic's own, not medically reviewed. ${tokenNote}`,
  },
  localSection: {
    label: 'At our clinic',
    description: `A section of the clinic's own (rich text), shown on its page and marked as the clinic's own, not medically reviewed. ${tokenNote}`,
  },
  [ADAPTATION.hiddenField]: {
    label: 'Hidden entries',
    description: 'Linked entries the clinic leaves off its pages, e.g. a condition it does not treat or a provider type it does not have. Only entries the technique or condition links can be hidden.',
  },
  [ADAPTATION.basisField]: {
    label: 'Basis',
    description: 'Kept by the service: the base text each override was written against, so the clinic learns when the vetted entry changes. Not edited by hand.',
  },
};

BASE_HELP['adaptation.hidden-entry'] = {
  relation: { label: 'Link', description: `Which list of the technique or condition the entry is on: ${hiddenRelations}.` },
  slug: { label: 'Entry slug', description: 'Slug of the linked entry to hide, e.g. "migraine-headaches".' },
};

/** The help of every field, with what adapting it means on the types clinics adapt. */
export const FIELD_HELP: Readonly<Record<string, Readonly<Record<string, FieldHelp>>>> = Object.fromEntries(
  Object.entries(BASE_HELP).map(([uid, fields]) => {
    const model = ADAPTABLE_MODELS.find((candidate) => candidate.uid === uid);
    if (model === undefined) return [uid, fields];
    return [uid, Object.fromEntries(Object.entries(fields).map(([field, help]) => [field, { ...help, description: `${help.description} ${adaptationNote(model, field)}` }]))];
  }),
);
