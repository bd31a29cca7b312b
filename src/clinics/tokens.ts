/**
 * Clinic tokens: text written once says {{clinic.name}}, and every clinic's site reads its own name.
 * Writes are checked for unknown tokens (content-validation), so a typo is an editor's error message
 * instead of braces on a clinic's page.
 */
import type { ClinicEntry } from '../content/types';

export const CLINIC_TOKENS = ['name', 'phone', 'email', 'website', 'bookingUrl', 'address', 'city'] as const;
export type ClinicToken = (typeof CLINIC_TOKENS)[number];
export type ClinicTokenValues = Record<ClinicToken, string>;

const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }

/**
 * Each token of `text` (`{{`, anything without a brace, `}}`; the regular expression
 * /\{\{\s*([^{}]*?)\s*\}\}/g, whose capture is the trimmed inside) replaced by what `replace` gives
 * for its expression; `text.slice(start, end)` is the token as written. By hand rather than that
 * expression with a callback: a page renders every token of every row, and this is several times faster.
 */
function replaceTokens(text: string, replace: (expression: string, text: string, start: number, end: number) => string): string {
  let start = text.indexOf('{{');
  if (start === -1) return text;
  let result = '';
  let copied = 0;
  while (start !== -1) {
    let end = start + 2;
    let code = text.charCodeAt(end);
    while (end < text.length && code !== OPEN && code !== CLOSE) code = text.charCodeAt((end += 1));
    if (code === CLOSE && text.charCodeAt(end + 1) === CLOSE) {
      result += text.slice(copied, start) + replace(text.slice(start + 2, end).trim(), text, start, end + 2);
      copied = end + 2;
      start = text.indexOf('{{', copied);
    } else {
      // Not a token from here (a brace inside, or no closing braces): the next `{{` may start one.
      start = text.indexOf('{{', start + 1);
    }
  }
  return result + text.slice(copied);
}

/** Each known token's expression (what the braces hold, spaces trimmed) and the value it reads. */
const EXPRESSIONS = new Map<string, ClinicToken>(CLINIC_TOKENS.map((token) => [`clinic.${token}`, token]));

function isKnown(expression: string): boolean {
  return EXPRESSIONS.has(expression);
}

/** Tokens in `text` that are not clinic tokens, as written (e.g. "{{clinic.fax}}"). */
export function unknownTokens(text: string): string[] {
  const found: string[] = [];
  replaceTokens(text, (expression, whole, start, end) => {
    if (!isKnown(expression)) found.push(whole.slice(start, end));
    return '';
  });
  return found;
}

export function describeUnknownTokens(field: string, tokens: readonly string[]): string {
  return `${field} uses ${tokens.join(', ')}, which ${tokens.length === 1 ? 'is not a clinic token' : 'are not clinic tokens'}; use one of ${CLINIC_TOKENS.map((token) => `{{clinic.${token}}}`).join(', ')}`;
}

/** Every string inside a value (text, JSON, rich-text blocks), with the path where it sits. */
export function* stringsIn(value: unknown, path: Array<string | number> = []): Generator<[Array<string | number>, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* stringsIn(item, [...path, index]);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) yield* stringsIn(item, [...path, key]);
  }
}

export function renderTokens(text: string, values: ClinicTokenValues): string {
  return replaceTokens(text, (expression) => {
    const token = EXPRESSIONS.get(expression);
    // Unknown tokens are refused on write; one that predates the check renders as nothing, never as braces.
    return token !== undefined ? values[token] : '';
  });
}

/**
 * Renders the tokens of JSON text (a row as the database built it) in the text itself, each value
 * escaped for a JSON string, so the row is parsed once and holds rendered strings: the same as
 * renderTokens on each string after parsing, which costs a walk and a copy of every value. Null (the
 * caller renders string by string) where the two could differ: a clinic value that is blank (a text
 * that is only a token would then become empty, which the locale chain treats as missing), or a token
 * in the text that is not a known one (rendered as nothing; in JSON text it may also be one written
 * with a quote, a backslash or a line break, which the text holds escaped).
 */
export function tokenRendererForJson(values: ClinicTokenValues): ((json: string) => string | null) | null {
  if (CLINIC_TOKENS.some((token) => values[token].trim() === '')) return null;
  const escaped = Object.fromEntries(CLINIC_TOKENS.map((token) => [token, JSON.stringify(values[token]).slice(1, -1)])) as ClinicTokenValues;
  return (json) => {
    let isExact = true;
    const rendered = replaceTokens(json, (expression) => {
      const token = EXPRESSIONS.get(expression);
      if (token !== undefined) return escaped[token];
      isExact = false;
      return '';
    });
    return isExact ? rendered : null;
  };
}

/** What each token reads for a clinic (as stored, tokens unrendered): the values every page of it renders. */
export function clinicTokenValues(clinic: Pick<ClinicEntry, 'name' | 'phone' | 'email' | 'website' | 'bookingUrl' | 'address'>): ClinicTokenValues {
  const { street, city, region, postalCode, country } = clinic.address;
  const locality = [city, [region, postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return {
    name: clinic.name,
    phone: clinic.phone,
    email: clinic.email,
    website: clinic.website ?? '',
    bookingUrl: clinic.bookingUrl ?? clinic.website ?? '',
    address: [street, locality, country].filter(Boolean).join(', '),
    city,
  };
}
