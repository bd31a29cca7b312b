/**
 * Editorial workflow on a real Strapi: a technique or condition is published only with a medical
 * review (in its locale or along its chain); the review-due report (function, admin route, CLI) lists
 * what is missing, overdue or due soon; and the admin list and edit views we configure are applied
 * once per layout version, accepted by the content manager, and place every field exactly once.
 */
import { spawn } from 'child_process';
import path from 'path';
import { createClinicKey } from '../../src/clinics/keys';
import { applyEditorLayouts, EDITOR_LAYOUTS, editRows, type EditCell, type EditorLayout } from '../../src/editor-help/layouts';
import { reviewsDue, type ReviewDueEntry, type ReviewDueReport } from '../../src/editorial/review-due';
import { runSeed } from '../../src/seed';
import { loadSeed, SeedValidationError } from '../../src/seed/load';
import { copySeed } from '../helpers/seed-files';
import { paths, rejection } from '../helpers/validation';
import { ROOT, startApp, type TestApp } from '../helpers/strapi';
import { adminRequests } from '../helpers/admin-api';

const ADMIN = { email: 'review-editor@clinic-content.test', password: 'Review-Pass-123' };
const TECHNIQUE = 'api::technique.technique';
const CONDITION = 'api::condition.condition';
const DAY_MS = 24 * 60 * 60 * 1000;

let app: TestApp;
let token: string;

type Documents = {
  create(params: object): Promise<{ documentId: string }>;
  update(params: object): Promise<unknown>;
  publish(params: object): Promise<unknown>;
  delete(params: object): Promise<unknown>;
};
const documents = (uid: string) => app.strapi.documents(uid as never) as unknown as Documents;

/** A date `offset` days from today (UTC), as the report counts days. */
function day(offset: number): string {
  return new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
}

function review(nextDueInDays: number) {
  return { reviewedBy: 'Dr. R. Viewer', reviewerCredentials: 'MD', lastReviewed: day(nextDueInDays - 365), nextReviewDue: day(nextDueInDays) };
}

const paragraph = (text: string) => [{ type: 'paragraph', children: [{ type: 'text', text }] }];

function techniqueData(slug: string, extra: Record<string, unknown> = {}) {
  return { name: `Technique ${slug}`, slug, summary: 'A technique for the review tests.', intro: paragraph('Intro.'), goal: 'Testing reviews.', ...extra };
}

function conditionData(slug: string, extra: Record<string, unknown> = {}) {
  return { name: `Condition ${slug}`, slug, summary: 'A condition for the review tests.', ...extra };
}


const request = adminRequests(() => ({ app, token }));

/** Only the entries this file creates: the seed's reviews fall due on their own dates. */
const ours = (entries: ReviewDueEntry[]) => entries.filter((entry) => entry.slug.startsWith('review-'));
const summary = (entries: ReviewDueEntry[]) =>
  ours(entries).map((entry) => [entry.type, entry.slug, entry.locale, entry.status, entry.daysLeft, entry.isPublished]);

