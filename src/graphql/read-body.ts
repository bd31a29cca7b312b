/**
 * The pipeline's first step, where the request still is a Node stream: a POST's JSON body read with
 * the one body limit (GRAPHQL_MAX_BODY_BYTES; refused from Content-Length before reading, and while
 * reading a chunked body), with GraphQL-shaped answers for what cannot be read.
 */
import type { IncomingMessage } from 'http';
import getRawBody from 'raw-body';
import type { EarlyHandler } from '../http/front-door';
import { refusal, sendAnswer, type GraphQLAnswer } from './answer';
import { contentTypeOf, graphqlQueryOf } from './http-semantics';
import { LIMIT_CODES } from './limits';

export type BodyRead = { kind: 'read'; body: unknown } | { kind: 'refused'; answer: GraphQLAnswer };

function isJson(request: IncomingMessage): boolean {
  return contentTypeOf(request.headers) === 'application/json';
}

/** A body over the limit, known from its Content-Length alone; null when the length is within it or unknown. */
export function tooLargeByLength(request: IncomingMessage, maxBodyBytes: number): GraphQLAnswer | null {
  if (request.method !== 'POST') return null;
  const length = Number(request.headers['content-length'] ?? 0);
  if (!(length > maxBodyBytes)) return null;
  return refusal({ status: 413, code: LIMIT_CODES.body, message: `The request body has ${length} bytes, more than the limit of ${maxBodyBytes}.` });
}

/** Other content types reach Apollo without a body, which refuses them (CSRF prevention, 400). */
export async function readBody(request: IncomingMessage, maxBodyBytes: number): Promise<BodyRead> {
  if (request.method !== 'POST' || !isJson(request)) return { kind: 'read', body: undefined };
  let text: string;
  try {
    text = await getRawBody(request, { limit: maxBodyBytes, length: request.headers['content-length'], encoding: 'utf8' });
  } catch (error) {
    if ((error as { type?: string }).type === 'entity.too.large') {
      return { kind: 'refused', answer: refusal({ status: 413, code: LIMIT_CODES.body, message: `The request body is larger than the limit of ${maxBodyBytes} bytes.` }) };
    }
    return { kind: 'refused', answer: refusal({ status: 400, code: 'MALFORMED_REQUEST', message: 'The request body could not be read (its length did not match Content-Length, or it was not UTF-8).' }) };
  }
  try {
    return { kind: 'read', body: JSON.parse(text) };
  } catch {
    return { kind: 'refused', answer: refusal({ status: 400, code: 'MALFORMED_JSON', message: 'The request body is not valid JSON. Send {"query": "...", "variables": {...}}.' }) };
  }
}

/** For the front door: a /graphql POST whose Content-Length is over the limit, refused before it is read. */
export function refuseLargeBodyEarly(maxBodyBytes: number): EarlyHandler {
  return (request, response) => {
    if (graphqlQueryOf(request.url) === null) return false;
    const answer = tooLargeByLength(request, maxBodyBytes);
    if (answer === null) return false;
    sendAnswer(response, answer, { Connection: 'close' });
    request.resume();
    return true;
  };
}
