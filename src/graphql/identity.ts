/**
 * What identifies a /graphql answer in the response cache, and which requests may be answered from
 * it: the caller's clinic, the response media type and the operation as sent. Kept apart from the
 * pipeline so the early path (before Koa) and the pipeline compute the same identity.
 */
import type { IncomingHttpHeaders } from 'http';
import type { AuthenticatedKey } from '../clinics/keys';
import { contentTypeOf, type ResponseMedia } from './http-semantics';
import type { ResolvedRequest } from './operation-request';

/** The operation a request names, as far as the cache needs it. */
export interface Operation {
  /** sha256 of the document (the APQ hash), hex. */
  hash: string;
  operationName: string | null;
  variables: unknown;
}

/** Objects with their keys sorted, at every depth: `{b,a}` and `{a,b}` are one set of variables. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value;
}

export function operationOf(resolved: ResolvedRequest): Operation {
  return { hash: resolved.hash, operationName: resolved.operationName ?? null, variables: canonical(resolved.variables ?? {}) };
}

/**
 * The cache identity of an answer for a live key: for a GET the raw query string (so a hit needs no
 * parsing; only answers to resolved, checked requests are ever stored under it), for a POST the
 * document's hash, operation name and variables. `configuration`: settings that change answers without
 * being in the request (instances that differ in them do not share entries). Null when the answer must
 * not be cached (no caller, a preview key, a POST without a document).
 */
export function identityOf(input: {
  configuration: string;
  caller: AuthenticatedKey | null;
  media: ResponseMedia;
  method: string;
  rawQuery: string;
  operation: Operation | null;
}): string | null {
  const { configuration, caller, media, method, rawQuery, operation } = input;
  if (caller === null || caller.kind !== 'public') return null;
  if (method === 'GET') return `g\n${configuration}\n${media}\n${caller.clinicDocumentId}\n${rawQuery}`;
  if (operation === null) return null;
  return `p\n${configuration}\n${media}\n${caller.clinicDocumentId}\n${operation.hash}\n${operation.operationName ?? ''}\n${JSON.stringify(operation.variables)}`;
}

/**
 * Apollo's CSRF prevention rule for GETs: a request a browser could send cross-site without a
 * preflight is not answered from the cache either (Apollo refuses it).
 */
export function passesCsrfCheck(headers: IncomingHttpHeaders): boolean {
  const type = contentTypeOf(headers);
  if (type !== undefined && type !== '' && !['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'].includes(type)) return true;
  return Boolean(headers['apollo-require-preflight']) || Boolean(headers['x-apollo-operation-name']);
}
