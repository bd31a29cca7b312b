/**
 * Plain, accessible HTML for the reference and preview pages, built only from the answers of the
 * operations clinic sites run (types/graphql/client). Every text is escaped here; the `html` fields
 * are the API's own safe rendering of rich text. A part served from a fallback locale carries its
 * own `lang`, so screen readers pronounce it right.
 */
import { escapeHtml } from '../rich-text/blocks';
import { jsonLdScriptText } from '../seo/json-ld';
import type { ClinicProfileQuery, ConditionPageQuery, TherapyPageQuery } from '../../types/graphql/client/graphql';
import type { PageType } from '../content/model';
import { toIso } from '../content/values';
import { clinicPath, pagePath } from './preview-link';

type Labels = Record<
  | 'skip' | 'languages' | 'goal' | 'howItWorks' | 'procedure' | 'assessments' | 'progress' | 'course' | 'providers'
  | 'treats' | 'causes' | 'benefits' | 'faqs' | 'review' | 'reviewedBy' | 'lastReviewed' | 'nextReview' | 'contact'
  | 'phone' | 'email' | 'book' | 'symptoms' | 'techniques' | 'offered' | 'draft' | 'draftExpires' | 'therapies' | 'updated' | 'local',
  string
>;

const LABELS: Record<string, Labels> = {
  en: {
    skip: 'Skip to content', languages: 'Languages', goal: 'Goal', howItWorks: 'How it works', procedure: 'Procedure',
    assessments: 'What the therapist assesses', progress: 'How progress is judged', course: 'Course of treatment',
    providers: 'Who provides it', treats: 'Conditions it treats', causes: 'Causes it addresses', benefits: 'Benefits',
    faqs: 'Frequently asked questions', review: 'Medical review', reviewedBy: 'Reviewed by', lastReviewed: 'Last reviewed',
    nextReview: 'Next review due', contact: 'Contact', phone: 'Phone', email: 'Email', book: 'Book an appointment',
    symptoms: 'Symptoms', techniques: 'Therapies that help', offered: 'offered here',
    draft: 'Draft preview: this page shows unpublished changes. Clinic sites do not see them until the entry is published.',
    draftExpires: 'This preview link expires at', therapies: 'Therapies', updated: 'Updated', local: 'At our clinic',
  },
  es: {
    skip: 'Ir al contenido', languages: 'Idiomas', goal: 'Objetivo', howItWorks: 'Cómo funciona', procedure: 'Procedimiento',
    assessments: 'Qué evalúa el terapeuta', progress: 'Cómo se valora el progreso', course: 'Curso del tratamiento',
    providers: 'Quién la aplica', treats: 'Afecciones que trata', causes: 'Causas que aborda', benefits: 'Beneficios',
    faqs: 'Preguntas frecuentes', review: 'Revisión médica', reviewedBy: 'Revisado por', lastReviewed: 'Última revisión',
    nextReview: 'Próxima revisión', contact: 'Contacto', phone: 'Teléfono', email: 'Correo electrónico', book: 'Pedir cita',
    symptoms: 'Síntomas', techniques: 'Terapias que ayudan', offered: 'disponible aquí',
    draft: 'Vista previa de borrador: esta página muestra cambios no publicados. Los sitios de las clínicas no los ven hasta que se publique la entrada.',
    draftExpires: 'Este enlace de vista previa caduca el', therapies: 'Terapias', updated: 'Actualizado', local: 'En nuestra clínica',
  },
  fr: {
    skip: 'Aller au contenu', languages: 'Langues', goal: 'Objectif', howItWorks: 'Comment ça fonctionne', procedure: 'Déroulement',
    assessments: 'Ce que le thérapeute évalue', progress: 'Comment les progrès sont évalués', course: 'Déroulement du traitement',
    providers: 'Qui la pratique', treats: 'Affections traitées', causes: 'Causes visées', benefits: 'Bienfaits',
    faqs: 'Questions fréquentes', review: 'Révision médicale', reviewedBy: 'Révisé par', lastReviewed: 'Dernière révision',
    nextReview: 'Prochaine révision', contact: 'Contact', phone: 'Téléphone', email: 'Courriel', book: 'Prendre rendez-vous',
    symptoms: 'Symptômes', techniques: 'Thérapies utiles', offered: 'offerte ici',
    draft: 'Aperçu du brouillon : cette page montre des modifications non publiées. Les sites des cliniques ne les voient qu’après publication.',
    draftExpires: 'Ce lien d’aperçu expire le', therapies: 'Thérapies', updated: 'Mis à jour', local: 'À notre clinique',
  },
  de: {
    skip: 'Zum Inhalt springen', languages: 'Sprachen', goal: 'Ziel', howItWorks: 'So wirkt sie', procedure: 'Ablauf',
    assessments: 'Was die Therapeutin oder der Therapeut beurteilt', progress: 'Woran Fortschritt gemessen wird',
    course: 'Behandlungsverlauf', providers: 'Wer sie anbietet', treats: 'Behandelte Beschwerden', causes: 'Behandelte Ursachen',
    benefits: 'Nutzen', faqs: 'Häufige Fragen', review: 'Medizinische Prüfung', reviewedBy: 'Geprüft von',
    lastReviewed: 'Zuletzt geprüft', nextReview: 'Nächste Prüfung', contact: 'Kontakt', phone: 'Telefon', email: 'E-Mail',
    book: 'Termin buchen', symptoms: 'Symptome', techniques: 'Hilfreiche Therapien', offered: 'hier angeboten',
    draft: 'Entwurfsvorschau: Diese Seite zeigt unveröffentlichte Änderungen. Klinik-Websites sehen sie erst nach der Veröffentlichung.',
    draftExpires: 'Dieser Vorschaulink läuft ab am', therapies: 'Therapien', updated: 'Aktualisiert', local: 'In unserer Praxis',
  },
};

