/**
 * Persisted documents: the GraphQL documents a request may name by hash instead of sending them.
 *
 * Two sources: the committed manifest (types/graphql/client/persisted-documents.json, append-only, so a
 * site built against an earlier release keeps working) and registrations — automatic persisted queries,
 * where a client sends a document once together with its sha256 hash. Registrations live in this
 * process (a bounded LRU) and, when REDIS_URL is set, in Redis with a TTL, so that a hash registered on
 * one instance is known on all of them. Both bounds matter: any key holder can register documents.
 *
 * Ids are sha256 hex digests, accepted with or without the `sha256:` prefix the client preset writes.
 */
import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

const HEX_ID = /^[0-9a-f]{64}$/;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The bare hex id of `sha256:<hex>` or `<hex>` (any case); null when it is neither. */
export function normalizeDocumentId(id: string): string | null {
  const bare = (id.startsWith('sha256:') ? id.slice('sha256:'.length) : id).toLowerCase();
  return HEX_ID.test(bare) ? bare : null;
}

export interface PersistedDocuments {
  /** The document with this (normalized) id: manifest first, then this process, then Redis. */
  find(id: string): Promise<string | undefined>;
  /** Known without asking Redis (the manifest or this process's registrations). */
  findLocal(id: string): string | undefined;
  /** Registers a document under its hash; the caller has checked that the hash is the document's. */
  register(id: string, document: string): Promise<void>;
}

export function readManifest(file: string): Map<string, string> {
  let entries: Record<string, unknown>;
  try {
    entries = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`Cannot read the persisted-documents manifest ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const manifest = new Map<string, string>();
  for (const [id, document] of Object.entries(entries)) {
    const bare = normalizeDocumentId(id);
    if (bare === null || typeof document !== 'string') throw new Error(`The persisted-documents manifest ${file} has an entry that is not "<sha256 hex>": "<document>" (${id}).`);
    manifest.set(bare, document);
  }
  return manifest;
}

export function createPersistedDocuments(input: {
  manifestFile: string;
  redis: Redis | null;
  prefix: string;
  ttlSeconds: number;
  maxLocal: number;
  warn: (message: string) => void;
}): PersistedDocuments {
  const manifest = readManifest(input.manifestFile);
  const registered = new LRUCache<string, string>({ max: input.maxLocal, ttl: input.ttlSeconds * 1000 });
  const { redis } = input;
  const redisKey = (id: string) => `${input.prefix}:apq:${id}`;
  let warnedAt = 0;
  const warnOnce = (what: string, error: unknown) => {
    // Redis being away is reported by the cache already; one line a minute is enough here.
    if (Date.now() - warnedAt < 60_000) return;
    warnedAt = Date.now();
    input.warn(`Persisted-query registrations: ${what} failed (${error instanceof Error ? error.message : String(error)}); this instance keeps its own.`);
  };

  const findLocal = (id: string) => manifest.get(id) ?? registered.get(id);
  return {
    findLocal,
    async find(id) {
      const local = findLocal(id);
      if (local !== undefined || redis === null) return local;
      try {
        const shared = await redis.get(redisKey(id));
        if (shared === null) return undefined;
        // Stored only after the hash was checked; checked again, as Redis is shared with other software.
        if (sha256Hex(shared) !== id) return undefined;
        registered.set(id, shared);
        return shared;
      } catch (error) {
        warnOnce('a read from Redis', error);
        return undefined;
      }
    },
    async register(id, document) {
      if (manifest.has(id) || registered.has(id)) return;
      registered.set(id, document);
      if (redis === null) return;
      try {
        await redis.set(redisKey(id), document, 'EX', input.ttlSeconds);
      } catch (error) {
        warnOnce('a write to Redis', error);
      }
    },
  };
}
