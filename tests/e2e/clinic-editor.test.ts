/**
 * A clinic editor's day, in Debian's Chromium driving the real admin (playwright-core): the demo
 * clinic editor of Harbour Chiropractic logs in, opens Harbour's adaptation of the MRT article,
 * rewrites its intro and publishes; Harbour's GraphQL answer shows the new intro within 1 s, another
 * clinic's answer does not change, the edit view's History panel lists the save and the publish with
 * the intro as it became, and the editor can read the vetted technique but not edit it.
 * Then the vetted intro is republished with new text: the editor's home page lists Harbour's adaptation
 * under "Clinic adaptations to check" with the old and new base text, and its Confirm button records
 * the new base, after which the list is empty.
 *
 * Needs the admin build and /usr/bin/chromium, as tests/e2e/editor-publish.test.ts does.
 */
import { existsSync, mkdirSync } from 'fs';
import path from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { outdatedAdaptations } from '../../src/clinics/adaptations/drift';
import { createClinicKey } from '../../src/clinics/keys';
import { ADAPTATION, UIDS } from '../../src/content/model';
import { graphql } from '../helpers/graphql';
import { ROOT, startApp, type TestApp } from '../helpers/strapi';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'tests', 'e2e', 'artifacts');
const EDITOR = { email: 'front-desk@harbour-chiro.test', password: 'Editor-Pass-123' };
const MRT = 'myofascial-release-therapy';
const INTRO_QUERY = `query { technique(slug: "${MRT}", locale: "en") { intro { text } goal adaptedFields { field locale } } }`;

let app: TestApp;
let browser: Browser;
let page: Page;
const keys = { harbour: '', northside: '' };

async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${name.replace(/[^a-z0-9]+/gi, '-')}-${Date.now()}.png`);
    await page?.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    throw new Error(`Browser step "${name}" failed (screenshot: ${file}): ${error instanceof Error ? error.message : String(error)}`);
  }
}

const intro = async (key: string) => (await graphql(app, { key, query: INTRO_QUERY })).body.data.technique;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install it with "apt-get install chromium" (or set CHROMIUM_PATH).`);
  if (!existsSync(path.join(ROOT, 'dist', 'build', 'index.html'))) throw new Error('No admin build in dist/build: run "npm run build" first.');
  app = await startApp({
    isListening: true,
    isServingAdmin: true,
    environment: { SEED_ON_EMPTY: 'true', ADMIN_CLINIC_EDITOR_EMAIL: EDITOR.email, ADMIN_CLINIC_EDITOR_PASSWORD: EDITOR.password },
  });
  keys.harbour = (await createClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', kind: 'public' })).key;
  keys.northside = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await page.addInitScript({
    content: `localStorage.setItem('STRAPI_GUIDED_TOUR', ${JSON.stringify(JSON.stringify({ enabled: false, hidden: true, completedActions: [] }))});`,
  });
}, 240000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

