/**
 * Gathers the rows one write touches, from Strapi's database lifecycles as the write runs, into the
 * `rows` and `related` of its change (served types) or its `adaptations` (clinic adaptations). What
 * Strapi's results already hold is not read again: a created, updated or deleted row comes back whole
 * from the query that wrote it. Reads are made only for what the results cannot tell: the state before
 * an update, the rows an updateMany or deleteMany matches, and the rows linked to published rows (join
 * tables are written without lifecycles).
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { ADAPTATION, isServedUid } from '../model';
import type { AdaptationVersion, DatabaseAction, LinkedRow, RowVersion, WriteChange } from './change';
import { adaptationVersionOf, completeVersion, readAdaptationVersions, readLinked, readVersions } from './rows';

type Rows = Pick<WriteChange, 'rows' | 'related' | 'adaptations'>;

export const NO_ROWS: Rows = { rows: { before: [], after: [] }, related: { before: [], after: [] }, adaptations: { before: [], after: [] } };

interface Version {
  id: number;
  isPublished: boolean;
}

/** How the versions of one type are read, and where they go in the change. */
interface Versions<V extends Version> {
  read(where: unknown): Promise<V[]>;
  /** A row as a lifecycle result holds it, or null when a `select` trimmed it. */
  complete(result: unknown): V | null;
  /** The rows linked to these published rows. */
  linked(ids: readonly number[]): Promise<LinkedRow[]>;
  rows(before: V[], after: V[], related: Rows['related']): Rows;
}

/** What the pipeline asks of a collector, whatever the type. */
export interface Collector {
  readDocument(documentId: string): Promise<void>;
  beforeWrite(action: DatabaseAction, where: unknown): Promise<number[]>;
  afterWrite(action: DatabaseAction, result: unknown, ids: readonly number[]): void;
  finish(): Promise<Rows>;
}

/** True for the types whose writes carry rows: the served types and clinic adaptations. */
export const hasRows = (uid: string): boolean => isServedUid(uid) || uid === ADAPTATION.uid;

/** The collector for a write to `uid`; null for a type whose writes carry no rows (see hasRows). */
export function collectorFor(strapi: Core.Strapi, uid: string, trx: Knex.Transaction | null): Collector | null {
  if (isServedUid(uid)) {
    return new RowCollector<RowVersion>({
      read: (where) => readVersions(strapi, uid, where),
      complete: (result) => completeVersion(uid, result),
      linked: (ids) => readLinked(strapi, { uid, trx, ids }),
      rows: (before, after, related) => ({ ...NO_ROWS, rows: { before, after }, related }),
    });
  }
  if (uid === ADAPTATION.uid) {
    return new RowCollector<AdaptationVersion>({
      read: (where) => readAdaptationVersions(strapi, where),
      complete: adaptationVersionOf,
      linked: async () => [],
      rows: (before, after) => ({ ...NO_ROWS, adaptations: { before, after } }),
    });
  }
  return null;
}

const idOf = (value: unknown): number | null => {
  const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'number' ? id : null;
};

const idsOf = (value: unknown): number[] => {
  const ids = typeof value === 'object' && value !== null ? (value as { ids?: unknown }).ids : undefined;
  return Array.isArray(ids) ? ids.filter((id): id is number => typeof id === 'number') : [];
};

class RowCollector<V extends Version> implements Collector {
  /** Rows as they were before the write, by id. */
  private readonly before = new Map<number, V>();
  /** Rows whose links before the write have been read. */
  private readonly linksRead = new Set<number>();
  private readonly linkedBefore: LinkedRow[] = [];
  private readonly created = new Set<number>();
  private readonly updated = new Set<number>();
  private readonly deleted = new Set<number>();
  /** Created or updated rows as Strapi returned them (null: trimmed by a `select`, read at the end). */
  private readonly latest = new Map<number, V | null>();
  /** The document whose versions were all read up front (Document Service writes). */
  private documentId: string | null = null;

  constructor(private readonly versions: Versions<V>) {}

  /** Reads every version of the document a Document Service write addresses, before it runs. */
  async readDocument(documentId: string): Promise<void> {
    this.documentId = documentId;
    this.remember(await this.versions.read({ documentId }));
  }

