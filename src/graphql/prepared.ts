/**
 * Operations Apollo has accepted once run again straight through graphql-js: Apollo's request
 * pipeline (hashing and looking up the document, its plugin hooks, the HTTP checks) is work whose
 * answer is known for a document it parsed, validated and let past the limits before.
 *
 * Apollo stays the one that answers anything else, so every refusal and error keeps its form: a
 * document not seen yet, a request Apollo would refuse before execution (its HTTP checks), variables
 * the cost limit refuses, and any result with errors (which Apollo answers again, from the same
 * context, whose scope holds what was read). A prepared run answers only a result with data and no
 * errors, as Apollo would: status 200, its media type, `{"data":…}` and a newline.
 */
import type { IncomingHttpHeaders } from 'http';
import type { ApolloServerPlugin } from '@apollo/server';
import { execute, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { GraphQLContext } from './context';
import { contentTypeOf, MEDIA_TYPES, type ResponseMedia } from './http-semantics';
import { passesCsrfCheck } from './identity';
import { costRefusal, type QueryLimits } from './limits';
import type { ResolvedRequest } from './operation-request';

/** An answer as Apollo gives it: status 200, its Content-Type, the response text. */
export interface PreparedAnswer {
  status: 200;
  headers: Record<string, string>;
  text: string;
}

export interface PreparedOperations {
  /** The Apollo plugin that notes the operations Apollo executes. */
  readonly plugin: ApolloServerPlugin<GraphQLContext>;
  /** The answer to an operation Apollo executed before, when it has no errors; null: Apollo is to answer. */
  run(input: { method: string; headers: IncomingHttpHeaders; resolved: ResolvedRequest; media: ResponseMedia | null; context: () => Promise<GraphQLContext> }): Promise<PreparedAnswer | null>;
}

/** Distinct documents kept (each is held by Apollo's own document store as well). */
const MAX_PREPARED = 1000;

const keyOf = (query: string, operationName: string | null | undefined) => `${operationName ?? ''}\n${query}`;

/**
 * Beyond what resolveRequest checks of the fields (operation-request.ts), Apollo refuses a request
 * before execution unless these hold (its runHttpQuery and preventCsrf).
 */
function passesApolloChecks(method: string, headers: IncomingHttpHeaders): boolean {
  const type = contentTypeOf(headers);
  if (method === 'POST') return type === 'application/json';
  if (method === 'GET') return (type === undefined || type === 'application/json') && passesCsrfCheck(headers);
  return false;
}

/** `schema`: the one Apollo serves. */
export function createPreparedOperations(input: { schema: GraphQLSchema; limits: QueryLimits }): PreparedOperations {
  const { schema, limits } = input;
  const accepted = new LRUCache<string, DocumentNode>({ max: MAX_PREPARED });

  return {
    plugin: {
      async requestDidStart() {
        return {
          // Reached past parsing, validation and every didResolveOperation hook (the limits); also, with
          // no operation, when none could be chosen (execution reports that).
          async executionDidStart({ request, document, operation }) {
            if ((operation as typeof operation | undefined)?.operation === 'query' && typeof request.query === 'string') accepted.set(keyOf(request.query, request.operationName), document);
          },
        };
      },
    },

    async run({ method, headers, resolved, media, context }) {
      const document = accepted.get(keyOf(resolved.query, resolved.operationName));
      if (document === undefined || media === null || !passesApolloChecks(method, headers)) return null;
      const variables = (resolved.variables ?? {}) as Record<string, unknown>;
      const operationName = resolved.operationName ?? undefined;
      if (costRefusal({ schema, document, variables, operationName, limits }) !== null) return null;
      let contextValue: GraphQLContext;
      try {
        contextValue = await context();
      } catch {
        return null;
      }
      let result: ExecutionResult;
      try {
        result = await execute({ schema, document, variableValues: variables, operationName, contextValue });
      } catch {
        return null;
      }
      if (result.errors !== undefined || result.data === undefined || result.data === null || result.extensions !== undefined) return null;
      return { status: 200, headers: { 'content-type': MEDIA_TYPES[media] }, text: `${JSON.stringify({ data: result.data })}\n` };
    },
  };
}
