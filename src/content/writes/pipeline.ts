/**
 * The write pipeline: the one way the service reacts to a write. Each write — a Document Service action,
 * or a `strapi.db.query` call made outside one — becomes one typed change (change.ts), computed once,
 * inside the write's transaction. Subscribers hear it in the transaction (outboxes: their rows commit
 * or roll back with the write) or after commit (purges, directories: never for a rolled-back write).
 *
 * Document Service middlewares run outside the repository's transaction, so the pipeline's middleware
 * runs the action in a transaction of its own (Strapi's nested calls join it, and it joins the caller's)
 * and builds the change when the action is done, before that transaction ends. The rows the action
 * writes are gathered from Strapi's database lifecycles as it runs (collect.ts); writes outside any
 * action are taken from the lifecycles alone, one change per call.
 *
 * Settling: a Document Service write returns once the after-commit work of its commit is done (a purge
 * of the shared cache, the message to other instances), so whoever saw it succeed never reads stale
 * content. Writes inside a caller's transaction commit later: `settled()` (and mountHttpSettle for HTTP
 * requests) waits for them.
 */
import { AsyncLocalStorage } from 'async_hooks';
import type { Core, Modules } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { CommitSubscriber, DatabaseAction, TransactionSubscriber, WriteChange, WriteIntent, WriteTransaction } from './change';
import { isDocumentAction } from './change';
import { collectorFor, hasRows, NO_ROWS, type Collector } from './collect';

export interface WritePipeline {
  /** Hears every write inside its transaction (see TransactionSubscriber); returns the unsubscribe. */
  inTransaction<P>(subscriber: TransactionSubscriber<P>): () => void;
  /** Hears every committed write (see CommitSubscriber); returns the unsubscribe. */
  afterCommit(subscriber: CommitSubscriber): () => void;
  /** Resolves once the after-commit work of every write committed so far is done. */
  settled(): Promise<void>;
}

interface Prepared {
  subscriber: TransactionSubscriber<unknown>;
  value: unknown;
}

/** A Document Service write in progress: database writes of its type (and components) are part of it. */
interface DocumentScope {
  uid: string;
  isOpen: boolean;
  collector: Collector | null;
}

/** What a `strapi.db.query` write outside a document action carries from its before- to its after-event. */
interface DatabaseState {
  prepared?: Prepared[];
  collector?: Collector | null;
  ids?: number[];
}

interface StoreEvent {
  model: { uid: string };
  params: { where?: unknown; data?: unknown };
  result?: unknown;
}

const WRITE_EVENTS = new Map<string, { isBefore: boolean; action: DatabaseAction }>(
  (['create', 'createMany', 'update', 'updateMany', 'delete', 'deleteMany'] as const).flatMap((action) => {
    const name = `${action[0]?.toUpperCase()}${action.slice(1)}`;
    return [
      [`before${name}`, { isBefore: true, action }],
      [`after${name}`, { isBefore: false, action }],
    ] as const;
  }),
);

/** Strapi names components `category.name`; every other model has a `namespace::` prefix. */
const isComponent = (uid: string) => !uid.includes('::');

/**
 * Where an instance keeps its pipeline: Strapi's own container, not a module variable, because the app
 * Strapi loads (dist/) and the code a test or script imports may be two copies of this module.
 */
const SERVICE = 'clinic-content.write-pipeline';

/**
 * The write pipeline of a Strapi instance. The first call mounts it (a Document Service middleware and
 * a database lifecycle subscriber): make it in register(), after the middlewares that check a write, so
 * that a refused write never opens a transaction.
 */
