/**
 * The clients clinic websites are built with, against a real Strapi over real HTTP (response cache on):
 * Apollo Client 3 and 4 with their persisted-query links (the first request registers the document,
 * later ones read it by hash over GET), error codes reaching the client as GraphQL errors rather than
 * network errors, graphql-request with the generated typed documents, and the codegen client preset's
 * persisted-documents mode (`documentId`, with or without the `sha256:` prefix).
 */
import { createHash } from 'crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ApolloClient as ApolloClient3, HttpLink as HttpLink3, InMemoryCache as InMemoryCache3, gql as gql3 } from '@apollo/client-v3/core';
import { createPersistedQueryLink } from '@apollo/client-v3/link/persisted-queries';
import { ApolloClient as ApolloClient4, CombinedGraphQLErrors, HttpLink as HttpLink4, InMemoryCache as InMemoryCache4, gql as gql4 } from '@apollo/client-v4';
import { PersistedQueryLink } from '@apollo/client-v4/link/persisted-queries';
import { ClientError, GraphQLClient } from 'graphql-request';
import { createClinicKey } from '../../src/clinics/keys';
import { runSeed } from '../../src/seed';
import { ClinicProfileDocument, TherapyPageDocument } from '../../types/graphql/client/graphql';
import { send } from '../helpers/graphql';
import { startApp, type TestApp } from '../helpers/strapi';

let app: TestApp;
let key: string;

const MRT = 'myofascial-release-therapy';
const NORTHSIDE = 'Northside Physiotherapy & Massage';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** One request as a client sent it and as the server answered it. */
interface Exchange {
  method: string;
  hasQuery: boolean;
  hasHash: boolean;
  accept: string | null;
  status: number;
  codes: Array<unknown>;
}

/** The fetch a client is given: the real one, with every exchange written down. */
function recordingFetch(log: Exchange[]): typeof fetch {
  return async (input, init = {}) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init.method ?? 'GET').toUpperCase();
    const sent = (method === 'GET' ? Object.fromEntries(url.searchParams) : JSON.parse(String(init.body ?? '{}'))) as Record<string, unknown>;
    const response = await fetch(input, init);
    const body = (await response
      .clone()
      .json()
      .catch(() => null)) as { errors?: Array<{ extensions?: { code?: unknown } }> } | null;
    log.push({
      method,
      hasQuery: typeof sent.query === 'string',
      hasHash: JSON.stringify(sent.extensions ?? '').includes('sha256Hash'),
      accept: new Headers(init.headers).get('accept'),
      status: response.status,
      codes: (body?.errors ?? []).map((error) => error.extensions?.code),
    });
    return response;
  };
}

/** The headers a site's server sends: its key, and Apollo's CSRF preflight header (GETs need it). */
const siteHeaders = () => ({ authorization: `Bearer ${key}`, 'apollo-require-preflight': 'true' });

/** The client preset's hash of a generated document (`__meta__.hash`, "sha256:<hex>"). */
function documentIdOf(document: object): string {
  const meta = (document as { __meta__?: { hash?: unknown } }).__meta__;
  if (typeof meta?.hash !== 'string') throw new Error('the document carries no __meta__.hash: is persistedDocuments on in codegen.ts?');
  return meta.hash;
}

beforeAll(async () => {
  app = await startApp({ isListening: true, environment: { RESPONSE_CACHE: 'on' } });
  await runSeed({ strapi: app.strapi });
  key = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
});

afterAll(async () => {
  await app?.stop();
});

