/**
 * Builds the benchmark dataset at one scale into the database the environment names, creates a clinic
 * key and a read-only API token, checks that our API and Strapi's GraphQL give the same answer, has a
 * second clinic adapt the two measured techniques, makes keys for twenty clinics (P7's sites), counts
 * the SQL statements of each page query, plain and adapted (P2), and writes it all as JSON for
 * bench/run.ts.
 * Usage: node dist/bench/build.js --scale 1 --out bench/.data/scale-1.json
 */
import { writeFileSync } from 'fs';
import path from 'path';
import { createStrapi, type Core } from '@strapi/strapi';
import { createClinicKey } from '../src/clinics/keys';
import { settleDatabase, shutDown } from '../src/database/settle';
import { buildDataset } from './dataset';
import { OUR_LIST, OUR_PAGE, STRAPI_PAGE } from './queries';
import { runCli } from '../scripts/cli';

export interface BuildReport {
  scale: number;
  counts: Record<string, number>;
  buildSeconds: number;
  key: string;
  apiToken: string;
  clinicSlug: string;
  slugs: { most: string; fewest: string };
  treats: { most: number; fewest: number };
  listConditionSlug: string;
  /** A second clinic that adapts both measured techniques (intro, summary, call to action, an own FAQ, a local section, a hidden condition). */
  adapted: { clinicSlug: string; key: string };
  /** A key for each of the first 20 clinics, clinic-0 and the adapting clinic with the keys above (P7: one site per clinic). */
  clinicKeys: Array<{ slug: string; key: string }>;
  statements: { ours: { most: number; fewest: number; list: number }; adapted: { most: number; fewest: number }; strapi: { most: number; fewest: number } };
}

const paragraph = (text: string) => [{ type: 'paragraph', children: [{ type: 'text', text }] }];

/** The adapting clinic's version of a technique, published, as a clinic editor would write it. */
async function adapt(strapi: Core.Strapi, input: { clinic: string; technique: string; hide: string | undefined }): Promise<void> {
  const documents = strapi.documents('api::clinic-adaptation.clinic-adaptation' as never) as unknown as {
    create(params: object): Promise<{ documentId: string }>;
    publish(params: object): Promise<unknown>;
  };
  const created = await documents.create({
    locale: 'en',
    data: {
      clinic: input.clinic,
      technique: input.technique,
      summary: 'Our own summary of this technique at {{clinic.name}}.',
      intro: paragraph('At {{clinic.name}} we combine this technique with an assessment at the first visit.'),
      callToAction: { text: 'Book with {{clinic.name}} online or call {{clinic.phone}}.', buttonLabel: 'Book now', url: '{{clinic.bookingUrl}}' },
      faqs: [{ question: 'Do you bill my insurance directly?', answer: paragraph('Yes: {{clinic.name}} sends the invoice to most insurers.') }],
      localSection: paragraph('Our rooms are on the ground floor, with step-free access.'),
      hidden: input.hide === undefined ? [] : [{ relation: 'treats', slug: input.hide }],
    },
  });
  await documents.publish({ documentId: created.documentId, locale: 'en' });
}

function argument(name: string): string {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? process.argv[index + 1] : undefined;
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}