export function writePipeline(strapi: Core.Strapi): WritePipeline {
  if (strapi.has(SERVICE)) return strapi.get<WritePipeline>(SERVICE);

  const inTransaction = new Set<TransactionSubscriber<unknown>>();
  const afterCommit = new Set<CommitSubscriber>();
  const pending = new Set<Promise<unknown>>();
  const scopes = new AsyncLocalStorage<DocumentScope>();
  const hasSubscribers = () => inTransaction.size > 0 || afterCommit.size > 0;

  const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

  async function prepare(intent: WriteIntent): Promise<Prepared[]> {
    const prepared: Prepared[] = [];
    for (const subscriber of inTransaction) {
      const value = subscriber.prepare === undefined ? undefined : await subscriber.prepare(intent);
      if (subscriber.prepare === undefined || value !== undefined) prepared.push({ subscriber, value });
    }
    return prepared;
  }

  const needsRows = (prepared: readonly Prepared[]) =>
    prepared.some(({ subscriber }) => subscriber.needsRows) || [...afterCommit].some((subscriber) => subscriber.needsRows);

  async function runInTransaction(change: WriteChange, prepared: readonly Prepared[], transaction: WriteTransaction): Promise<void> {
    // An error here fails the write: what these subscribers record must not go missing.
    for (const { subscriber, value } of prepared) await subscriber.write(change, { transaction, prepared: value });
  }

  function runCommitted(change: WriteChange): void {
    for (const subscriber of afterCommit) {
      try {
        const work = subscriber.committed(change);
        if (work === undefined) continue;
        const tracked = Promise.resolve(work).catch((error: unknown) => {
          strapi.log.error(`After a write to ${change.uid}, ${subscriber.name} failed: ${describe(error)}`);
        });
        pending.add(tracked);
        void tracked.finally(() => pending.delete(tracked));
      } catch (error) {
        strapi.log.error(`After a write to ${change.uid}, ${subscriber.name} failed: ${describe(error)}`);
      }
    }
  }

  /** The open transaction, if any (joining it runs no statement). */
  async function openTransaction(): Promise<Knex.Transaction | null> {
    if (!strapi.db.inTransaction()) return null;
    return strapi.db.transaction(async ({ trx }: { trx: Knex.Transaction }) => trx);
  }

  async function dispatchDatabaseChange(change: WriteChange, prepared: readonly Prepared[]): Promise<void> {
    if (prepared.length > 0) {
      // Joins the write's transaction; a write made outside one is committed already, and the
      // subscribers' own writes get a transaction of their own.
      await strapi.db.transaction(async ({ trx, onCommit }: WriteTransaction) => {
        await runInTransaction(change, prepared, { trx, onCommit });
        onCommit(() => runCommitted(change));
      });
    } else if (strapi.db.inTransaction()) {
      await strapi.db.transaction(async ({ onCommit }: WriteTransaction) => onCommit(() => runCommitted(change)));
    } else {
      runCommitted(change);
    }
  }

  const storeKeysOf = (event: StoreEvent): string[] => {
    if (event.model.uid !== 'strapi::core-store') return [];
    const keyOf = (value: unknown) => (typeof value === 'object' && value !== null ? (value as { key?: unknown }).key : undefined);
    return [keyOf(event.params.where), keyOf(event.params.data), keyOf(event.result)].filter((key): key is string => typeof key === 'string');
  };

  strapi.db.lifecycles.subscribe(async (event) => {
    const step = WRITE_EVENTS.get(event.action);
    if (step === undefined || !hasSubscribers()) return;
    const { uid } = event.model;
    const scope = scopes.getStore();
    if (scope?.isOpen === true && (uid === scope.uid || isComponent(uid))) {
      // Part of a Document Service write: its change is made when the action is done.
      const state = event.state as DatabaseState;
      if (scope.collector === null || uid !== scope.uid) return;
      if (step.isBefore) {
        if (step.action !== 'create' && step.action !== 'createMany') state.ids = await scope.collector.beforeWrite(step.action, event.params.where);
      } else {
        scope.collector.afterWrite(step.action, event.result, state.ids ?? []);
      }
      return;
    }

    const state = event.state as DatabaseState;
    if (step.isBefore) {
      state.prepared = await prepare({ source: 'database', action: step.action, uid });
      state.collector = hasRows(uid) && needsRows(state.prepared) ? collectorFor(strapi, uid, await openTransaction()) : null;
      if (state.collector !== null && step.action !== 'create' && step.action !== 'createMany') {
        state.ids = await state.collector.beforeWrite(step.action, event.params.where);
      }
      return;
    }
    state.collector?.afterWrite(step.action, event.result, state.ids ?? []);
    const rows = state.collector === null || state.collector === undefined ? NO_ROWS : await state.collector.finish();
    const change: WriteChange = { source: 'database', action: step.action, uid, ...rows, storeKeys: storeKeysOf(event) };
    await dispatchDatabaseChange(change, state.prepared ?? []);
  });

  const documentMiddleware: Modules.Documents.Middleware.Middleware = async (context, next) => {
    const { action } = context;
    if (!isDocumentAction(action) || !hasSubscribers()) return next();
    const params = context.params as { documentId?: unknown; status?: unknown };
    const uid = context.uid as string;
    const intent: WriteIntent = {
      source: 'document',
      action,
      uid,
      documentId: typeof params.documentId === 'string' ? params.documentId : null,
      status: typeof params.status === 'string' ? params.status : null,
    };
    const isOutermost = !strapi.db.inTransaction();
    const scope: DocumentScope = { uid, isOpen: true, collector: null };
    try {
      const result = await scopes.run(scope, () =>
        strapi.db.transaction(async ({ trx, onCommit }: WriteTransaction) => {
          const prepared = await prepare(intent);
          scope.collector = needsRows(prepared) ? collectorFor(strapi, uid, trx) : null;
          if (scope.collector !== null && intent.documentId !== null) await scope.collector.readDocument(intent.documentId);
          const written = await next();
          // What subscribers write from here on is theirs, not part of this change.
          scope.isOpen = false;
          const rows = scope.collector === null ? NO_ROWS : await scope.collector.finish();
          const documentId = intent.documentId ?? documentIdOf(written) ?? rows.rows.after[0]?.documentId ?? null;
          const change: WriteChange = { ...intent, documentId, ...rows, storeKeys: [] };
          await runInTransaction(change, prepared, { trx, onCommit });
          onCommit(() => runCommitted(change));
          return written;
        }),
      );
      if (isOutermost) await pipeline.settled();
      return result;
    } finally {
      scope.isOpen = false;
    }
  };

  const pipeline: WritePipeline = {
    inTransaction(subscriber) {
      const entry = subscriber as TransactionSubscriber<unknown>;
      inTransaction.add(entry);
      return () => inTransaction.delete(entry);
    },
    afterCommit(subscriber) {
      afterCommit.add(subscriber);
      return () => afterCommit.delete(subscriber);
    },
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
  strapi.documents.use(documentMiddleware);
  strapi.add(SERVICE, pipeline);
  return pipeline;
}

/** The document a create or clone made: Strapi returns the entry, or `{ documentId, entries }`. */
function documentIdOf(result: unknown): string | null {
  const documentId = typeof result === 'object' && result !== null ? (result as { documentId?: unknown }).documentId : undefined;
  return typeof documentId === 'string' ? documentId : null;
}
