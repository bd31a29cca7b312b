/**
 * Imports a validated seed set through the Document Service, in one transaction, and publishes it.
 *
 * Idempotent: an entry whose draft already equals the seed is left alone, so a second run writes
 * nothing. The seed remembers a fingerprint of what it last wrote per entry; when the seed file
 * changes, an entry still as the seed left it is updated, but one an editor has changed since is
 * kept and reported (pass `shouldOverwriteEdits` to replace it), so re-seeding never loses an edit.
 * Likewise an entry an editor unpublished stays unpublished. Clinic adaptations follow the same rules
 * (import-adaptations.ts), after every type they name.
 */
import type { Core } from '@strapi/strapi';
import { documentsOf, modelMeta, type ContentUid, type ModelMeta } from '../content/model';
import { actionFor, convert, fingerprint, readFingerprints, writeFingerprints, type SeedAction, type SeedOutcome } from './compare';
import { importAdaptations } from './import-adaptations';
import type { SeedSet } from './load';
import { translatableFields, type SeedEntry, type SeedTypeSpec } from './schema';

export type { SeedAction, SeedOutcome } from './compare';

export interface SeedReport {
  outcomes: SeedOutcome[];
  counts: Record<SeedAction, number>;
}

/** seed file → slug → documentId */
type DocumentIds = Map<string, Map<string, string>>;

interface DraftRecord {
  documentId: string;
  slug: string;
  [field: string]: unknown;
}

/** The fields the seed writes: all for a default-locale entry, the translatable ones for a translation. */
function managedFields(spec: SeedTypeSpec, entry: SeedEntry): string[] {
  if (entry.isTranslation === true) return translatableFields(spec);
  return Object.keys(spec.schema.shape).filter((field) => field !== 'slug' && field !== 'locale');
}

/** The entry as comparable content: relations as sorted slugs. */
function comparableFromSeed(spec: SeedTypeSpec, entry: SeedEntry): Record<string, unknown> {
  const result: Record<string, unknown> = { slug: entry.slug };
  for (const field of managedFields(spec, entry)) {
    const kind = spec.fields[field];
    result[field] =
      typeof kind === 'object' ? [...((entry[field] as string[] | undefined) ?? [])].sort() : convert(kind, entry[field]);
  }
  return result;
}

function comparableFromRecord(spec: SeedTypeSpec, entry: SeedEntry, record: DraftRecord): Record<string, unknown> {
  const result: Record<string, unknown> = { slug: record.slug };
  for (const field of managedFields(spec, entry)) {
    const kind = spec.fields[field];
    const value = record[field];
    result[field] =
      typeof kind === 'object'
        ? ((value as Array<{ slug: string }> | null) ?? []).map((related) => related.slug).sort()
        : value;
  }
  return result;
}

function dataFromSeed(input: {
  spec: SeedTypeSpec;
  entry: SeedEntry;
  documentIds: DocumentIds;
  model: ModelMeta;
}): Record<string, unknown> {
  const { spec, entry, documentIds, model } = input;
  const data: Record<string, unknown> = { slug: entry.slug };
  for (const field of managedFields(spec, entry)) {
    const kind = spec.fields[field];
    if (typeof kind === 'object') {
      const targets = (entry[field] as string[] | undefined) ?? [];
      data[field] = {
        set: targets.map((slug) => {
          const documentId = documentIds.get(kind.relation)?.get(slug);
          if (documentId === undefined) throw new Error(`${spec.file} "${entry.slug}": ${field} target "${slug}" was not imported`);
          return { documentId, locale: entry.locale };
        }),
      };
    } else {
      // Absent optional fields are cleared, so removing a field from the seed removes it from the entry.
      const empty = model.field(field)?.component?.isRepeatable === true ? [] : null;
      data[field] = convert(kind, entry[field]) ?? empty;
    }
  }
  return data;
}

