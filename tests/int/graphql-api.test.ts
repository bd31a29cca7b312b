import { execFile } from 'child_process';
import { promisify } from 'util';
import path from 'path';
import { readFileSync } from 'fs';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { createClinicKey } from '../../src/clinics/keys';
import { loadTypeDefs } from '../../src/graphql/server';
import { runSeed } from '../../src/seed';
import { errorCodes, graphql } from '../helpers/graphql';
import { ROOT, startApp, type TestApp } from '../helpers/strapi';

let app: TestApp;
const keys: Record<string, string> = {};

const PAGE = `query Page($slug: String!) {
  therapyPage(slug: $slug) {
    locale
    seo { metaTitle metaDescription }
    clinic { name phone }
    jsonLd
    technique {
      name abbreviation locale
      intro { html text }
      faqs { question answer { text } }
      procedure { title }
      assessments progressMeasures
      callToAction { text url }
      treats { slug locale }
      causes { slug }
      providerTypes { slug }
      benefits { slug }
      offeredByClinic
    }
  }
}`;

beforeAll(async () => {
  app = await startApp({ isListening: true });
  await runSeed({ strapi: app.strapi });
  keys.northside = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
  keys.harbour = (await createClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', kind: 'public' })).key;
});

afterAll(async () => {
  await app?.stop();
});

describe('the therapy page', () => {
  it('names each clinic in the same article', async () => {
    const variables = { slug: 'myofascial-release-therapy' };
    const northside = await graphql(app, { key: keys.northside, query: PAGE, variables });
    const harbour = await graphql(app, { key: keys.harbour, query: PAGE, variables });
    expect(northside.body.errors).toBeUndefined();
    expect(northside.body.data.therapyPage.technique.callToAction.text).toBe(
      'Contact Northside Physiotherapy & Massage for more information on how Myofascial Release Therapy can help you.',
    );
    expect(harbour.body.data.therapyPage.technique.callToAction.text).toBe(
      'Contact Harbour Chiropractic & Wellness for more information on how Myofascial Release Therapy can help you.',
    );
    expect(northside.body.data.therapyPage.technique.callToAction.url).toBe('https://northside-physio.example/book');
    expect(harbour.body.data.therapyPage.seo.metaTitle).toBe('Myofascial Release Therapy (MRT) | Harbour Chiropractic & Wellness');
    expect(JSON.stringify(harbour.body.data)).not.toContain('{{');
  });

  it('returns everything the page needs in one request', async () => {
    const { body } = await graphql(app, { key: keys.northside, query: PAGE, variables: { slug: 'myofascial-release-therapy' } });
    const page = body.data.therapyPage;
    expect(page.locale).toBe('en');
    expect(page.technique.abbreviation).toBe('MRT');
    expect(page.technique.intro.html).toMatch(/^<p>If you are experiencing back or shoulder pain/);
    expect(page.technique.intro.text).toContain('migraine headaches and fibromyalgia');
    expect(page.technique.faqs.map((faq: { question: string }) => faq.question)).toContain('What causes myofascial pain?');
    expect(page.technique.treats).toHaveLength(6);
    expect(page.technique.treats.every((condition: { locale: string }) => condition.locale === 'en')).toBe(true);
    expect(page.technique.causes).toHaveLength(3);
    expect(page.technique.providerTypes.map((type: { slug: string }) => type.slug)).toContain('osteopathic-physician');
    expect(page.technique.benefits).toHaveLength(3);
    expect(page.technique.offeredByClinic).toBe(true);
    expect(page.clinic).toEqual({ name: 'Northside Physiotherapy & Massage', phone: '+1 604 555 0134' });
  });

  it('describes the seeded review by the clinical content team as an Organization, in JSON-LD and in the review', async () => {
    const query = `query Page($slug: String!) { therapyPage(slug: $slug) { jsonLd technique { medicalReview { status reviewedBy reviewerType lastReviewed } } } }`;
    const { body } = await graphql(app, { key: keys.northside, query, variables: { slug: 'myofascial-release-therapy' } });
    expect(body.errors).toBeUndefined();
    expect(body.data.therapyPage.jsonLd.reviewedBy).toEqual({ '@type': 'Organization', name: 'Clinical content team' });
    expect(body.data.therapyPage.technique.medicalReview).toEqual({
      status: 'REVIEWED',
      reviewedBy: 'Clinical content team',
      reviewerType: 'ORGANIZATION',
      lastReviewed: '2026-11-01',
    });
  });

  it('serves schema.org JSON-LD with the clinic as publisher and the medical review', async () => {
    const mrt = await app.strapi.documents('api::technique.technique').findFirst({ filters: { slug: 'myofascial-release-therapy' }, locale: 'en' } as never);
    const documentId = (mrt as unknown as { documentId: string }).documentId;
    const documents = app.strapi.documents('api::technique.technique');
    await documents.update({
      documentId,
      locale: 'en',
      data: { medicalReview: { reviewedBy: 'Dr. A. Reviewer', reviewerCredentials: 'DO', lastReviewed: '2026-10-01', nextReviewDue: '2027-10-01' } },
    } as never);
    await documents.publish({ documentId, locale: 'en' } as never);

    const { body } = await graphql(app, { key: keys.harbour, query: PAGE, variables: { slug: 'myofascial-release-therapy' } });
    const jsonLd = JSON.parse(JSON.stringify(body.data.therapyPage.jsonLd));
    expect(jsonLd['@context']).toBe('https://schema.org');
    expect(jsonLd['@type']).toBe('MedicalWebPage');
    expect(jsonLd.lastReviewed).toBe('2026-10-01');
    expect(jsonLd.reviewedBy).toEqual({
      '@type': 'Person',
      name: 'Dr. A. Reviewer',
      hasCredential: { '@type': 'EducationalOccupationalCredential', name: 'DO' },
    });
    expect(jsonLd.publisher).toEqual(expect.objectContaining({ '@type': 'MedicalClinic', name: 'Harbour Chiropractic & Wellness' }));
    expect(jsonLd.mainEntity).toEqual(expect.objectContaining({ '@type': 'MedicalTherapy', name: 'Myofascial Release Therapy', alternateName: 'MRT' }));
    const conditions = jsonLd.about.filter((item: { '@type': string }) => item['@type'] === 'MedicalCondition');
    // Six conditions, less the one Harbour's seeded adaptation hides (data/seed/clinic-adaptations.json).
    expect(conditions).toHaveLength(5);
    expect(conditions.map((item: { name: string }) => item.name)).not.toContain('Fibromyalgia');
    const syndrome = conditions.find((item: { name: string }) => item.name === 'Myofascial pain syndrome');
    expect(syndrome.cause.map((cause: { name: string }) => cause.name)).toContain('Stiff fascia');
  });

  it('is NOT_FOUND for a slug that has no technique', async () => {
    const response = await graphql(app, { key: keys.northside, query: PAGE, variables: { slug: 'cupping' } });
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    expect(response.body.errors?.[0]?.message).toBe('There is no technique "cupping" to serve in en.');
  });
});

describe('lists', () => {
  it('filters conditions by the technique that treats them and searches their names and summaries', async () => {
    const { body } = await graphql(app, {
      key: keys.northside,
      query: `{ all: conditions(filter: { treatedBy: "myofascial-release-therapy" }) { pageInfo { total } }
               search: conditions(search: "TRIGGER") { items { slug } }
               none: conditions(filter: { treatedBy: "no-such-technique" }) { items { slug } pageInfo { total } } }`,
    });
    expect(body.data.all.pageInfo.total).toBe(6);
    expect(body.data.search.items).toEqual([{ slug: 'myofascial-pain-syndrome' }]);
    expect(body.data.none).toEqual({ items: [], pageInfo: { total: 0 } });
  });

  it('filters techniques by condition and by what the calling clinic offers', async () => {
    const { body } = await graphql(app, {
      key: keys.northside,
      query: `{ treats: techniques(filter: { treats: "fibromyalgia" }) { items { slug } }
               offered: techniques(filter: { offeredByClinic: true }) { items { slug } }
               notOffered: techniques(filter: { offeredByClinic: false }) { items { slug } } }`,
    });
    expect(body.data.treats.items).toEqual([{ slug: 'myofascial-release-therapy' }]);
    expect(body.data.offered.items).toEqual([{ slug: 'myofascial-release-therapy' }]);
    expect(body.data.notOffered.items).toEqual([]);
  });

  it('sorts and pages', async () => {
    const { body } = await graphql(app, {
      key: keys.northside,
      query: `{ providerTypes(sort: { field: NAME, direction: DESC }, page: { page: 2, pageSize: 2 }) {
                 items { name } pageInfo { page pageSize total pageCount } } }`,
    });
    expect(body.data.providerTypes.items).toEqual([{ name: 'Occupational therapist' }, { name: 'Massage therapist' }]);
    expect(body.data.providerTypes.pageInfo).toEqual({ page: 2, pageSize: 2, total: 5, pageCount: 3 });
  });

  it('refuses a page size above the maximum instead of cutting the list', async () => {
    const response = await graphql(app, { key: keys.northside, query: '{ conditions(page: { pageSize: 101 }) { items { slug } } }' });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors?.[0]?.message).toBe('pageSize must be between 1 and 100, not 101; request further pages instead');
    expect(response.body.data).toBeNull();
  });
});

