/**
 * Sync for static sites over real HTTP against a real Strapi with the seed and the response cache on:
 * the manifest (each clinic's pages, hides applied, locales with the locale each is served from), and
 * the change feed read from the manifest's cursor as writes happen through the Document Service —
 * additions and changes, a related entry's change told as the pages that show it, every kind of
 * removal told only to the clinics that had the page, previews seeing drafts, pages of one event
 * through cursors, and retention.
 */
import { createClinicKey } from '../../src/clinics/keys';
import { runSeed } from '../../src/seed';
import { pruneFeed } from '../../src/sync';
import { appendFeedRow } from '../../src/sync/feed-table';
import { isPostgres } from '../helpers/database';
import { graphql, type GraphQLResponse } from '../helpers/graphql';
import { startApp, type TestApp } from '../helpers/strapi';

const TECHNIQUE = 'api::technique.technique';
const CONDITION = 'api::condition.condition';
const CAUSE = 'api::cause.cause';
const CLINIC = 'api::clinic.clinic';
const ADAPTATION = 'api::clinic-adaptation.clinic-adaptation';
const MRT = 'myofascial-release-therapy';
const SEED_CONDITIONS = ['back-pain', 'fibromyalgia', 'migraine-headaches', 'myofascial-pain-syndrome', 'shoulder-pain', 'tissue-tightness-restricting-motion'];
const REVIEW = { reviewedBy: 'Clinical content team', reviewerType: 'organization', lastReviewed: '2026-11-01', nextReviewDue: '2027-11-01' };
const paragraph = (text: string) => [{ type: 'paragraph', children: [{ type: 'text', text }] }];

let app: TestApp;
const keys: Record<string, string> = {};
/** Each clinic's stored cursor, as a site keeps it between builds. */
const cursors: Record<string, string> = {};
/** The cursors of the first manifests, before any test wrote. */
const initial: Record<string, string> = {};

type Documents = {
  create(params: object): Promise<{ documentId: string }>;
  update(params: object): Promise<unknown>;
  publish(params: object): Promise<unknown>;
  unpublish(params: object): Promise<unknown>;
  delete(params: object): Promise<unknown>;
  findFirst(params: object): Promise<{ documentId: string } | null>;
};
const documents = (uid: string) => app.strapi.documents(uid as never) as unknown as Documents;

async function documentId(uid: string, slug: string): Promise<string> {
  const found = await documents(uid).findFirst({ filters: { slug }, locale: 'en' });
  if (found === null) throw new Error(`no ${uid} ${slug}`);
  return found.documentId;
}

const MANIFEST = `query Manifest($page: PageInput, $locale: String) {
  manifest(page: $page, locale: $locale) {
    pages { type slug dateModified lastReviewed nextReviewDue locales { locale servedFrom path dateModified lastReviewed nextReviewDue } }
    pageInfo { page pageSize total pageCount }
    feedCursor
  }
}`;
const CHANGES = `query Changes($after: String, $first: Int!) {
  changes(after: $after, first: $first) {
    events { __typename kind cursor occurredAt ... on PageChanged { type slug locales } ... on PageRemoved { type slug locale reason } ... on ClinicChanged { locales } }
    pageInfo { endCursor hasNextPage }
  }
}`;

