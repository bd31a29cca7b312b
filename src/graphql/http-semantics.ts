/**
 * What GraphQL over HTTP says about media types and statuses, in one place (the spec's
 * "application/json" legacy rules and its "application/graphql-response+json" rules):
 *
 * - whatever the Accept header: 401 for a missing, unknown, revoked or expired key (with
 *   WWW-Authenticate), 413, 429, 503, 405 for a mutation over GET, 400 for a request that is not a
 *   GraphQL request (body not JSON, no query / documentId / persistedQuery) and for
 *   PERSISTED_QUERY_HASH_MISMATCH;
 * - application/json (also no Accept, or *\/*): 200 for every well-formed GraphQL response, errors
 *   included, so that clients read `errors[].extensions.code` instead of a network error;
 * - application/graphql-response+json: 400 when the request failed before execution (parse,
 *   validation, variable coercion: no `data`), 200 whenever `data` is present, even null.
 */
import type { IncomingHttpHeaders } from 'http';
import type { ApolloServerPlugin } from '@apollo/server';
import Negotiator from 'negotiator';
import { WWW_AUTHENTICATE } from '../http/bearer';
import { statusOfCode } from '../http/status';

/** Where the API answers. */
export const GRAPHQL_PATH = '/graphql';

/** A request URL's query string (without `?`, '' when it has none) when its path is GRAPHQL_PATH; null for any other path. */
export function graphqlQueryOf(url: string | undefined): string | null {
  const path = url ?? '';
  const queryStart = path.indexOf('?');
  if ((queryStart === -1 ? path : path.slice(0, queryStart)) !== GRAPHQL_PATH) return null;
  return queryStart === -1 ? '' : path.slice(queryStart + 1);
}

/** A request's Content-Type without its parameters, lower case; undefined when it has none. */
export function contentTypeOf(headers: IncomingHttpHeaders): string | undefined {
  return headers['content-type']?.split(';')[0]?.trim().toLowerCase();
}

export const MEDIA_TYPES = {
  json: 'application/json; charset=utf-8',
  graphqlResponse: 'application/graphql-response+json; charset=utf-8',
} as const;

export type ResponseMedia = keyof typeof MEDIA_TYPES;

/** Accept headers seen, and their answers: clients send few distinct ones, and cache hits are hot. */
const negotiated = new Map<string, ResponseMedia | null>();

/** The response media type for an Accept header, as Apollo chooses it; null when neither is acceptable. */
export function responseMedia(accept: string | undefined): ResponseMedia | null {
  if (accept === undefined || accept === '' || accept === '*/*' || accept === 'application/json') return 'json';
  const known = negotiated.get(accept);
  if (known !== undefined) return known;
  const preferred = new Negotiator({ headers: { accept } }).mediaType(['application/json', 'application/graphql-response+json']);
  const media = preferred === 'application/json' ? 'json' : preferred === 'application/graphql-response+json' ? 'graphqlResponse' : null;
  if (negotiated.size >= 256) negotiated.clear();
  negotiated.set(accept, media);
  return media;
}

/** Statuses that say something about the request itself; GraphQL errors never replace them. */
const REQUEST_LEVEL = new Set([405, 406, 408, 413, 415, 429]);

/** Codes whose status (src/http/status.ts) does not depend on Accept (see the header of this file). */
const ACCEPT_INDEPENDENT = new Set(['UNAUTHENTICATED', 'SERVICE_UNAVAILABLE', 'PERSISTED_QUERY_HASH_MISMATCH']);

export function graphqlStatus(input: {
  media: ResponseMedia;
  /** What Apollo set (400 for parse and validation failures, 500 for unexpected ones). */
  current: number | undefined;
  hasData: boolean;
  codes: string[];
}): number {
  const { media, current, hasData, codes } = input;
  if (current !== undefined && REQUEST_LEVEL.has(current)) return current;
  for (const status of [401, 503, 400]) {
    if (codes.some((code) => ACCEPT_INDEPENDENT.has(code) && statusOfCode(code) === status)) return status;
  }
  // Nothing was executed and nothing went wrong on the client's side: a failure of ours.
  if (!hasData && codes.length > 0 && codes.every((code) => code === 'INTERNAL')) return 500;
  if (media === 'json' || hasData) return 200;
  if (codes.includes('PERSISTED_QUERY_NOT_FOUND')) return 200;
  return 400;
}

/** Applies graphqlStatus to every answer Apollo produces. */
export const statusByMediaType: ApolloServerPlugin = {
  async requestDidStart({ request }) {
    const media = responseMedia(request.http?.headers.get('accept')) ?? 'json';
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        const errors = result.errors ?? [];
        if (errors.length === 0) return;
        const codes = errors.map((error) => String(error.extensions?.code ?? 'INTERNAL'));
        const status = graphqlStatus({ media, current: response.http.status, hasData: 'data' in result && result.data !== undefined, codes });
        response.http.status = status;
        if (status === 503) response.http.headers.set('retry-after', '5');
        if (status === 401) response.http.headers.set('www-authenticate', WWW_AUTHENTICATE);
      },
    };
  },
};

/** A GraphQL-shaped answer with one error, for refusals made before Apollo runs. */
export function errorBody(code: string, message: string, extensions: Record<string, unknown> = {}): string {
  return JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] });
}
