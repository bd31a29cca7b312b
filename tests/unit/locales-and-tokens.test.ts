import { describeUnknownTokens, renderTokens, stringsIn, tokenRendererForJson, unknownTokens } from '../../src/clinics/tokens';
import { hashKey, isWellFormedKey } from '../../src/clinics/keys';
import { localeChain } from '../../src/locales/chain';
import { chainOf, parseLocaleSettings } from '../../src/locales/config';

const known = ['en', 'fr', 'fr-CA', 'es', 'es-MX'];

const fallbacks = (pairs: Record<string, string>) => new Map(Object.entries(pairs));

describe('locale chains', () => {
  it('walks the configured fallbacks, then the default locale', () => {
    expect(localeChain({ requested: 'fr-CA', fallbacks: fallbacks({ 'fr-CA': 'fr' }), knownLocales: known, defaultLocale: 'en' })).toEqual(['fr-CA', 'fr', 'en']);
  });

  it('falls back from a regional locale to its language when nothing is configured', () => {
    expect(localeChain({ requested: 'es-MX', fallbacks: fallbacks({}), knownLocales: known, defaultLocale: 'en' })).toEqual(['es-MX', 'es', 'en']);
  });

  it('follows a configured fallback across languages and stops at a loop', () => {
    const loop = fallbacks({ 'es-MX': 'fr-CA', 'fr-CA': 'es-MX' });
    expect(localeChain({ requested: 'es-MX', fallbacks: loop, knownLocales: known, defaultLocale: 'en' })).toEqual(['es-MX', 'fr-CA', 'en']);
  });
});

describe('locale settings (config/locales.ts)', () => {
  const settings = (locales: unknown[], defaultLocale = 'en') => parseLocaleSettings({ source: 'config/locales.ts', defaultLocale, locales });

  it('builds chains of any length from each locale\'s fallback', () => {
    const parsed = settings([
      { code: 'en', name: 'English' },
      { code: 'fr', name: 'Français' },
      { code: 'fr-CA', name: 'Français (Canada)', fallback: 'fr' },
      { code: 'fr-QC', name: 'Français (Québec, Montréal)', fallback: 'fr-CA' },
    ]);
    expect(chainOf(parsed, 'fr-QC')).toEqual(['fr-QC', 'fr-CA', 'fr', 'en']);
    expect(chainOf(parsed, 'fr')).toEqual(['fr', 'en']);
    expect(chainOf(parsed, 'en')).toEqual(['en']);
  });

  it('reads the project configuration: en by default, fr-CA through fr', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = require('../../config/locales').default({ env: () => undefined });
    const parsed = parseLocaleSettings(config);
    expect(parsed.locales.map((locale) => locale.code)).toEqual(['en', 'es', 'fr', 'fr-CA', 'de']);
    expect(chainOf(parsed, 'fr-CA')).toEqual(['fr-CA', 'fr', 'en']);
    expect(chainOf(parsed, 'de')).toEqual(['de', 'en']);
  });

  it('takes a whole list from LOCALES as JSON', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = require('../../config/locales').default({
      env: (name: string) => (name === 'LOCALES' ? '{"defaultLocale":"de","locales":[{"code":"de","name":"Deutsch"},{"code":"de-AT","name":"Österreich","fallback":"de"}]}' : undefined),
    });
    const parsed = parseLocaleSettings(config);
    expect(parsed.source).toBe('LOCALES');
    expect(chainOf(parsed, 'de-AT')).toEqual(['de-AT', 'de']);
  });

  it.each([
    [[{ code: 'en' }, { code: 'en' }], 'en', 'config/locales.ts: "en" is listed twice'],
    [[{ code: 'en' }, { code: 'fr_CA' }], 'en', 'config/locales.ts: locale #2 has code "fr_CA"; write a language tag such as "fr" or "fr-CA"'],
    [[{ code: 'en' }, { code: 'fr-CA', fallback: 'fr' }], 'en', 'config/locales.ts: "fr-CA" falls back to "fr", which is not listed (en, fr-CA)'],
    [[{ code: 'en' }], 'de', 'config/locales.ts: defaultLocale "de" is not one of the locales listed (en)'],
    [[{ code: 'en', fallback: 'fr' }, { code: 'fr' }], 'en', 'config/locales.ts: the default locale "en" ends every chain and cannot have a fallback'],
    [[{ code: 'en' }, { code: 'a-b', fallback: 'c-d' }, { code: 'c-d', fallback: 'a-b' }], 'en', 'config/locales.ts: locale #2 has code "a-b"'],
    [[{ code: 'en' }, { code: 'fr', fallback: 'fr-CA' }, { code: 'fr-CA', fallback: 'fr' }], 'en', 'config/locales.ts: fallbacks form a cycle: fr → fr-CA → fr'],
    [[{ code: 'en', label: 'x' }], 'en', 'config/locales.ts: "en" has "label"; a locale has code, name and fallback'],
    [[], 'en', 'config/locales.ts: must list at least one locale under "locales"'],
  ])('refuses %j (default %s) with a message naming the mistake', (locales, defaultLocale, message) => {
    expect(() => settings(locales, defaultLocale)).toThrow(message);
  });

  it('refuses LOCALES that is not JSON', () => {
    expect(() => parseLocaleSettings({ source: 'LOCALES', json: '{en' })).toThrow(/^LOCALES: is not valid JSON/);
  });
});

