/**
 * The change feed: tells in-process listeners what was written, once the write has committed. Built on
 * Strapi's database lifecycles, so it sees every write that goes through Strapi (Document Service,
 * admin, entity queries), inside or outside a transaction. A write that rolls back is never reported.
 *
 * For the content types the API serves, a change names the rows written (document, locale, draft or
 * published) and the rows on the other side of their relations before and after the write: a relation
 * list is stored once, in a join table, and a write on either side changes what both sides serve.
 */
import type { Core } from '@strapi/strapi';
import { isServedUid, MODELS, modelMeta, type ContentUid } from './model';

export interface RowRef {
  uid: string;
  documentId: string;
  locale: string | null;
  published: boolean;
  /** For a related row: its relation field that lists the written row. */
  field?: string;
}

export interface ModelChange {
  /** The written model: a content type, a component, or a Strapi model such as plugin::i18n.locale. */
  uid: string;
  action: string;
  /** Rows of a served content type that were written (before and after the write). */
  rows: RowRef[];
  /** Rows linked to those rows by a relation, before or after the write. */
  related: RowRef[];
  /** For Strapi's key-value store: the keys written. */
  storeKeys: string[];
}

export type ChangeListener = (change: ModelChange) => void;

const BEFORE = new Set(['beforeUpdate', 'beforeUpdateMany', 'beforeDelete', 'beforeDeleteMany']);
const AFTER = new Set(['afterCreate', 'afterCreateMany', 'afterUpdate', 'afterUpdateMany', 'afterDelete', 'afterDeleteMany']);

export interface ChangeFeed {
  /**
   * `rows: true` asks for the rows and related rows of each change, which costs a few reads per write;
   * without it, a change names only the model written.
   */
  on(listener: ChangeListener, options?: { rows?: boolean }): () => void;
  /** Resolves once every listener's work for writes committed so far (e.g. a shared-cache purge) is done. */
  settled(): Promise<void>;
  /** Listeners with work that finishes later register it here, so `settled` waits for it. */
  track(work: Promise<unknown>): void;
}

interface RowState {
  ids: number[];
  rows: RowRef[];
  related: RowRef[];
}

const feeds = new WeakMap<Core.Strapi, ChangeFeed>();

export interface LinkedRow extends RowRef {
  slug: string;
}

/**
 * The rows linked to these rows through the type's two-sided relations (owning or inverse side): a
 * relation list is stored once, in a join table, and both sides serve it. A one-sided relation is
 * shown on its owner's side only, so it is left out. `trx`: the transaction to read in, if any.
 */
export async function linkedRows(strapi: Core.Strapi, input: { uid: ContentUid; ids: number[]; trx?: unknown }): Promise<LinkedRow[]> {
  const { uid, ids, trx } = input;
  if (ids.length === 0) return [];
  const meta = modelMeta(strapi, uid);
  const found: LinkedRow[] = [];
  for (const field of Object.keys(MODELS[uid].relations)) {
    const stored = meta.field(field);
    const relation = stored?.relation ?? null;
    const join = stored?.joinTable ?? null;
    const otherSide = relation?.inversedBy ?? relation?.mappedBy ?? null;
    if (relation === null || join === null || otherSide === null) continue;
    const query = strapi.db.connection(`${join.name} as l`)
      .join(`${modelMeta(strapi, relation.target).tableName} as r`, 'r.id', `l.${join.inverseJoinColumn.name}`)
      .whereIn(`l.${join.joinColumn.name}`, ids)
      .select('r.document_id as documentId', 'r.locale as locale', 'r.published_at as publishedAt', 'r.slug as slug');
    const rows = (await (trx === undefined ? query : query.transacting(trx as never))) as Array<{ documentId: string; locale: string | null; publishedAt: unknown; slug: string }>;
    for (const row of rows) {
      found.push({
        uid: relation.target,
        documentId: row.documentId,
        locale: row.locale,
        published: row.publishedAt !== null && row.publishedAt !== undefined,
        field: otherSide,
        slug: row.slug,
      });
    }
  }
  return found;
}

