/**
 * An editor's day, in Debian's Chromium driving the real admin (playwright-core): log in, edit the MRT
 * summary, see the draft on the preview page, publish; then a clinic's public GraphQL answer shows the
 * change within 1 s, and the clinic's own receiver got a signed revalidation webhook. Then schedule a
 * corrected summary in the Schedule panel, see it in the list's Scheduled column, and see it go live
 * at its time; schedule an unpublish and cancel it.
 *
 * Needs the admin build (`npm run build`; tests/helpers/global-setup.js builds it when missing) and
 * /usr/bin/chromium (`apt-get install chromium`; CHROMIUM_PATH overrides). On failure a screenshot of
 * the page is kept under tests/e2e/artifacts/.
 */
import { createHmac, timingSafeEqual } from 'crypto';
import { existsSync, mkdirSync } from 'fs';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import path from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createClinicKey } from '../../src/clinics/keys';
import { runSeed } from '../../src/seed';
import { graphql } from '../helpers/graphql';
import { ROOT, startApp, type TestApp } from '../helpers/strapi';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'tests', 'e2e', 'artifacts');
const EDITOR = { email: 'editor@clinic-content.test', password: 'Editor-Pass-123' };
const MRT = 'myofascial-release-therapy';
const CLINIC = 'northside-physio';
const SECRET = 'northside-revalidation-secret-0123456789';
const SUMMARY_QUERY = `query { technique(slug: "${MRT}", locale: "en") { summary } }`;

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  at: number;
}

let app: TestApp;
let browser: Browser;
let page: Page;
let receiver: Server;
const received: Received[] = [];
let publicKey: string;

async function startReceiver(): Promise<string> {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/revalidate`;
}

function isSignedBy(secret: string, delivery: Received): boolean {
  const timestamp = String(delivery.headers['x-revalidation-timestamp'] ?? '');
  const presented = String(delivery.headers['x-revalidation-signature'] ?? '');
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${delivery.body}`).digest('hex')}`;
  return presented.length === expected.length && timingSafeEqual(Buffer.from(presented), Buffer.from(expected));
}

/** With SCREENSHOTS_DIR set, the README's pictures of the admin are taken along the way. */
async function picture(name: string): Promise<void> {
  const dir = process.env.SCREENSHOTS_DIR;
  if (dir === undefined || dir === '') return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

/** Runs a browser step; on failure keeps a screenshot of the page and says where. */
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

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install it with "apt-get install chromium" (or set CHROMIUM_PATH).`);
  if (!existsSync(path.join(ROOT, 'dist', 'build', 'index.html'))) throw new Error('No admin build in dist/build: run "npm run build" first.');
  const revalidationUrl = await startReceiver();
  app = await startApp({
    isListening: true,
    isServingAdmin: true,
    environment: { ADMIN_EMAIL: EDITOR.email, ADMIN_PASSWORD: EDITOR.password, REVALIDATION_POLL_MS: '200', SCHEDULE_POLL_MS: '200' },
  });
  await runSeed({ strapi: app.strapi });
  const clinics = app.strapi.documents('api::clinic.clinic' as never) as unknown as {
    findFirst(params: object): Promise<{ documentId: string } | null>;
    update(params: object): Promise<unknown>;
    publish(params: object): Promise<unknown>;
  };
  const clinic = await clinics.findFirst({ filters: { slug: CLINIC }, locale: 'en' });
  await clinics.update({ documentId: clinic?.documentId, locale: 'en', data: { revalidationUrl, revalidationSecret: SECRET } });
  await clinics.publish({ documentId: clinic?.documentId, locale: 'en' });
  publicKey = (await createClinicKey({ strapi: app.strapi, slug: CLINIC, kind: 'public' })).key;
  // One condition's medical review falls due in ten days: the editors' home page must say so.
  const conditions = app.strapi.documents('api::condition.condition' as never) as unknown as typeof clinics;
  const fibromyalgia = await conditions.findFirst({ filters: { slug: 'fibromyalgia' }, locale: 'en' });
  const due = new Date(Date.now() + 10 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  await conditions.update({
    documentId: fibromyalgia?.documentId,
    locale: 'en',
    data: { medicalReview: { reviewedBy: 'Clinical content team', lastReviewed: '2026-01-15', nextReviewDue: due } },
  });
  await conditions.publish({ documentId: fibromyalgia?.documentId, locale: 'en' });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  // The admin's guided tour would cover the page; an editor closes it once, this browser never saw it.
  await page.addInitScript({
    content: `localStorage.setItem('STRAPI_GUIDED_TOUR', ${JSON.stringify(JSON.stringify({ enabled: false, hidden: true, completedActions: [] }))});`,
  });
}, 240000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