async function post(url: string, token: string, query: string, variables: object): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  if (response.status !== 200 || body.errors) throw new Error(`${url} answered ${response.status}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function countStatements(strapi: Core.Strapi, request: () => Promise<unknown>): Promise<number> {
  await request(); // warm: schema caches, prepared statements
  await settleDatabase(strapi);
  let count = 0;
  const listener = () => {
    count += 1;
  };
  strapi.db.connection.on('query', listener);
  try {
    await request();
  } finally {
    strapi.db.connection.off('query', listener);
  }
  return count;
}

async function main(): Promise<void> {
  const scale = Number(argument('scale'));
  const out = path.resolve(argument('out'));
  process.env.SEED_ON_EMPTY = 'false';
  process.env.BENCH_STRAPI_GRAPHQL = 'true';
  process.env.LOG_LEVEL ??= 'error';
  // Key use is written in batches; none may fall into the window in which P2 counts statements.
  process.env.KEY_USE_FLUSH_MS ??= '600000';
  process.env.PORT = '0';
  process.env.HOST = '127.0.0.1';
  const distDir = path.resolve(__dirname, '..');
  const strapi = await createStrapi({ appDir: path.resolve(distDir, '..'), distDir, serveAdminPanel: false }).load();
  try {
    const started = Date.now();
    const counts = await buildDataset({ strapi, scale, onProgress: (message) => console.error(`  ${message}`) });
    const buildSeconds = (Date.now() - started) / 1000;

    const clinicSlug = 'clinic-0';
    const { key } = await createClinicKey({ strapi, slug: clinicSlug, kind: 'public' });
    const token = (await (strapi.service('admin::api-token') as unknown as { create(input: object): Promise<{ accessKey: string }> }).create({
      name: `bench-${Date.now()}`,
      description: 'benchmark',
      type: 'read-only',
      lifespan: null,
    })).accessKey;

    const techniques = (await strapi.documents('api::technique.technique').findMany({
      locale: 'en',
      status: 'published',
      populate: { treats: { fields: ['slug'] } },
    } as never)) as unknown as Array<{ slug: string; treats: Array<{ slug: string }> }>;
    techniques.sort((a, b) => a.treats.length - b.treats.length || a.slug.localeCompare(b.slug));
    const fewest = techniques[0];
    const most = techniques[techniques.length - 1];
    if (fewest === undefined || most === undefined) throw new Error('no techniques were built');
    const listConditionSlug = most.treats[0]?.slug ?? '';
    const adaptingClinic = 'clinic-1';
    for (const technique of [most, fewest]) await adapt(strapi, { clinic: adaptingClinic, technique: technique.slug, hide: technique.treats[1]?.slug });
    const adaptedKey = (await createClinicKey({ strapi, slug: adaptingClinic, kind: 'public' })).key;
    const clinicKeys: BuildReport['clinicKeys'] = [];
    // P7's twenty sites: at 10x the other clinics' keys would only slow the build down.
    for (let index = 0; index < Math.min(counts.clinics, 20); index += 1) {
      const slug = `clinic-${index}`; // as bench/dataset.ts names them
      const own = slug === clinicSlug ? key : slug === adaptingClinic ? adaptedKey : (await createClinicKey({ strapi, slug, kind: 'public' })).key;
      clinicKeys.push({ slug, key: own });
    }

    await strapi.listen();
    const address = strapi.server.httpServer.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const base = `http://127.0.0.1:${address.port}`;
    const ours = (slug: string) => post(`${base}/graphql`, key, OUR_PAGE, { slug, locale: 'en' });
    const adapted = (slug: string) => post(`${base}/graphql`, adaptedKey, OUR_PAGE, { slug, locale: 'en' });
    const theirs = (slug: string) => post(`${base}/strapi-graphql`, token, STRAPI_PAGE, { slug, clinic: clinicSlug, locale: 'en' });

    // Both sides must give the same answer before anything is timed.
    const [a, b] = [await ours(most.slug), await theirs(most.slug)];
    const ourTreats = (a.therapyPage.technique.treats as Array<{ slug: string }>).map((item) => item.slug).sort();
    const theirTreats = (b.techniques[0].treats as Array<{ slug: string }>).map((item) => item.slug).sort();
    if (JSON.stringify(ourTreats) !== JSON.stringify(theirTreats) || a.therapyPage.technique.name !== b.techniques[0].name) {
      throw new Error(`the two APIs disagree: ${JSON.stringify({ ourTreats, theirTreats })}`);
    }
    // The adapting clinic's page must be its adaptation: its intro, one condition fewer.
    const c = await adapted(most.slug);
    if (!String(c.therapyPage.technique.intro.html).includes('we combine this technique') || c.therapyPage.technique.treats.length !== ourTreats.length - 1) {
      throw new Error('the adapting clinic is not served its adaptation');
    }

    const report: BuildReport = {
      scale,
      counts: { ...counts },
      buildSeconds,
      key,
      apiToken: token,
      clinicSlug,
      slugs: { most: most.slug, fewest: fewest.slug },
      treats: { most: most.treats.length, fewest: fewest.treats.length },
      listConditionSlug,
      adapted: { clinicSlug: adaptingClinic, key: adaptedKey },
      clinicKeys,
      statements: {
        ours: {
          most: await countStatements(strapi, () => ours(most.slug)),
          fewest: await countStatements(strapi, () => ours(fewest.slug)),
          list: await countStatements(strapi, () => post(`${base}/graphql`, key, OUR_LIST, { treats: listConditionSlug, locale: 'en' })),
        },
        adapted: {
          most: await countStatements(strapi, () => adapted(most.slug)),
          fewest: await countStatements(strapi, () => adapted(fewest.slug)),
        },
        strapi: {
          most: await countStatements(strapi, () => theirs(most.slug)),
          fewest: await countStatements(strapi, () => theirs(fewest.slug)),
        },
      },
    };
    writeFileSync(out, JSON.stringify(report, null, 2));
  } finally {
    await shutDown(strapi);
  }
}

runCli(main);
