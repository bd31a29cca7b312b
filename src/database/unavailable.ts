/**
 * Whether an error means the database cannot be reached right now (stopped, restarting, network cut,
 * pool exhausted) rather than a fault of the request or of this service: such requests get 503
 * SERVICE_UNAVAILABLE with Retry-After, and the service keeps running and reconnects by itself.
 */
import { GraphQLError } from 'graphql';

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** PostgreSQL SQLSTATE classes 08 (connection exception) and 57P (operator intervention). */
const SQLSTATE = /^(08...|57P0[1-4])$/;
const MESSAGES = /Connection terminated|connection (?:is )?closed|Timeout acquiring a connection|the database system is (?:starting up|shutting down)|Client has encountered a connection error/i;

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > 5) return false;
  const { code, name, message, originalError, cause } = error as { code?: unknown; name?: unknown; message?: unknown; originalError?: unknown; cause?: unknown };
  if (typeof code === 'string' && (NETWORK.has(code) || SQLSTATE.test(code))) return true;
  if (name === 'KnexTimeoutError') return true;
  if (typeof message === 'string' && MESSAGES.test(message)) return true;
  return isDatabaseUnavailable(originalError, depth + 1) || isDatabaseUnavailable(cause, depth + 1);
}

export const UNAVAILABLE_MESSAGE = 'The service cannot reach its database right now; try again in a few seconds.';

export function unavailableError(): GraphQLError {
  return new GraphQLError(UNAVAILABLE_MESSAGE, {
    extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503, headers: new Map([['retry-after', '5']]) } },
  });
}
