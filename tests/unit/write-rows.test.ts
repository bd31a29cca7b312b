/**
 * How the write pipeline gathers a write's rows (src/content/writes/collect.ts), against a stand-in for
 * Strapi's database that answers reads of clinic rows and counts them. Clinics have no two-sided
 * relations, so no linked rows are read here; tests/int/write-pipeline.test.ts covers those.
 */
import type { Core } from '@strapi/strapi';
import { collectorFor, type Collector } from '../../src/content/writes/collect';

const CLINIC = 'api::clinic.clinic';

function clinicCollector(strapi: Core.Strapi): Collector {
  const collector = collectorFor(strapi, CLINIC, null);
  if (collector === null) throw new Error('clinic writes carry rows');
  return collector;
}

interface Stored {
  id: number;
  documentId: string;
  locale: string;
  publishedAt: string | null;
  slug: string;
}

function database(rows: Stored[]) {
  const reads: unknown[] = [];
  const matches = (row: Stored, where: Record<string, unknown>) =>
    Object.entries(where).every(([key, value]) => {
      const field = row[key as keyof Stored];
      if (typeof value === 'object' && value !== null && '$in' in value) return (value as { $in: unknown[] }).$in.includes(field);
      return field === value;
    });
  const strapi = {
    db: {
      query: () => ({
        findMany: async ({ where }: { where: Record<string, unknown> }) => {
          reads.push(where);
          return rows.filter((row) => matches(row, where));
        },
      }),
      metadata: { has: () => true, get: () => ({ tableName: 'clinics', attributes: { offeredTechniques: { target: 'api::technique.technique' } } }) },
    },
    // The schema side of the content-model adapter (src/content/model/metadata.ts).
    contentTypes: { [CLINIC]: { attributes: { offeredTechniques: { type: 'relation', relation: 'manyToMany', target: 'api::technique.technique' } } } },
    components: {},
  } as unknown as Core.Strapi;
  return { strapi, reads };
}

const draft: Stored = { id: 1, documentId: 'doc', locale: 'en', publishedAt: null, slug: 'northside' };
const published: Stored = { id: 2, documentId: 'doc', locale: 'en', publishedAt: '2026-01-01T00:00:00.000Z', slug: 'northside' };

describe('the rows of a write', () => {
  it('come from what Strapi returned: a publish that replaces the published row reads only the versions up front', async () => {
    const { strapi, reads } = database([draft, published]);
    const collector = clinicCollector(strapi);
    await collector.readDocument('doc');
    expect(await collector.beforeWrite('delete', { id: 2 })).toEqual([]);
    collector.afterWrite('delete', published, []);
    collector.afterWrite('create', { ...published, id: 3, slug: 'northside-renamed' }, []);
    const { rows } = await collector.finish();

    expect(reads).toEqual([{ documentId: 'doc' }]);
    expect(rows.before.map((row) => [row.id, row.isPublished, row.slug])).toEqual([[2, true, 'northside']]);
    expect(rows.after.map((row) => [row.id, row.isPublished, row.slug])).toEqual([[3, true, 'northside-renamed']]);
  });

  it('reads at the end, once, the rows a select trimmed', async () => {
    const { strapi, reads } = database([draft]);
    const collector = clinicCollector(strapi);
    collector.afterWrite('create', { id: 1, name: 'Northside' }, []);
    const { rows } = await collector.finish();

    expect(reads).toEqual([{ id: { $in: [1] } }]);
    expect(rows).toEqual({ before: [], after: [{ id: 1, uid: CLINIC, documentId: 'doc', locale: 'en', isPublished: false, slug: 'northside' }] });
  });

  it('reads the rows an updateMany matches before it runs, and as they are after', async () => {
    const { strapi, reads } = database([draft, published]);
    const collector = clinicCollector(strapi);
    const ids = await collector.beforeWrite('updateMany', { documentId: 'doc' });
    collector.afterWrite('updateMany', { count: 2 }, ids);
    const { rows } = await collector.finish();

    expect(ids).toEqual([1, 2]);
    expect(reads).toEqual([{ documentId: 'doc' }, { id: { $in: [1, 2] } }]);
    expect(rows.before.map((row) => row.id)).toEqual([1, 2]);
    expect(rows.after.map((row) => row.id)).toEqual([1, 2]);
  });

  it('leaves out a row created and deleted by the same write, and counts a created row updated later as created', async () => {
    const { strapi } = database([]);
    const collector = clinicCollector(strapi);
    collector.afterWrite('create', draft, []);
    expect(await collector.beforeWrite('update', { id: 1 })).toEqual([]);
    collector.afterWrite('update', { ...draft, slug: 'northside-2' }, []);
    collector.afterWrite('create', published, []);
    collector.afterWrite('delete', published, []);
    const { rows } = await collector.finish();

    expect(rows.before).toEqual([]);
    expect(rows.after.map((row) => [row.id, row.slug])).toEqual([[1, 'northside-2']]);
  });
});
