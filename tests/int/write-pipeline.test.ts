/**
 * The write pipeline on a real Strapi: one typed change per write, computed once inside the write's
 * transaction; in-transaction subscribers' rows roll back with the write; after-commit subscribers hear
 * only committed writes, and a write returns once their work is done.
 */
import type { Knex } from 'knex';
import { writePipeline, type CommitSubscriber, type TransactionSubscriber, type WriteChange } from '../../src/content/writes';
import { runSeed } from '../../src/seed';
import { startApp, type TestApp } from '../helpers/strapi';

const MRT = 'myofascial-release-therapy';
const TECHNIQUE = 'api::technique.technique';
const SCRATCH = 'write_pipeline_test_rows';

type Documents = {
  findFirst(params: object): Promise<{ documentId: string; name: string } | null>;
  update(params: object): Promise<unknown>;
  publish(params: object): Promise<unknown>;
};

let app: TestApp;
let technique = '';
const unsubscribe: Array<() => void> = [];
const documents = () => app.strapi.documents(TECHNIQUE as never) as unknown as Documents;

/** Hears committed writes of `uid`, with their rows. */
function committedWrites(uid: string, committed?: (change: WriteChange) => Promise<unknown>): WriteChange[] {
  const heard: WriteChange[] = [];
  const subscriber: CommitSubscriber = {
    name: 'a test listener',
    needsRows: true,
    committed(change) {
      if (change.uid !== uid) return;
      heard.push(change);
      return committed?.(change);
    },
  };
  unsubscribe.push(writePipeline(app.strapi).afterCommit(subscriber));
  return heard;
}

/** Records, in the write's transaction, one scratch row per write of `uid`. */
function scratchOutbox(uid: string, fail = false): WriteChange[] {
  const heard: WriteChange[] = [];
  const subscriber: TransactionSubscriber<true> = {
    name: 'a test outbox',
    needsRows: true,
    prepare: (intent) => (intent.uid === uid ? true : undefined),
    async write(change, { transaction }) {
      heard.push(change);
      if (fail) throw new Error('the outbox is full');
      await app.strapi.db.connection(SCRATCH).transacting(transaction.trx).insert({ action: change.action });
    },
  };
  unsubscribe.push(writePipeline(app.strapi).inTransaction(subscriber));
  return heard;
}

const scratchRows = async () => (await app.strapi.db.connection(SCRATCH).select('action')) as Array<{ action: string }>;

async function statementsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const sql: string[] = [];
  const listener = (query: { sql: string }) => sql.push(query.sql);
  app.strapi.db.connection.on('query', listener);
  try {
    await work();
  } finally {
    app.strapi.db.connection.off('query', listener);
  }
  return sql;
}

beforeAll(async () => {
  app = await startApp();
  await runSeed({ strapi: app.strapi });
  await app.strapi.db.connection.schema.createTable(SCRATCH, (table: Knex.CreateTableBuilder) => {
    table.increments('id');
    table.string('action');
  });
  technique = (await documents().findFirst({ filters: { slug: MRT }, locale: 'en' }))?.documentId ?? '';
});

afterEach(async () => {
  for (const stop of unsubscribe.splice(0)) stop();
  await app.strapi.db.connection(SCRATCH).delete();
});

afterAll(async () => {
  await app?.stop();
});

