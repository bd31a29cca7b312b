/**
 * What a write is, as its subscribers see it: one typed change per write, computed once, inside the
 * write's transaction (see pipeline.ts). A write is one Document Service action (publish, update, …)
 * or, outside any action, one `strapi.db.query` call (the admin's own models, keys, locales, the store).
 */
import type { Knex } from 'knex';
import type { AdaptationUid, ContentUid } from '../model';

/** The Document Service actions that write. */
export const DOCUMENT_ACTIONS = ['create', 'update', 'delete', 'publish', 'unpublish', 'discardDraft', 'clone'] as const;
export type DocumentAction = (typeof DOCUMENT_ACTIONS)[number];

/** The `strapi.db.query` calls that write. */
export type DatabaseAction = 'create' | 'createMany' | 'update' | 'updateMany' | 'delete' | 'deleteMany';

/** One row (one locale, draft or published) of a served content type. */
export interface RowVersion {
  id: number;
  uid: ContentUid;
  documentId: string;
  locale: string | null;
  isPublished: boolean;
  slug: string | null;
}

/** One row (one locale, draft or published) of a clinic adaptation: the clinic and the entry it names. */
export interface AdaptationVersion {
  id: number;
  uid: AdaptationUid;
  documentId: string;
  locale: string | null;
  isPublished: boolean;
  /** The clinic's slug; null on a row that names none (refused on save, but not relied on here). */
  clinic: string | null;
  /** The adapted entry, by its type and slug; null on a row that names none. */
  target: { uid: ContentUid; slug: string } | null;
}

/** A row on the other side of a two-sided relation of a written row. */
export interface LinkedRow extends Omit<RowVersion, 'id'> {
  /** Its relation field that lists the written row. */
  field: string;
  /** The id of the written row it is linked to. */
  linkedTo: number;
}

/** What a write is about, known before it runs. */
export type WriteIntent =
  | {
      source: 'document';
      action: DocumentAction;
      uid: string;
      /** null for actions that make a new document (create, clone). */
      documentId: string | null;
      /** The `status` parameter: create and update with 'published' publish too. */
      status: string | null;
    }
  | { source: 'database'; action: DatabaseAction; uid: string };

/**
 * A committed (or committing) write. `rows` and `related` are filled for served content types, and
 * `adaptations` for clinic adaptations, when a subscriber asked for them (they cost reads), else empty:
 * - rows.before: the rows the write updated or deleted, as they were; rows.after: the rows it created
 *   or updated, as they are. A row in both was updated in place; compare ids to tell.
 * - related: the rows linked to the written *published* rows through two-sided relations, before and
 *   after (a relation list is stored once and both sides serve it). Drafts link only to drafts, which
 *   nothing public shows, so their links are not read.
 */
export type WriteChange = WriteIntent & {
  /** The document written (Document Service writes), once known. */
  documentId?: string | null;
  rows: { before: RowVersion[]; after: RowVersion[] };
  related: { before: LinkedRow[]; after: LinkedRow[] };
  /** The adaptation rows written, before and after, as `rows` (adaptations link to nothing). */
  adaptations: { before: AdaptationVersion[]; after: AdaptationVersion[] };
  /** For Strapi's key-value store (`strapi::core-store`): the keys written. */
  storeKeys: string[];
};

/** The write's transaction, for subscribers that write with it. */
export interface WriteTransaction {
  trx: Knex.Transaction;
  /** Runs once the outermost transaction has committed (never on rollback). */
  onCommit(callback: () => void): void;
}

/**
 * Runs inside the write's transaction, after the write: what it writes (an outbox row) commits or rolls
 * back with the write, and an error it throws fails the write.
 */
export interface TransactionSubscriber<P = undefined> {
  /** Named in logs. */
  name: string;
  /** Whether it reads `rows` and `related`. */
  needsRows: boolean;
  /**
   * Before the write, in its transaction (reads through strapi.db.query join it): what it must know of
   * the state before the write (settings a delete removes). undefined: the write is none of its
   * business; `write` is not called and no rows are read on its account.
   */
  prepare?(intent: WriteIntent): Promise<P | undefined> | P | undefined;
  /** `prepared`: what `prepare` returned (undefined without one). */
  write(change: WriteChange, context: { transaction: WriteTransaction; prepared: P }): Promise<void>;
}

/**
 * Runs once the write has committed, never for one that rolled back. The write (and the settle point)
 * waits for the promise it returns; its errors are logged, the write has happened.
 */
export interface CommitSubscriber {
  name: string;
  needsRows: boolean;
  committed(change: WriteChange): Promise<unknown> | void;
}

/** What a write does to published content; null for a write that changes drafts only. */
export type PublishedEffect = 'publish' | 'unpublish' | 'delete';

export function publishedEffectOf(intent: WriteIntent): PublishedEffect | null {
  if (intent.source !== 'document') return null;
  const { action } = intent;
  if (action === 'publish' || action === 'unpublish' || action === 'delete') return action;
  // Strapi publishes these itself, without going through the publish action's middlewares.
  if ((action === 'create' || action === 'update') && intent.status === 'published') return 'publish';
  return null;
}

export const isDocumentAction = (action: string): action is DocumentAction => (DOCUMENT_ACTIONS as readonly string[]).includes(action);
