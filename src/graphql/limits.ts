/**
 * Query limits. Depth, aliases, directives and field suggestions through GraphQL Armor; tokens through
 * graphql-js's parser (maxTokens); cost
 * through graphql-query-complexity, computed with the request's variables so that list sizes multiply
 * (a page of 100 items costs 100 times its item); body size, batching and time at the HTTP layer
 * (server.ts). Each refusal has its own stable code (LIMIT_CODES) and a 4xx status.
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, getNamedType, isListType, isNonNullType, type GraphQLOutputType, type GraphQLSchema, type ValidationContext } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { LRUCache } from 'lru-cache';
import { MAX_PAGE_SIZE } from '../content/scope';
import { settings, type Settings } from '../settings';

export const LIMIT_CODES = {
  depth: 'DEPTH_LIMIT_EXCEEDED',
  aliases: 'ALIAS_LIMIT_EXCEEDED',
  directives: 'DIRECTIVE_LIMIT_EXCEEDED',
  tokens: 'TOKEN_LIMIT_EXCEEDED',
  cost: 'COST_LIMIT_EXCEEDED',
  body: 'BODY_TOO_LARGE',
  batch: 'BATCH_NOT_SUPPORTED',
  timeout: 'REQUEST_TIMEOUT',
} as const;

export type LimitCode = (typeof LIMIT_CODES)[keyof typeof LIMIT_CODES];

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
  /** The size assumed for a relation list (a technique's conditions…), which has no page argument. */
  relationListSize: number;
  maxBodyBytes: number;
  timeoutMs: number;
  /** Schema introspection (`__schema`, `__type`): on in development; sites get types/graphql/schema.graphql. */
  isIntrospectionEnabled: boolean;
}

/** The limits' view of the settings (GRAPHQL_*). */
export function queryLimits(from: Settings = settings()): QueryLimits {
  return {
    maxDepth: from.GRAPHQL_MAX_DEPTH,
    maxAliases: from.GRAPHQL_MAX_ALIASES,
    maxDirectives: from.GRAPHQL_MAX_DIRECTIVES,
    maxTokens: from.GRAPHQL_MAX_TOKENS,
    maxCost: from.GRAPHQL_MAX_COST,
    relationListSize: from.GRAPHQL_RELATION_LIST_SIZE,
    maxBodyBytes: from.GRAPHQL_MAX_BODY_BYTES,
    timeoutMs: from.GRAPHQL_TIMEOUT_MS,
    isIntrospectionEnabled: from.GRAPHQL_INTROSPECTION,
  };
}

/** A refusal with its code, carried through Apollo's wrapping (which keeps extensions). */
export function limitError(code: LimitCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { limit: code } });
}

const isList = (type: GraphQLOutputType): boolean => isListType(isNonNullType(type) ? type.ofType : type);

/**
 * A field costs 1 plus its selection; a list multiplies its selection by its size: the requested page
 * size for paginated lists, the assumed relation size otherwise.
 */
export function costEstimator(limits: QueryLimits): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    const returns = field.type;
    // A page's items: already counted by the list field that holds the page size.
    if (type.name.endsWith('List') && field.name === 'items') return 1 + childComplexity;
    const named = getNamedType(returns);
    if (named.name.endsWith('List') && 'getFields' in named && 'items' in (named as { getFields(): object }).getFields()) {
      const pageSize = (args.page as { pageSize?: number } | undefined)?.pageSize ?? 20;
      return 1 + childComplexity * Math.max(1, Math.min(Number(pageSize) || 1, MAX_PAGE_SIZE));
    }
    if (isList(returns)) return 1 + childComplexity * limits.relationListSize;
    return 1 + childComplexity;
  };
}

type CostDocument = Parameters<typeof getComplexity>[0]['query'];

/**
 * Costs already computed, per parsed document (Apollo keeps one object per document text) and per
 * operation name and variables: a site sends the same few documents with few variables, and the cost
 * walk over the document is a visible part of an uncached request. Bounded per document.
 */
const costs = new WeakMap<CostDocument, LRUCache<string, number>>();

export function operationCost(input: { schema: GraphQLSchema; document: CostDocument; variables?: Record<string, unknown>; operationName?: string; limits: QueryLimits }): number {
  let known = costs.get(input.document);
  if (known === undefined) {
    known = new LRUCache<string, number>({ max: 256 });
    costs.set(input.document, known);
  }
  const key = `${input.operationName ?? ''}\n${input.limits.relationListSize}\n${JSON.stringify(input.variables ?? {})}`;
  const cached = known.get(key);
  if (cached !== undefined) return cached;
  const cost = getComplexity({
    schema: input.schema,
    query: input.document,
    variables: input.variables ?? {},
    operationName: input.operationName,
    estimators: [costEstimator(input.limits)],
  });
  known.set(key, cost);
  return cost;
}

function reject(code: LimitCode) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    context?.reportError(limitError(code, error.message.replace(/^Syntax Error: /, '')));
  };
}

/** graphql-js's message when a document has more tokens than parseOptions.maxTokens allows. */
export const TOO_MANY_TOKENS = /Document contains more tha[nt] \d+ tokens/;

/** The error of an operation that costs more than GRAPHQL_MAX_COST with these variables; null when it does not. */
export function costRefusal(input: Parameters<typeof operationCost>[0]): GraphQLError | null {
  const { limits } = input;
  let total: number;
  try {
    total = operationCost(input);
  } catch {
    // Variables that do not fit, an operation the schema lacks: execution reports them as such.
    return null;
  }
  if (total <= limits.maxCost) return null;
  return new GraphQLError(`The query costs ${total}, more than the limit of ${limits.maxCost}: ask for fewer items or fewer nested lists.`, {
    extensions: { limit: LIMIT_CODES.cost, cost: total, maxCost: limits.maxCost, http: { status: 400 } },
  });
}

/** Apollo options and plugins that enforce the limits. Suggestions ("did you mean") only in development. */
export function limitProtection(limits: QueryLimits, options: { isDevelopment: boolean }): { plugins: ApolloServerPlugin[]; validationRules: Array<(context: ValidationContext) => unknown> } {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, propagateOnRejection: false, onReject: [reject(LIMIT_CODES.depth)] },
    maxAliases: { n: limits.maxAliases, propagateOnRejection: false, onReject: [reject(LIMIT_CODES.aliases)] },
    maxDirectives: { n: limits.maxDirectives, propagateOnRejection: false, onReject: [reject(LIMIT_CODES.directives)] },
    // Tokens are counted by graphql-js's own parser (Apollo's parseOptions.maxTokens, see server.ts).
    maxTokens: { enabled: false },
    // The cost limit below multiplies by list sizes; Armor's own does not.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: !options.isDevelopment },
  });
  const protection = armor.protect();
  const cost: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operation }) {
          if (operation !== undefined && operation.operation !== 'query') {
            throw new GraphQLError(`This API is read-only: it answers queries, not ${operation.operation}s.`, {
              extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
            });
          }
          const refusal = costRefusal({ schema, document, variables: request.variables ?? {}, operationName: request.operationName ?? undefined, limits });
          if (refusal !== null) throw refusal;
        },
      };
    },
  };
  return { plugins: [...protection.plugins, cost], validationRules: protection.validationRules as Array<(context: ValidationContext) => unknown> };
}