beforeAll(async () => {
  app = await startApp({ isListening: true, environment: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
  await runSeed({ strapi: app.strapi });
  const login = await request('/admin/login', { method: 'POST', body: ADMIN, bearer: null });
  expect(login.status).toBe(200);
  token = login.body.data.token as string;
}, 240000);

afterAll(async () => {
  await app?.stop();
});

describe('publishing a technique or condition', () => {
  it('is refused without a medical review, naming the field', async () => {
    const created = await documents(CONDITION).create({ locale: 'en', data: conditionData('neck-pain') });
    const error = await rejection(() => documents(CONDITION).publish({ documentId: created.documentId, locale: 'en' }));
    expect(error.message).toBe('medicalReview is missing in "en", the default locale: a technique or condition is published only with a medical review');
    expect(paths(error)).toEqual(['medicalReview']);

    await documents(CONDITION).update({ documentId: created.documentId, locale: 'en', data: { medicalReview: review(300) } });
    await expect(documents(CONDITION).publish({ documentId: created.documentId, locale: 'en' })).resolves.toBeDefined();
    await documents(CONDITION).delete({ documentId: created.documentId, locale: '*' });
  });

  it('is refused for a technique without a review even when every other required field is there', async () => {
    const created = await documents(TECHNIQUE).create({ locale: 'en', data: techniqueData('cupping') });
    const error = await rejection(() => documents(TECHNIQUE).publish({ documentId: created.documentId, locale: 'en' }));
    expect(error.message).toContain('a technique or condition is published only with a medical review');
    expect(paths(error)).toEqual(['medicalReview']);
    await documents(TECHNIQUE).delete({ documentId: created.documentId, locale: '*' });
  });

  it('is answered in the admin with a 400 on the medicalReview field', async () => {
    const created = await request(`/content-manager/collection-types/${CONDITION}?locale=en`, { method: 'POST', body: conditionData('jaw-pain') });
    expect(created.status).toBe(201);
    const published = await request(`/content-manager/collection-types/${CONDITION}/${created.body.data.documentId}/actions/publish?locale=en`, {
      method: 'POST',
      body: conditionData('jaw-pain'),
    });
    expect(published.status).toBe(400);
    expect(published.body.error.details.errors[0]).toMatchObject({ path: ['medicalReview'] });
    expect(published.body.error.message).toContain('a technique or condition is published only with a medical review');
    await documents(CONDITION).delete({ documentId: created.body.data.documentId, locale: '*' });
  });

  it('accepts a regional locale without its own review when a locale it falls back to has one published', async () => {
    const created = await documents(CONDITION).create({ locale: 'en', data: conditionData('hip-pain', { medicalReview: review(300) }) });
    await documents(CONDITION).publish({ documentId: created.documentId, locale: 'en' });
    await documents(CONDITION).update({ documentId: created.documentId, locale: 'fr-CA', data: { slug: 'hip-pain', name: 'Douleur à la hanche' } });
    await expect(documents(CONDITION).publish({ documentId: created.documentId, locale: 'fr-CA' })).resolves.toBeDefined();
    await documents(CONDITION).delete({ documentId: created.documentId, locale: '*' });
  });

  it('refuses a regional locale when no locale along its chain has a published review', async () => {
    const created = await documents(CONDITION).create({ locale: 'en', data: conditionData('knee-pain') });
    await documents(CONDITION).update({ documentId: created.documentId, locale: 'de', data: { slug: 'knee-pain', name: 'Knieschmerzen', summary: 'Schmerzen im Knie.' } });
    const error = await rejection(() => documents(CONDITION).publish({ documentId: created.documentId, locale: 'de' }));
    expect(error.message).toBe(
      'medicalReview is missing in "de" and in every published locale it falls back to (en): a technique or condition is published only with a medical review; add one, or publish one in en first',
    );
    expect(paths(error)).toEqual(['medicalReview']);
    await documents(CONDITION).delete({ documentId: created.documentId, locale: '*' });
  });
});

describe('seed files', () => {
  it('are refused when a default-locale technique or condition has no medical review; translations may leave it out', async () => {
    const copy = copySeed();
    try {
      const conditions = copy.read('conditions.json');
      delete conditions[1]?.medicalReview;
      copy.write('conditions.json', conditions);
      const error = (await loadSeed({ dir: copy.dir, knownLocales: ['en', 'es', 'fr', 'fr-CA', 'de'] }).catch((caught: unknown) => caught)) as SeedValidationError;
      expect(error).toBeInstanceOf(SeedValidationError);
      // Only the English entry is named: its es and fr translations carry no review and need none.
      expect(error.issues.filter((issue) => issue.field === 'medicalReview')).toEqual([
        expect.objectContaining({
          entry: 'entry 2 (slug "shoulder-pain")',
          field: 'medicalReview',
          message: 'Required: a technique or condition is published only with a medical review',
        }),
      ]);
      expect(copy.read('fr/conditions.json').some((entry) => 'medicalReview' in entry)).toBe(false);
    } finally {
      copy.remove();
    }
  });
});

describe('the review-due report', () => {
  const created: Array<{ uid: string; documentId: string }> = [];

  async function entry(uid: string, data: Record<string, unknown>, isPublished = true): Promise<string> {
    const { documentId } = await documents(uid).create({ locale: 'en', data });
    if (isPublished) await documents(uid).publish({ documentId, locale: 'en' });
    created.push({ uid, documentId });
    return documentId;
  }

  beforeAll(async () => {
    await entry(CONDITION, conditionData('review-overdue', { medicalReview: review(-9) }));
    const dueSoon = await entry(CONDITION, conditionData('review-due-soon', { medicalReview: review(20) }));
    // fr-CA without a review of its own is served en's: it is not listed on its own.
    await documents(CONDITION).update({ documentId: dueSoon, locale: 'fr-CA', data: { slug: 'review-due-soon', name: 'Bientôt dû' } });
    await entry(CONDITION, conditionData('review-later', { medicalReview: review(90) }));
    await entry(CONDITION, conditionData('review-missing'), false);
    const technique = await entry(TECHNIQUE, techniqueData('review-technique', { medicalReview: review(4) }));
    await documents(TECHNIQUE).update({ documentId: technique, locale: 'fr', data: { slug: 'review-technique', name: 'Technique revue', medicalReview: review(-28) } });
    await documents(TECHNIQUE).publish({ documentId: technique, locale: 'fr' });
    await documents(TECHNIQUE).update({ documentId: technique, locale: 'de', data: { slug: 'review-technique', summary: 'Eine Technik.' } });
    await documents(TECHNIQUE).publish({ documentId: technique, locale: 'de' });
  });

  afterAll(async () => {
    for (const { uid, documentId } of created) await documents(uid).delete({ documentId, locale: '*' });
  });

  const WITHIN_30 = [
    ['condition', 'review-missing', 'en', 'missing', null, false],
    ['technique', 'review-technique', 'fr', 'overdue', -28, true],
    ['condition', 'review-overdue', 'en', 'overdue', -9, true],
    ['technique', 'review-technique', 'en', 'due-soon', 4, true],
    ['condition', 'review-due-soon', 'en', 'due-soon', 20, true],
  ];

  it('lists missing, overdue and due-soon reviews, most urgent first, and leaves out those due later', async () => {
    const entries = await reviewsDue(app.strapi);
    expect(summary(entries)).toEqual(WITHIN_30);
    const fr = ours(entries).find((item) => item.locale === 'fr');
    expect(fr).toMatchObject({ name: 'Technique revue', reviewedBy: 'Dr. R. Viewer', lastReviewed: day(-28 - 365), nextReviewDue: day(-28) });
    expect(ours(entries).find((item) => item.status === 'missing')).toMatchObject({ name: 'Condition review-missing', reviewedBy: null, nextReviewDue: null });
  });

  it('takes a wider window', async () => {
    expect(summary(await reviewsDue(app.strapi, { withinDays: 120 }))).toEqual([...WITHIN_30, ['condition', 'review-later', 'en', 'due-soon', 90, true]]);
  });

  it('counts from the given day', async () => {
    const entries = await reviewsDue(app.strapi, { now: new Date(Date.now() + 25 * DAY_MS) });
    expect(ours(entries).find((item) => item.slug === 'review-due-soon')).toMatchObject({ status: 'overdue', daysLeft: -5 });
  });

  it('reads the drafts editors work on, saying whether that version is published', async () => {
    const { documentId } = await documents(CONDITION).create({ locale: 'en', data: conditionData('review-renewed', { medicalReview: review(-3) }) });
    await documents(CONDITION).publish({ documentId, locale: 'en' });
    expect(summary(await reviewsDue(app.strapi)).filter((row) => row[1] === 'review-renewed')).toEqual([['condition', 'review-renewed', 'en', 'overdue', -3, true]]);
    await documents(CONDITION).update({ documentId, locale: 'en', data: { medicalReview: review(10) } });
    expect(summary(await reviewsDue(app.strapi)).filter((row) => row[1] === 'review-renewed')).toEqual([['condition', 'review-renewed', 'en', 'due-soon', 10, true]]);
    await documents(CONDITION).delete({ documentId, locale: '*' });
  });

  describe('GET /editor/review-due', () => {
    it('refuses a request without an admin access token', async () => {
      const none = await request('/editor/review-due', { bearer: null });
      expect([none.status, none.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
      expect(none.headers.get('cache-control')).toBe('no-store');
      const preview = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'preview' })).key;
      const clinic = await request('/editor/review-due', { bearer: preview });
      expect([clinic.status, clinic.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    });

    it.each([
      ['?days=0', 'days must be a whole number from 1 to 3650 (got "0")'],
      ['?days=abc', 'days must be a whole number from 1 to 3650 (got "abc")'],
      ['?days=7.5', 'days must be a whole number from 1 to 3650 (got "7.5")'],
      ['?days=', 'days must be a whole number from 1 to 3650 (got "")'],
      ['?days=10&days=20', 'days may be given once.'],
      ['?within=10', 'Unknown parameter "within"; /editor/review-due takes only days.'],
    ])('refuses %s with BAD_USER_INPUT', async (query, message) => {
      const response = await request(`/editor/review-due${query}`);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: { code: 'BAD_USER_INPUT', message } });
    });

    it('answers an admin with the report, uncached', async () => {
      const response = await request('/editor/review-due');
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const data = response.body.data as ReviewDueReport;
      expect(Object.keys(data).sort()).toEqual(['entries', 'generatedAt', 'withinDays']);
      expect(data.withinDays).toBe(30);
      expect(Date.parse(data.generatedAt)).toBeGreaterThan(Date.now() - 60000);
      expect(ours(data.entries).slice(0, WITHIN_30.length).map((item) => item.slug)).toEqual(WITHIN_30.map((row) => row[1]));
      expect(Object.keys(data.entries[0] as object).sort()).toEqual(
        ['daysLeft', 'documentId', 'isPublished', 'lastReviewed', 'locale', 'name', 'nextReviewDue', 'reviewedBy', 'slug', 'status', 'type'],
      );

      const wider = await request('/editor/review-due?days=120');
      expect(wider.body.data.withinDays).toBe(120);
      expect(ours(wider.body.data.entries).map((item: ReviewDueEntry) => item.slug)).toContain('review-later');
    });
  });

  it('works from the command line: JSON, a table, --fail-when-due, and exit code 2 for a bad --days', async () => {
    // Asynchronously: this process serves the admin too, and a blocked event loop would drop its connections.
    const run = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'review-due.js'), ...args], {
          cwd: ROOT,
          env: { ...process.env, LOG_LEVEL: 'error' },
          timeout: 240000,
        });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.on('error', reject);
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });

    const bad = await run('--days', 'soon');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--days must be a whole number from 1 to 3650 (got "soon")');
    expect((await run('--weeks', '2')).status).toBe(2);

    const json = await run('--json', '--days', '120');
    expect(json.stderr).toBe('');
    expect(json.status).toBe(0);
    const report = JSON.parse(json.stdout) as ReviewDueReport;
    expect(report.withinDays).toBe(120);
    expect(summary(report.entries)).toEqual(summary(await reviewsDue(app.strapi, { withinDays: 120 })));

    const table = await run('--fail-when-due');
    expect(table.status).toBe(1);
    expect(table.stdout).toMatch(/^Medical reviews as of \d{4}-\d{2}-\d{2}: \d+ missing, \d+ overdue, \d+ due within 30 days/);
    // Days are counted from the report's own date (the fixture was made 28 days overdue; a run that
    // crosses midnight UTC between the two reports one day more).
    const row = /overdue\s+(-\d+)\s+technique\s+fr\s+yes\s+(\d{4}-\d{2}-\d{2})\s+Dr\. R\. Viewer\s+Technique revue \(review-technique\)/.exec(table.stdout);
    const asOf = /^Medical reviews as of (\d{4}-\d{2}-\d{2})/.exec(table.stdout)?.[1];
    expect(row).not.toBeNull();
    expect(Number(row?.[1])).toBe((Date.parse(row?.[2] ?? '') - Date.parse(asOf ?? '')) / 86_400_000);
    expect([-28, -29]).toContain(Number(row?.[1]));
    expect(table.stderr).toMatch(/medical reviews are missing, overdue or due within 30 days \(--fail-when-due\)/);
  });
});