/** Labels for a locale: its own, its language's, else English. */
function labelsFor(locale: string): Labels {
  return LABELS[locale] ?? LABELS[locale.split('-')[0] ?? ''] ?? (LABELS.en as Labels);
}

const e = escapeHtml;

/**
 * Dates as ISO text. Run in process, operations answer with their scalars' values before JSON: the
 * DateTime scalar gives a Date there, where a site receives its ISO string.
 */
function iso(value: unknown): string {
  return typeof value === 'string' ? value : toIso(value);
}

export interface PageFrame {
  clinicSlug: string;
  locale: string;
  profile: NonNullable<ClinicProfileQuery['clinic']>;
  /** The page shown; null for the clinic's start page. */
  page: { type: PageType; slug: string } | null;
  /**
   * Set on a draft preview: the token, and when it expires. It opens this page only, so links to this
   * page in other locales carry it and links to other pages lead to their published versions.
   */
  preview?: { token: string; expiresAt: Date };
}

/** `lang` for a part served in another locale than the page's. */
function langOf(frame: PageFrame, servedLocale: string): string {
  return servedLocale === frame.locale ? '' : ` lang="${e(servedLocale)}"`;
}

function link(frame: PageFrame, type: PageType, slug: string, locale = frame.locale): string {
  const isThisPage = frame.page !== null && frame.page.type === type && frame.page.slug === slug;
  return pagePath({ clinic: frame.clinicSlug, locale, type, slug, previewToken: isThisPage ? frame.preview?.token : undefined });
}

function section(id: string, title: string, body: string): string {
  return `<section aria-labelledby="${id}"><h2 id="${id}">${e(title)}</h2>${body}</section>`;
}

function paragraph(text: string | null | undefined, field?: string): string {
  if (text === null || text === undefined || text.trim() === '') return '';
  return `<p${field === undefined ? '' : ` data-field="${field}"`}>${e(text)}</p>`;
}

function list(items: string[]): string {
  return `<ul>${items.map((item) => `<li>${e(item)}</li>`).join('')}</ul>`;
}

