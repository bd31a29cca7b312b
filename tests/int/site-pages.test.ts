/**
 * Reference and preview pages on a real Strapi over HTTP: the published page clinic developers copy,
 * the draft behind the admin's preview button (through Strapi's own preview URL endpoint), and the
 * refusals (bad or expired links, unknown clinics, locales and pages), each with its stable code.
 */
import { previewUrl, signPreviewToken } from '../../src/site-pages/preview-link';
import { runSeed } from '../../src/seed';
import { startApp, type TestApp } from '../helpers/strapi';

const ADMIN = { email: 'pages-admin@clinic-content.test', password: 'Pages-Pass-123' };
const MRT = 'myofascial-release-therapy';
const TECHNIQUE = 'api::technique.technique';
const PAGE = `/sites/northside-physio/en/techniques/${MRT}`;

let app: TestApp;
let mrtId: string;
let publishedSummary: string;

type Documents = {
  findFirst(params: object): Promise<Record<string, any> | null>;
  update(params: object): Promise<Record<string, any>>;
  publish(params: object): Promise<unknown>;
  discardDraft(params: object): Promise<unknown>;
};
const documents = (uid: string) => app.strapi.documents(uid as never) as unknown as Documents;

async function page(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${app.baseUrl}${path}`, { headers });
  return { status: response.status, headers: response.headers, html: await response.text() };
}

function errorCode(html: string): string | undefined {
  return /data-error-code="([A-Z_]+)"/.exec(html)?.[1];
}

beforeAll(async () => {
  app = await startApp({ isListening: true, environment: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
  await runSeed({ strapi: app.strapi });
  const mrt = await documents(TECHNIQUE).findFirst({ filters: { slug: MRT }, locale: 'en', status: 'published' });
  mrtId = mrt?.documentId as string;
  publishedSummary = mrt?.summary as string;
}, 240000);

afterAll(async () => {
  await app?.stop();
});

describe('the reference page', () => {
  it('renders the published therapy page for the clinic, as accessible HTML', async () => {
    const response = await page(PAGE);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-language')).toBe('en');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.html).toContain('<html lang="en">');
    expect(response.html).toContain('<h1 data-field="name">Myofascial Release Therapy (<abbr>MRT</abbr>)</h1>');
    expect(response.html).toContain(`<p class="summary" data-field="summary">${publishedSummary.replace(/&/g, '&amp;')}</p>`);
    expect(response.html).toContain('<a class="skip" href="#main">');
    expect(response.html).toContain('<script type="application/ld+json">');
    // Clinic tokens are rendered for the clinic named in the URL.
    expect(response.html).toContain('Northside Physiotherapy &amp; Massage');
    expect(response.html).not.toContain('{{clinic.');
    expect(response.html).not.toContain('data-preview');
    // Related conditions link to their own reference pages.
    expect(response.html).toContain('href="/sites/northside-physio/en/conditions/back-pain"');
  });

  it('answers 304 to a cache that presents the ETag', async () => {
    const first = await page(PAGE);
    const etag = first.headers.get('etag') as string;
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const second = await page(PAGE, { 'if-none-match': etag });
    expect(second.status).toBe(304);
  });

  it('renders a condition page and the clinic start page', async () => {
    const condition = await page('/sites/harbour-chiro/en/conditions/back-pain');
    expect(condition.status).toBe(200);
    expect(condition.html).toContain('<h1 data-field="name">Back pain</h1>');
    expect(condition.html).toContain(`href="/sites/harbour-chiro/en/techniques/${MRT}"`);
    const start = await page('/sites/harbour-chiro/en');
    expect(start.status).toBe(200);
    expect(start.html).toContain(`href="/sites/harbour-chiro/en/techniques/${MRT}">Myofascial Release Therapy</a>`);
  });

  it.each([
    ['/sites/nowhere-clinic/en/techniques/myofascial-release-therapy', 404, 'NOT_FOUND'],
    ['/sites/northside-physio/en/techniques/no-such-therapy', 404, 'NOT_FOUND'],
    ['/sites/northside-physio/en/conditions/no-such-condition', 404, 'NOT_FOUND'],
    ['/sites/northside-physio/en/articles/myofascial-release-therapy', 404, 'NOT_FOUND'],
    ['/sites/northside-physio/pt/techniques/myofascial-release-therapy', 400, 'BAD_USER_INPUT'],
    ['/sites/northside-physio/fr/techniques/myofascial-release-therapy', 403, 'FORBIDDEN'],
    ['/sites/northside-physio/en/techniques/Bad_Slug', 400, 'BAD_USER_INPUT'],
    [`${PAGE}?utm_source=x`, 400, 'BAD_USER_INPUT'],
    ['/sites/northside-physio/en?preview=1.abc', 400, 'BAD_USER_INPUT'],
  ])('refuses %s with %i %s', async (path, status, code) => {
    const response = await page(path);
    expect(response.status).toBe(status);
    expect(errorCode(response.html)).toBe(code);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.html).not.toMatch(/at \w+ \(|node_modules/);
  });
});

describe('the draft preview', () => {
  const draftSummary = 'Draft summary: a hands-on therapy that eases tight fascia (being revised).';

  beforeAll(async () => {
    await documents(TECHNIQUE).update({ documentId: mrtId, locale: 'en', data: { summary: draftSummary } });
  });

  afterAll(async () => {
    await documents(TECHNIQUE).discardDraft({ documentId: mrtId, locale: 'en' });
  });

  it('is what the admin preview button opens, and shows the draft with a banner', async () => {
    const login = await fetch(`${app.baseUrl}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const token = ((await login.json()) as { data: { token: string } }).data.token;
    const answer = await fetch(`${app.baseUrl}/content-manager/preview/url/${TECHNIQUE}?documentId=${mrtId}&locale=en&status=draft`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(answer.status).toBe(200);
    const url = ((await answer.json()) as { data: { url: string } }).data.url;
    expect(url).toMatch(new RegExp(`/sites/[a-z-]+/en/techniques/${MRT}\\?preview=\\d+\\.[A-Za-z0-9_-]{43}$`));

    const response = await page(url.replace(/^https?:\/\/[^/]+/, ''));
    expect(response.status).toBe(200);
    expect(response.html).toContain(`data-field="summary">${draftSummary}</p>`);
    expect(response.html).toContain('data-preview="draft"');
    expect(response.html).toContain('<meta name="robots" content="noindex">');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('leaves the reference page on the published version', async () => {
    const response = await page(PAGE);
    expect(response.html).not.toContain(draftSummary);
    expect(response.html).toContain(publishedSummary.replace(/&/g, '&amp;'));
  });

  it('opens the published reference page for the published version', async () => {
    const url = await previewUrl(app.strapi, TECHNIQUE, { documentId: mrtId, locale: 'en', status: 'published' });
    expect(url).toBe(`/sites/harbour-chiro/en/techniques/${MRT}`);
  });

  it('offers no preview for types without a page', async () => {
    const clinic = await documents('api::clinic.clinic').findFirst({ filters: { slug: 'northside-physio' }, locale: 'en' });
    expect(await previewUrl(app.strapi, 'api::clinic.clinic', { documentId: clinic?.documentId as string, locale: 'en', status: 'draft' })).toBeNull();
  });

  it('refuses a link signed for another page, a forged and an expired link', async () => {
    const other = signPreviewToken({ strapi: app.strapi, type: 'techniques', slug: 'another-therapy' });
    const forged = `${Math.floor(Date.now() / 1000) + 600}.${'A'.repeat(43)}`;
    const expired = signPreviewToken({ strapi: app.strapi, type: 'techniques', slug: MRT, now: Date.now() - 2 * 3600 * 1000 });
    for (const [token, code] of [
      [other, 'PREVIEW_LINK_INVALID'],
      [forged, 'PREVIEW_LINK_INVALID'],
      ['not-a-token', 'PREVIEW_LINK_INVALID'],
      [expired, 'PREVIEW_LINK_EXPIRED'],
    ] as const) {
      const response = await page(`${PAGE}?preview=${encodeURIComponent(token)}`);
      expect([response.status, errorCode(response.html)]).toEqual([401, code]);
      expect(response.html).not.toContain(draftSummary);
    }
  });

  it('keeps the link on this page only: related pages lead to their published versions', async () => {
    const token = signPreviewToken({ strapi: app.strapi, type: 'techniques', slug: MRT });
    const response = await page(`${PAGE}?preview=${token}`);
    expect(response.html).toContain('href="/sites/northside-physio/en/conditions/back-pain"');
    expect(response.html).not.toMatch(/conditions\/back-pain\?preview/);
  });
});
