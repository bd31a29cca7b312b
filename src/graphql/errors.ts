/**
 * The error codes clients can rely on, and the mapping of everything else onto them. Internals (stack
 * traces, SQL, messages of unexpected errors) stay in the log; clients get INTERNAL and a request id.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { PageRequestError } from '../content/scope';
import { LIMIT_CODES, TOO_MANY_TOKENS } from './limits';
import { isDatabaseUnavailable, UNAVAILABLE_MESSAGE } from '../database/unavailable';
import { statusOfCode } from '../http/status';

export const ERROR_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'CURSOR_EXPIRED', 'CLINIC_HAS_NO_WEBSITE', 'INTERNAL'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Codes whose status is carried on the error itself: they are thrown while the context is made, where
 * Apollo's status plugins do not run (http-semantics.ts decides every other status).
 */
const CARRIES_STATUS = new Set<ErrorCode>(['UNAUTHENTICATED', 'FORBIDDEN']);

/** `details`: further extensions clients may rely on, such as UNAUTHENTICATED's `reason`. */
export function clientError(code: Exclude<ErrorCode, 'INTERNAL'>, message: string, details: Record<string, string> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...details, ...(CARRIES_STATUS.has(code) ? { http: { status: statusOfCode(code) } } : {}) } });
}

/** Apollo's own codes for a request the client got wrong. */
const CLIENT_MISTAKES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** Codes of the automatic persisted queries protocol, kept as they are. */
export const PERSISTED_QUERY_PROTOCOL = new Set(['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED']);

export function createErrorFormatter(log: (error: unknown) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code;
    if (original instanceof PageRequestError) {
      return { ...formatted, message: original.message, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
    }
    if (typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code) && code !== 'INTERNAL') {
      const { http: _http, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    if (formatted.extensions?.code === 'SERVICE_UNAVAILABLE' || isDatabaseUnavailable(original) || isDatabaseUnavailable(error)) {
      log(original);
      return { message: UNAVAILABLE_MESSAGE, extensions: { code: 'SERVICE_UNAVAILABLE' } };
    }
    const limit = formatted.extensions?.limit;
    if (typeof limit === 'string' && (Object.values(LIMIT_CODES) as string[]).includes(limit)) {
      const { http: _http, limit: _limit, stacktrace: _stack, ...rest } = formatted.extensions ?? {};
      return { message: formatted.message, locations: formatted.locations, extensions: { ...rest, code: limit } };
    }
    if (code === 'GRAPHQL_PARSE_FAILED' && TOO_MANY_TOKENS.test(formatted.message)) {
      return { message: formatted.message.replace(/^Syntax Error: /, ''), extensions: { code: LIMIT_CODES.tokens } };
    }
    if (typeof code === 'string' && PERSISTED_QUERY_PROTOCOL.has(code)) {
      // Automatic-persisted-query clients resend the full document on exactly this code.
      return formatted;
    }
    if (typeof code === 'string' && CLIENT_MISTAKES.has(code)) {
      return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT', reason: code } };
    }
    log(original);
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL', ...(formatted.extensions?.stacktrace ? { stacktrace: formatted.extensions.stacktrace } : {}) },
    };
  };
}