describe('clinic keys and errors', () => {
  it('answers a request without a key with HTTP 401 UNAUTHENTICATED', async () => {
    const response = await graphql(app, { query: '{ clinic { name } }' });
    expect(response.status).toBe(401);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('answers an unknown key with HTTP 401, without a stack trace', async () => {
    const response = await graphql(app, { key: `cck_live_${'A'.repeat(43)}`, query: '{ clinic { name } }' });
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]).toEqual({ message: 'This clinic key is unknown.', extensions: { code: 'UNAUTHENTICATED', reason: 'KEY_UNKNOWN' } });
  });

  it('creates a key from the command line, serves it, and refuses it once revoked', async () => {
    // Asynchronously: a blocked event loop would stall the server under test, which runs in this process.
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'clinic-key.js'), ...args], {
        cwd: ROOT,
        env: { ...process.env, LOG_LEVEL: 'error' },
        encoding: 'utf8',
        timeout: 90000,
      }).then(
        ({ stdout, stderr }) => ({ status: 0, stdout, stderr }),
        (error: { code?: number; stdout: string; stderr: string }) => ({ status: error.code ?? -1, stdout: error.stdout, stderr: error.stderr }),
      );
    const created = await cli('create', 'harbour-chiro');
    expect(created.status).toBe(0);
    const key = created.stdout.trim().split('\n').pop() as string;
    expect(key).toMatch(/^cck_live_/);

    const served = await graphql(app, { key, query: '{ clinic { slug name } }' });
    expect(served.body.data.clinic).toEqual({ slug: 'harbour-chiro', name: 'Harbour Chiropractic & Wellness' });

    const revoked = await cli('revoke', 'harbour-chiro', '--all');
    expect(revoked.stdout).toMatch(/Revoked [1-9]\d* keys? of clinic "harbour-chiro"/);
    const refused = await graphql(app, { key, query: '{ clinic { slug } }' });
    expect(refused.status).toBe(401);
    expect(errorCodes(refused)).toEqual(['UNAUTHENTICATED']);
    keys.harbour = (await createClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', kind: 'public' })).key;

    const unknownClinic = await cli('create', 'no-such-clinic');
    expect(unknownClinic.status).toBe(1);
    expect(unknownClinic.stderr).toContain('There is no clinic with slug "no-such-clinic".');
  });

  it('is BAD_USER_INPUT for an unknown locale and FORBIDDEN for one the clinic does not publish', async () => {
    const unknown = await graphql(app, { key: keys.northside, query: '{ conditions(locale: "xx") { items { slug } } }' });
    expect(errorCodes(unknown)).toEqual(['BAD_USER_INPUT']);
    expect(unknown.body.errors?.[0]?.message).toBe('Unknown locale "xx"; this service has en, es, fr, fr-CA, de.');
  });

  it('never serves key hashes, admin users or authors: they are not in the schema', async () => {
    const response = await graphql(app, { key: keys.northside, query: '{ clinic { accessKeys } }' });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    // The schema as served (introspection itself is off outside development).
    const served = makeExecutableSchema({ typeDefs: loadTypeDefs(path.join(ROOT, 'src', 'graphql', 'schema')) });
    const names = JSON.stringify(Object.values(served.getTypeMap()).map((type) => [type.name, 'getFields' in type ? Object.keys(type.getFields()) : []]));
    for (const hidden of ['accessKeys', 'createdBy', 'updatedBy', 'password', 'hash', 'publishedAt', 'AdminUser']) {
      expect(names).not.toContain(`"${hidden}"`);
    }
    const raw = await graphql(app, { key: keys.northside, query: '{ clinic { name } therapyPage(slug: "myofascial-release-therapy") { jsonLd } }' });
    expect(JSON.stringify(raw.body)).not.toMatch(/[0-9a-f]{64}/);
  });
});

describe('GET requests', () => {
  const url = () => `${app.baseUrl}/graphql?query=${encodeURIComponent('{ clinic { slug } }')}`;

  it('are served when they carry the preflight header, so CDNs can cache them', async () => {
    const response = await fetch(url(), { headers: { authorization: `Bearer ${keys.northside}`, 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { clinic: { slug: 'northside-physio' } } });
  });

  it('are refused without it, as a guard against cross-site request forgery', async () => {
    const response = await fetch(url(), { headers: { authorization: `Bearer ${keys.northside}` } });
    expect(response.status).toBe(400);
  });
});

describe('the schema', () => {
  it('prints as the committed snapshot and as types/graphql/schema.graphql', () => {
    const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(path.join(ROOT, 'src', 'graphql', 'schema')) });
    const printed = printSchema(lexicographicSortSchema(schema));
    expect(printed).toMatchSnapshot();
    const committed = readFileSync(path.join(ROOT, 'types', 'graphql', 'schema.graphql'), 'utf8');
    expect(committed.replace(/^#.*\n/, '').trim()).toBe(printed.trim());
  });
});