it('an editor edits the MRT summary, previews the draft, publishes, and every clinic site hears of it', async () => {
  const newSummary = 'A hands-on therapy that softens and lengthens tight fascia to ease pain and restore movement.';
  const before = await graphql(app, { key: publicKey, query: SUMMARY_QUERY });
  expect(before.body.data.technique.summary).not.toBe(newSummary);

  await step('log in', async () => {
    await page.goto(`${app.baseUrl}/admin/auth/login`);
    await page.fill('input[name="email"]', EDITOR.email);
    await page.fill('input[name="password"]', EDITOR.password);
    await page.click('button[type="submit"]');
    await page.waitForURL(`${app.baseUrl}/admin`, { timeout: 60000 });
    const reviews = page.getByTestId('review-due-widget');
    await reviews.getByText('Fibromyalgia').waitFor({ timeout: 60000 });
    expect(await reviews.getByText('Due in 10 days').count()).toBe(1);
    await picture('admin-home');
  });

  await step('open the technique', async () => {
    await page.goto(`${app.baseUrl}/admin/content-manager/collection-types/api::technique.technique`);
    await page.getByRole('link', { name: 'Myofascial Release Therapy' }).first().click();
    await page.waitForSelector('textarea[name="summary"]', { timeout: 60000 });
  });

  await step('edit the summary and save the draft', async () => {
    await page.fill('textarea[name="summary"]', newSummary);
    await picture('admin-edit-technique');
    const saved = page.waitForResponse((response) => response.request().method() === 'PUT' && response.url().includes('/content-manager/collection-types/api::technique.technique/'));
    await page.getByRole('button', { name: 'Save' }).click();
    expect((await saved).status()).toBe(200);
  });

  // Saving a draft changes nothing a clinic site sees.
  const draftOnly = await graphql(app, { key: publicKey, query: SUMMARY_QUERY });
  expect(draftOnly.body.data.technique.summary).toBe(before.body.data.technique.summary);

  await step('see the draft on the preview page', async () => {
    await page.getByRole('link', { name: 'Open preview' }).click();
    const frame = page.frameLocator('iframe');
    await frame.locator('[data-field="summary"]').waitFor({ timeout: 60000 });
    expect(await frame.locator('[data-field="summary"]').textContent()).toBe(newSummary);
    expect(await frame.locator('[data-preview="draft"]').count()).toBe(1);
    await picture('admin-preview');
    await page.goBack();
    await page.waitForSelector('textarea[name="summary"]', { timeout: 60000 });
  });

  const deliveriesBefore = received.length;
  const publishedAt = await step('publish', async () => {
    const published = page.waitForResponse((response) => response.request().method() === 'POST' && /\/actions\/publish/.test(response.url()));
    await page.getByRole('button', { name: 'Publish' }).click();
    const response = await published;
    expect(response.status()).toBe(200);
    return Date.now();
  });

  // The public answer follows within 1 s of the publish being answered.
  let seenAfter = Number.POSITIVE_INFINITY;
  while (Date.now() - publishedAt < 5000) {
    const answer = await graphql(app, { key: publicKey, query: SUMMARY_QUERY });
    if (answer.body.data?.technique?.summary === newSummary) {
      seenAfter = Date.now() - publishedAt;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  expect(seenAfter).toBeLessThan(1000);

  // The clinic's receiver got a signed webhook naming the technique.
  const deadline = Date.now() + 30000;
  let delivery: Received | undefined;
  while (delivery === undefined && Date.now() < deadline) {
    delivery = received.slice(deliveriesBefore).find((item) => {
      const body = JSON.parse(item.body) as { event: string; entries: Array<{ type: string; slug: string; locales: string[] }> };
      return body.event === 'publish' && body.entries.some((entry) => entry.type === 'technique' && entry.slug === MRT && entry.locales.includes('en'));
    });
    if (delivery === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(delivery).toBeDefined();
  expect(isSignedBy(SECRET, delivery as Received)).toBe(true);
  expect(isSignedBy('some-other-secret-000000000000', delivery as Received)).toBe(false);

  await step('see the delivery on the home page', async () => {
    await page.goto(`${app.baseUrl}/admin`);
    const updates = page.getByTestId('revalidation-widget');
    await updates.getByText(`publish technique/${MRT}`).first().waitFor({ timeout: 60000 });
    expect(await updates.getByText('delivered').count()).toBeGreaterThan(0);
  });
});

/** A moment as a datetime-local input takes it, in the browser's zone (the machine's, as Chromium runs here). */
function localInput(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

it('an editor schedules a corrected summary in the Schedule panel, sees it in the list, and it goes live at its time; a cancelled unpublish never runs', async () => {
  const corrected = `A corrected summary that goes live at its time (${Date.now()}).`;
  await step('open the technique and save the corrected draft', async () => {
    await page.goto(`${app.baseUrl}/admin/content-manager/collection-types/api::technique.technique`);
    await page.getByRole('link', { name: 'Myofascial Release Therapy' }).first().click();
    await page.waitForSelector('textarea[name="summary"]', { timeout: 60000 });
    await page.fill('textarea[name="summary"]', corrected);
    const saved = page.waitForResponse((response) => response.request().method() === 'PUT' && response.url().includes('/content-manager/collection-types/api::technique.technique/'));
    await page.getByRole('button', { name: 'Save' }).click();
    expect((await saved).status()).toBe(200);
  });

  const dueAt = new Date(Date.now() + 12000);
  await step('schedule the publish', async () => {
    const panel = page.getByTestId('schedule-panel');
    await panel.waitFor({ timeout: 60000 });
    await panel.getByTestId('schedule-action').selectOption('publish');
    await panel.getByTestId('schedule-at').fill(localInput(dueAt));
    const created = page.waitForResponse((response) => response.request().method() === 'POST' && response.url().endsWith('/editor/schedules'));
    await panel.getByTestId('schedule-submit').click();
    expect((await created).status()).toBe(200);
    await panel.locator('[data-testid="schedule-job"][data-status="pending"]').first().waitFor({ timeout: 10000 });
    await picture('admin-schedule-panel');
  });

  await step('see it in the list', async () => {
    await page.goto(`${app.baseUrl}/admin/content-manager/collection-types/api::technique.technique`);
    const badge = page.locator('[data-testid="schedule-badge"][data-kind="pending"]').first();
    await badge.waitFor({ timeout: 30000 });
    expect(await badge.textContent()).toMatch(/^Publish /);
  });

  // Not before its time; live within the worker's period after it (and some room for a loaded machine).
  expect((await graphql(app, { key: publicKey, query: SUMMARY_QUERY })).body.data.technique.summary).not.toBe(corrected);
  let liveAt = Number.POSITIVE_INFINITY;
  while (Date.now() < dueAt.getTime() + 10000) {
    const answer = await graphql(app, { key: publicKey, query: SUMMARY_QUERY });
    if (answer.body.data?.technique?.summary === corrected) {
      liveAt = Date.now();
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // The input is to the second: the job is due at the whole second it names.
  expect(liveAt).toBeGreaterThanOrEqual(Math.floor(dueAt.getTime() / 1000) * 1000);
  expect(liveAt - dueAt.getTime()).toBeLessThan(3000);

  await step('see it done, then schedule an unpublish and cancel it', async () => {
    await page.getByRole('link', { name: 'Myofascial Release Therapy' }).first().click();
    const panel = page.getByTestId('schedule-panel');
    await panel.locator('[data-testid="schedule-job"][data-status="done"]').first().waitFor({ timeout: 30000 });
    await panel.getByTestId('schedule-action').selectOption('unpublish');
    await panel.getByTestId('schedule-at').fill(localInput(new Date(Date.now() + 3600 * 1000)));
    await panel.getByTestId('schedule-submit').click();
    const pending = panel.locator('[data-testid="schedule-job"][data-status="pending"]');
    await pending.first().waitFor({ timeout: 10000 });
    await pending.first().getByRole('button', { name: 'Cancel' }).click();
    await panel.locator('[data-testid="schedule-job"][data-status="cancelled"]').first().waitFor({ timeout: 10000 });
    expect(await pending.count()).toBe(0);
  });
  const published = await app.strapi.db.query('api::technique.technique').count({ where: { slug: MRT, locale: 'en', publishedAt: { $notNull: true } } });
  expect(published).toBe(1);
});
