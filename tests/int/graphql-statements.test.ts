import { createClinicKey } from '../../src/clinics/keys';
import { settleDatabase } from '../../src/database/settle';
import { runSeed } from '../../src/seed';
import { graphql } from '../helpers/graphql';
import { startApp, type TestApp } from '../helpers/strapi';

let app: TestApp;
let key: string;

const PAGE = `query Page($slug: String!) {
  therapyPage(slug: $slug) {
    jsonLd
    seo { metaTitle }
    technique {
      name intro { html } faqs { answer { html } source } callToAction { text } localSection { html } adaptedFields { field locale }
      treats { slug name description { html } symptoms causes { name } techniques { slug } summary faqs { question } localSection { text } }
      causes { name conditions { slug } }
      providerTypes { name }
      benefits { name }
    }
  }
}`;

/** Techniques and conditions are published only with a medical review. */
const REVIEW = { reviewedBy: 'Clinical content team', lastReviewed: '2026-11-01', nextReviewDue: '2027-11-01' };

async function createTechniqueTreating(slug: string, conditionCount: number): Promise<void> {
  const conditions = app.strapi.documents('api::condition.condition') as unknown as {
    create(params: object): Promise<{ documentId: string }>;
    publish(params: object): Promise<unknown>;
  };
  const cause = (await app.strapi.documents('api::cause.cause').findFirst({ filters: { slug: 'stiff-fascia' }, locale: 'en' } as never)) as unknown as {
    documentId: string;
  };
  const ids: string[] = [];
  for (let index = 0; index < conditionCount; index += 1) {
    const created = await conditions.create({
      locale: 'en',
      data: {
        name: `${slug} condition ${index}`,
        slug: `${slug}-condition-${index}`,
        summary: 'A condition made for counting statements.',
        description: [{ type: 'paragraph', children: [{ type: 'text', text: 'Some text.' }] }],
        symptoms: [{ text: 'A symptom' }],
        causes: { set: [{ documentId: cause.documentId, locale: 'en' }] },
        medicalReview: REVIEW,
      },
    });
    await conditions.publish({ documentId: created.documentId, locale: 'en' });
    ids.push(created.documentId);
  }
  const techniques = app.strapi.documents('api::technique.technique') as unknown as {
    create(params: object): Promise<{ documentId: string }>;
    publish(params: object): Promise<unknown>;
  };
  const technique = await techniques.create({
    locale: 'en',
    data: {
      name: `Technique ${slug}`,
      slug,
      summary: 'A technique made for counting statements.',
      intro: [{ type: 'paragraph', children: [{ type: 'text', text: 'Intro for {{clinic.name}}.' }] }],
      goal: 'Counting.',
      faqs: [{ question: 'Why?', answer: [{ type: 'paragraph', children: [{ type: 'text', text: 'Because.' }] }] }],
      medicalReview: REVIEW,
      treats: { set: ids.map((documentId) => ({ documentId, locale: 'en' })) },
    },
  });
  await techniques.publish({ documentId: technique.documentId, locale: 'en' });
}

async function statementsFor(slug: string): Promise<{ count: number; treats: number; page: any }> {
  await settleDatabase(app.strapi);
  let count = 0;
  const listener = () => {
    count += 1;
  };
  app.strapi.db.connection.on('query', listener);
  try {
    const { body } = await graphql(app, { key, query: PAGE, variables: { slug } });
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return { count, treats: body.data.therapyPage.technique.treats.length, page: body.data.therapyPage };
  } finally {
    app.strapi.db.connection.off('query', listener);
  }
}

beforeAll(async () => {
  // Keys, locales and the clinic stay in memory for the whole file, and key use is not written during
  // it (KEY_USE_FLUSH_MS), so only content statements are counted; every request is answered from the
  // database (P2 is about uncached reads). The drain loops (webhooks, CDN purges, scheduled publishes)
  // look for work every 30 s by default: on a slow machine the set-up takes that long and a look would
  // land inside a counted request.
  const quiet = { REVALIDATION_POLL_MS: '600000', CDN_PURGE_POLL_MS: '600000', SCHEDULE_POLL_MS: '600000' };
  app = await startApp({ isListening: true, environment: { CLINIC_CACHE_TTL_MS: '600000', KEY_USE_FLUSH_MS: '600000', RESPONSE_CACHE: 'off', ...quiet } });
  await runSeed({ strapi: app.strapi });
  key = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
  await createTechniqueTreating('counting-two', 2);
  await createTechniqueTreating('counting-forty', 40);
});