interface Linked {
  slug: string;
  name: string;
  summary: string;
  locale?: string;
}

function linkedList(frame: PageFrame, type: PageType | null, items: Linked[], note?: (item: Linked) => string): string {
  return `<ul>${items
    .map((item) => {
      const name = type === null ? e(item.name) : `<a href="${e(link(frame, type, item.slug))}">${e(item.name)}</a>`;
      return `<li${item.locale === undefined ? '' : langOf(frame, item.locale)}>${name}${note?.(item) ?? ''} — ${e(item.summary)}</li>`;
    })
    .join('')}</ul>`;
}

type Review = TherapyPageQuery['therapyPage']['technique']['medicalReview'];
type Faqs = TherapyPageQuery['therapyPage']['technique']['faqs'];

/** FAQ items, the clinic's own marked as such (they are not covered by the medical review). */
function faqSection(labels: Labels, faqs: Faqs): string {
  const items = faqs.map((faq) => `<div data-source="${faq.source === 'CLINIC' ? 'clinic' : 'vetted'}"><h3>${e(faq.question)}</h3>${faq.answer.html}</div>`);
  return faqs.length === 0 ? '' : section('faqs', labels.faqs, items.join(''));
}

/** The clinic's own local section ("At our clinic"), from its adaptation. */
function localSection(labels: Labels, value: { html: string } | null): string {
  return value === null ? '' : section('local', labels.local, `<div data-field="localSection" data-source="clinic">${value.html}</div>`);
}

/** The review section; none for a draft not yet reviewed (status MISSING, only ever in a preview). */
function review(labels: Labels, value: Omit<Review, 'reviewerCredentials'> & { reviewerCredentials?: string | null }): string {
  const { reviewedBy, lastReviewed, nextReviewDue } = value;
  if (value.status === 'MISSING' || reviewedBy === null || lastReviewed === null || nextReviewDue === null) return '';
  const who = value.reviewerCredentials ? `${reviewedBy}, ${value.reviewerCredentials}` : reviewedBy;
  return section(
    'medical-review',
    labels.review,
    `<dl><dt>${e(labels.reviewedBy)}</dt><dd>${e(who)}</dd><dt>${e(labels.lastReviewed)}</dt><dd><time datetime="${e(iso(lastReviewed))}">${e(iso(lastReviewed))}</time></dd><dt>${e(labels.nextReview)}</dt><dd><time datetime="${e(iso(nextReviewDue))}">${e(iso(nextReviewDue))}</time></dd></dl>`,
  );
}

const STYLE = `
body{font:1.0625rem/1.6 system-ui,sans-serif;color:#1b1b1f;max-width:46rem;margin:0 auto;padding:0 1rem 3rem}
a{color:#0b57d0}a:focus-visible{outline:3px solid #f9a825;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
.preview{background:#fff4ce;border:2px solid #8a6d00;padding:.75rem 1rem;margin:1rem 0}
header{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;border-bottom:1px solid #ccc;margin-bottom:1.5rem}
header nav ul{list-style:none;display:flex;gap:.75rem;padding:0}
.summary{font-size:1.2rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}
footer{border-top:1px solid #ccc;margin-top:2rem}
.button{display:inline-block;background:#0b57d0;color:#fff;padding:.5rem 1rem;border-radius:.25rem;text-decoration:none}
`;

