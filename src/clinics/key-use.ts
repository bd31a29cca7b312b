/**
 * When each clinic key was last used. Recorded off the request path: an authenticated key is noted in
 * memory (at most once a minute per key), and a timer writes the notes in one batch; a request never
 * waits for the write, and a failed write is only logged.
 *
 * A table of our own rather than a field of the clinic: a key's last use is operational state, and a
 * write to the clinic would be a content change (cache purges, directory reloads, webhooks) once a
 * minute per key. Times are milliseconds since the epoch in BIGINT columns, read back the same on
 * SQLite and PostgreSQL.
 */
import type { Core } from '@strapi/strapi';

export const KEY_USES_TABLE = 'clinic_key_uses';

/** A key used again within this time is not noted again: last use is accurate to about a minute. */
export const RECORD_EVERY_MS = 60_000;

/** Creates the table when it is missing. Runs at start, after Strapi's schema sync, under the start-up lock. */
export async function ensureKeyUsesTable(strapi: Core.Strapi): Promise<void> {
  const schema = strapi.db.getSchemaConnection();
  if (await schema.hasTable(KEY_USES_TABLE)) return;
  await schema.createTable(KEY_USES_TABLE, (t) => {
    t.string('key_id', 64).primary();
    t.string('clinic_document_id', 255).notNullable();
    t.bigInteger('last_used_at').notNullable();
  });
}

/** Wired from src/index.ts register(): the table exists before any instance serves a key. */
export function registerKeyUses(strapi: Core.Strapi): void {
  (strapi.hook('strapi::content-types.afterSync') as { register(handler: () => Promise<void>): unknown }).register(() => ensureKeyUsesTable(strapi));
}

/** Key id → when it was last used (ms since the epoch); keys never used are absent. */
export async function lastUses(strapi: Core.Strapi, keyIds: string[]): Promise<Map<string, number>> {
  if (keyIds.length === 0) return new Map();
  // A database no server has started on since the table was introduced has no uses to show.
  if (!(await strapi.db.getSchemaConnection().hasTable(KEY_USES_TABLE))) return new Map();
  const rows = (await strapi.db.getConnection(KEY_USES_TABLE).whereIn('key_id', keyIds).select('key_id', 'last_used_at')) as Array<{
    key_id: string;
    last_used_at: number | string;
  }>;
  // PostgreSQL returns BIGINT as a string; SQLite as a number.
  return new Map(rows.map((row) => [row.key_id, Number(row.last_used_at)]));
}

export interface KeyUseRecorder {
  /** Notes a use; costs a map lookup when the key was noted within the last minute. */
  record(use: { keyId: string; clinicDocumentId: string }): void;
  /** Writes what is noted; resolves when written (or the failure logged). */
  flush(): Promise<void>;
  /** Stops the timer and writes what is left. */
  close(): Promise<void>;
}

export function createKeyUseRecorder(input: { strapi: Core.Strapi; flushMs: number }): KeyUseRecorder {
  const { strapi, flushMs } = input;
  const notedAt = new Map<string, number>();
  let pending = new Map<string, { clinicDocumentId: string; at: number }>();
  let writing: Promise<void> = Promise.resolve();

  async function write(batch: Map<string, { clinicDocumentId: string; at: number }>): Promise<void> {
    try {
      for (const [keyId, { clinicDocumentId, at }] of batch) {
        // Never moves backwards: another instance may have written a later use.
        await strapi.db
          .getConnection(KEY_USES_TABLE)
          .insert({ key_id: keyId, clinic_document_id: clinicDocumentId, last_used_at: at })
          .onConflict('key_id')
          .merge(['last_used_at', 'clinic_document_id'])
          .where(`${KEY_USES_TABLE}.last_used_at`, '<', at);
      }
    } catch (error) {
      strapi.log.warn(`Could not record when clinic keys were last used (retried at the next flush): ${error instanceof Error ? error.message : String(error)}`);
      // Kept for the next flush unless a later use was noted meanwhile.
      for (const [keyId, use] of batch) if (!pending.has(keyId)) pending.set(keyId, use);
    }
  }

  const recorder: KeyUseRecorder = {
    record({ keyId, clinicDocumentId }) {
      const now = Date.now();
      const last = notedAt.get(keyId);
      if (last !== undefined && now - last < RECORD_EVERY_MS) return;
      notedAt.set(keyId, now);
      pending.set(keyId, { clinicDocumentId, at: now });
    },
    flush() {
      if (pending.size === 0) return writing;
      const batch = pending;
      pending = new Map();
      writing = writing.then(() => write(batch));
      return writing;
    },
    async close() {
      clearInterval(timer);
      await recorder.flush();
    },
  };
  const timer = setInterval(() => void recorder.flush(), flushMs);
  // The timer alone never keeps a process alive.
  timer.unref();
  return recorder;
}
