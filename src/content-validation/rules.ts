/**
 * Format rules for content, shared by the Document Service middleware (every write from the admin,
 * REST or scripts) and the seed validator, so an editor and a seed file get the same clear message.
 * Each rule returns null when the value is fine, or a sentence that names the field and says how to fix it.
 */
import { SLUG_PATTERN, type PageType } from '../content/model';
import { toDay } from '../content/values';
import { PATH_TEMPLATE_FIELDS, pathTemplateOf, pathTemplateProblem, pathTemplatesOverlap } from '../sync/paths';

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_CHARACTERS = /^\+?[0-9 ().-]+$/;
const COUNTRY_PATTERN = /^[A-Z]{2}$/;
const LOCALE_PATTERN = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;
/** A whole value that is one clinic token, e.g. {{clinic.bookingUrl}}. */
const CLINIC_TOKEN_PATTERN = /^\{\{\s*clinic\.[A-Za-z]+\s*\}\}$/;

export type RuleResult = string | null;

function show(value: unknown): string {
  return JSON.stringify(value);
}

export function slugRule(field: string, value: unknown): RuleResult {
  if (typeof value !== 'string' || !SLUG_PATTERN.test(value)) {
    const hint =
      typeof value === 'string' && value !== ''
        ? ` (e.g. ${show(suggestSlug(value))})`
        : '';
    return `${field} ${show(value)} must be lowercase-kebab: lowercase letters and digits separated by single hyphens${hint}`;
  }
  return null;
}

export function suggestSlug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function emailRule(field: string, value: unknown): RuleResult {
  if (typeof value !== 'string' || !EMAIL_PATTERN.test(value)) {
    return `${field} ${show(value)} is not an email address (expected something like "front-desk@clinic.example")`;
  }
  return null;
}

