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
      name intro { html } faqs { answer { html } } callToAction { text }
      treats { slug name description { html } symptoms causes { name } techniques { slug } }
      causes { name conditions { slug } }
      providerTypes { name }
      benefits { name }
    }
  }
}`;

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
      treats: { set: ids.map((documentId) => ({ documentId, locale: 'en' })) },
    },
  });
  await techniques.publish({ documentId: technique.documentId, locale: 'en' });
}

async function statementsFor(slug: string): Promise<{ count: number; treats: number }> {
  await settleDatabase(app.strapi);
  let count = 0;
  const listener = () => {
    count += 1;
  };
  app.strapi.db.connection.on('query', listener);
  try {
    const { body } = await graphql(app, { key, query: PAGE, variables: { slug } });
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return { count, treats: body.data.therapyPage.technique.treats.length };
  } finally {
    app.strapi.db.connection.off('query', listener);
  }
}

beforeAll(async () => {
  app = await startApp({ isListening: true });
  await runSeed({ strapi: app.strapi });
  key = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
  await createTechniqueTreating('counting-two', 2);
  await createTechniqueTreating('counting-forty', 40);
});

afterAll(async () => {
  await app?.stop();
});

describe('the therapy page query', () => {
  it('runs as many SQL statements for 40 related conditions as for 2', async () => {
    const two = await statementsFor('counting-two');
    const forty = await statementsFor('counting-forty');
    expect(two.treats).toBe(2);
    expect(forty.treats).toBe(40);
    expect(forty.count).toBe(two.count);
    expect(two.count).toBeGreaterThan(0);
  });
});