/** The feed of one Strapi instance (created on first use, subscribed once). */
export function changeFeed(strapi: Core.Strapi): ChangeFeed {
  const existing = feeds.get(strapi);
  if (existing !== undefined) return existing;

  const listeners = new Set<ChangeListener>();
  const wantRows = new Set<ChangeListener>();
  const pending = new Set<Promise<unknown>>();
  const emit = (change: ModelChange) => {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch (error) {
        strapi.log.error(`A change listener failed for ${change.uid}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };

  /** The write's open transaction, if any: reads made for a change must see the write they describe. */
  async function openTransaction(): Promise<unknown> {
    if (!strapi.db.inTransaction()) return undefined;
    // Called inside a transaction, strapi.db.transaction joins it (nothing is committed here).
    return strapi.db.transaction(async ({ trx }) => trx);
  }

  async function rowsOf(uid: ContentUid, where: unknown): Promise<Array<{ id: number } & RowRef>> {
    const rows = (await strapi.db.query(uid).findMany({ where: where as never, select: ['id', 'documentId', 'locale', 'publishedAt'] })) as Array<{
      id: number;
      documentId: string;
      locale: string | null;
      publishedAt: unknown;
    }>;
    return rows.map((row) => ({ id: row.id, uid, documentId: row.documentId, locale: row.locale, published: row.publishedAt !== null && row.publishedAt !== undefined }));
  }

  /** The rows linked to these rows, read in the write's transaction when there is one. */
  async function linked(uid: ContentUid, ids: number[]): Promise<RowRef[]> {
    return linkedRows(strapi, { uid, ids, trx: await openTransaction() });
  }

  const resultIds = (result: unknown): number[] => {
    if (Array.isArray(result)) return result.flatMap(resultIds);
    if (typeof result === 'object' && result !== null) {
      const { id, ids } = result as { id?: unknown; ids?: unknown };
      if (typeof id === 'number') return [id];
      if (Array.isArray(ids)) return ids.filter((value): value is number => typeof value === 'number');
    }
    return [];
  };

  strapi.db.lifecycles.subscribe(async (event) => {
    if (listeners.size === 0) return;
    const uid = event.model.uid;
    const detailed = wantRows.size > 0;
    const state = event.state as { rows?: RowState };
    if (BEFORE.has(event.action)) {
      if (!isServedUid(uid) || !detailed) return;
      const rows = await rowsOf(uid, event.params.where);
      state.rows = { ids: rows.map((row) => row.id), rows, related: await linked(uid, rows.map((row) => row.id)) };
      return;
    }
    if (!AFTER.has(event.action)) return;

    const change: ModelChange = { uid, action: event.action, rows: [], related: [], storeKeys: [] };
    if (isServedUid(uid) && detailed) {
      const before = state.rows ?? { ids: [], rows: [], related: [] };
      const created = event.action.startsWith('afterCreate') ? resultIds(event.result) : [];
      const deleted = event.action.startsWith('afterDelete');
      const afterIds = deleted ? [] : [...new Set([...before.ids, ...created])];
      const after = afterIds.length === 0 ? [] : await rowsOf(uid, { id: { $in: afterIds } });
      change.rows = [...before.rows, ...after].map(({ uid: rowUid, documentId, locale, published }) => ({ uid: rowUid, documentId, locale, published }));
      change.related = [...before.related, ...(await linked(uid, afterIds))];
    } else if (uid === 'strapi::core-store') {
      const keyOf = (value: unknown) => (typeof value === 'object' && value !== null ? (value as { key?: unknown }).key : undefined);
      change.storeKeys = [keyOf(event.params.where), keyOf(event.params.data), keyOf(event.result)].filter((key): key is string => typeof key === 'string');
    }

    if (strapi.db.inTransaction()) {
      // Joining the open transaction only registers the callback: it runs after the outer commit.
      await strapi.db.transaction(async ({ onCommit }) => {
        onCommit(() => emit(change));
      });
    } else {
      emit(change);
    }
  });

  const feed: ChangeFeed = {
    on(listener, options) {
      listeners.add(listener);
      if (options?.rows === true) wantRows.add(listener);
      return () => {
        listeners.delete(listener);
        wantRows.delete(listener);
      };
    },
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    track(work) {
      pending.add(work);
      void work.finally(() => pending.delete(work)).catch(() => undefined);
    },
  };
  feeds.set(strapi, feed);
  return feed;
}

const DOCUMENT_WRITES = new Set(['create', 'update', 'delete', 'publish', 'unpublish', 'discardDraft', 'clone']);

/**
 * A Document Service middleware: a write returns only once what its commit set off (cache purges, the
 * message to other instances) is done, so a client that saw the write succeed never reads stale content.
 */
export function settleWritesMiddleware(strapi: Core.Strapi) {
  return async (context: { action: string }, next: () => Promise<unknown>) => {
    const result = await next();
    if (DOCUMENT_WRITES.has(context.action)) await feeds.get(strapi)?.settled();
    return result;
  };
}

/** For writes made outside the Document Service (strapi.db.query): wait as the middleware does. */
export async function settleChanges(strapi: Core.Strapi): Promise<void> {
  await feeds.get(strapi)?.settled();
}