async function importType(input: {
  strapi: Core.Strapi;
  spec: SeedTypeSpec;
  entries: SeedEntry[];
  documentIds: DocumentIds;
  shouldOverwriteEdits: boolean;
}): Promise<SeedOutcome[]> {
  const { strapi, spec, entries, documentIds, shouldOverwriteEdits } = input;
  const { uid } = spec;
  const documents = documentsOf(strapi, uid);
  const model = modelMeta(strapi, uid);
  const slugs = [...new Set(entries.map((entry) => entry.slug))];

  const rows = (await strapi.db.query(uid).findMany({
    where: { slug: { $in: slugs } },
    select: ['documentId', 'slug', 'locale', 'publishedAt'],
  })) as Array<{ documentId: string; slug: string; locale: string; publishedAt: string | null }>;
  const ids = new Map<string, string>(rows.map((row) => [row.slug, row.documentId]));
  documentIds.set(spec.file, ids);
  const published = new Set(rows.filter((row) => row.publishedAt !== null).map((row) => `${row.slug}@${row.locale}`));

  const drafts = new Map<string, DraftRecord>();
  for (const locale of new Set(entries.map((entry) => entry.locale))) {
    const found = (await documents.findMany({
      filters: { slug: { $in: slugs } },
      locale,
      status: 'draft',
      populate: '*',
    })) as DraftRecord[];
    for (const record of found) drafts.set(`${record.slug}@${locale}`, record);
  }

  const fingerprints = await readFingerprints(strapi, uid);
  const outcomes: SeedOutcome[] = [];

  for (const entry of entries) {
    const key = `${entry.slug}@${entry.locale}`;
    const desired = fingerprint(comparableFromSeed(spec, entry));
    const draft = drafts.get(key);
    let action: SeedAction;

    if (draft === undefined) {
      const data = dataFromSeed({ spec, entry, documentIds, model });
      const existingId = ids.get(entry.slug);
      // Another locale of the document exists: updating in this locale creates it.
      const written =
        existingId === undefined
          ? await documents.create({ locale: entry.locale, data })
          : await documents.update({ documentId: existingId, locale: entry.locale, data });
      if (written === null) throw new Error(`${uid} "${entry.slug}": document ${existingId} vanished during the seed`);
      ids.set(entry.slug, written.documentId);
      action = 'created';
    } else {
      const current = fingerprint(comparableFromRecord(spec, entry, draft));
      action = actionFor({ desired, current, remembered: fingerprints[key], isPublished: published.has(key), shouldOverwriteEdits });
      if (action === 'updated') {
        const data = dataFromSeed({ spec, entry, documentIds, model });
        await documents.update({ documentId: draft.documentId, locale: entry.locale, data });
      }
    }

    const documentId = ids.get(entry.slug) as string;
    let isPublished = published.has(key);
    if (action === 'created' || action === 'updated' || (action === 'unchanged' && !isPublished)) {
      await documents.publish({ documentId, locale: entry.locale });
      isPublished = true;
    }
    if (action !== 'kept-edited') fingerprints[key] = desired;
    outcomes.push({ uid, slug: entry.slug, locale: entry.locale, documentId, action, isPublished });
  }

  await writeFingerprints(strapi, uid, fingerprints);
  return outcomes;
}

export async function importSeed(input: {
  strapi: Core.Strapi;
  seed: SeedSet;
  shouldOverwriteEdits?: boolean;
}): Promise<SeedReport> {
  const { strapi, seed, shouldOverwriteEdits = false } = input;
  const outcomes = await strapi.db.transaction(async () => {
    const documentIds: DocumentIds = new Map();
    const all: SeedOutcome[] = [];
    for (const { spec, entries } of seed.types) {
      if (entries.length === 0) continue;
      all.push(...(await importType({ strapi, spec, entries, documentIds, shouldOverwriteEdits })));
    }
    if (seed.adaptations.length > 0) all.push(...(await importAdaptations({ strapi, adaptations: seed.adaptations, shouldOverwriteEdits })));
    return all;
  });
  const counts: Record<SeedAction, number> = { created: 0, updated: 0, unchanged: 0, 'kept-edited': 0 };
  for (const outcome of outcomes) counts[outcome.action] += 1;
  return { outcomes, counts };
}
