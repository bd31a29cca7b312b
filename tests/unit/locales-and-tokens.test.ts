import { describeUnknownTokens, renderTokens, unknownTokens } from '../../src/clinics/tokens';
import { hashKey, isWellFormedKey } from '../../src/clinics/keys';
import { localeChain, parseFallbacks } from '../../src/locales/chain';

const known = ['en', 'fr', 'fr-CA', 'es', 'es-MX'];

describe('locale chains', () => {
  it('walks the configured fallbacks, then the default locale', () => {
    expect(localeChain({ requested: 'fr-CA', fallbacks: parseFallbacks('fr-CA:fr'), knownLocales: known, defaultLocale: 'en' })).toEqual(['fr-CA', 'fr', 'en']);
  });

  it('falls back from a regional locale to its language when nothing is configured', () => {
    expect(localeChain({ requested: 'es-MX', fallbacks: parseFallbacks(''), knownLocales: known, defaultLocale: 'en' })).toEqual(['es-MX', 'es', 'en']);
  });

  it('follows a configured fallback across languages and stops at a loop', () => {
    const fallbacks = parseFallbacks('es-MX:fr-CA, fr-CA:es-MX');
    expect(localeChain({ requested: 'es-MX', fallbacks, knownLocales: known, defaultLocale: 'en' })).toEqual(['es-MX', 'fr-CA', 'en']);
  });

  it('refuses a malformed LOCALE_FALLBACKS with an example of the format', () => {
    expect(() => parseFallbacks('fr-CA=fr')).toThrow('LOCALE_FALLBACKS has "fr-CA=fr"; write pairs as locale:fallback, e.g. "fr-CA:fr,es-MX:es"');
    expect(() => parseFallbacks('fr-CA:fr,fr-CA:en')).toThrow('LOCALE_FALLBACKS names a fallback for "fr-CA" twice');
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
});

describe('clinic keys', () => {
  it('have a recognisable, fixed shape and hash to a stable digest', () => {
    expect(isWellFormedKey(`cck_live_${'a'.repeat(43)}`)).toBe(true);
    expect(isWellFormedKey('cck_live_short')).toBe(false);
    expect(hashKey('cck_live_x')).toBe(hashKey('cck_live_x'));
    expect(hashKey('cck_live_x')).toMatch(/^[0-9a-f]{64}$/);
  });
});
