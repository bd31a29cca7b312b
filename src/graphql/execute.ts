/**
 * The pipeline's execution step, stopped at GRAPHQL_TIMEOUT_MS: an operation Apollo executed before
 * runs again without its pipeline (prepared.ts); anything else, and any answer with errors, is handed
 * to Apollo through its documented executeHTTPGraphQLRequest integration API (Strapi 5 runs Koa 2,
 * which Apollo's Koa integration does not support).
 */
import type { IncomingHttpHeaders } from 'http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { GraphQLContext } from './context';
import type { ResponseMedia } from './http-semantics';
import type { ResolvedRequest } from './operation-request';
import type { PreparedOperations } from './prepared';

/** The request as Apollo is given it: the document resolved, no persistedQuery extension (APQ is ours). */
export function apolloRequest(method: string, resolved: ResolvedRequest): { search: string; body: unknown } {
  const { query, operationName, variables, extensions } = resolved;
  if (method === 'GET') {
    const search = new URLSearchParams({ query });
    if (operationName !== undefined) search.set('operationName', operationName);
    if (variables !== undefined) search.set('variables', JSON.stringify(variables));
    if (extensions !== undefined) search.set('extensions', JSON.stringify(extensions));
    return { search: `?${search.toString()}`, body: undefined };
  }
  // Apollo refuses keys present with the value undefined: only the fields that are there.
  const body: Record<string, unknown> = { query };
  if (operationName !== undefined) body.operationName = operationName;
  if (variables !== undefined) body.variables = variables;
  if (extensions !== undefined) body.extensions = extensions;
  return { search: '', body };
}

export interface Executed {
  status: number;
  /** Apollo's response headers (lower-case names). */
  headers: Record<string, string>;
  text: string;
  /** Who executed it: a prepared run (prepared.ts: never an answer with errors) or Apollo. */
  via: 'prepared' | 'apollo';
}

/**
 * Runs one request; 'timeout' when it ran longer than `timeoutMs`. SQLite answers synchronously, so
 * the timer may only fire after the work is done: the elapsed time is checked as well.
 */
export async function executeWithTimeout(input: {
  apollo: ApolloServer<GraphQLContext>;
  prepared: PreparedOperations;
  method: string;
  headers: IncomingHttpHeaders;
  /** The document resolved; null when there is none to run (Apollo answers). */
  resolved: ResolvedRequest | null;
  /** The request as Apollo is given it. */
  request: { search: string; body: unknown };
  media: ResponseMedia | null;
  context: () => Promise<GraphQLContext>;
  timeoutMs: number;
}): Promise<Executed | 'timeout'> {
  const { timeoutMs } = input;
  // Made once: an answer left to Apollo after a prepared run reuses it, and what its scope read.
  let context: Promise<GraphQLContext> | undefined;
  const once = () => (context ??= input.context());
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const started = performance.now();
  const execution = (async () => {
    const prepared = input.resolved === null ? null : await input.prepared.run({ method: input.method, headers: input.headers, resolved: input.resolved, media: input.media, context: once });
    return prepared === null ? viaApollo({ ...input, context: once }) : { ...prepared, via: 'prepared' as const };
  })();
  const response = await Promise.race([execution, timedOut]).finally(() => clearTimeout(timer));
  if (response === 'timeout' || performance.now() - started > timeoutMs) return 'timeout';
  return response;
}

async function viaApollo(input: {
  apollo: ApolloServer<GraphQLContext>;
  method: string;
  headers: IncomingHttpHeaders;
  request: { search: string; body: unknown };
  context: () => Promise<GraphQLContext>;
}): Promise<Executed> {
  const { apollo, method, request, context } = input;
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(input.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: { method: method.toUpperCase(), headers, ...request }, context });
  let text: string;
  if (response.body.kind === 'complete') {
    text = response.body.string;
  } else {
    text = '';
    for await (const chunk of response.body.asyncIterator) text += chunk;
  }
  return { status: response.status ?? 200, headers: Object.fromEntries(response.headers), text, via: 'apollo' };
}
