/**
 * Where a clinic's static site puts its technique and condition pages: each clinic may set a path
 * template per page type (empty: DEFAULT_PATH_TEMPLATES), a page's path is the template with its locale
 * and slug filled in, and a template is accepted only when every page of the clinic gets a path of its
 * own that is a plain URL path (no query, no fragment, no dot segments, nothing that leaves the site).
 */
import type { PageType } from '../content/model';

/**
 * The reference pages' scheme (src/site-pages) without their `/sites/<clinic>` prefix, so a site that
 * sets nothing mirrors the service's own pages.
 */
export const DEFAULT_PATH_TEMPLATES: Readonly<Record<PageType, string>> = {
  techniques: '/{locale}/techniques/{slug}',
  conditions: '/{locale}/conditions/{slug}',
};

/** The clinic field (schema.json of api::clinic.clinic) holding each page type's template. */
export const PATH_TEMPLATE_FIELDS = {
  techniques: 'techniquePathTemplate',
  conditions: 'conditionPathTemplate',
} as const satisfies Readonly<Record<PageType, string>>;

export type PathTemplateField = (typeof PATH_TEMPLATE_FIELDS)[PageType];

export const PATH_PLACEHOLDERS = ['locale', 'slug'] as const;

/** The template a clinic's pages of `type` use: its own, or the default when it set none. */
export function pathTemplateOf(clinic: Partial<Record<PathTemplateField, string | null>>, type: PageType): string {
  const own = clinic[PATH_TEMPLATE_FIELDS[type]];
  return typeof own === 'string' && own.trim() !== '' ? own : DEFAULT_PATH_TEMPLATES[type];
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
/** Characters other than ASCII: percent-encoded by pagePath (the template may say "thérapies"). */
const NON_ASCII = /[^\x00-\x7f]/gu;

/**
 * The path of one page: `template` (one that pathTemplateProblem accepts) with {locale} and {slug}
 * filled in. The values and any non-ASCII letters of the template are percent-encoded, so the result
 * is a URL path as a sitemap's <loc> needs it.
 */
export function pagePath(template: string, page: { locale: string; slug: string }): string {
  const values: Record<string, string> = { locale: page.locale, slug: page.slug };
  const literal = (text: string) => text.replace(NON_ASCII, (character) => encodeURIComponent(character));
  let path = '';
  let from = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    path += literal(template.slice(from, match.index)) + encodeURIComponent(values[match[1] as string] ?? '');
    from = (match.index ?? 0) + match[0].length;
  }
  return path + literal(template.slice(from));
}

const show = (value: string) => JSON.stringify(value);
/** RFC 3986 path characters (pchar and "/") besides letters and digits; "%" only as an escape, checked apart. */
const PATH_PUNCTUATION = "-._~!$&'()*+,;=:@/%";
const HEX_ESCAPE = /^%[0-9A-Fa-f]{2}/;

function count(items: readonly string[], value: string): number {
  return items.filter((item) => item === value).length;
}

/**
 * Why `template` cannot be a clinic's path template, as the end of a sentence that starts with the
 * field and the value ("must start with "/""), or null when it can. `locales` are the locales the
 * clinic publishes: with more than one, a template without {locale} would give a page the same path
 * in all of them.
 */