describe('the change', () => {
  it('is computed once per Document Service write and given to every subscriber, with rows and linked rows', async () => {
    const outbox = scratchOutbox(TECHNIQUE);
    const committed = committedWrites(TECHNIQUE);
    await documents().publish({ documentId: technique, locale: 'en' });

    expect(committed).toHaveLength(1);
    expect(outbox).toHaveLength(1);
    expect(committed[0]).toBe(outbox[0]);
    const change = committed[0] as WriteChange;
    expect(change).toMatchObject({ source: 'document', action: 'publish', uid: TECHNIQUE, documentId: technique });
    // Strapi replaces the published row: the old one is gone, a new one holds the draft's content.
    const publishedBefore = change.rows.before.filter((row) => row.isPublished);
    const publishedAfter = change.rows.after.filter((row) => row.isPublished);
    expect(publishedBefore.map((row) => [row.locale, row.slug])).toEqual([['en', MRT]]);
    expect(publishedAfter.map((row) => [row.locale, row.slug])).toEqual([['en', MRT]]);
    expect(publishedAfter[0]?.id).not.toBe(publishedBefore[0]?.id);
    // The conditions it treats list it, before and after, on their `techniques` field.
    for (const side of [change.related.before, change.related.after]) {
      expect(side).toContainEqual(expect.objectContaining({ uid: 'api::condition.condition', slug: 'back-pain', locale: 'en', isPublished: true, field: 'techniques' }));
    }
    expect(change.related.after.every((row) => row.linkedTo === publishedAfter[0]?.id)).toBe(true);
  });

  it('reads the linked rows of all relation fields in one statement before and one after a publish, none for a draft edit', async () => {
    committedWrites(TECHNIQUE);
    const linkedReads = (sql: string[]) => sql.filter((text) => text.includes('linked_to')).length;
    // The pipeline's two, and the change feed's one for the pages listing the entry in its other
    // published locales (they show it through their fallback: src/sync/recorder.ts).
    expect(linkedReads(await statementsDuring(() => documents().publish({ documentId: technique, locale: 'en' })))).toBe(3);
    expect(linkedReads(await statementsDuring(() => documents().update({ documentId: technique, locale: 'en', data: { goal: 'Release.' } })))).toBe(0);
  });

  it('makes one change of a strapi.db.query write, named by its query', async () => {
    const committed = committedWrites(TECHNIQUE);
    await app.strapi.db.query(TECHNIQUE).updateMany({ where: { documentId: technique, locale: 'en' }, data: { goal: 'Release, again.' } });
    await writePipeline(app.strapi).settled();

    expect(committed).toHaveLength(1);
    expect(committed[0]).toMatchObject({ source: 'database', action: 'updateMany', uid: TECHNIQUE });
    expect(committed[0]?.rows.before.map((row) => row.id).sort()).toEqual(committed[0]?.rows.after.map((row) => row.id).sort());
    expect(new Set(committed[0]?.rows.after.map((row) => row.isPublished))).toEqual(new Set([true, false]));
  });
});

describe('in the transaction', () => {
  it('commits the subscriber rows with the write, and rolls them back with it', async () => {
    scratchOutbox(TECHNIQUE);
    await documents().publish({ documentId: technique, locale: 'en' });
    expect(await scratchRows()).toEqual([{ action: 'publish' }]);

    await expect(
      app.strapi.db.transaction(async () => {
        await documents().publish({ documentId: technique, locale: 'en' });
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    expect(await scratchRows()).toEqual([{ action: 'publish' }]);
  });

  it('fails the write when a subscriber fails', async () => {
    scratchOutbox(TECHNIQUE, true);
    await expect(documents().update({ documentId: technique, locale: 'en', data: { name: 'Never saved' } })).rejects.toThrow('the outbox is full');
    expect((await documents().findFirst({ filters: { slug: MRT }, locale: 'en' }))?.name).not.toBe('Never saved');
  });
});

describe('after commit', () => {
  it('hears nothing of a write that rolled back, and an outer transaction\'s writes once it commits', async () => {
    const committed = committedWrites(TECHNIQUE);
    await expect(
      app.strapi.db.transaction(async () => {
        await documents().update({ documentId: technique, locale: 'en', data: { goal: 'Rolled back.' } });
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    expect(committed).toEqual([]);

    await app.strapi.db.transaction(async () => {
      await documents().update({ documentId: technique, locale: 'en', data: { goal: 'Committed.' } });
      expect(committed).toEqual([]);
    });
    expect(committed.map((change) => change.action)).toEqual(['update']);
  });

  it('lets a Document Service write return only once the work it set off is done', async () => {
    let isDone = false;
    committedWrites(TECHNIQUE, async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      isDone = true;
    });
    await documents().update({ documentId: technique, locale: 'en', data: { goal: 'Settled.' } });
    expect(isDone).toBe(true);
  });

  it('lets settled() wait for the work of writes that committed outside the Document Service', async () => {
    let isDone = false;
    committedWrites(TECHNIQUE, async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      isDone = true;
    });
    await app.strapi.db.transaction(() => app.strapi.db.query(TECHNIQUE).updateMany({ where: { documentId: technique }, data: { goal: 'Raw.' } }));
    expect(isDone).toBe(false);
    await writePipeline(app.strapi).settled();
    expect(isDone).toBe(true);
  });
});
