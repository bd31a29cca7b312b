/**
 * Where cached responses live: in this process (an LRU bounded in bytes), or in Redis, shared by every
 * instance. Both keep the same promise: a response computed from data that a later purge changed is
 * never stored. A reader takes a ticket (the purge counter) before it reads the database; storing checks
 * the purges made since against the response's tags, atomically with respect to purges.
 */
import { createHash } from 'crypto';
import { LRUCache } from 'lru-cache';
import type { Redis } from 'ioredis';
import type { EdgeHeaders } from '../cdn/headers';

export interface CachedResponse {
  body: string;
  etag: string;
  tags: string[];
  storedAt: number;
  /** The operation name the client gave, for metrics. */
  operation?: string | null;
  /** The tag headers for the caches in front of us, computed once when the answer is stored. */
  edge?: EdgeHeaders;
  /** Kept by the memory store: the body already encoded. */
  bytes?: Buffer;
}

export interface ResponseStore {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<CachedResponse | undefined>;
  /** A synchronous read, where the store can answer one (memory); undefined otherwise. */
  peek?(key: string): CachedResponse | undefined;
  /** Turns a request's identity into the store's key (Redis keys are hashed to a fixed length). */
  keyOf(identity: string): string;
  /** Taken before the database is read; passed to `set`. */
  ticket(): Promise<number>;
  /** Stores unless a purge since the ticket touched one of the tags; says whether it stored. */
  set(key: string, response: CachedResponse, ticket: number): Promise<boolean>;
  purge(tags: readonly string[]): Promise<void>;
  /** Entries and bytes held (memory) or null where the store cannot tell cheaply. */
  stats(): { entries: number; bytes: number } | null;
  close(): Promise<void>;
}

/** How many purges are remembered to judge late stores; an older ticket is simply not stored. */
const PURGE_LOG = 1000;

export function createMemoryStore(maxBytes: number): ResponseStore {
  let purges = 0;
  const log: Array<{ purge: number; tags: Set<string> }> = [];
  const byTag = new Map<string, Set<string>>();
  const unindex = (key: string, tags: readonly string[]) => {
    for (const tag of tags) {
      const keys = byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) byTag.delete(tag);
    }
  };
  const lru = new LRUCache<string, CachedResponse>({
    maxSize: maxBytes,
    // UTF-16 in memory, plus the tag index.
    // The body as a string (UTF-16) and encoded, plus tags in the entry, its header and the tag index.
    sizeCalculation: (value) => value.body.length * 3 + value.tags.reduce((sum, tag) => sum + tag.length * 6 + 48, 256),
    dispose: (value, key) => unindex(key, value.tags),
  });

  return {
    kind: 'memory',
    async get(key) {
      return lru.get(key);
    },
    peek: (key) => lru.get(key),
    keyOf: (identity) => identity,
    async ticket() {
      return purges;
    },
    async set(key, response, ticket) {
      if (ticket < purges) {
        const oldest = log[0]?.purge ?? purges + 1;
        if (ticket + 1 < oldest) return false;
        for (const entry of log) if (entry.purge > ticket && response.tags.some((tag) => entry.tags.has(tag))) return false;
      }
      lru.set(key, { ...response, bytes: Buffer.from(response.body) });
      if (!lru.has(key)) return false; // larger than the whole cache
      for (const tag of response.tags) {
        let keys = byTag.get(tag);
        if (keys === undefined) {
          keys = new Set();
          byTag.set(tag, keys);
        }
        keys.add(key);
      }
      return true;
    },
    async purge(tags) {
      purges += 1;
      log.push({ purge: purges, tags: new Set(tags) });
      if (log.length > PURGE_LOG) log.shift();
      for (const tag of tags) for (const key of [...(byTag.get(tag) ?? [])]) lru.delete(key);
    },
    stats: () => ({ entries: lru.size, bytes: lru.calculatedSize }),
    async close() {
      lru.clear();
    },
  };
}

/*
 * Redis layout (prefix p): p:r:<key> response JSON (expires after ttl), p:t:<tag> set of keys,
 * p:purges counter, p:log newest-first list of "<purge>\n<tag>\n<tag>\n".
 */
const SET_SCRIPT = `
local ticket = tonumber(ARGV[1])
local purges = tonumber(redis.call('GET', KEYS[1]) or '0')
if purges > ticket then
  local entries = redis.call('LRANGE', KEYS[2], 0, -1)
  local oldest = nil
  for _, entry in ipairs(entries) do
    local n = tonumber(string.match(entry, '^(%d+)'))
    oldest = n
    if n > ticket then
      for i = 5, #ARGV do
        if string.find(entry, '\\n' .. ARGV[i] .. '\\n', 1, true) then return 0 end
      end
    end
  end
  if oldest == nil or oldest > ticket + 1 then return 0 end
end
redis.call('SET', KEYS[3], ARGV[2], 'EX', tonumber(ARGV[3]))
for i = 5, #ARGV do
  local tagKey = ARGV[4] .. ARGV[i]
  redis.call('SADD', tagKey, KEYS[3])
  redis.call('EXPIRE', tagKey, tonumber(ARGV[3]))
end
return 1
`;