export function pathTemplateProblem(template: string, options: { locales: readonly string[] }): string | null {
  const example = show(DEFAULT_PATH_TEMPLATES.techniques);
  if (!template.startsWith('/')) return `must start with "/" (e.g. ${example})`;
  if (/\s/u.test(template)) return 'must not contain spaces or other whitespace';
  if (/[?#]/.test(template)) return 'must not contain "?" or "#": it is a path, without a query or a fragment';

  const names = [...template.matchAll(PLACEHOLDER)].map((match) => match[1] as string);
  const unknown = names.find((name) => !(PATH_PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown !== undefined) return `has the placeholder {${unknown}}, which does not exist: use {locale} and {slug}`;
  // The fixed text, each placeholder standing for a letter, as its characters are checked.
  const filled = template.replace(PLACEHOLDER, 'x');
  if (/[{}]/.test(filled)) return 'has a "{" or "}" that is not part of {locale} or {slug}';
  const slugs = count(names, 'slug');
  if (slugs !== 1) {
    return slugs === 0
      ? `must contain {slug} once: it is what tells two pages apart (e.g. ${example})`
      : `must contain {slug} exactly once (it has it ${slugs} times)`;
  }
  if (count(names, 'locale') > 1) return 'may contain {locale} at most once';

  const characters = [...filled];
  for (const [index, character] of characters.entries()) {
    if (/[\p{Cc}\p{Cs}]/u.test(character)) return `has the control character ${show(character)}`;
    if (/[A-Za-z0-9]/.test(character) || (character.codePointAt(0) ?? 0) > 0x7f) continue;
    if (character === '%') {
      if (!HEX_ESCAPE.test(characters.slice(index, index + 3).join(''))) return 'has a "%" that does not start an escape such as "%C3%A9" (write "%25" for "%" itself)';
      continue;
    }
    if (!PATH_PUNCTUATION.includes(character)) {
      return `has ${show(character)}, which a URL path cannot hold: use letters, digits and - . _ ~ ! $ & ' ( ) * + , ; = : @`;
    }
  }

  const segments = template.slice(1).split('/');
  // Browsers read "%2e" as "." in these segments too.
  if (segments.some((segment) => ['.', '..'].includes(segment.toLowerCase().replace(/%2e/g, '.')))) {
    return 'must not have "." or ".." segments: a browser resolves them to another path';
  }
  // An empty segment in the middle is never meant; a leading "//" would even name another host.
  if (segments.slice(0, -1).some((segment) => segment === '')) return 'must not have an empty segment ("//")';

  if (options.locales.length > 1 && !names.includes('locale')) {
    return `must contain {locale}: the clinic publishes ${options.locales.length} locales (${options.locales.join(', ')}), and without it a page would have the same path in each of them`;
  }
  return null;
}

/** One segment of a template: the fixed text before its first placeholder and after its last one. */
interface Segment {
  isFixed: boolean;
  head: string;
  tail: string;
}

function segmentsOf(template: string): Segment[] {
  return template.split('/').map((text) => {
    const parts = text.split(PLACEHOLDER);
    // split() with a capturing group puts the placeholder names at odd indexes.
    const isFixed = parts.length === 1;
    return { isFixed, head: parts[0] ?? '', tail: isFixed ? (parts[0] ?? '') : (parts[parts.length - 1] ?? '') };
  });
}

/** Whether some text can fill both segments. Placeholders are never empty, and never hold "/". */
function canMatch(a: Segment, b: Segment): boolean {
  if (a.isFixed && b.isFixed) return a.head === b.head;
  if (a.isFixed || b.isFixed) {
    const [fixed, open] = a.isFixed ? [a.head, b] : [b.head, a];
    return fixed.length > open.head.length + open.tail.length && fixed.startsWith(open.head) && fixed.endsWith(open.tail);
  }
  const compatible = (x: string, y: string, test: (long: string, short: string) => boolean) => (x.length >= y.length ? test(x, y) : test(y, x));
  return compatible(a.head, b.head, (long, short) => long.startsWith(short)) && compatible(a.tail, b.tail, (long, short) => long.endsWith(short));
}

/**
 * Whether two valid templates can give the same path, e.g. a technique and a condition that share a
 * slug under "/{locale}/{slug}". Errs on the side of "yes": the templates are told apart by a fixed
 * part of some segment, or by how many segments they have.
 */
export function pathTemplatesOverlap(a: string, b: string): boolean {
  const left = segmentsOf(a);
  const right = segmentsOf(b);
  return left.length === right.length && left.every((segment, index) => canMatch(segment, right[index] as Segment));
}
