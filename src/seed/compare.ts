/**
 * How the seed decides what to write, for entries and clinic adaptations alike: content in comparable
 * form (nulls, empty lists and component ids dropped, keys sorted), its fingerprint, the fingerprints
 * the seed remembers of what it last wrote, seed values as Strapi data, and what happened to each entry.
 */
import { createHash } from 'crypto';
import type { Core } from '@strapi/strapi';
import type { AdaptationUid, ContentUid } from '../content/model';
import { toIso } from '../content/values';
import { paragraphsToBlocks } from './blocks';
import type { FieldKind } from './schema';

export type SeedAction = 'created' | 'updated' | 'unchanged' | 'kept-edited';

export interface SeedOutcome {
  uid: ContentUid | AdaptationUid;
  /** The entry's slug; for a clinic adaptation, `<clinic>/<slug of the technique or condition>`. */
  slug: string;
  locale: string;
  documentId: string;
  action: SeedAction;
  isPublished: boolean;
}

const FINGERPRINTS = { type: 'core', name: 'content-seed' } as const;
const COMPONENT_KEYS_TO_IGNORE = new Set(['id', '__component']);

/** entry key (`<slug>@<locale>`) → fingerprint of what the seed last wrote there */
export type Fingerprints = Record<string, string>;

/** Drops nulls, empty lists and component ids, and sorts keys, so equal content compares equal. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Date) return toIso(value);
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (COMPONENT_KEYS_TO_IGNORE.has(key)) continue;
      const item = canonical((value as Record<string, unknown>)[key]);
      if (item === null || item === undefined || (Array.isArray(item) && item.length === 0)) continue;
      result[key] = item;
    }
    return result;
  }
  return value;
}

export function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex');
}

export async function readFingerprints(strapi: Core.Strapi, uid: ContentUid | AdaptationUid): Promise<Fingerprints> {
  return ((await strapi.store.get({ ...FINGERPRINTS, key: uid })) ?? {}) as Fingerprints;
}

export async function writeFingerprints(strapi: Core.Strapi, uid: ContentUid | AdaptationUid, fingerprints: Fingerprints): Promise<void> {
  await strapi.store.set({ ...FINGERPRINTS, key: uid, value: fingerprints });
}

/** A seed value as Strapi stores it: paragraphs as blocks, list items as components, FAQ answers as blocks. */
export function convert(kind: FieldKind | undefined, value: unknown): unknown {
  if (value === undefined) return undefined;
  if (kind === 'blocks') return paragraphsToBlocks(value as string[]);
  if (kind === 'list') return (value as string[]).map((text) => ({ text }));
  if (kind === 'faqs') {
    return (value as Array<{ question: string; answer: string[] }>).map((faq) => ({
      question: faq.question,
      answer: paragraphsToBlocks(faq.answer),
    }));
  }
  return value;
}

/**
 * What the seed does with an entry it finds as a draft: leave it (`unchanged`), replace it (`updated`:
 * still as the seed left it, or `shouldOverwriteEdits`), or keep an editor's change (`kept-edited`,
 * also for an entry seeded and published before and unpublished since).
 */
export function actionFor(input: {
  desired: string;
  current: string;
  remembered: string | undefined;
  isPublished: boolean;
  shouldOverwriteEdits: boolean;
}): Exclude<SeedAction, 'created'> {
  const { desired, current, remembered, isPublished, shouldOverwriteEdits } = input;
  if (current === desired) {
    const wasUnpublished = !isPublished && remembered !== undefined;
    return wasUnpublished && !shouldOverwriteEdits ? 'kept-edited' : 'unchanged';
  }
  return remembered === current || shouldOverwriteEdits ? 'updated' : 'kept-edited';
}