describe('Apollo Client 3 (Accept: */*) with its persisted-query link', () => {
  const client = (log: Exchange[]) =>
    new ApolloClient3({
      link: createPersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(new HttpLink3({ uri: `${app.baseUrl}/graphql`, fetch: recordingFetch(log), headers: siteHeaders() })),
      cache: new InMemoryCache3(),
    });

  it('registers a document with its first request, then reads it by hash over GET', async () => {
    const query = gql3`query ApolloThreeProfile { clinic { slug name } }`;
    const first: Exchange[] = [];
    const answer = await client(first).query({ query });
    expect(answer.data.clinic).toEqual(expect.objectContaining({ slug: 'northside-physio', name: NORTHSIDE }));
    expect(first.map(({ method, hasQuery, hasHash, status, codes }) => ({ method, hasQuery, hasHash, status, codes }))).toEqual([
      { method: 'GET', hasQuery: false, hasHash: true, status: 200, codes: ['PERSISTED_QUERY_NOT_FOUND'] },
      { method: 'POST', hasQuery: true, hasHash: true, status: 200, codes: [] },
    ]);
    expect(first[0]?.accept).toBe('*/*');

    const later: Exchange[] = [];
    const again = await client(later).query({ query });
    expect(again.data).toEqual(answer.data);
    expect(later.map(({ method, hasQuery, status, codes }) => ({ method, hasQuery, status, codes }))).toEqual([{ method: 'GET', hasQuery: false, status: 200, codes: [] }]);
  });

  it.each([
    ['NOT_FOUND', gql3`query ApolloThreeMissing($slug: String!) { therapyPage(slug: $slug) { technique { name } } }`, { slug: 'no-such-technique' }],
    ['BAD_USER_INPUT', gql3`query ApolloThreeTooMany { conditions(page: { pageSize: 101 }) { items { slug } } }`, {}],
  ])('hands %s to the site as a GraphQL error with its code, not as a network error', async (code, query, variables) => {
    const log: Exchange[] = [];
    const answer = await client(log).query({ query, variables, errorPolicy: 'all' });
    expect(answer.errors?.map((error) => error.extensions?.code)).toEqual([code]);
    expect(log.at(-1)?.status).toBe(200);
  });
});

describe('Apollo Client 4 with its persisted-query link', () => {
  const client = (log: Exchange[]) =>
    new ApolloClient4({
      link: new PersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(new HttpLink4({ uri: `${app.baseUrl}/graphql`, fetch: recordingFetch(log), headers: siteHeaders() })),
      cache: new InMemoryCache4(),
    });

  it('registers a document with its first request, then reads it by hash over GET', async () => {
    const query: TypedDocumentNode<{ clinic: { slug: string; name: string } }, Record<string, never>> = gql4`query ApolloFourProfile { clinic { slug name } }`;
    const first: Exchange[] = [];
    const answer = await client(first).query({ query });
    expect(answer.data?.clinic).toEqual(expect.objectContaining({ slug: 'northside-physio', name: NORTHSIDE }));
    expect(first.map(({ method, hasQuery, hasHash, status, codes }) => ({ method, hasQuery, hasHash, status, codes }))).toEqual([
      { method: 'GET', hasQuery: false, hasHash: true, status: 200, codes: ['PERSISTED_QUERY_NOT_FOUND'] },
      { method: 'POST', hasQuery: true, hasHash: true, status: 200, codes: [] },
    ]);
    expect(first[0]?.accept).toContain('application/graphql-response+json');

    const later: Exchange[] = [];
    const again = await client(later).query({ query });
    expect(again.data).toEqual(answer.data);
    expect(later.map(({ method, hasQuery, status, codes }) => ({ method, hasQuery, status, codes }))).toEqual([{ method: 'GET', hasQuery: false, status: 200, codes: [] }]);
  });

  it.each([
    ['NOT_FOUND', gql4`query ApolloFourMissing($slug: String!) { therapyPage(slug: $slug) { technique { name } } }`, { slug: 'no-such-technique' }],
    ['BAD_USER_INPUT', gql4`query ApolloFourTooMany { conditions(page: { pageSize: 101 }) { items { slug } } }`, {}],
  ])('hands %s to the site as a GraphQL error with its code, not as a network error', async (code, query, variables) => {
    const log: Exchange[] = [];
    const answer = await client(log).query({ query, variables, errorPolicy: 'all' });
    expect(CombinedGraphQLErrors.is(answer.error)).toBe(true);
    const errors = CombinedGraphQLErrors.is(answer.error) ? answer.error.errors : [];
    expect(errors.map((error) => error.extensions?.code)).toEqual([code]);
    expect(log.at(-1)?.status).toBe(200);
  });

  it('hands them over as GraphQL errors under Accept: */* too, as Apollo Client 3 sends it', async () => {
    const log: Exchange[] = [];
    const starry = new ApolloClient4({
      link: new HttpLink4({ uri: `${app.baseUrl}/graphql`, fetch: recordingFetch(log), headers: { ...siteHeaders(), accept: '*/*' } }),
      cache: new InMemoryCache4(),
    });
    const answer = await starry.query({
      query: gql4`query ApolloFourStarry($slug: String!) { therapyPage(slug: $slug) { technique { name } } }`,
      variables: { slug: 'no-such-technique' },
      errorPolicy: 'all',
    });
    expect(CombinedGraphQLErrors.is(answer.error)).toBe(true);
    expect(log.map(({ accept, status, codes }) => ({ accept, status, codes }))).toEqual([{ accept: '*/*', status: 200, codes: ['NOT_FOUND'] }]);
  });
});