function document(input: {
  frame: PageFrame;
  title: string;
  description: string;
  isNoIndex: boolean;
  jsonLd?: unknown;
  body: string;
  /** The same page in another locale, for the language menu. */
  localeLink: (locale: string) => string;
}): string {
  const { frame } = input;
  const labels = labelsFor(frame.locale);
  const { profile } = frame;
  const jsonLd =
    input.jsonLd === undefined || input.jsonLd === null
      ? ''
      : `<script type="application/ld+json">${jsonLdScriptText(input.jsonLd)}</script>`;
  const languages = profile.locales
    .map((code) => (code === frame.locale ? `<li><a href="${e(input.localeLink(code))}" aria-current="page" lang="${e(code)}">${e(code)}</a></li>` : `<li><a href="${e(input.localeLink(code))}" hreflang="${e(code)}" lang="${e(code)}">${e(code)}</a></li>`))
    .join('');
  const address = profile.address;
  const locality = [address.city, [address.region, address.postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  const banner =
    frame.preview === undefined
      ? ''
      : `<div class="preview" role="status" data-preview="draft"><strong>${e(labels.draft)}</strong> ${e(labels.draftExpires)} <time datetime="${frame.preview.expiresAt.toISOString()}">${e(frame.preview.expiresAt.toISOString().replace('T', ' ').slice(0, 16))} UTC</time>.</div>`;
  return `<!doctype html>
<html lang="${e(frame.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(input.title)}</title>
<meta name="description" content="${e(input.description)}">
${input.isNoIndex || frame.preview !== undefined ? '<meta name="robots" content="noindex">\n' : ''}<style>${STYLE}</style>
${jsonLd}
</head>
<body>
<a class="skip" href="#main">${e(labels.skip)}</a>
${banner}
<header>
<p><a href="${e(clinicPath({ clinic: frame.clinicSlug, locale: frame.locale }))}">${e(profile.name)}</a></p>
<nav aria-label="${e(labels.languages)}"><ul>${languages}</ul></nav>
</header>
<main id="main">
${input.body}
</main>
<footer>
<h2>${e(labels.contact)}</h2>
<address>${e(profile.name)}<br>${e(address.street)}<br>${e([locality, address.country].filter(Boolean).join(', '))}<br>
${e(labels.phone)}: <a href="tel:${e(profile.phone.replace(/[^\d+]/g, ''))}">${e(profile.phone)}</a><br>
${e(labels.email)}: <a href="mailto:${e(profile.email)}">${e(profile.email)}</a></address>
${profile.bookingUrl ? `<p><a class="button" href="${e(profile.bookingUrl)}">${e(labels.book)}</a></p>` : ''}
</footer>
</body>
</html>
`;
}

export function renderTherapyPage(frame: PageFrame, page: NonNullable<TherapyPageQuery['therapyPage']>): string {
  const labels = labelsFor(frame.locale);
  const t = page.technique;
  const lang = langOf(frame, t.locale);
  const parts = [
    `<article${lang}>`,
    `<h1 data-field="name">${e(t.name)}${t.abbreviation ? ` (<abbr>${e(t.abbreviation)}</abbr>)` : ''}</h1>`,
    `<p class="summary" data-field="summary">${e(t.summary)}</p>`,
    `<div data-field="intro">${t.intro.html}</div>`,
    section('goal', labels.goal, paragraph(t.goal, 'goal')),
    t.howItWorks === null ? '' : section('how-it-works', labels.howItWorks, `<div data-field="howItWorks">${t.howItWorks.html}</div>`),
    t.procedure.length === 0 && !t.procedureOverview
      ? ''
      : section(
          'procedure',
          labels.procedure,
          `${paragraph(t.procedureOverview, 'procedureOverview')}<ol>${t.procedure.map((step) => `<li><strong>${e(step.title)}</strong> ${e(step.description)}</li>`).join('')}</ol>`,
        ),
    t.assessments.length === 0 ? '' : section('assessments', labels.assessments, list(t.assessments)),
    t.progressMeasures.length === 0 ? '' : section('progress', labels.progress, list(t.progressMeasures)),
    t.treatmentCourse ? section('course', labels.course, paragraph(t.treatmentCourse, 'treatmentCourse')) : '',
    t.treats.length === 0 ? '' : section('treats', labels.treats, linkedList(frame, 'conditions', t.treats)),
    t.causes.length === 0 ? '' : section('causes', labels.causes, linkedList(frame, null, t.causes)),
    t.benefits.length === 0 ? '' : section('benefits', labels.benefits, linkedList(frame, null, t.benefits)),
    t.providerTypes.length === 0 && !t.providerNote
      ? ''
      : section('providers', labels.providers, `${paragraph(t.providerNote, 'providerNote')}${linkedList(frame, null, t.providerTypes)}`),
    localSection(labels, t.localSection),
    faqSection(labels, t.faqs),
    t.callToAction === null
      ? ''
      : `<aside aria-label="${e(labels.contact)}"><p data-field="callToAction">${e(t.callToAction.text)}</p>${
          t.callToAction.url ? `<p><a class="button" href="${e(t.callToAction.url)}">${e(t.callToAction.buttonLabel ?? labels.book)}</a></p>` : ''
        }</aside>`,
    review(labels, t.medicalReview),
    `<p><small>${e(labels.updated)}: <time datetime="${e(iso(t.updatedAt))}">${e(iso(t.updatedAt).slice(0, 10))}</time></small></p>`,
    '</article>',
  ];
  return document({
    frame,
    title: page.seo.metaTitle,
    description: page.seo.metaDescription,
    isNoIndex: page.seo.noIndex,
    jsonLd: page.jsonLd,
    body: parts.filter(Boolean).join('\n'),
    localeLink: (locale) => link(frame, 'techniques', t.slug, locale),
  });
}

export function renderConditionPage(frame: PageFrame, condition: NonNullable<ConditionPageQuery['condition']>): string {
  const labels = labelsFor(frame.locale);
  const parts = [
    `<article${langOf(frame, condition.locale)}>`,
    `<h1 data-field="name">${e(condition.name)}</h1>`,
    `<p class="summary" data-field="summary">${e(condition.summary)}</p>`,
    condition.description === null ? '' : `<div data-field="description">${condition.description.html}</div>`,
    condition.symptoms.length === 0 ? '' : section('symptoms', labels.symptoms, list(condition.symptoms)),
    condition.causes.length === 0 ? '' : section('causes', labels.causes, linkedList(frame, null, condition.causes)),
    condition.techniques.length === 0
      ? ''
      : section(
          'techniques',
          labels.techniques,
          linkedList(frame, 'techniques', condition.techniques, (item) =>
            (item as Linked & { offeredByClinic?: boolean }).offeredByClinic ? ` <small>(${e(labels.offered)})</small>` : '',
          ),
        ),
    localSection(labels, condition.localSection),
    faqSection(labels, condition.faqs),
    review(labels, condition.medicalReview),
    '</article>',
  ];
  return document({
    frame,
    title: condition.seo?.metaTitle ?? condition.name,
    description: condition.seo?.metaDescription ?? condition.summary,
    isNoIndex: condition.seo?.noIndex ?? false,
    body: parts.filter(Boolean).join('\n'),
    localeLink: (locale) => link(frame, 'conditions', condition.slug, locale),
  });
}

/** The clinic's start page: the therapies it offers. */
export function renderClinicIndex(frame: PageFrame): string {
  const labels = labelsFor(frame.locale);
  const { profile } = frame;
  const body = [
    `<h1>${e(profile.name)}</h1>`,
    paragraph(profile.description),
    section('therapies', labels.therapies, `<ul>${profile.offeredTechniques.map((item) => `<li><a href="${e(link(frame, 'techniques', item.slug))}">${e(item.name)}</a></li>`).join('')}</ul>`),
  ];
  const indexPath = (locale: string) => clinicPath({ clinic: frame.clinicSlug, locale });
  return document({ frame, title: profile.name, description: profile.description ?? profile.name, isNoIndex: false, body: body.filter(Boolean).join('\n'), localeLink: indexPath });
}

/** An error page: the stable code and the message, nothing internal. */
export function renderErrorPage(input: { status: number; code: string; message: string; locale?: string }): string {
  return `<!doctype html>
<html lang="${e(input.locale ?? 'en')}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${input.status} ${e(input.code)}</title><style>${STYLE}</style></head>
<body><main id="main"><h1>${input.status} ${e(input.code)}</h1><p data-error-code="${e(input.code)}">${e(input.message)}</p></main></body>
</html>
`;
}