const PURGE_SCRIPT = `
local purge = redis.call('INCR', KEYS[1])
local entry = tostring(purge) .. '\\n'
for i = 3, #ARGV do entry = entry .. ARGV[i] .. '\\n' end
redis.call('LPUSH', KEYS[2], entry)
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[2]) - 1)
for i = 3, #ARGV do
  local tagKey = ARGV[1] .. ARGV[i]
  local keys = redis.call('SMEMBERS', tagKey)
  for j = 1, #keys, 500 do
    redis.call('DEL', unpack(keys, j, math.min(j + 499, #keys)))
  end
  redis.call('DEL', tagKey)
end
return purge
`;

type ScriptedRedis = Redis & {
  cacheSet(purges: string, log: string, key: string, ticket: number, body: string, ttl: number, tagPrefix: string, ...tags: string[]): Promise<number>;
  cachePurge(purges: string, log: string, tagPrefix: string, logSize: number, ...tags: string[]): Promise<number>;
};

export function createRedisStore(input: { redis: Redis; prefix: string; ttlSeconds: number }): ResponseStore {
  const { prefix, ttlSeconds } = input;
  const redis = input.redis as ScriptedRedis;
  redis.defineCommand('cacheSet', { numberOfKeys: 3, lua: SET_SCRIPT });
  redis.defineCommand('cachePurge', { numberOfKeys: 2, lua: PURGE_SCRIPT });
  const purgesKey = `${prefix}:purges`;
  const logKey = `${prefix}:log`;
  const tagPrefix = `${prefix}:t:`;
  const responseKey = (key: string) => `${prefix}:r:${key}`;

  return {
    kind: 'redis',
    async get(key) {
      const raw = await redis.get(responseKey(key));
      return raw === null ? undefined : (JSON.parse(raw) as CachedResponse);
    },
    keyOf: (identity) => createHash('sha256').update(identity).digest('base64url'),
    async ticket() {
      return Number((await redis.get(purgesKey)) ?? 0);
    },
    async set(key, response, ticket) {
      const { bytes: _bytes, ...stored_ } = response;
      const stored = await redis.cacheSet(purgesKey, logKey, responseKey(key), ticket, JSON.stringify(stored_), ttlSeconds, tagPrefix, ...response.tags);
      return stored === 1;
    },
    async purge(tags) {
      if (tags.length === 0) return;
      await redis.cachePurge(purgesKey, logKey, tagPrefix, PURGE_LOG, ...tags);
    },
    stats: () => null,
    async close() {
      // The connection is the caller's.
    },
  };
}

/**
 * The shared store with a local one behind it: while the shared store (Redis) cannot be used, answers
 * are cached in this process for at most `localMaxAgeMs` — other instances' writes cannot reach this
 * copy meanwhile, so it is kept short. Tickets say which store they came from (local ones are negative),
 * and a response is stored only where its ticket was taken.
 */
export function createFallbackStore(input: { shared: ResponseStore; local: ResponseStore; sharedUsable: () => boolean; localMaxAgeMs: number }): ResponseStore {
  const { shared, local, sharedUsable, localMaxAgeMs } = input;
  const fresh = (response: CachedResponse | undefined) => (response !== undefined && Date.now() - response.storedAt <= localMaxAgeMs ? response : undefined);
  return {
    kind: shared.kind,
    async get(key) {
      if (sharedUsable()) {
        try {
          return await shared.get(key);
        } catch {
          // answered below from the local copy
        }
      }
      return fresh(await local.get(key));
    },
    peek: (key) => (sharedUsable() ? undefined : fresh(local.peek?.(key))),
    keyOf: (identity) => shared.keyOf(identity),
    async ticket() {
      if (sharedUsable()) {
        try {
          return await shared.ticket();
        } catch {
          // a local ticket below
        }
      }
      return -1 - (await local.ticket());
    },
    async set(key, response, ticket) {
      if (ticket < 0) return local.set(key, response, -1 - ticket);
      if (!sharedUsable()) return false;
      try {
        return await shared.set(key, response, ticket);
      } catch {
        return false;
      }
    },
    async purge(tags) {
      await local.purge(tags);
      await shared.purge(tags);
    },
    stats: () => local.stats(),
    async close() {
      await local.close();
      await shared.close();
    },
  };
}