afterAll(async () => {
  await app?.stop();
});

describe('the therapy page query', () => {
  it('runs one SQL statement per level of relations, for 40 related conditions as for 2', async () => {
    await statementsFor('counting-two'); // reads the clinic directory (keys, locales, the clinic) once
    const two = await statementsFor('counting-two');
    const forty = await statementsFor('counting-forty');
    expect(two.treats).toBe(2);
    expect(forty.treats).toBe(40);
    // technique → its conditions, causes, provider types and benefits → their causes and techniques
    expect(two.count).toBe(3);
    expect(forty.count).toBe(3);
  });

  it("reads the clinic's adaptations in the same statements: an adapted page, its hidden and adapted conditions cost nothing more", async () => {
    const adaptations = app.strapi.documents('api::clinic-adaptation.clinic-adaptation') as unknown as {
      create(params: object): Promise<{ documentId: string }>;
      publish(params: object): Promise<unknown>;
    };
    const adapt = async (data: object) => {
      const created = await adaptations.create({ locale: 'en', data: { clinic: 'northside-physio', ...data } });
      await adaptations.publish({ documentId: created.documentId, locale: 'en' });
    };
    const intro = [{ type: 'paragraph', children: [{ type: 'text', text: 'Our own intro.' }] }];
    await adapt({ technique: 'counting-forty', intro, localSection: intro, hidden: [{ relation: 'treats', slug: 'counting-forty-condition-0' }] });
    await adapt({ condition: 'counting-forty-condition-1', summary: 'Our own summary.' });
    await adapt({ condition: 'counting-two-condition-1', summary: 'Our own summary.' });

    const forty = await statementsFor('counting-forty');
    const two = await statementsFor('counting-two');
    expect(forty.page.technique.intro.html).toBe('<p>Our own intro.</p>');
    expect(forty.page.technique.adaptedFields).toEqual([{ field: 'intro', locale: 'en' }, { field: 'localSection', locale: 'en' }]);
    expect(forty.treats).toBe(39);
    expect(forty.page.technique.treats.find((condition: { slug: string }) => condition.slug === 'counting-forty-condition-1').summary).toBe('Our own summary.');
    expect(two.treats).toBe(2);
    expect(forty.count).toBe(3);
    expect(two.count).toBe(3);
  });

  it('loads only the listing of entries whose selection reads no more (slug, name, summary), with the same answer', async () => {
    const statements = async (query: string) => {
      const sqls: string[] = [];
      const listener = (data: { sql: string }) => sqls.push(data.sql);
      await settleDatabase(app.strapi);
      app.strapi.db.connection.on('query', listener);
      try {
        const { body } = await graphql(app, { key, query, variables: { slug: 'counting-two' } });
        if (body.errors) throw new Error(JSON.stringify(body.errors));
        return { sqls, technique: body.data.technique };
      } finally {
        app.strapi.db.connection.off('query', listener);
      }
    };
    // The conditions' own JSON: its symptoms component is read by the whole entry only.
    const readsSymptoms = (sqls: string[]) => sqls.some((sql) => /from "conditions" t/.test(sql) && sql.includes("'symptoms'"));
    const listing = await statements('query Listing($slug: String!) { technique(slug: $slug) { treats { slug name summary locale __typename ... on Condition { updatedAt } } } }');
    const whole = await statements('query Whole($slug: String!) { technique(slug: $slug) { treats { slug name summary locale __typename updatedAt symptoms } } }');
    expect(readsSymptoms(listing.sqls)).toBe(false);
    expect(readsSymptoms(whole.sqls)).toBe(true);
    expect(listing.technique.treats).toEqual(whole.technique.treats.map(({ symptoms: _symptoms, ...rest }: { symptoms: unknown }) => rest));
    expect(listing.technique.treats).toHaveLength(2);
    // A fragment that reads more than the listing makes the entries whole.
    const fragment = await statements('fragment More on Condition { description { html } } query Fragment($slug: String!) { technique(slug: $slug) { treats { slug ...More } } }');
    expect(readsSymptoms(fragment.sqls)).toBe(true);
    // Names and relations (whose entries their own selections load): listings with their relation lists.
    const linked = await statements('query Linked($slug: String!) { technique(slug: $slug) { treats { slug name causes { slug name } } } }');
    expect(readsSymptoms(linked.sqls)).toBe(false);
    expect(linked.technique.treats.map((condition: { causes: Array<{ slug: string }> }) => condition.causes.map((cause) => cause.slug))).toEqual(
      (await statements('query Causes($slug: String!) { technique(slug: $slug) { treats { symptoms causes { slug } } } }')).technique.treats.map((condition: { causes: Array<{ slug: string }> }) => condition.causes.map((cause) => cause.slug)),
    );
    // The page's JSON-LD reads its conditions' names and causes: listings with their relation lists.
    const page = await statements('query LinkedPage($slug: String!) { technique(slug: $slug) { slug } therapyPage(slug: $slug) { jsonLd technique { treats { slug name } } } }');
    expect(readsSymptoms(page.sqls)).toBe(false);
    expect(page.sqls.some((sql) => /from "conditions" t/.test(sql) && sql.includes("'causes'"))).toBe(true);
    const jsonLd = JSON.stringify((await graphql(app, { key, query: 'query Ld($slug: String!) { therapyPage(slug: $slug) { jsonLd } }', variables: { slug: 'counting-two' } })).body.data.therapyPage.jsonLd);
    for (const condition of whole.technique.treats as Array<{ name: string; summary: string }>) expect(jsonLd).toContain(condition.name);
    expect(jsonLd).toContain('Stiff fascia');
    // Listing and whole asked for at the same level: one statement per level, the whole entries answer both.
    const both = await statements('query Both($slug: String!) { technique(slug: $slug) { treats { name } causes { name } } therapyPage(slug: $slug) { jsonLd technique { treats { symptoms } } } }');
    expect(both.technique.treats.map((condition: { name: string }) => condition.name)).toEqual(whole.technique.treats.map((condition: { name: string }) => condition.name));
  });

  it('reads the clinic directory again only after a clinic changed', async () => {
    const before = await statementsFor('counting-two');
    await app.strapi.documents('api::clinic.clinic').update({
      documentId: (await app.strapi.db.query('api::clinic.clinic').findOne({ where: { slug: 'northside-physio' } })).documentId,
      locale: 'en',
      data: { phone: '+1 604 555 0199' },
    } as never);
    const after = await statementsFor('counting-two');
    expect(before.count).toBe(3);
    expect(after.count).toBeGreaterThan(3);
    expect((await statementsFor('counting-two')).count).toBe(3);
  });

  it("keeps the clinic directory when Strapi writes a store key of its own (the upload plugin's metrics)", async () => {
    await statementsFor('counting-two');
    await app.strapi.store({ type: 'plugin', name: 'upload', key: 'metrics' }).set({ value: { weeklySchedule: '0 0 0 * * 1', lastWeeklyUpdate: Date.now() } });
    expect((await statementsFor('counting-two')).count).toBe(3);
  });

  it('on SQLite, compiles each statement once and reuses it', async () => {
    const client = app.strapi.db.connection.client as { driverName?: string; acquireConnection(): Promise<{ prepare: (sql: string) => unknown }>; releaseConnection(c: unknown): void };
    if (client.driverName !== 'better-sqlite3') return; // PostgreSQL prepares on its side
    await statementsFor('counting-two');
    const connection = await client.acquireConnection();
    const prepare = connection.prepare;
    let compiled = 0;
    connection.prepare = function counted(this: unknown, sql: string) {
      compiled += 1;
      return prepare.call(this, sql);
    };
    client.releaseConnection(connection);
    try {
      const again = await statementsFor('counting-two');
      expect(again.count).toBe(3);
      expect(compiled).toBe(0);
    } finally {
      connection.prepare = prepare;
    }
  });
});
