/** GraphQL over real HTTP against a TestApp, as a clinic website would send it. */
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
