/**
 * The change feed: tells in-process listeners which models were written, once the write has
 * committed. Built on Strapi's database lifecycles, so it sees every write that goes through Strapi
 * (Document Service, admin, entity queries), inside or outside a transaction. A write that rolls back
 * is never reported.
 */
import type { Core } from '@strapi/strapi';

export interface ModelChange {
  /** The written model: a content type, a component, or a Strapi model such as plugin::i18n.locale. */
  uid: string;
  action: string;
}

export type ChangeListener = (change: ModelChange) => void;

const WRITES = new Set([
  'afterCreate',
  'afterCreateMany',
  'afterUpdate',
  'afterUpdateMany',
  'afterDelete',
  'afterDeleteMany',
]);

export interface ChangeFeed {
  on(listener: ChangeListener): () => void;
}

const feeds = new WeakMap<Core.Strapi, ChangeFeed>();

/** The feed of one Strapi instance (created on first use, subscribed once). */
export function changeFeed(strapi: Core.Strapi): ChangeFeed {
  const existing = feeds.get(strapi);
  if (existing !== undefined) return existing;

  const listeners = new Set<ChangeListener>();
  const emit = (change: ModelChange) => {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch (error) {
        strapi.log.error(`A change listener failed for ${change.uid}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };

  strapi.db.lifecycles.subscribe(async (event) => {
    if (!WRITES.has(event.action) || listeners.size === 0) return;
    const change: ModelChange = { uid: event.model.uid, action: event.action };
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
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  feeds.set(strapi, feed);
  return feed;
}