  /**
   * Before an update or delete (or their Many forms): makes sure the rows it changes are known as they
   * are now, with their links if published. Returns the ids an updateMany or deleteMany will change.
   */
  async beforeWrite(action: DatabaseAction, where: unknown): Promise<number[]> {
    const id = idOf(where);
    const isMany = action === 'updateMany' || action === 'deleteMany';
    if (!isMany && id !== null && (this.before.has(id) || this.created.has(id))) {
      if (this.before.get(id)?.isPublished === true) await this.readLinksBefore([...this.before.values()]);
      return [];
    }
    const filter = typeof where === 'object' && where !== null ? (where as { documentId?: unknown; publishedAt?: unknown }) : {};
    if (!isMany && this.documentId !== null && filter.documentId === this.documentId) {
      // One of the document's versions, all read already; which one is known only once it is written.
      if (filter.publishedAt !== null) await this.readLinksBefore([...this.before.values()]);
      return [];
    }
    const rows = await this.versions.read(where);
    this.remember(rows);
    await this.readLinksBefore(rows);
    return rows.map((row) => row.id);
  }

  /** After a write: what Strapi returned (the row, or the ids of a createMany), and `ids` from beforeWrite. */
  afterWrite(action: DatabaseAction, result: unknown, ids: readonly number[]): void {
    if (action === 'create') {
      const id = idOf(result);
      if (id === null) return;
      this.created.add(id);
      this.latest.set(id, this.versions.complete(result));
    } else if (action === 'createMany') {
      for (const id of idsOf(result)) {
        this.created.add(id);
        this.latest.set(id, null);
      }
    } else if (action === 'update' || action === 'updateMany') {
      const written = action === 'update' ? [idOf(result)].filter((id): id is number => id !== null) : ids;
      for (const id of written) {
        if (!this.created.has(id)) this.updated.add(id);
        this.latest.set(id, action === 'update' ? this.versions.complete(result) : null);
      }
    } else {
      const written = action === 'delete' ? [idOf(result)].filter((id): id is number => id !== null) : ids;
      for (const id of written) {
        this.deleted.add(id);
        this.latest.delete(id);
        const row = action === 'delete' ? this.versions.complete(result) : null;
        if (!this.before.has(id) && row !== null) this.before.set(id, row);
      }
    }
  }

  /** The change's rows and related rows, once the write has run (still in its transaction). */
  async finish(): Promise<Rows> {
    const afterIds = [...new Set([...this.created, ...this.updated])].filter((id) => !this.deleted.has(id));
    const missing = afterIds.filter((id) => (this.latest.get(id) ?? null) === null);
    if (missing.length > 0) {
      for (const row of await this.versions.read({ id: { $in: missing } })) this.latest.set(row.id, row);
    }
    const after = afterIds.map((id) => this.latest.get(id)).filter((row): row is V => row !== null && row !== undefined);
    const beforeIds = [...new Set([...this.updated, ...this.deleted])].filter((id) => !this.created.has(id));
    const before = beforeIds.map((id) => this.before.get(id)).filter((row): row is V => row !== undefined);
    const publishedBefore = new Set(before.filter((row) => row.isPublished).map((row) => row.id));
    const publishedAfter = after.filter((row) => row.isPublished).map((row) => row.id);
    return this.versions.rows(before, after, {
      before: this.linkedBefore.filter((row) => publishedBefore.has(row.linkedTo)),
      after: await this.versions.linked(publishedAfter),
    });
  }

  private remember(rows: readonly V[]): void {
    for (const row of rows) if (!this.before.has(row.id)) this.before.set(row.id, row);
  }

  /** Links of published rows, read once per row (drafts link to drafts: nothing public). */
  private async readLinksBefore(rows: readonly V[]): Promise<void> {
    const ids = rows.filter((row) => row.isPublished && !this.linksRead.has(row.id)).map((row) => row.id);
    if (ids.length === 0) return;
    for (const id of ids) this.linksRead.add(id);
    this.linkedBefore.push(...(await this.versions.linked(ids)));
  }
}
