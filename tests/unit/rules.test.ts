import {
  countryRule,
  editorEmailsRule,
  emailRule,
  httpUrlRule,
  linkRule,
  localesRule,
  phoneRule,
  reviewDatesRule,
  slugRule,
} from '../../src/content-validation/rules';

describe('format rules', () => {
  it.each(['back-pain', 'mrt', 'c7-pain', 'a1'])('accepts the slug %s', (slug) => {
    expect(slugRule('slug', slug)).toBeNull();
  });

  it.each(['Back-Pain', 'back_pain', 'back--pain', '-back', 'back-', 'back pain', ''])('refuses the slug "%s"', (slug) => {
    expect(slugRule('slug', slug)).toMatch(/^slug ".*" must be lowercase-kebab/);
  });

  it('suggests a slug for a name typed as a slug', () => {
    expect(slugRule('slug', 'Épaule Gelée')).toContain('(e.g. "epaule-gelee")');
  });

  it.each(['+1 604 555 0134', '(604) 555-0134', '020 7946 0321', '+44.20.7946.0321'])('accepts the phone %s', (phone) => {
    expect(phoneRule('phone', phone)).toBeNull();
  });

  it.each(['555', 'call us', '+1 604 555 0134 ext. 2', '1234567890123456'])('refuses the phone "%s"', (phone) => {
    expect(phoneRule('phone', phone)).toMatch(/is not a phone number/);
  });

  it('accepts an email address and refuses text without a domain', () => {
    expect(emailRule('email', 'front-desk@clinic.example')).toBeNull();
    expect(emailRule('email', 'front-desk@clinic')).toMatch(/is not an email address/);
  });

  it('accepts only absolute http(s) URLs for clinic links', () => {
    expect(httpUrlRule('website', 'https://clinic.example')).toBeNull();
    expect(httpUrlRule('website', 'clinic.example')).toMatch(/is not an absolute http\(s\) URL/);
    expect(httpUrlRule('website', 'javascript:alert(1)')).toMatch(/is not an absolute http\(s\) URL/);
  });

  it('lets a call to action point at a URL, a site path or a clinic token', () => {
    expect(linkRule('url', 'https://clinic.example/book')).toBeNull();
    expect(linkRule('url', '/contact')).toBeNull();
    expect(linkRule('url', '{{clinic.bookingUrl}}')).toBeNull();
    expect(linkRule('url', 'contact page')).toMatch(/must be an absolute http\(s\) URL, a path starting with "\/"/);
  });

  it('wants country codes as two capital letters', () => {
    expect(countryRule('country', 'CA')).toBeNull();
    expect(countryRule('country', 'ca')).toMatch(/two-letter ISO 3166/);
  });

  it('checks clinic locales against the configured ones', () => {
    expect(localesRule('locales', ['en', 'fr-CA'], ['en', 'fr', 'fr-CA'])).toBeNull();
    expect(localesRule('locales', [], ['en'])).toMatch(/non-empty list/);
    expect(localesRule('locales', ['en', 'en'], ['en'])).toBe('locales lists "en" twice');
    expect(localesRule('locales', ['de'], ['en'])).toMatch(/"de", which is not a locale of this service \(known: en\)/);
  });

  it("wants a clinic's editors as a list of distinct e-mail addresses", () => {
    expect(editorEmailsRule('editors', ['front-desk@harbour-chiro.example', 'owner@harbour-chiro.example'])).toBeNull();
    expect(editorEmailsRule('editors', [])).toBeNull();
    expect(editorEmailsRule('editors', 'front-desk@harbour-chiro.example')).toMatch(/must be a list of e-mail addresses/);
    expect(editorEmailsRule('editors', ['front desk'])).toMatch(/^editors\[0\] "front desk" is not an email address/);
    expect(editorEmailsRule('editors', ['a@b.example', 'A@b.example'])).toBe('editors lists "A@b.example" twice');
  });

  it('wants the next review after the last one', () => {
    expect(reviewDatesRule('nextReviewDue', '2026-01-01', '2027-01-01')).toBeNull();
    expect(reviewDatesRule('nextReviewDue', '2026-01-01', '2026-01-01')).toMatch(/must be after lastReviewed/);
  });

  it('reads a Date as the local calendar day Strapi stores for it, far from UTC too', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati'; // UTC+14: local midnight of 1 May is still 30 April in UTC
    try {
      expect(reviewDatesRule('nextReviewDue', new Date(2026, 4, 1), '2026-05-01')).toBe('nextReviewDue "2026-05-01" must be after lastReviewed "2026-05-01"');
      expect(reviewDatesRule('nextReviewDue', new Date(2026, 4, 1), '2026-05-02')).toBeNull();
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});