it('a clinic editor adapts the MRT intro for their clinic only, and cannot edit the vetted technique', async () => {
  const newIntro = 'At Harbour Chiropractic we start every MRT course with a thirty-minute assessment.';
  const [harbourBefore, northsideBefore] = [await intro(keys.harbour), await intro(keys.northside)];
  expect(harbourBefore.intro.text).not.toContain(newIntro);
  const adaptation = (await app.strapi.db.query(ADAPTATION.uid).findOne({ where: { clinic: 'harbour-chiro', technique: MRT, locale: 'en' } })) as { documentId: string };
  const technique = (await app.strapi.db.query(UIDS.technique).findOne({ where: { slug: MRT, locale: 'en' } })) as { documentId: string };

  await step('log in as the clinic editor', async () => {
    await page.goto(`${app.baseUrl}/admin/auth/login`);
    await page.fill('input[name="email"]', EDITOR.email);
    await page.fill('input[name="password"]', EDITOR.password);
    await page.click('button[type="submit"]');
    await page.waitForURL(`${app.baseUrl}/admin`, { timeout: 60000 });
  });

  await step('open the adaptation and rewrite its intro', async () => {
    await page.goto(`${app.baseUrl}/admin/content-manager/collection-types/${ADAPTATION.uid}/${adaptation.documentId}?plugins[i18n][locale]=en`);
    const editor = page.locator('[contenteditable="true"]', { hasText: 'Myofascial Release Therapy (MRT) is part of most treatment plans' });
    await editor.waitFor({ timeout: 60000 });
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(newIntro);
    const saved = page.waitForResponse((response) => response.request().method() === 'PUT' && response.url().includes(`/content-manager/collection-types/${ADAPTATION.uid}/`));
    await page.getByRole('button', { name: 'Save' }).click();
    expect((await saved).status()).toBe(200);
  });

  // A saved draft changes nothing the clinic's site sees.
  expect((await intro(keys.harbour)).intro.text).toBe(harbourBefore.intro.text);

  const publishedAt = await step('publish', async () => {
    const published = page.waitForResponse((response) => response.request().method() === 'POST' && /\/actions\/publish/.test(response.url()));
    await page.getByRole('button', { name: 'Publish' }).click();
    expect((await published).status()).toBe(200);
    return Date.now();
  });

  let seenAfter = Number.POSITIVE_INFINITY;
  while (Date.now() - publishedAt < 5000) {
    const answer = await intro(keys.harbour);
    if (answer.intro.text.includes(newIntro)) {
      seenAfter = Date.now() - publishedAt;
      expect(answer.goal).toBe(harbourBefore.goal);
      expect(answer.adaptedFields).toContainEqual({ field: 'intro', locale: 'en' });
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  expect(seenAfter).toBeLessThan(1000);
  expect(await intro(keys.northside)).toEqual(northsideBefore);

  await step('the History panel lists the save and the publish, with the intro as it became', async () => {
    await page.reload();
    const panel = page.getByTestId('history-panel');
    await panel.waitFor({ timeout: 60000 });
    const version = (text: string) => panel.getByTestId('history-version').filter({ hasText: text });
    await version(`publish (published) · ${EDITOR.email}`).waitFor({ timeout: 10000 });
    await version(`update (draft) · ${EDITOR.email}`).first().getByRole('button', { name: 'Changes' }).click();
    await panel.getByText(newIntro, { exact: false }).waitFor({ timeout: 10000 });
    expect(await panel.getByRole('button', { name: 'Restore as draft' }).count()).toBe(1);
  });

  await step('the vetted technique opens read-only', async () => {
    await page.goto(`${app.baseUrl}/admin/content-manager/collection-types/${UIDS.technique}/${technique.documentId}?plugins[i18n][locale]=en`);
    const summary = page.locator('textarea[name="summary"]');
    await summary.waitFor({ timeout: 60000 });
    expect(await summary.isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Publish' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0);
  });
});

it('the clinic editor confirms their adaptation from the home page after the vetted intro changed', async () => {
  const newBase = 'Myofascial Release Therapy (MRT) applies slow, sustained pressure to tight fascia; this text was revised by the medical team.';
  const technique = app.strapi.documents(UIDS.technique as never) as unknown as {
    findFirst(params: object): Promise<{ documentId: string }>;
    update(params: object): Promise<unknown>;
    publish(params: object): Promise<unknown>;
  };
  const mrt = await technique.findFirst({ filters: { slug: MRT }, locale: 'en' });
  await technique.update({ documentId: mrt.documentId, locale: 'en', data: { intro: [{ type: 'paragraph', children: [{ type: 'text', text: newBase }] }] } });
  await technique.publish({ documentId: mrt.documentId, locale: 'en' });
  const outdated = await outdatedAdaptations(app.strapi, { clinics: ['harbour-chiro'] });
  expect(outdated.adaptations.map((item) => [item.target, item.locale, item.fields.map((field) => field.field)])).toEqual([[MRT, 'en', ['intro']]]);

  await step('the home page lists the adaptation with the base text side by side', async () => {
    await page.goto(`${app.baseUrl}/admin`);
    const widget = page.getByTestId('adaptations-to-check-widget');
    await widget.waitFor({ timeout: 60000 });
    await widget.getByText(newBase.slice(0, 60)).waitFor({ timeout: 10000 });
    expect(await widget.getByText('harbour-chiro · technique myofascial-release-therapy').count()).toBe(1);
  });

  await step('confirm', async () => {
    const confirmed = page.waitForResponse((response) => response.request().method() === 'POST' && response.url().includes('/editor/adaptations/'));
    await page.getByRole('button', { name: `Confirm harbour-chiro ${MRT} en` }).click();
    expect((await confirmed).status()).toBe(200);
    await page.getByText('Every clinic adaptation is up to date with its vetted base.').waitFor({ timeout: 10000 });
  });
  expect((await outdatedAdaptations(app.strapi, { clinics: ['harbour-chiro'] })).adaptations).toEqual([]);
});
