/** An as-served answer (index.ts) for people: the page's sections with their text, then where each part came from. */
import type { AsServedResult, ConditionPageText, PartSource, TechniquePageText } from './page-text';

type Listed = { slug: string; locale: string; name: string; summary: string };

function section(title: string, body: string | null | undefined): string[] {
  return body === null || body === undefined || body.trim() === '' ? [] : [`## ${title}`, body, ''];
}

const list = (items: readonly string[]) => (items.length === 0 ? null : items.map((item) => `- ${item}`).join('\n'));
const related = (items: readonly Listed[]) => list(items.map((item) => `${item.name}: ${item.summary} [${item.slug}, ${item.locale}]`));
const faqs = (items: ReadonlyArray<{ question: string; answer: { text: string }; source: string }>) =>
  items.length === 0 ? null : items.map((faq) => `Q (${faq.source === 'CLINIC' ? "the clinic's" : 'vetted'}): ${faq.question}\nA: ${faq.answer.text}`).join('\n\n');

function review(value: TechniquePageText['technique']['medicalReview']): string {
  if (value.status === 'MISSING') return 'No medical review.';
  const credentials = value.reviewerCredentials === null ? '' : `, ${value.reviewerCredentials}`;
  return `Reviewed by ${value.reviewedBy ?? ''}${credentials} (${(value.reviewerType ?? '').toLowerCase()}); last reviewed ${value.lastReviewed ?? '-'}, next review due ${value.nextReviewDue ?? '-'}.`;
}

function origins(entry: { locale: string; adaptedFields: Array<{ field: string; locale: string }>; fallbackFields: Array<{ field: string; locale: string }> }): string {
  const named = (fields: Array<{ field: string; locale: string }>) => fields.map((field) => `${field.field} (${field.locale})`).join(', ');
  return [
    `Served in ${entry.locale}.`,
    entry.adaptedFields.length === 0 ? '' : ` From the clinic's adaptation: ${named(entry.adaptedFields)}.`,
    entry.fallbackFields.length === 0 ? '' : ` From fallback locales: ${named(entry.fallbackFields)}.`,
  ].join('');
}

function contact(clinic: TechniquePageText['clinic']): string {
  const { street, city, region, postalCode, country } = clinic.address;
  return [clinic.name, clinic.phone, clinic.email, clinic.bookingUrl ?? clinic.website ?? '', [street, city, region, postalCode, country].filter(Boolean).join(', ')].filter(Boolean).join('\n');
}

function techniqueLines(page: TechniquePageText): string[] {
  const t = page.technique;
  return [
    `# ${t.name}${t.abbreviation === null ? '' : ` (${t.abbreviation})`}`,
    origins(t),
    '',
    `Title: ${page.seo.metaTitle}`,
    `Description: ${page.seo.metaDescription}`,
    '',
    ...section('Summary', t.summary),
    ...section('Introduction', t.intro.text),
    ...section('Goal', t.goal),
    ...section('How it works', t.howItWorks?.text),
    ...section('Procedure', [t.procedureOverview ?? '', ...t.procedure.map((step, index) => `${index + 1}. ${step.title}: ${step.description}`)].filter(Boolean).join('\n')),
    ...section('What the therapist assesses', list(t.assessments)),
    ...section('How progress is judged', list(t.progressMeasures)),
    ...section('Course of treatment', t.treatmentCourse),
    ...section('Who provides it (note)', t.providerNote),
    ...section('Frequently asked questions', faqs(t.faqs)),
    ...section('At our clinic', t.localSection?.text),
    ...section('Call to action', t.callToAction === null ? null : [t.callToAction.text, t.callToAction.buttonLabel, t.callToAction.url].filter(Boolean).join(' | ')),
    ...section('Medical review', review(t.medicalReview)),
    ...section('Conditions it treats', related(t.treats)),
    ...section('Causes it addresses', related(t.causes)),
    ...section('Who provides it', related(t.providerTypes)),
    ...section('Benefits', related(t.benefits)),
    ...section('Contact', contact(page.clinic)),
  ];
}

function conditionLines(page: ConditionPageText): string[] {
  const c = page.condition;
  return [
    `# ${c.name}`,
    origins(c),
    '',
    ...(c.seo === null ? [] : [`Title: ${c.seo.metaTitle}`, `Description: ${c.seo.metaDescription}`, '']),
    ...section('Summary', c.summary),
    ...section('Description', c.description?.text),
    ...section('Symptoms', list(c.symptoms)),
    ...section('Causes', related(c.causes)),
    ...section('Therapies that help', list(c.techniques.map((item) => `${item.name}: ${item.summary} [${item.slug}, ${item.locale}${item.offeredByClinic ? ', offered here' : ''}]`))),
    ...section('Frequently asked questions', faqs(c.faqs)),
    ...section('At our clinic', c.localSection?.text),
    ...section('Medical review', review(c.medicalReview)),
    ...section('Contact', contact(page.clinic)),
  ];
}

function sourceLine(source: PartSource): string {
  const versions = source.versions
    .map((version) => {
      if (version.basis === 'unchanged') return `${version.locale ?? ''} unchanged since history began (as it is now)`;
      const recorded = `${version.locale ?? ''} ${version.action ?? ''} by ${version.actor ?? ''} at ${version.at ?? ''}`;
      return version.basis === 'before' ? `as it was before #${version.historyId} (${recorded})` : `#${version.historyId} ${recorded}`;
    })
    .join('; ');
  return `- ${source.part} (served in ${source.locale ?? '-'}): ${versions === '' ? 'no version' : versions}`;
}

export function asServedText(result: AsServedResult): string {
  const lines = [
    `${result.page} for clinic ${result.clinic} in ${result.locale}, as served at ${result.at}`,
    `Locale chain (as configured now): ${result.chain.join(' → ')}`,
    result.configuration,
    '',
  ];
  if (result.status === 'no-history') lines.push(`Not known: ${result.reason}`);
  else if (result.status === 'not-served') lines.push(`Not served: ${result.reason}`);
  else {
    lines.push(...('technique' in result.text ? techniqueLines(result.text) : conditionLines(result.text)));
    lines.push('## Where each part came from (content history versions)', ...result.sources.map(sourceLine));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