describe('admin list and edit views', () => {
  type Configuration = { settings: Record<string, unknown>; metadatas: Record<string, unknown>; layouts: { list: string[]; edit: EditCell[][] } };
  const configurations = () =>
    app.strapi.plugin('content-manager').service('content-types') as unknown as {
      findConfiguration(model: { uid: string }): Promise<Configuration>;
      updateConfiguration(model: { uid: string }, configuration: object): Promise<unknown>;
    };

  /** What an edit view must show, from the real schema: visible fields that are not Strapi's own. */
  function schemaFields(uid: string): string[] {
    const strapiFields = new Set(['createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy', 'locale', 'localizations']);
    const model = app.strapi.contentTypes[uid as keyof typeof app.strapi.contentTypes] as unknown as { attributes: Record<string, { visible?: boolean }> };
    const attributes = model.attributes;
    return Object.entries(attributes)
      .filter(([name, attribute]) => attribute.visible !== false && !strapiFields.has(name))
      .map(([name]) => name);
  }

  it.each(Object.keys(EDITOR_LAYOUTS))('%s: the layout places every field of the schema exactly once', (uid) => {
    const layout = EDITOR_LAYOUTS[uid] as EditorLayout;
    const placed = editRows(layout).flat().map((cell) => cell.name);
    expect([...placed].sort()).toEqual([...new Set(placed)].sort());
    // A field the service keeps (an adaptation's basis) is hidden from the edit view instead.
    const hidden = layout.hidden ?? [];
    expect(placed.filter((name) => hidden.includes(name))).toEqual([]);
    expect([...placed, ...hidden].sort()).toEqual(schemaFields(uid).sort());
  });

  it('covers every content type', () => {
    const apiTypes = Object.keys(app.strapi.contentTypes).filter((uid) => uid.startsWith('api::'));
    expect(Object.keys(EDITOR_LAYOUTS).sort()).toEqual(apiTypes.sort());
  });

  it.each(Object.keys(EDITOR_LAYOUTS))('%s: is applied at start with our list columns and grouped rows', async (uid) => {
    const layout = EDITOR_LAYOUTS[uid] as EditorLayout;
    const configuration = await configurations().findConfiguration({ uid });
    expect(configuration.layouts.list).toEqual(layout.list);
    expect(configuration.layouts.edit).toEqual(editRows(layout));
    expect(configuration.settings).toMatchObject(layout.settings);
    const names = configuration.layouts.edit.flat().map((cell) => cell.name);
    expect(names.length).toBe(new Set(names).size);
  });

  it.each(Object.keys(EDITOR_LAYOUTS))('%s: is accepted by the content manager when an admin saves the view', async (uid) => {
    const current = await request(`/content-manager/content-types/${uid}/configuration`);
    expect(current.status).toBe(200);
    const { settings, metadatas, layouts } = current.body.data.contentType as { settings: object; metadatas: Record<string, { list: object }>; layouts: object };
    // As the admin does before saving: the list.mainField the GET adds to relations is not part of the input.
    for (const metadata of Object.values(metadatas)) delete (metadata.list as { mainField?: unknown }).mainField;
    const saved = await request(`/content-manager/content-types/${uid}/configuration`, { method: 'PUT', body: { settings, metadatas, layouts } });
    expect({ status: saved.status, error: saved.body.error }).toEqual({ status: 200, error: undefined });
    expect(saved.body.data.contentType.layouts.edit).toEqual(editRows(EDITOR_LAYOUTS[uid] as EditorLayout));
  });

  it('keeps an admin\'s own changes while the layout version is unchanged, and applies a new version', async () => {
    const uid = 'api::condition.condition';
    const current = await configurations().findConfiguration({ uid });
    await configurations().updateConfiguration({ uid }, { ...current, layouts: { ...current.layouts, list: ['name', 'techniques'] } });

    expect(await applyEditorLayouts(app.strapi)).toEqual([]);
    expect(await applyEditorLayouts(app.strapi)).toEqual([]);
    expect((await configurations().findConfiguration({ uid })).layouts.list).toEqual(['name', 'techniques']);

    const layout = EDITOR_LAYOUTS[uid] as EditorLayout;
    expect(await applyEditorLayouts(app.strapi, { [uid]: { ...layout, version: layout.version + 1 } })).toEqual([uid]);
    const applied = await configurations().findConfiguration({ uid });
    expect(applied.layouts.list).toEqual(layout.list);
    expect(applied.metadatas).toEqual(current.metadatas);
    // Back to the version in code, as a later start would find it.
    expect(await applyEditorLayouts(app.strapi)).toEqual([uid]);
  });
});