describe('graphql-request', () => {
  const client = () => new GraphQLClient(`${app.baseUrl}/graphql`, { headers: { authorization: `Bearer ${key}` } });

  it('runs the generated typed documents', async () => {
    const profile = await client().request(ClinicProfileDocument, {});
    expect(profile.clinic.name).toBe(NORTHSIDE);
    const page = await client().request(TherapyPageDocument, { slug: MRT });
    expect(page.therapyPage.technique.name).toBe('Myofascial Release Therapy');
  });

  it('gets NOT_FOUND as a ClientError that carries the code, over HTTP 200', async () => {
    const failure = await client()
      .request(TherapyPageDocument, { slug: 'no-such-technique' })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(ClientError);
    const { response } = failure as ClientError;
    expect(response.status).toBe(200);
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
  });
});

describe("the client preset's persisted-documents mode", () => {
  /** What the client preset's docs tell a site to run: the document's id, never its text. */
  async function execute<TResult, TVariables>(input: {
    document: TypedDocumentNode<TResult, TVariables>;
    variables: TVariables;
    method: 'GET' | 'POST';
    id: (documentId: string) => string;
  }): Promise<{ status: number; data?: TResult; codes: Array<unknown> }> {
    const documentId = input.id(documentIdOf(input.document));
    const answer =
      input.method === 'POST'
        ? await send(app, { key, accept: 'application/graphql-response+json, application/json', body: { documentId, variables: input.variables } })
        : await send(app, { method: 'GET', key, accept: 'application/graphql-response+json, application/json', params: { documentId, variables: input.variables } });
    return { status: answer.status, data: answer.body?.data as TResult | undefined, codes: (answer.body?.errors ?? []).map((error) => error.extensions?.code) };
  }

  const withPrefix = (id: string) => id;
  const withoutPrefix = (id: string) => id.replace(/^sha256:/, '');

  it.each([
    ['POST {documentId}', 'with', 'POST', withPrefix],
    ['POST {documentId}', 'without', 'POST', withoutPrefix],
    ['GET ?documentId=', 'with', 'GET', withPrefix],
    ['GET ?documentId=', 'without', 'GET', withoutPrefix],
  ] as const)('serves %s %s the sha256: prefix', async (_form, _prefix, method, id) => {
    const profile = await execute({ document: ClinicProfileDocument, variables: {}, method, id });
    expect([profile.status, profile.codes]).toEqual([200, []]);
    expect(profile.data?.clinic.name).toBe(NORTHSIDE);
    const page = await execute({ document: TherapyPageDocument, variables: { slug: MRT }, method, id });
    expect([page.status, page.codes]).toEqual([200, []]);
    expect(page.data?.therapyPage.technique.name).toBe('Myofascial Release Therapy');
  });

  it.each([
    ['POST', 'with', withPrefix],
    ['POST', 'without', withoutPrefix],
    ['GET', 'with', withPrefix],
    ['GET', 'without', withoutPrefix],
  ] as const)('serves the manifest hash as an APQ sha256Hash over %s, %s the sha256: prefix', async (method, _prefix, id) => {
    const extensions = { persistedQuery: { version: 1, sha256Hash: id(documentIdOf(ClinicProfileDocument)) } };
    const answer =
      method === 'POST'
        ? await send(app, { key, body: { operationName: 'ClinicProfile', variables: {}, extensions } })
        : await send(app, { method: 'GET', key, params: { operationName: 'ClinicProfile', variables: {}, extensions } });
    expect([answer.status, answer.body?.errors]).toEqual([200, undefined]);
    expect((answer.body?.data as { clinic: { name: string } } | undefined)?.clinic.name).toBe(NORTHSIDE);
  });

  it('answers an unknown documentId with PERSISTED_QUERY_NOT_FOUND, as a GraphQL answer', async () => {
    for (const documentId of [`sha256:${'b'.repeat(64)}`, 'a'.repeat(64)]) {
      const post = await send(app, { key, body: { documentId } });
      const get = await send(app, { method: 'GET', key, params: { documentId } });
      for (const answer of [post, get]) {
        expect([answer.status, answer.body?.errors?.map((error) => error.extensions?.code)]).toEqual([200, ['PERSISTED_QUERY_NOT_FOUND']]);
      }
    }
  });
});
