/**
 * CDN purges after every write: the write pipeline's outbox subscriber records, in the write's
 * transaction, one row per configured CDN and batch of the edge tags the write changed (the tags the
 * response cache purges with, computed once per change); the sender drains them on every instance,
 * after commit, each row once across instances (outbox.ts).
 *
 * Sending: due rows of one CDN are merged into one call up to its batch size (a Cloudflare zone on the
 * Free plan takes 5 purge calls a minute). A failure is retried with backoff until
 * CDN_PURGE_MAX_ATTEMPTS and then kept as failed, logged and listed at GET /editor/cdn; a CDN that
 * answers 429 with Retry-After is left alone until then, and the wait uses up no attempt.
 *
 * A revoked key purges its clinic's answers through the write that revokes it; an expiring key has no
 * write, so the sender makes that purge itself when the key expires (enqueueExpiredKeys).
 */
import type { Core } from '@strapi/strapi';
import { storedKeys } from '../clinics/keys';
import { UIDS } from '../content/model';
import { clinicTag } from '../content/tags';
import { changedTags, writePipeline, type TransactionSubscriber } from '../content/writes';
import { createDrainLoop, retryDelayMs, type DrainLoop } from '../database/drain-loop';
import { settings as currentSettings, type Settings } from '../settings';
import { batches, type PurgeAdapter } from './adapters';
import { edgeTags, type Cdn } from './edge-tags';
import { claimPurge, duePurges, ensurePurgesTable, insertPurges, markPurged, markPurgeFailed, nextPurgeDueAt, releasePurge, type ClaimedPurge } from './outbox';

/** Rows looked at per CDN and round: more than any merge takes. */
const DUE_LIMIT = 64;
/** When a Varnish purge is sent again (see the subscriber). */
const VARNISH_REPEAT_MS = 2000;
/** How long after its expiry a key's purge is still made (a service stopped meanwhile makes it late). */
const LONG_EXPIRED_MS = 24 * 60 * 60 * 1000;
/** No retry waits longer than a minute: a page's shared copy lives at most s-maxage + stale-while-revalidate. */
const RETRY_MAX_MS = 60_000;

export interface PurgeObserver {
  /** A purge call ended: `seconds` from the oldest write it carries to the CDN's answer. */
  observePurge(input: { cdn: Cdn; isOk: boolean; seconds: number }): void;
}

export interface CdnPurgeSettings {
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  pollMs: number;
}

export function cdnPurgeSettings(from: Settings = currentSettings()): CdnPurgeSettings {
  return {
    timeoutMs: from.CDN_PURGE_TIMEOUT_MS,
    retryBaseMs: from.CDN_PURGE_RETRY_BASE_MS,
    retryMaxMs: RETRY_MAX_MS,
    maxAttempts: from.CDN_PURGE_MAX_ATTEMPTS,
    pollMs: from.CDN_PURGE_POLL_MS,
  };
}

export interface CdnPurges {
  /** The configured CDNs, innermost first. */
  readonly adapters: readonly PurgeAdapter[];
  /** In register(): subscribes the outbox to the write pipeline and creates its table after the schema sync. */
  register(): void;
  /** Starts sending (rows left by a stopped instance included). */
  start(observer: PurgeObserver): void;
  /** Resolves once the current round of sending is done (tests, shutdown). */
  whenIdle(): Promise<void>;
  stop(): Promise<void>;
}

interface Hook {
  register(handler: () => Promise<void>): unknown;
}

/** Due rows of one CDN, merged while their tags fit one call. */
function mergeable(rows: readonly ClaimedPurge[], batchSize: number): { rows: ClaimedPurge[]; tags: string[] } {
  const taken: ClaimedPurge[] = [];
  const tags = new Set<string>();
  for (const row of rows) {
    const union = new Set([...tags, ...row.tags]);
    if (union.size > batchSize && taken.length > 0) break;
    taken.push(row);
    for (const tag of row.tags) tags.add(tag);
  }
  return { rows: taken, tags: [...tags] };
}

