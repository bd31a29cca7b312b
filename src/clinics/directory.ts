/**
 * What every API request needs before it reads content — which clinic a key belongs to, the service's
 * locales and the calling clinic's own data — kept in memory, so that a request spends its statements
 * on content only.
 *
 * Writes made through this process (admin, Document Service, `strapi.db`) drop the copy as soon as they
 * commit. Writes made by other processes (the clinic:key command, another instance) are seen within
 * CLINIC_CACHE_TTL_MS (default 1000 ms), when the copy is reread, or at once when they tell this
 * instance through Redis (shareChangesThrough, announceDirectoryChanges).
 *
 * A key's expiry is checked against the clock on every authentication, never against the copy's age,
 * so an expired key is refused the moment it expires, cached answers included.
 */
import type { Core } from '@strapi/strapi';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { changesLocales, writePipeline } from '../content/writes';
import { i18nLocales, UIDS } from '../content/model';
import { createContentReader, type ContentStatus } from '../content/reader';
import type { ClinicEntry } from '../content/types';
import { settings } from '../settings';
import { createKeyUseRecorder } from './key-use';
import { hashKey, isWellFormedKey, type AuthenticatedKey, type StoredKey } from './keys';

const CLINIC = UIDS.clinic;

/** Models whose writes change what the directory holds. */
const WATCHED = new Set<string>([CLINIC, 'clinic.address', 'plugin::i18n.locale', 'strapi::core-store']);


/** What a presented key turned out to be, at the moment it was checked. */
export type KeyCheck =
  | { status: 'active'; caller: AuthenticatedKey }
  | { status: 'expired'; expiresAt: string }
  | { status: 'revoked' }
  | { status: 'unknown' };

interface KeyEntry {
  caller: AuthenticatedKey;
  isRevoked: boolean;
  expiresAt: string | null;
  expiresAtMs: number;
}

interface Snapshot {
  loadedAt: number;
  /** SHA-256 of each key → who it authenticates and until when. */
  keys: Map<string, KeyEntry>;
  knownLocales: string[];
  defaultLocale: string;
  clinics: Map<string, Promise<ClinicEntry | null>>;
  /** Clinic slug → document id (slugs are the same in every locale and version). */
  slugs: Map<string, string>;
  /** Keys as presented → result, so a key is hashed once per copy (bounded: junk keys are many). */
  presented: LRUCache<string, { entry: KeyEntry | null }>;
}

export interface ClinicDirectory {
  /** Whether a presented key works now, and why not when it does not (a malformed key is unknown). */
  check(key: string): Promise<KeyCheck>;
  /** The clinic and kind a presented key belongs to, or null for an unknown, malformed, revoked or expired key. */
  authenticate(key: string): Promise<AuthenticatedKey | null>;
  /** `check` without waiting: undefined when the copy must be (re)read first. */
  checkNow(key: string): KeyCheck | undefined;
  locales(): Promise<{ knownLocales: string[]; defaultLocale: string }>;
  /** A clinic as stored (tokens unrendered), default locale first; null when it has no such version. */
  clinic(documentId: string, status: ContentStatus): Promise<ClinicEntry | null>;
  /** The document id of the clinic with this slug, or null when there is none. */
  clinicIdBySlug(slug: string): Promise<string | null>;
  /** Drops the copy; the next request rereads it. */
  invalidate(): void;
  /** With several instances: tells the others (and hears from them) when the copy must be dropped. */
  shareChangesThrough(redis: Redis, prefix: string): void;
  /** Stops listening and writes the key uses not yet recorded. */
  close(): Promise<void>;
}

const channelOf = (prefix: string) => `${prefix}:directory`;

/**
 * Publishes, after each committed write that changes what directories hold, the message that makes
 * every instance's directory drop its copy. Writes wait for it (the write pipeline's settle point).
 * Directories do this themselves (every process that loads the app has one, the clinic:key command's
 * light boot too).
 */
function announceDirectoryChanges(input: {
  strapi: Core.Strapi;
  /** Where to publish; null: nowhere (yet). Asked at each change. */
  target: () => { redis: Redis; prefix: string } | null;
  onChange?: () => void;
}): () => void {
  const { strapi } = input;
  return writePipeline(strapi).afterCommit({
    name: 'the clinic directory',
    needsRows: false,
    committed(change) {
      if (!WATCHED.has(change.uid)) return;
      // Of Strapi's key-value store only the default locale is ours (see changesLocales).
      if (change.uid === 'strapi::core-store' && !changesLocales(change)) return;
      input.onChange?.();
      const target = input.target();
      if (target === null) return;
      return target.redis.publish(channelOf(target.prefix), change.uid).catch((error: unknown) => {
        strapi.log.error(`Could not tell other instances that ${change.uid} changed: ${error instanceof Error ? error.message : String(error)}`);
      });
    },
  });
}

