/**
 * The pipeline's execution step: the resolved request handed to Apollo through its documented
 * executeHTTPGraphQLRequest integration API (Strapi 5 runs Koa 2, which Apollo's Koa integration
 * does not support), stopped at GRAPHQL_TIMEOUT_MS.
 */
import type { IncomingHttpHeaders } from 'http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { GraphQLContext } from './context';
import type { ResolvedRequest } from './operation-request';

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
}

/**
 * Runs one request; 'timeout' when it ran longer than `timeoutMs`. SQLite answers synchronously, so
 * the timer may only fire after the work is done: the elapsed time is checked as well.
 */
export async function executeWithTimeout(input: {
  apollo: ApolloServer<GraphQLContext>;
  method: string;
  headers: IncomingHttpHeaders;
  request: { search: string; body: unknown };
  context: () => Promise<GraphQLContext>;
  timeoutMs: number;
}): Promise<Executed | 'timeout'> {
  const { apollo, method, request, context, timeoutMs } = input;
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(input.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const started = performance.now();
  const execution = apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: { method: method.toUpperCase(), headers, ...request }, context });
  const response = await Promise.race([execution, timedOut]).finally(() => clearTimeout(timer));
  if (response === 'timeout' || performance.now() - started > timeoutMs) return 'timeout';
  let text: string;
  if (response.body.kind === 'complete') {
    text = response.body.string;
  } else {
    text = '';
    for await (const chunk of response.body.asyncIterator) text += chunk;
  }
  return { status: response.status ?? 200, headers: Object.fromEntries(response.headers), text };
}