export function phoneRule(field: string, value: unknown): RuleResult {
  const digits = typeof value === 'string' ? value.replace(/\D/g, '').length : 0;
  if (typeof value !== 'string' || !PHONE_CHARACTERS.test(value) || digits < 7 || digits > 15) {
    return `${field} ${show(value)} is not a phone number: use 7 to 15 digits with optional spaces, dots, dashes or parentheses, optionally starting with + (e.g. "+1 604 555 0134")`;
  }
  return null;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export function httpUrlRule(field: string, value: unknown): RuleResult {
  if (typeof value !== 'string' || !isHttpUrl(value)) {
    return `${field} ${show(value)} is not an absolute http(s) URL (e.g. "https://clinic.example/book")`;
  }
  return null;
}

/** Shorter secrets could be guessed by whoever sees a few signed requests. */
export const MIN_SIGNING_SECRET_LENGTH = 16;

const SECRET_ADVICE = 'use a long random value, e.g. the output of "openssl rand -hex 32"';

/** A secret that signs outgoing requests. Its value never appears in the message: messages are logged. */
export function signingSecretRule(field: string, value: unknown): RuleResult {
  if (typeof value !== 'string' || value.trim().length < MIN_SIGNING_SECRET_LENGTH) {
    return `${field} must be at least ${MIN_SIGNING_SECRET_LENGTH} characters: ${SECRET_ADVICE}`;
  }
  return null;
}

/** A URL the service sends signed requests to is useless without a secret to sign them with. */
export function secretForUrlRule(input: { field: string; urlField: string; url: unknown; secret: unknown }): RuleResult {
  const { field, urlField, url, secret } = input;
  const hasUrl = typeof url === 'string' && url.trim() !== '';
  const hasSecret = typeof secret === 'string' && secret !== '';
  if (hasUrl && !hasSecret) {
    return `${field} is needed when ${urlField} is set (requests to it are signed with it): ${SECRET_ADVICE}`;
  }
  return null;
}

/** A call to action may point at an absolute URL, a path on the clinic's own site, or a clinic token. */
export function linkRule(field: string, value: unknown): RuleResult {
  if (
    typeof value === 'string' &&
    (isHttpUrl(value) || /^\/[^\s]*$/.test(value) || CLINIC_TOKEN_PATTERN.test(value))
  ) {
    return null;
  }
  return `${field} ${show(value)} must be an absolute http(s) URL, a path starting with "/", or a clinic token such as "{{clinic.bookingUrl}}"`;
}

/**
 * A clinic's path template for one page type (src/sync/paths.ts). `locales` are the locales the clinic
 * publishes (a template must tell them apart when there are several).
 */
export function pathTemplateRule(input: { field: string; value: unknown; locales: unknown }): RuleResult {
  const { field, value } = input;
  if (typeof value !== 'string') return `${field} must be text such as "/{locale}/techniques/{slug}", or empty for the default`;
  const locales = Array.isArray(input.locales) ? input.locales.filter((code): code is string => typeof code === 'string') : [];
  const problem = pathTemplateProblem(value, { locales });
  return problem === null ? null : `${field} ${show(value)} ${problem}`;
}

/**
 * A clinic's technique and condition templates (empty: the defaults) must never give a technique and
 * a condition that share a slug the same path. The issue names `field`, the template being changed.
 */
export function distinctPathTemplatesRule(input: { field: string; type: PageType; templates: Partial<Record<string, string | null>> }): RuleResult {
  const { field, type } = input;
  const other: PageType = type === 'techniques' ? 'conditions' : 'techniques';
  const mine = pathTemplateOf(input.templates, type);
  const theirs = pathTemplateOf(input.templates, other);
  if (!pathTemplatesOverlap(mine, theirs)) return null;
  return `${field} ${show(mine)} can give a ${type.slice(0, -1)} the same path as a ${other.slice(0, -1)} with the same slug under ${PATH_TEMPLATE_FIELDS[other]} ${show(theirs)}: make them differ in a fixed part, as "/{locale}/techniques/{slug}" and "/{locale}/conditions/{slug}" do`;
}

export function countryRule(field: string, value: unknown): RuleResult {
  if (typeof value !== 'string' || !COUNTRY_PATTERN.test(value)) {
    return `${field} ${show(value)} must be a two-letter ISO 3166 country code in capitals (e.g. "CA")`;
  }
  return null;
}

export function localesRule(field: string, value: unknown, knownLocales: readonly string[]): RuleResult {
  if (!Array.isArray(value) || value.length === 0) {
    return `${field} must be a non-empty list of locale codes (e.g. ["en", "fr-CA"])`;
  }
  const seen = new Set<string>();
  for (const code of value) {
    if (typeof code !== 'string' || !LOCALE_PATTERN.test(code)) {
      return `${field} has ${show(code)}, which is not a locale code (e.g. "en", "fr-CA")`;
    }
    if (seen.has(code)) return `${field} lists ${show(code)} twice`;
    seen.add(code);
    if (!knownLocales.includes(code)) {
      return `${field} has ${show(code)}, which is not a locale of this service (known: ${knownLocales.join(', ')}); add it under Settings → Internationalization first`;
    }
  }
  return null;
}

/** A clinic's editors: the e-mail addresses of the admin users who edit its adaptations and contact fields. */
export function editorEmailsRule(field: string, value: unknown): RuleResult {
  if (!Array.isArray(value)) {
    return `${field} must be a list of e-mail addresses (e.g. ["front-desk@clinic.example"]), or empty`;
  }
  const seen = new Set<string>();
  for (const [index, email] of value.entries()) {
    const problem = emailRule(`${field}[${index}]`, email);
    if (problem !== null) return problem;
    const normalized = String(email).trim().toLowerCase();
    if (seen.has(normalized)) return `${field} lists ${show(email)} twice`;
    seen.add(normalized);
  }
  return null;
}

export function reviewDatesRule(
  field: string,
  lastReviewed: unknown,
  nextReviewDue: unknown,
): RuleResult {
  const last = toDay(lastReviewed);
  const next = toDay(nextReviewDue);
  if (last !== null && next !== null && next <= last) {
    return `${field} ${show(next)} must be after lastReviewed ${show(last)}`;
  }
  return null;
}