async function ask(key: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse> {
  return graphql(app, { key, query, variables });
}

async function manifest(clinic: string, variables: Record<string, unknown> = {}) {
  const response = await ask(keys[clinic] as string, MANIFEST, variables);
  if (response.body.errors !== undefined) throw new Error(JSON.stringify(response.body.errors));
  return response.body.data.manifest;
}

/** An event as the tests compare them: what a site acts on. */
const shown = (event: Record<string, unknown>) => {
  if (event.kind === 'PAGE_CHANGED') return `changed ${event.type} ${event.slug} ${(event.locales as string[]).join(',')}`;
  if (event.kind === 'PAGE_REMOVED') return `removed ${event.type} ${event.slug} ${event.locale} ${event.reason}`;
  return `clinic ${(event.locales as string[]).join(',')}`;
};

/** Reads a clinic's feed from its stored cursor to the end, `first` at a time, and stores the end. */
async function readOn(clinic: string, first = 100): Promise<string[]> {
  const events: string[] = [];
  for (let round = 0; round < 200; round += 1) {
    const response = await ask(keys[clinic] as string, CHANGES, { after: cursors[clinic] ?? null, first });
    if (response.body.errors !== undefined) throw new Error(JSON.stringify(response.body.errors));
    const { events: page, pageInfo } = response.body.data.changes;
    events.push(...page.map(shown));
    cursors[clinic] = pageInfo.endCursor;
    if (!pageInfo.hasNextPage) return events;
  }
  throw new Error('the feed did not end');
}

beforeAll(async () => {
  app = await startApp({ isListening: true, environment: { RESPONSE_CACHE: 'on' } });
  await runSeed({ strapi: app.strapi });
  for (const [clinic, slug] of Object.entries({ northside: 'northside-physio', harbour: 'harbour-chiro', montreal: 'montreal-physio' })) {
    keys[clinic] = (await createClinicKey({ strapi: app.strapi, slug, kind: 'public' })).key;
  }
  keys.northsidePreview = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'preview' })).key;
  for (const clinic of ['northside', 'harbour', 'montreal', 'northsidePreview']) cursors[clinic] = initial[clinic] = (await manifest(clinic)).feedCursor;
}, 240000);

afterAll(async () => {
  await app?.stop();
});

