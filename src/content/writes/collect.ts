/**
 * Gathers the rows one write touches, from Strapi's database lifecycles as the write runs, into the
 * `rows` and `related` of its change. What Strapi's results already hold is not read again: a created,
 * updated or deleted row comes back whole from the query that wrote it. Reads are made only for what
 * the results cannot tell: the state before an update, the rows an updateMany or deleteMany matches,
 * and the rows linked to published rows (join tables are written without lifecycles).
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { ContentUid } from '../model';
import type { DatabaseAction, LinkedRow, RowVersion, WriteChange } from './change';
import { completeVersion, readLinked, readVersions } from './rows';

type Rows = Pick<WriteChange, 'rows' | 'related'>;

export const NO_ROWS: Rows = { rows: { before: [], after: [] }, related: { before: [], after: [] } };

const idOf = (value: unknown): number | null => {
  const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'number' ? id : null;
};

const idsOf = (value: unknown): number[] => {
  const ids = typeof value === 'object' && value !== null ? (value as { ids?: unknown }).ids : undefined;
  return Array.isArray(ids) ? ids.filter((id): id is number => typeof id === 'number') : [];
};

export class RowCollector {
  /** Rows as they were before the write, by id. */
  private readonly before = new Map<number, RowVersion>();
  /** Rows whose links before the write have been read. */
  private readonly linksRead = new Set<number>();
  private readonly linkedBefore: LinkedRow[] = [];
  private readonly created = new Set<number>();
  private readonly updated = new Set<number>();
  private readonly deleted = new Set<number>();
  /** Created or updated rows as Strapi returned them (null: trimmed by a `select`, read at the end). */
  private readonly latest = new Map<number, RowVersion | null>();
  /** The document whose versions were all read up front (Document Service writes). */
  private documentId: string | null = null;

  constructor(
    private readonly strapi: Core.Strapi,
    private readonly uid: ContentUid,
    private readonly trx: Knex.Transaction | null,
  ) {}

  /** Reads every version of the document a Document Service write addresses, before it runs. */
  async readDocument(documentId: string): Promise<void> {
    this.documentId = documentId;
    this.remember(await readVersions(this.strapi, this.uid, { documentId }));
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
    const rows = await readVersions(this.strapi, this.uid, where);
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
      this.latest.set(id, completeVersion(this.uid, result));
    } else if (action === 'createMany') {
      for (const id of idsOf(result)) {
        this.created.add(id);
        this.latest.set(id, null);
      }
    } else if (action === 'update' || action === 'updateMany') {
      const written = action === 'update' ? [idOf(result)].filter((id): id is number => id !== null) : ids;
      for (const id of written) {
        if (!this.created.has(id)) this.updated.add(id);
        this.latest.set(id, action === 'update' ? completeVersion(this.uid, result) : null);
      }
    } else {
      const written = action === 'delete' ? [idOf(result)].filter((id): id is number => id !== null) : ids;
      for (const id of written) {
        this.deleted.add(id);
        this.latest.delete(id);
        const row = action === 'delete' ? completeVersion(this.uid, result) : null;
        if (!this.before.has(id) && row !== null) this.before.set(id, row);
      }
    }
  }

  /** The change's rows and related rows, once the write has run (still in its transaction). */
  async finish(): Promise<Rows> {
    const afterIds = [...new Set([...this.created, ...this.updated])].filter((id) => !this.deleted.has(id));
    const missing = afterIds.filter((id) => (this.latest.get(id) ?? null) === null);
    if (missing.length > 0) {
      for (const row of await readVersions(this.strapi, this.uid, { id: { $in: missing } })) this.latest.set(row.id, row);
    }
    const after = afterIds.map((id) => this.latest.get(id)).filter((row): row is RowVersion => row !== null && row !== undefined);
    const beforeIds = [...new Set([...this.updated, ...this.deleted])].filter((id) => !this.created.has(id));
    const before = beforeIds.map((id) => this.before.get(id)).filter((row): row is RowVersion => row !== undefined);
    const publishedBefore = new Set(before.filter((row) => row.isPublished).map((row) => row.id));
    const publishedAfter = after.filter((row) => row.isPublished).map((row) => row.id);
    return {
      rows: { before, after },
      related: {
        before: this.linkedBefore.filter((row) => publishedBefore.has(row.linkedTo)),
        after: await readLinked(this.strapi, { uid: this.uid, trx: this.trx, ids: publishedAfter }),
      },
    };
  }

  private remember(rows: readonly RowVersion[]): void {
    for (const row of rows) if (!this.before.has(row.id)) this.before.set(row.id, row);
  }

  /** Links of published rows, read once per row (drafts link to drafts: nothing public). */
  private async readLinksBefore(rows: readonly RowVersion[]): Promise<void> {
    const ids = rows.filter((row) => row.isPublished && !this.linksRead.has(row.id)).map((row) => row.id);
    if (ids.length === 0) return;
    for (const id of ids) this.linksRead.add(id);
    this.linkedBefore.push(...(await readLinked(this.strapi, { uid: this.uid, trx: this.trx, ids })));
  }
}
