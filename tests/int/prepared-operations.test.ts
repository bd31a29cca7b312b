/**
 * Operations Apollo has accepted run again without its request pipeline (src/graphql/prepared.ts):
 * their answers are the ones Apollo gives, byte for byte, and everything Apollo refuses or answers
 * with errors is still Apollo's answer.
 */
import { createClinicKey } from '../../src/clinics/keys';
import { runSeed } from '../../src/seed';
import { send, type WireAnswer } from '../helpers/graphql';
import { startApp, type TestApp } from '../helpers/strapi';

const TOKEN = 'metrics-token-for-prepared-tests-0123456789';
let app: TestApp;
let key: string;

const PAGE = `query Page($slug: String!, $locale: String) {
  therapyPage(slug: $slug, locale: $locale) {
    seo { metaTitle }
    technique { name intro { html } treats { slug name causes { name } techniques { slug } } causes { name conditions { slug } } benefits { name } }
  }
}`;

beforeAll(async () => {
  // A relation list counts as 10 entries: a condition with its causes' techniques costs 112, so a page of 100 is past the 5,000 allowed.
  app = await startApp({ isListening: true, environment: { METRICS_TOKEN: TOKEN, RESPONSE_CACHE: 'off', RATE_LIMIT_PER_MINUTE: '100000', GRAPHQL_RELATION_LIST_SIZE: '10', GRAPHQL_MAX_COST: '5000' } });
  await runSeed({ strapi: app.strapi });
  key = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
});

afterAll(async () => {
  await app?.stop();
});

async function executions(): Promise<{ prepared: number; apollo: number }> {
  const text = await (await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  const count = (path: string) => Number(new RegExp(`graphql_executions_total\\{path="${path}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  return { prepared: count('prepared'), apollo: count('apollo') };
}

/** What a client sees of an answer, the request id aside (it differs per request). */
function seen(answer: WireAnswer) {
  const headers = [...answer.headers].filter(([name]) => !['x-request-id', 'date', 'keep-alive', 'connection'].includes(name));
  return { status: answer.status, headers, text: answer.text };
}

/** Sends the request twice: the first is Apollo's answer, the second a prepared run's; returns both and the paths taken. */
async function twice(input: Parameters<typeof send>[1]) {
  const before = await executions();
  const first = await send(app, input);
  const second = await send(app, input);
  const after = await executions();
  return { first, second, prepared: after.prepared - before.prepared, apollo: after.apollo - before.apollo };
}

describe('a prepared operation', () => {
  it('answers a document after its first request as Apollo answered that, over POST and GET, in both media types', async () => {
    const variables = { slug: 'myofascial-release-therapy', locale: 'en' };
    for (const [request, paths] of [
      [{ method: 'POST' as const, body: { query: PAGE, variables } }, { prepared: 1, apollo: 1 }],
      [{ method: 'POST' as const, accept: 'application/graphql-response+json', body: { query: PAGE, variables, operationName: 'Page' } }, { prepared: 1, apollo: 1 }],
      // The document and operation name of the first: prepared already, over GET too.
      [{ method: 'GET' as const, params: { query: PAGE, variables } }, { prepared: 2, apollo: 0 }],
    ] as const) {
      const { first, second, prepared, apollo } = await twice({ key, ...request });
      expect(first.status).toBe(200);
      expect(first.body?.errors).toBeUndefined();
      expect(first.body?.data?.therapyPage.technique.treats.length).toBeGreaterThan(0);
      expect(seen(second)).toEqual(seen(first));
      expect({ prepared, apollo }).toEqual(paths);
    }
  });

  it('runs with each request its own variables, and leaves variable errors and errors to Apollo', async () => {
    const list = 'query List($size: Int) { conditions(page: { pageSize: $size }) { items { slug } pageInfo { pageSize } } }';
    expect((await send(app, { key, body: { query: list, variables: { size: 2 } } })).body?.data?.conditions.pageInfo.pageSize).toBe(2);

    const other = await twice({ key, body: { query: list, variables: { size: 3 } } });
    expect(other.first.body?.data?.conditions.pageInfo.pageSize).toBe(3);
    expect(other.first.body?.data?.conditions.items).toHaveLength(3);
    expect(seen(other.second)).toEqual(seen(other.first));
    expect(other.prepared).toBe(2);

    // Variables the schema refuses: Apollo's 200 with BAD_USER_INPUT, both times.
    const wrong = await twice({ key, body: { query: list, variables: { size: 'many' } } });
    expect(wrong.first.body?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(seen(wrong.second)).toEqual(seen(wrong.first));
    expect(wrong.apollo).toBe(2);

    // A page size past the limit: the content layer's refusal, with Apollo's error form.
    const tooMany = await twice({ key, body: { query: list, variables: { size: 1000 } } });
    expect(tooMany.first.body?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(seen(tooMany.second)).toEqual(seen(tooMany.first));
    expect(tooMany.apollo).toBe(2);
  });

  it('checks the cost limit with each request its own variables: a prepared document past it is refused as Apollo refuses it', async () => {
    const nested = 'query Nested($size: Int) { conditions(page: { pageSize: $size }) { items { causes { techniques { slug } } } } }';
    const small = await send(app, { key, body: { query: nested, variables: { size: 1 } } });
    expect(small.body?.errors).toBeUndefined();
    const costly = await twice({ key, body: { query: nested, variables: { size: 100 } } });
    expect(costly.first.body?.errors?.[0]?.extensions?.code).toBe('COST_LIMIT_EXCEEDED');
    expect(seen(costly.second)).toEqual(seen(costly.first));
    expect({ prepared: costly.prepared, apollo: costly.apollo }).toEqual({ prepared: 0, apollo: 2 });
  });

  it('leaves a request Apollo refuses before execution to Apollo: a GET without the CSRF preflight header', async () => {
    const query = 'query Name { clinic { name } }';
    expect((await send(app, { key, body: { query } })).status).toBe(200);
    const refused = await twice({ key, method: 'GET', params: { query }, headers: { 'apollo-require-preflight': '' } });
    expect(refused.first.status).toBe(400);
    expect(seen(refused.second)).toEqual(seen(refused.first));
    expect(refused.prepared).toBe(0);
  });

  it('answers a result with errors through Apollo, with the same error as the first time', async () => {
    const missing = await twice({ key, body: { query: PAGE, variables: { slug: 'no-such-technique' } } });
    expect(missing.first.body?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(seen(missing.second)).toEqual(seen(missing.first));
    expect(missing.prepared).toBe(0);
  });
});