export function createCdnPurges(input: { strapi: Core.Strapi; adapters: readonly PurgeAdapter[]; settings: CdnPurgeSettings }): CdnPurges {
  const { strapi, adapters, settings } = input;
  // Long enough for any call to finish or time out; after it, another instance may retry the row.
  const leaseMs = settings.timeoutMs + 30000;
  /** Per CDN: not before this time (it answered 429 with Retry-After). */
  const pausedUntil = new Map<Cdn, number>();
  let observer: PurgeObserver | null = null;

  const subscriber: TransactionSubscriber<true> = {
    name: 'the CDN purge outbox',
    needsRows: true,
    prepare: () => (adapters.length > 0 ? true : undefined),
    async write(change, { transaction }) {
      const tags = changedTags(change);
      if (tags.length === 0) return;
      const edge = edgeTags(tags);
      const now = Date.now();
      const rows = adapters.flatMap((adapter) =>
        batches(edge, adapter.batchSize).flatMap((batch) => [
          { cdn: adapter.name, tags: batch },
          // Varnish keeps an answer whose fetch was in flight when the purge came (xkey skips busy
          // objects); a fetch begun before this write committed is done by the repeat.
          ...(adapter.name === 'varnish' ? [{ cdn: adapter.name, tags: batch, dueAt: now + VARNISH_REPEAT_MS }] : []),
        ]),
      );
      await insertPurges(strapi, { trx: transaction.trx, rows, now });
      transaction.onCommit(() => loop.kick());
    },
  };

  async function send(adapter: PurgeAdapter, claims: ClaimedPurge[], tags: string[], stopping: AbortSignal): Promise<void> {
    const result = await adapter.purge(tags, { signal: stopping });
    const now = Date.now();
    if (!result.ok && stopping.aborted) {
      for (const claim of claims) await releasePurge(strapi, claim);
      return;
    }
    const oldest = Math.min(...claims.map((claim) => claim.createdAt));
    observer?.observePurge({ cdn: adapter.name, isOk: result.ok, seconds: (now - oldest) / 1000 });
    if (result.ok) {
      for (const claim of claims) await markPurged(strapi, claim, { status: result.status, now });
      return;
    }
    const isRateLimited = result.retryAfterMs !== null && result.status === 429;
    if (result.retryAfterMs !== null) pausedUntil.set(adapter.name, now + result.retryAfterMs);
    for (const claim of claims) {
      const attempts = isRateLimited ? claim.attempts : claim.attempts + 1;
      const described = `${adapter.name} purge of ${claim.tags.length} tag${claim.tags.length === 1 ? '' : 's'} (row ${claim.id})`;
      if (attempts >= settings.maxAttempts) {
        await markPurgeFailed(strapi, claim, { status: result.status, error: result.error, retryAt: null, isCounted: true });
        strapi.log.error(`The ${described} failed for good after ${attempts} attempts: ${result.error}. Pages with these tags may stay stale at ${adapter.name} until their s-maxage runs out.`);
        continue;
      }
      const delay = Math.max(retryDelayMs(settings, attempts), result.retryAfterMs ?? 0);
      await markPurgeFailed(strapi, claim, { status: result.status, error: result.error, retryAt: now + delay, isCounted: !isRateLimited });
      strapi.log.warn(`The ${described} failed${isRateLimited ? '' : ` (attempt ${attempts} of ${settings.maxAttempts})`}: ${result.error}; retrying in ${Math.ceil(delay / 1000)} s.`);
    }
  }

  /**
   * A key that expired since it was last looked at: its clinic's answers are purged at every CDN, as a
   * revoke purges them (a CDN keeps them per Authorization until their s-maxage runs out otherwise).
   * Every instance looks; the purge's dedupe key makes it one row. Returns the next expiry to come.
   */
  async function enqueueExpiredKeys(now: number): Promise<number | null> {
    const clinics = (await strapi.db.query(UIDS.clinic).findMany({ select: ['documentId', 'accessKeys'] })) as Array<{ documentId: string; accessKeys: unknown }>;
    let next: number | null = null;
    const rows: Array<{ cdn: Cdn; tags: string[]; dedupe: string }> = [];
    for (const clinic of clinics) {
      for (const key of storedKeys(clinic.accessKeys)) {
        if (key.revokedAt !== null || key.expiresAt === undefined || key.expiresAt === null) continue;
        const expiresAt = Date.parse(key.expiresAt);
        if (expiresAt > now) {
          next = next === null ? expiresAt : Math.min(next, expiresAt);
          continue;
        }
        // Long expired keys were purged when they expired (or their answers are long gone from every CDN).
        if (now - expiresAt > LONG_EXPIRED_MS) continue;
        for (const adapter of adapters) rows.push({ cdn: adapter.name, tags: edgeTags([clinicTag(clinic.documentId)]), dedupe: `key-expired:${key.id}:${adapter.name}` });
      }
    }
    await insertPurges(strapi, { rows, now });
    return next;
  }

  /** Drains every CDN's due rows; resolves with when the next one falls due. */
  async function drain(stopping: AbortSignal): Promise<number | null> {
    const nextExpiry = await enqueueExpiredKeys(Date.now());
    let isWorkLeft = true;
    while (isWorkLeft && !stopping.aborted) {
      isWorkLeft = false;
      for (const adapter of adapters) {
        const now = Date.now();
        if ((pausedUntil.get(adapter.name) ?? 0) > now) continue;
        const due = await duePurges(strapi, { cdn: adapter.name, now, limit: DUE_LIMIT });
        if (due.length === 0) continue;
        const claims = (await Promise.all(due.map((row) => claimPurge(strapi, { row, now, leaseMs })))).filter((claim): claim is ClaimedPurge => claim !== null);
        // Rows another instance took: it sends them.
        if (claims.length === 0) continue;
        const merged = mergeable(claims, adapter.batchSize);
        const left = claims.slice(merged.rows.length);
        for (const claim of left) await releasePurge(strapi, claim);
        await send(adapter, merged.rows, merged.tags, stopping);
        isWorkLeft = true;
      }
    }
    if (stopping.aborted) return null;
    // Per CDN, its next row, but not before the CDN said it would take more; or the next key expiry.
    let next: number | null = nextExpiry;
    for (const adapter of adapters) {
      const due = await nextPurgeDueAt(strapi, [adapter.name]);
      if (due === null) continue;
      const at = Math.max(due, pausedUntil.get(adapter.name) ?? 0);
      next = next === null ? at : Math.min(next, at);
    }
    return next;
  }

  const loop: DrainLoop = createDrainLoop({
    pollMs: settings.pollMs,
    drain,
    onError: (message, isNew) => {
      if (isNew) strapi.log.warn(`CDN purges could not be read or updated: ${message}; trying again.`);
    },
  });

  return {
    adapters,
    register() {
      // The table always: GET /editor/cdn reads it whether or not a CDN is configured today.
      (strapi.hook('strapi::content-types.afterSync') as Hook).register(() => ensurePurgesTable(strapi));
      if (adapters.length > 0) writePipeline(strapi).inTransaction(subscriber);
    },
    start(given) {
      observer = given;
      if (adapters.length > 0) loop.start();
    },
    whenIdle: () => loop.whenIdle(),
    stop: () => loop.stop(),
  };
}
