/**
 * Reads what a GraphQL-over-HTTP request asks for — a document, or a persisted document by id — from a
 * GET's search parameters or a POST's JSON body, in every form site clients send:
 * - `query` (plain), optionally with APQ's `extensions.persistedQuery.sha256Hash` (registers it);
 * - APQ's hash alone (`extensions.persistedQuery.sha256Hash`, Apollo Client's persisted-query link);
 * - `documentId` (the GraphQL-over-HTTP persisted-documents form the codegen client preset sends);
 * ids with or without the `sha256:` prefix. The answer is a plain request for Apollo (the document
 * resolved, the persistedQuery extension taken off) or a refusal with its status and code.
 */
import { LRUCache } from 'lru-cache';
import { normalizeDocumentId, sha256Hex, type PersistedDocuments } from './persisted-documents';

export interface RequestFields {
  query?: unknown;
  documentId?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

/** A JSON search parameter that could not be parsed. */
export const UNREADABLE = Symbol('unreadable');

function jsonParam(text: string | null): unknown {
  if (text === null || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return UNREADABLE;
  }
}

export function fieldsFromSearch(search: URLSearchParams): RequestFields {
  return {
    query: search.get('query') ?? undefined,
    documentId: search.get('documentId') ?? undefined,
    operationName: search.get('operationName') ?? undefined,
    variables: jsonParam(search.get('variables')),
    extensions: jsonParam(search.get('extensions')),
  };
}

export interface ResolvedRequest {
  kind: 'document';
  /** sha256 hex of the document. */
  hash: string;
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
  /** Extensions other than persistedQuery, as sent. */
  extensions: Record<string, unknown> | undefined;
  /** The client sent the document with its hash: it is to be registered. */
  isRegistration: boolean;
}

export interface RequestRefusal {
  kind: 'refusal';
  status: number;
  code: string;
  message: string;
}

export interface UnknownDocument {
  kind: 'unknown-document';
  id: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function refusal(code: string, message: string, status = 400): RequestRefusal {
  return { kind: 'refusal', status, code, message };
}

/** The hashes of the documents sites send (the same few, again and again), bounded by their size. */
const hashes = new LRUCache<string, string>({ maxSize: 4 * 1024 * 1024, sizeCalculation: (_hash, text) => text.length + 64 });

function hashOf(text: string): string {
  let hash = hashes.get(text);
  if (hash === undefined) {
    hash = sha256Hex(text);
    hashes.set(text, hash);
  }
  return hash;
}

export async function resolveRequest(fields: RequestFields, documents: PersistedDocuments): Promise<ResolvedRequest | RequestRefusal | UnknownDocument> {
  const { query, documentId, operationName, variables, extensions } = fields;
  if (variables === UNREADABLE || extensions === UNREADABLE) {
    return refusal('MALFORMED_REQUEST', 'The `variables` and `extensions` search parameters must be JSON objects.');
  }
  if (query !== undefined && query !== null && typeof query !== 'string') return refusal('MALFORMED_REQUEST', '`query` must be a string holding a GraphQL document.');
  if (documentId !== undefined && documentId !== null && typeof documentId !== 'string') return refusal('MALFORMED_REQUEST', '`documentId` must be a string such as "sha256:<hex>".');
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return refusal('MALFORMED_REQUEST', '`operationName` must be a string.');
  if (variables !== undefined && variables !== null && !isRecord(variables)) return refusal('MALFORMED_REQUEST', '`variables` must be an object.');
  if (extensions !== undefined && extensions !== null && !isRecord(extensions)) return refusal('MALFORMED_REQUEST', '`extensions` must be an object.');

  const { persistedQuery, ...otherExtensions } = isRecord(extensions) ? extensions : {};
  let persistedHash: string | undefined;
  if (persistedQuery !== undefined && persistedQuery !== null) {
    const version = isRecord(persistedQuery) ? persistedQuery.version : undefined;
    if (version !== undefined && version !== 1) return refusal('MALFORMED_REQUEST', `\`extensions.persistedQuery.version\` ${JSON.stringify(version)} is not supported: the only version is 1.`);
    const given = isRecord(persistedQuery) ? persistedQuery.sha256Hash : undefined;
    if (typeof given !== 'string') return refusal('MALFORMED_REQUEST', '`extensions.persistedQuery.sha256Hash` must be the sha256 hex digest of the document.');
    const bare = normalizeDocumentId(given);
    if (bare === null) return refusal('MALFORMED_REQUEST', `\`extensions.persistedQuery.sha256Hash\` "${given}" is not a sha256 hex digest (64 hex digits, optionally after "sha256:").`);
    persistedHash = bare;
  }
  const text = typeof query === 'string' && query !== '' ? query : undefined;
  const id = typeof documentId === 'string' && documentId !== '' ? documentId : undefined;
  if (id !== undefined && (text !== undefined || persistedHash !== undefined)) {
    return refusal('MALFORMED_REQUEST', 'Send either `documentId` or a `query` (with or without a persistedQuery hash), not both.');
  }
  const rest = {
    operationName: typeof operationName === 'string' ? operationName : undefined,
    variables: isRecord(variables) ? variables : undefined,
    extensions: Object.keys(otherExtensions).length > 0 ? otherExtensions : undefined,
  };

  if (text !== undefined) {
    const hash = hashOf(text);
    if (persistedHash !== undefined && persistedHash !== hash) {
      return refusal('PERSISTED_QUERY_HASH_MISMATCH', `The persistedQuery hash ${persistedHash} is not the sha256 of the query sent (${hash}); send the document's own hash.`);
    }
    return { kind: 'document', hash, query: text, ...rest, isRegistration: persistedHash !== undefined };
  }
  const wanted = id ?? persistedHash;
  if (wanted === undefined) {
    return refusal('MALFORMED_REQUEST', 'A GraphQL request needs a `query`, a `documentId` or an `extensions.persistedQuery` hash.');
  }
  const bare = normalizeDocumentId(wanted);
  if (bare === null) return { kind: 'unknown-document', id: wanted };
  const document = await documents.find(bare);
  if (document === undefined) return { kind: 'unknown-document', id: wanted };
  return { kind: 'document', hash: bare, query: document, ...rest, isRegistration: false };
}