describe('clinic tokens', () => {
  const values = { name: 'Northside', phone: '+1 604 555 0134', email: 'a@b.example', website: 'https://n.example', bookingUrl: 'https://n.example/book', address: '1 Main St', city: 'Vancouver' };

  it('renders every known token and tolerates spaces inside the braces', () => {
    expect(renderTokens('Contact {{clinic.name}} at {{ clinic.phone }}.', values)).toBe('Contact Northside at +1 604 555 0134.');
  });

  it('finds unknown tokens and explains the known ones', () => {
    expect(unknownTokens('{{clinic.fax}} {{clinic.name}} {{ patient.name }}')).toEqual(['{{clinic.fax}}', '{{ patient.name }}']);
    expect(describeUnknownTokens('summary', ['{{clinic.fax}}'])).toMatch(/^summary uses \{\{clinic.fax\}\}, which is not a clinic token; use one of \{\{clinic.name\}\}/);
  });

  it('never leaks braces, even for a token stored before the check', () => {
    expect(renderTokens('Call {{clinic.fax}} now', values)).toBe('Call  now');
  });

  it('finds tokens exactly as the regular expression that defines them does', () => {
    // The definition: `{{`, anything without a brace, `}}`; the expression is the inside, trimmed.
    const TOKEN = /\{\{\s*([^{}]*?)\s*\}\}/g;
    const known = new Map(Object.entries(values).map(([token, value]) => [`clinic.${token}`, value]));
    const parts = ['{', '}', '{{', '}}', ' ', '\n', '\u00a0', '\ufeff', 'clinic.name', 'clinic.phone', 'clinic.fax', '.', 'x', '"', '\\'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 3000; run += 1) {
      const text = Array.from({ length: 1 + Math.floor(next() * 14) }, () => parts[Math.floor(next() * parts.length)]).join('');
      expect(renderTokens(text, values)).toBe(text.replace(TOKEN, (_whole, expression: string) => known.get(expression) ?? ''));
      expect(unknownTokens(text)).toEqual([...text.matchAll(TOKEN)].filter((match) => !known.has(match[1] ?? '')).map((match) => match[0]));
    }
  });

  /** Every string of a parsed value rendered one by one: what the JSON renderer must equal. */
  function renderedStrings(value: unknown): unknown {
    return JSON.parse(JSON.stringify(value), (_key, item: unknown) => (typeof item === 'string' ? renderTokens(item, tricky) : item));
  }
  const tricky = { ...values, name: 'The "Quoted" \\ Clinic\nNorth', address: 'Rue Saint-Denis, Montréal 😀' };

  it('renders JSON text as rendering each of its strings would, values escaped for JSON', () => {
    const row = { summary: 'Visit {{ clinic.name }} at {{clinic.address}}.', faqs: [{ question: 'Where?', answer: [{ type: 'paragraph', children: [{ type: 'text', text: 'Call {{clinic.phone}}' }] }] }], slug: 'mrt', count: 3 };
    const render = tokenRendererForJson(tricky);
    const rendered = render?.(JSON.stringify(row));
    expect(typeof rendered).toBe('string');
    expect(JSON.parse(rendered as string)).toEqual(renderedStrings(row));
    expect([...stringsIn(JSON.parse(rendered as string))].map(([, text]) => text)).toContain('Visit The "Quoted" \\ Clinic\nNorth at Rue Saint-Denis, Montréal 😀.');
  });

  it('leaves JSON text whose rendering could differ to string-by-string rendering', () => {
    const render = tokenRendererForJson(values);
    // Unknown tokens (rendered as nothing), and tokens the JSON text holds escaped or across a quote.
    for (const text of ['Call {{clinic.fax}}', '{{\nclinic.name}}', '{{ clinic.name" }}']) {
      expect(render?.(JSON.stringify({ summary: text, seo: { metaTitle: 'x' } }))).toBeNull();
    }
    // Braces opened in a string and closed by the JSON around it: `{{clinic.name"}}`.
    expect(render?.(JSON.stringify({ seo: { metaTitle: 'end {{clinic.name' } }))).toBeNull();
    for (const row of [{ summary: 'no tokens' }, { summary: 'end {{clinic.name', seo: { metaTitle: 'x' } }]) {
      expect(render?.(JSON.stringify(row))).toBe(JSON.stringify(renderedStrings(row)));
    }
    // A blank value would turn a text that is only a token into an empty one, which the locale chain skips.
    expect(tokenRendererForJson({ ...values, website: ' ' })).toBeNull();
  });
});

describe('clinic keys', () => {
  it('have a recognisable, fixed shape and hash to a stable digest', () => {
    expect(isWellFormedKey(`cck_live_${'a'.repeat(43)}`)).toBe(true);
    expect(isWellFormedKey('cck_live_short')).toBe(false);
    expect(hashKey('cck_live_x')).toBe(hashKey('cck_live_x'));
    expect(hashKey('cck_live_x')).toMatch(/^[0-9a-f]{64}$/);
  });
});