/** ttlMs and keyUseFlushMs default to CLINIC_CACHE_TTL_MS and KEY_USE_FLUSH_MS. */
export function createClinicDirectory(input: { strapi: Core.Strapi; ttlMs?: number; keyUseFlushMs?: number }): ClinicDirectory {
  const { strapi } = input;
  const ttlMs = input.ttlMs ?? settings().CLINIC_CACHE_TTL_MS;
  let current: { snapshot: Promise<Snapshot>; startedAt: number; loaded?: Snapshot } | null = null;
  const uses = createKeyUseRecorder({ strapi, flushMs: input.keyUseFlushMs ?? settings().KEY_USE_FLUSH_MS });

  function lookUp(loaded: Snapshot, key: string): KeyCheck {
    let known = loaded.presented.get(key);
    if (known === undefined) {
      known = { entry: isWellFormedKey(key) ? (loaded.keys.get(hashKey(key)) ?? null) : null };
      loaded.presented.set(key, known);
    }
    const { entry } = known;
    if (entry === null) return { status: 'unknown' };
    if (entry.isRevoked) return { status: 'revoked' };
    if (entry.expiresAt !== null && entry.expiresAtMs <= Date.now()) return { status: 'expired', expiresAt: entry.expiresAt };
    uses.record({ keyId: entry.caller.keyId, clinicDocumentId: entry.caller.clinicDocumentId });
    return { status: 'active', caller: entry.caller };
  }

  const callerOf = (check: KeyCheck): AuthenticatedKey | null => (check.status === 'active' ? check.caller : null);

  async function load(): Promise<Snapshot> {
    const locales = i18nLocales(strapi);
    const [rows, known, defaultLocale] = await Promise.all([
      strapi.db.query(CLINIC).findMany({
        select: ['documentId', 'slug', 'accessKeys', 'rateLimitPerMinute', 'publishedAt'],
      }) as Promise<Array<{ documentId: string; slug: string; accessKeys: unknown; rateLimitPerMinute: number | null; publishedAt: unknown }>>,
      locales.find(),
      locales.getDefaultLocale(),
    ]);
    const keys = new Map<string, KeyEntry>();
    const slugs = new Map(rows.map((row) => [row.slug, row.documentId]));
    // Published rows last, so their settings (the rate limit) win over a draft's.
    rows.sort((a, b) => Number(a.publishedAt !== null && a.publishedAt !== undefined) - Number(b.publishedAt !== null && b.publishedAt !== undefined));
    for (const row of rows) {
      for (const stored of Array.isArray(row.accessKeys) ? (row.accessKeys as StoredKey[]) : []) {
        const expiresAt = stored.expiresAt ?? null;
        keys.set(stored.hash, {
          caller: { clinicDocumentId: row.documentId, clinicSlug: row.slug, keyId: stored.id, kind: stored.kind, rateLimitPerMinute: row.rateLimitPerMinute ?? null },
          isRevoked: stored.revokedAt !== null,
          expiresAt,
          expiresAtMs: expiresAt === null ? Infinity : Date.parse(expiresAt),
        });
      }
    }
    return {
      loadedAt: Date.now(),
      keys,
      knownLocales: known.map((locale) => locale.code),
      defaultLocale,
      clinics: new Map(),
      slugs,
      presented: new LRUCache({ max: 10000 }),
    };
  }

  function snapshot(): Promise<Snapshot> {
    if (current !== null && subscribed && Date.now() - current.startedAt < ttlMs) return current.snapshot;
    const loading: NonNullable<typeof current> = { snapshot: load(), startedAt: Date.now() };
    current = loading;
    void loading.snapshot.then((loaded) => {
      loading.loaded = loaded;
    }, () => undefined);
    // A failed read is not kept: the next request tries again.
    loading.snapshot.catch(() => {
      if (current === loading) current = null;
    });
    return loading.snapshot;
  }

  const directory: ClinicDirectory = {
    async check(key) {
      return lookUp(await snapshot(), key);
    },

    async authenticate(key) {
      return callerOf(lookUp(await snapshot(), key));
    },

    checkNow(key) {
      if (current === null || current.loaded === undefined || !subscribed || Date.now() - current.startedAt >= ttlMs) return undefined;
      return lookUp(current.loaded, key);
    },

    async locales() {
      const { knownLocales, defaultLocale } = await snapshot();
      return { knownLocales, defaultLocale };
    },

    async clinic(documentId, status) {
      const loaded = await snapshot();
      const cacheKey = `${status}|${documentId}`;
      let clinic = loaded.clinics.get(cacheKey);
      if (clinic === undefined) {
        const reader = createContentReader({
          strapi,
          status,
          chain: [loaded.defaultLocale, ...loaded.knownLocales.filter((code) => code !== loaded.defaultLocale)],
          renderText: (text) => text,
        });
        clinic = reader
          .load([{ uid: CLINIC, by: 'documentId', values: [documentId] }])
          .then(([found]) => (found?.get(documentId) as ClinicEntry | undefined) ?? null);
        loaded.clinics.set(cacheKey, clinic);
        clinic.catch(() => loaded.clinics.delete(cacheKey));
      }
      return clinic;
    },

    async clinicIdBySlug(slug) {
      return (await snapshot()).slugs.get(slug) ?? null;
    },

    invalidate() {
      current = null;
    },

    shareChangesThrough(redis, prefix) {
      const channel = channelOf(prefix);
      publishTo = { redis, prefix };
      subscriber = redis.duplicate();
      subscriber.on('error', (error: Error) => strapi.log.error(`Redis (clinic directory): ${error.message}`));
      subscriber.on('message', (from: string) => {
        if (from === channel) directory.invalidate();
      });
      // Until the subscription stands, messages could be missed: reread on every request meanwhile.
      const ready = subscriber.subscribe(channel);
      subscribed = false;
      void ready.then(() => {
        subscribed = true;
        directory.invalidate();
      });
    },

    async close() {
      stopAnnouncing();
      await uses.close();
      if (subscriber !== null) await subscriber.quit().catch(() => subscriber?.disconnect());
    },
  };

  let subscriber: Redis | null = null;
  let subscribed = true;
  let publishTo: { redis: Redis; prefix: string } | null = null;
  const stopAnnouncing = announceDirectoryChanges({ strapi, target: () => publishTo, onChange: () => directory.invalidate() });
  return directory;
}
