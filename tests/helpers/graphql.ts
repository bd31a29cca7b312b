/** GraphQL over real HTTP against a TestApp, as a clinic website would send it. */
import { request } from 'http';
import type { TestApp } from './strapi';

export interface GraphQLResponse<T = any> {
  status: number;
  headers: Headers;
  body: { data?: T; errors?: Array<{ message: string; extensions?: { code?: string; [key: string]: unknown } }> };
}

export async function graphql<T = any>(
  app: TestApp,
  input: { key?: string | null; query: string; variables?: Record<string, unknown> },
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${app.baseUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(input.key ? { authorization: `Bearer ${input.key}` } : {}),
    },
    body: JSON.stringify({ query: input.query, variables: input.variables ?? {} }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse<T>['body'] };
}

export function errorCodes(response: GraphQLResponse): Array<string | undefined> {
  return (response.body.errors ?? []).map((error) => error.extensions?.code);
}

/** An answer as the wire carried it: status, headers, raw text, and the body when it is JSON. */
export interface WireAnswer {
  status: number;
  headers: Headers;
  text: string;
  body: GraphQLResponse['body'] | null;
}

/**
 * One /graphql request with full control of what goes on the wire (node:http, since fetch adds an
 * Accept header of its own): GET (params become the query string, objects as JSON) or POST (an object
 * body is sent as JSON, a string as it is), the key, the Accept header (null or absent: none) and any
 * other header. GETs carry Apollo's CSRF preflight header, as a site's server does, unless `headers`
 * overrides it.
 */
export async function send(
  app: TestApp,
  input: {
    method?: 'GET' | 'POST';
    key?: string | null;
    accept?: string | null;
    body?: unknown;
    params?: Record<string, unknown>;
    headers?: Record<string, string>;
  },
): Promise<WireAnswer> {
  const method = input.method ?? 'POST';
  const headers: Record<string, string> = {
    ...(input.key ? { authorization: `Bearer ${input.key}` } : {}),
    ...(typeof input.accept === 'string' ? { accept: input.accept } : {}),
    ...(method === 'GET' ? { 'apollo-require-preflight': 'true' } : { 'content-type': 'application/json' }),
    ...input.headers,
  };
  let path = '/graphql';
  if (input.params !== undefined) {
    const search = new URLSearchParams(Object.entries(input.params).map(([name, value]): [string, string] => [name, typeof value === 'string' ? value : JSON.stringify(value)]));
    path += `?${search}`;
  }
  const payload = method === 'POST' ? (typeof input.body === 'string' ? input.body : JSON.stringify(input.body ?? {})) : undefined;
  const { port } = new URL(app.baseUrl);
  const answer = await new Promise<{ status: number; headers: Headers; text: string }>((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port: Number(port), path, method, headers: payload === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(payload)) } }, (incoming) => {
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => (text += chunk));
      incoming.on('end', () => {
        const received = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          if (value !== undefined) received.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        resolve({ status: incoming.statusCode ?? 0, headers: received, text });
      });
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
  let body: GraphQLResponse['body'] | null = null;
  try {
    body = answer.text === '' ? null : (JSON.parse(answer.text) as GraphQLResponse['body']);
  } catch {
    body = null;
  }
  return { ...answer, body };
}