describe('the manifest', () => {
  it("lists a clinic's therapy page and the condition pages of what it treats, with paths, dates and reviews", async () => {
    const { pages, pageInfo } = await manifest('northside', { page: { page: 1, pageSize: 100 } });
    expect(pages.map((page: { type: string; slug: string }) => `${page.type} ${page.slug}`)).toEqual([`TECHNIQUE ${MRT}`, ...SEED_CONDITIONS.map((slug) => `CONDITION ${slug}`)]);
    expect(pageInfo).toEqual({ page: 1, pageSize: 100, total: 7, pageCount: 1 });
    const [therapy] = pages;
    expect(therapy.locales).toEqual([
      expect.objectContaining({ locale: 'en', servedFrom: 'en', path: `/en/techniques/${MRT}`, dateModified: therapy.dateModified }),
    ]);
    expect(therapy.lastReviewed).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(therapy.nextReviewDue > therapy.lastReviewed).toBe(true);
    expect(Date.parse(therapy.dateModified)).toBeGreaterThan(Date.parse('2026-01-01'));
  });

  it('leaves out a condition the clinic hides on the technique that treats it', async () => {
    const { pages } = await manifest('harbour', { page: { page: 1, pageSize: 100 } });
    const slugs = pages.map((page: { slug: string }) => page.slug);
    expect(slugs).toContain('back-pain');
    expect(slugs).not.toContain('fibromyalgia');
  });

  it('gives every locale of the clinic with the locale its chain serves it from', async () => {
    const { pages } = await manifest('montreal', { page: { page: 1, pageSize: 100 } });
    const therapy = pages.find((page: { slug: string }) => page.slug === MRT);
    expect(therapy.locales.map((entry: { locale: string; servedFrom: string; path: string }) => [entry.locale, entry.servedFrom, entry.path])).toEqual([
      ['en', 'en', `/en/techniques/${MRT}`],
      ['fr', 'fr', `/fr/techniques/${MRT}`],
      ['fr-CA', 'fr-CA', `/fr-CA/techniques/${MRT}`],
    ]);
    const condition = pages.find((page: { slug: string }) => page.slug === 'back-pain');
    // The seed has no fr-CA conditions: fr-CA pages are served from fr.
    expect(condition.locales.map((entry: { locale: string; servedFrom: string }) => `${entry.locale}<${entry.servedFrom}`)).toEqual(['en<en', 'fr<fr', 'fr-CA<fr']);
    const inFrench = await manifest('montreal', { locale: 'fr-CA', page: { page: 1, pageSize: 100 } });
    const frenchTherapy = inFrench.pages.find((page: { slug: string }) => page.slug === MRT);
    expect(frenchTherapy.dateModified).toBe(therapy.locales[2].dateModified);
  });

  it('pages through the list and refuses what a list refuses', async () => {
    const first = await manifest('northside', { page: { page: 1, pageSize: 3 } });
    const second = await manifest('northside', { page: { page: 3, pageSize: 3 } });
    expect(first.pages).toHaveLength(3);
    expect(second.pages.map((page: { slug: string }) => page.slug)).toEqual(['tissue-tightness-restricting-motion']);
    expect(first.pageInfo.pageCount).toBe(3);
    const tooLarge = await ask(keys.northside as string, MANIFEST, { page: { page: 1, pageSize: 101 } });
    expect(tooLarge.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const notPublished = await ask(keys.montreal as string, MANIFEST, { locale: 'es' });
    expect(notPublished.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unknown = await ask(keys.montreal as string, MANIFEST, { locale: 'xx' });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('is served from the response cache until a publish changes it', async () => {
    const variables = { page: { page: 1, pageSize: 100 } };
    await ask(keys.harbour as string, MANIFEST, variables);
    const hit = await ask(keys.harbour as string, MANIFEST, variables);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    const backPain = await documentId(CONDITION, 'back-pain');
    await documents(CONDITION).update({ documentId: backPain, locale: 'en', data: { summary: 'Back pain, summarised again for the cache test.' } });
    await documents(CONDITION).publish({ documentId: backPain, locale: 'en' });
    const after = await ask(keys.harbour as string, MANIFEST, variables);
    expect(after.headers.get('x-cache')).toBe('MISS');
    const page = after.body.data.manifest.pages.find((entry: { slug: string }) => entry.slug === 'back-pain');
    expect(Date.parse(page.dateModified)).toBeGreaterThan(Date.parse(hit.body.data.manifest.pages.find((entry: { slug: string }) => entry.slug === 'back-pain').dateModified));
  });
});

describe('the change feed', () => {
  it('is never cached', async () => {
    const response = await ask(keys.northside as string, CHANGES, { after: null, first: 1 });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it("tells an entry's publish as its page and the pages that list it, in the locales it reaches", async () => {
    // Catch up with the earlier tests' writes first.
    for (const clinic of ['northside', 'harbour', 'montreal']) await readOn(clinic);
    const shoulder = await documentId(CONDITION, 'shoulder-pain');
    await documents(CONDITION).update({ documentId: shoulder, locale: 'en', data: { summary: 'Shoulder pain, reworded.' } });
    await documents(CONDITION).publish({ documentId: shoulder, locale: 'en' });
    expect(await readOn('northside')).toEqual([`changed CONDITION shoulder-pain en`, `changed TECHNIQUE ${MRT} en`]);
    // fr and fr-CA pages fall back to en for what fr leaves empty: their chains reach the change.
    expect(await readOn('montreal')).toEqual([`changed CONDITION shoulder-pain en,fr,fr-CA`, `changed TECHNIQUE ${MRT} en,fr,fr-CA`]);
  });

  it('tells the pages that show an entry through their locale fallback', async () => {
    // The seed's fr therapy lists no conditions of its own: its fr and fr-CA pages take the en list and
    // show each condition in fr, so a condition published in fr changes them.
    const backPain = await documentId(CONDITION, 'back-pain');
    await documents(CONDITION).update({ documentId: backPain, locale: 'fr', data: { summary: 'Le mal de dos, résumé à nouveau.' } });
    await documents(CONDITION).publish({ documentId: backPain, locale: 'fr' });
    expect(await readOn('montreal')).toEqual(['changed CONDITION back-pain fr,fr-CA', `changed TECHNIQUE ${MRT} fr,fr-CA`]);
    await readOn('northside');
  });

  it('tells nothing of the other techniques that treat a condition the clinic shows', async () => {
    const other = await documents(TECHNIQUE).create({
      locale: 'en',
      data: { name: 'Not Offered Therapy', slug: 'not-offered-therapy', summary: 'Offered by no clinic.', intro: paragraph('Intro.'), goal: 'A goal.', medicalReview: REVIEW, treats: [await documentId(CONDITION, 'back-pain')] },
    });
    await documents(TECHNIQUE).publish({ documentId: other.documentId, locale: 'en' });
    await readOn('northside');
    const backPain = await documentId(CONDITION, 'back-pain');
    await documents(CONDITION).update({ documentId: backPain, locale: 'en', data: { summary: 'Back pain, summarised once more.' } });
    await documents(CONDITION).publish({ documentId: backPain, locale: 'en' });
    expect(await readOn('northside')).toEqual(['changed CONDITION back-pain en', `changed TECHNIQUE ${MRT} en`]);
    await documents(TECHNIQUE).delete({ documentId: other.documentId });
    expect(await readOn('northside')).toEqual(['changed CONDITION back-pain en']);
  });

  it("tells a related entry's change as the pages that show it", async () => {
    const cause = await documents(CAUSE).findFirst({ locale: 'en', populate: ['conditions', 'techniques'] });
    if (cause === null) throw new Error('no cause');
    const shownOn = cause as unknown as { documentId: string; conditions: Array<{ slug: string }>; techniques: Array<{ slug: string }> };
    await documents(CAUSE).update({ documentId: shownOn.documentId, locale: 'en', data: { summary: 'A cause, explained again.' } });
    await documents(CAUSE).publish({ documentId: shownOn.documentId, locale: 'en' });
    const expected = [...shownOn.conditions.map((condition) => `changed CONDITION ${condition.slug} en`), ...shownOn.techniques.map((technique) => `changed TECHNIQUE ${technique.slug} en`)];
    expect((await readOn('northside')).sort()).toEqual(expected.sort());
  });

  it("tells nothing of a clinic write that changes nothing its pages show (a new rate limit)", async () => {
    const northside = await documentId(CLINIC, 'northside-physio');
    await documents(CLINIC).update({ documentId: northside, locale: 'en', data: { rateLimitPerMinute: 1234 } });
    await documents(CLINIC).publish({ documentId: northside, locale: 'en' });
    expect(await readOn('northside')).toEqual([]);
    await documents(CLINIC).update({ documentId: northside, locale: 'en', data: { phone: '+1 604 555 0199' } });
    await documents(CLINIC).publish({ documentId: northside, locale: 'en' });
    expect(await readOn('northside')).toEqual(['clinic en']);
  });

  it('shows draft saves to preview keys only', async () => {
    await readOn('northsidePreview');
    await documents(TECHNIQUE).update({ documentId: await documentId(TECHNIQUE, MRT), locale: 'en', data: { goal: 'A draft goal nobody has published.' } });
    expect(await readOn('northside')).toEqual([]);
    // Its condition pages list it: they are told too, as for a publish.
    expect(await readOn('northsidePreview')).toEqual([...SEED_CONDITIONS.map((slug) => `changed CONDITION ${slug} en`), `changed TECHNIQUE ${MRT} en`]);
    await documents(TECHNIQUE).publish({ documentId: await documentId(TECHNIQUE, MRT), locale: 'en' });
    await readOn('northside');
    await readOn('northsidePreview');
  });

  describe("a technique one clinic offers, and every way its pages go away", () => {
    let technique: string;
    let condition: string;
    let northside: string;

    beforeAll(async () => {
      for (const clinic of ['northside', 'harbour', 'montreal']) await readOn(clinic);
      const created = await documents(CONDITION).create({ locale: 'en', data: { name: 'Feed Test Condition', slug: 'feed-test-condition', summary: 'A condition for the feed.', medicalReview: REVIEW } });
      condition = created.documentId;
      await documents(CONDITION).publish({ documentId: condition, locale: 'en' });
      const made = await documents(TECHNIQUE).create({
        locale: 'en',
        data: { name: 'Feed Test Therapy', slug: 'feed-test-therapy', summary: 'A therapy for the feed.', intro: paragraph('Intro.'), goal: 'A goal.', medicalReview: REVIEW, treats: [condition] },
      });
      technique = made.documentId;
      await documents(TECHNIQUE).publish({ documentId: technique, locale: 'en' });
      northside = await documentId(CLINIC, 'northside-physio');
    });

    it('tells no clinic of pages none of them publishes', async () => {
      expect(await readOn('northside')).toEqual([]);
      expect(await readOn('harbour')).toEqual([]);
    });

    it('tells the clinic that starts offering it: its profile, the therapy page and the condition page', async () => {
      await documents(CLINIC).update({ documentId: northside, locale: 'en', data: { offeredTechniques: [await documentId(TECHNIQUE, MRT), technique] } });
      await documents(CLINIC).publish({ documentId: northside, locale: 'en' });
      expect(await readOn('northside')).toEqual(['clinic en', 'changed CONDITION feed-test-condition en', 'changed TECHNIQUE feed-test-therapy en']);
      expect(await readOn('harbour')).toEqual([]);
      const slugs = (await manifest('northside', { page: { page: 1, pageSize: 100 } })).pages.map((page: { slug: string }) => page.slug);
      expect(slugs).toEqual(expect.arrayContaining(['feed-test-therapy', 'feed-test-condition']));
    });

    it("removes the condition page when the clinic's adaptation hides it, and brings it back when shown again", async () => {
      const adaptation = await documents(ADAPTATION).create({ locale: 'en', data: { clinic: 'northside-physio', technique: 'feed-test-therapy', hidden: [{ relation: 'treats', slug: 'feed-test-condition' }] } });
      await documents(ADAPTATION).publish({ documentId: adaptation.documentId, locale: 'en' });
      expect(await readOn('northside')).toEqual(['removed CONDITION feed-test-condition en HIDDEN', 'changed TECHNIQUE feed-test-therapy en']);
      expect(await readOn('harbour')).toEqual([]);
      await documents(ADAPTATION).update({ documentId: adaptation.documentId, locale: 'en', data: { hidden: [] } });
      await documents(ADAPTATION).publish({ documentId: adaptation.documentId, locale: 'en' });
      expect(await readOn('northside')).toEqual(['changed CONDITION feed-test-condition en', 'changed TECHNIQUE feed-test-therapy en']);
      await documents(ADAPTATION).delete({ documentId: adaptation.documentId });
      await readOn('northside');
    });

    it('moves the page when the slug changes: the former address is removed', async () => {
      await documents(TECHNIQUE).update({ documentId: technique, locale: 'en', data: { slug: 'feed-test-therapy-renamed' } });
      await documents(TECHNIQUE).publish({ documentId: technique, locale: 'en' });
      expect(await readOn('northside')).toEqual([
        'removed TECHNIQUE feed-test-therapy en RENAMED',
        'changed CONDITION feed-test-condition en',
        'changed TECHNIQUE feed-test-therapy-renamed en',
      ]);
    });

    it('removes the condition page when the condition is deleted, and tells the therapy page changed', async () => {
      await documents(CONDITION).delete({ documentId: condition });
      expect(await readOn('northside')).toEqual(['removed CONDITION feed-test-condition en DELETED', 'changed TECHNIQUE feed-test-therapy-renamed en']);
      expect(await readOn('harbour')).toEqual([]);
    });

    it('removes the therapy page when it is unpublished', async () => {
      await documents(TECHNIQUE).unpublish({ documentId: technique, locale: 'en' });
      expect(await readOn('northside')).toEqual(['removed TECHNIQUE feed-test-therapy-renamed en UNPUBLISHED']);
      await documents(TECHNIQUE).publish({ documentId: technique, locale: 'en' });
      await readOn('northside');
    });

    it('removes the therapy page when the clinic no longer offers it', async () => {
      await documents(CLINIC).update({ documentId: northside, locale: 'en', data: { offeredTechniques: [technique] } });
      await documents(CLINIC).publish({ documentId: northside, locale: 'en' });
      expect(await readOn('northside')).toEqual([
        'clinic en',
        ...SEED_CONDITIONS.map((slug) => `removed CONDITION ${slug} en NOT_OFFERED`),
        `removed TECHNIQUE ${MRT} en NOT_OFFERED`,
        'changed TECHNIQUE feed-test-therapy-renamed en',
      ]);
      await documents(CLINIC).update({ documentId: northside, locale: 'en', data: { offeredTechniques: [await documentId(TECHNIQUE, MRT)] } });
      await documents(CLINIC).publish({ documentId: northside, locale: 'en' });
      // Offering only the new therapy had taken the seed's pages away; they come back.
      expect(await readOn('northside')).toEqual([
        'clinic en',
        'removed TECHNIQUE feed-test-therapy-renamed en NOT_OFFERED',
        ...SEED_CONDITIONS.map((slug) => `changed CONDITION ${slug} en`),
        `changed TECHNIQUE ${MRT} en`,
      ]);
    });
  });

  it('removes every page in a locale the clinic stops publishing, and brings them back when it publishes it again', async () => {
    await readOn('montreal');
    const montreal = await documentId(CLINIC, 'montreal-physio');
    await documents(CLINIC).update({ documentId: montreal, locale: 'en', data: { locales: ['en', 'fr'] } });
    await documents(CLINIC).publish({ documentId: montreal, locale: 'en' });
    const pages = [`TECHNIQUE ${MRT}`, ...SEED_CONDITIONS.map((slug) => `CONDITION ${slug}`)].sort();
    expect(await readOn('montreal')).toEqual(['clinic en,fr', ...pages.map((page) => `removed ${page} fr-CA LOCALE_DROPPED`)].sort((a, b) => (a.startsWith('clinic') ? -1 : b.startsWith('clinic') ? 1 : a.localeCompare(b))));
    await documents(CLINIC).update({ documentId: montreal, locale: 'en', data: { locales: ['en', 'fr', 'fr-CA'] } });
    await documents(CLINIC).publish({ documentId: montreal, locale: 'en' });
    expect((await readOn('montreal')).slice(1).sort()).toEqual(pages.map((page) => `changed ${page} fr-CA`).sort());
  });

  it('reads the same events one at a time as a hundred at a time', async () => {
    const montreal = await documentId(CLINIC, 'montreal-physio');
    const start = cursors.montreal;
    await documents(CLINIC).update({ documentId: montreal, locale: 'en', data: { locales: ['en', 'fr'] } });
    await documents(CLINIC).publish({ documentId: montreal, locale: 'en' });
    await documents(CLINIC).update({ documentId: montreal, locale: 'en', data: { locales: ['en', 'fr', 'fr-CA'] } });
    await documents(CLINIC).publish({ documentId: montreal, locale: 'en' });
    const all = await readOn('montreal');
    cursors.montreal = start as string;
    const oneByOne = await readOn('montreal', 1);
    // Read after both writes, the drop is undone: two profile events and the seven pages the second one brought back.
    expect(all).toHaveLength(9);
    expect(oneByOne).toEqual(all);
  });

  (isPostgres() ? it : it.skip)('appends in commit order on PostgreSQL: an append waits until the one before it commits', async () => {
    const strapi = app.strapi;
    const steps: string[] = [];
    let commitFirst: () => void = () => undefined;
    const isHeld = new Promise<void>((resolve) => (commitFirst = resolve));
    // Rows of a clinic that does not exist: no feed shows them.
    const row = { isDraft: false, clinic: 'no-such-clinic', change: { kind: 'clinic' as const, offered: [], locales: { before: [], after: [] } } };
    const first = strapi.db.transaction(async ({ trx }: { trx: never }) => {
      await appendFeedRow(strapi, trx, row);
      steps.push('first appended');
      await isHeld;
      steps.push('first commits');
    });
    while (!steps.includes('first appended')) await new Promise((resolve) => setTimeout(resolve, 10));
    const second = strapi.db.transaction(async ({ trx }: { trx: never }) => {
      await appendFeedRow(strapi, trx, row);
      steps.push('second appended');
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(steps).toEqual(['first appended']);
    commitFirst();
    await Promise.all([first, second]);
    expect(steps).toEqual(['first appended', 'first commits', 'second appended']);
  });

  it('refuses cursors it did not hand out, and page sizes outside 1 to 100', async () => {
    for (const [after, first] of [['not-a-cursor', 10], ['f1.99999999', 10], [null, 0], [null, 101]] as const) {
      const response = await ask(keys.northside as string, CHANGES, { after, first });
      expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('tells a site whose cursor is older than the events kept to rebuild from the manifest', async () => {
    const stored = initial.northside as string;
    await pruneFeed(app.strapi, Date.now() + 1000);
    const expired = await ask(keys.northside as string, CHANGES, { after: stored, first: 10 });
    expect(expired.body.errors?.[0]?.extensions?.code).toBe('CURSOR_EXPIRED');
    expect(expired.body.errors?.[0]?.message).toMatch(/manifest/);
    const fresh = await manifest('northside');
    const resumed = await ask(keys.northside as string, CHANGES, { after: fresh.feedCursor, first: 10 });
    expect(resumed.body.data.changes).toEqual({ events: [], pageInfo: { endCursor: fresh.feedCursor, hasNextPage: false } });
    const fromStart = await ask(keys.northside as string, CHANGES, { after: null, first: 10 });
    expect(fromStart.body.data.changes.events).toEqual([]);
  });
});
