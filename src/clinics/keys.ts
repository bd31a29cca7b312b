/**
 * Clinic access keys. A key is shown once, when it is created; the clinic keeps only its SHA-256 hash
 * (keys are 256 random bits, so a plain hash is as strong as a slow one) in the private `accessKeys`
 * field, which no API serves. Revoking marks a clinic's keys revoked; they stay listed for the record.
 */
import { createHash, randomBytes } from 'crypto';
import type { Core } from '@strapi/strapi';
import { settleChanges } from '../content/changes';

export type KeyKind = 'public' | 'preview';

export interface StoredKey {
  id: string;
  hash: string;
  kind: KeyKind;
  createdAt: string;
  revokedAt: string | null;
}

export interface AuthenticatedKey {
  clinicDocumentId: string;
  clinicSlug: string;
  keyId: string;
  kind: KeyKind;
  /** The clinic's own API rate limit per key and minute; null: the service default. */
  rateLimitPerMinute: number | null;
}

export class ClinicKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClinicKeyError';
  }
}

const CLINIC = 'api::clinic.clinic';
const KEY_PATTERN = /^cck_(live|preview)_[A-Za-z0-9_-]{43}$/;

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function isWellFormedKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

function storedKeys(value: unknown): StoredKey[] {
  return Array.isArray(value) ? (value as StoredKey[]) : [];
}

interface ClinicKeyRow {
  id: number;
  documentId: string;
  slug: string;
  publishedAt: string | null;
  accessKeys: unknown;
}

async function clinicRows(strapi: Core.Strapi, slug: string): Promise<ClinicKeyRow[]> {
  const rows = (await strapi.db.query(CLINIC).findMany({
    where: { slug },
    select: ['id', 'documentId', 'slug', 'publishedAt', 'accessKeys'],
  })) as ClinicKeyRow[];
  if (rows.length === 0) throw new ClinicKeyError(`There is no clinic with slug "${slug}".`);
  return rows;
}

/** Keys live on every row of the clinic (each locale, draft and published), so none can disagree. */
async function writeKeys(strapi: Core.Strapi, documentId: string, keys: StoredKey[]): Promise<void> {
  await strapi.db.query(CLINIC).updateMany({ where: { documentId }, data: { accessKeys: keys } });
}

/** Runs a key change in a transaction and returns once caches everywhere have dropped what it changed. */
async function keyTransaction<T>(strapi: Core.Strapi, work: () => Promise<T>): Promise<T> {
  const result = await strapi.db.transaction(work);
  await settleChanges(strapi);
  return result;
}

export async function createClinicKey(input: { strapi: Core.Strapi; slug: string; kind: KeyKind }): Promise<{ key: string; id: string }> {
  const { strapi, slug, kind } = input;
  return keyTransaction(strapi, async () => {
    const rows = await clinicRows(strapi, slug);
    const first = rows[0] as ClinicKeyRow;
    const key = `cck_${kind === 'preview' ? 'preview' : 'live'}_${randomBytes(32).toString('base64url')}`;
    const id = randomBytes(6).toString('hex');
    const keys = [...storedKeys(first.accessKeys), { id, hash: hashKey(key), kind, createdAt: new Date().toISOString(), revokedAt: null }];
    await writeKeys(strapi, first.documentId, keys);
    return { key, id };
  });
}

export async function revokeClinicKeys(input: { strapi: Core.Strapi; slug: string }): Promise<number> {
  const { strapi, slug } = input;
  return keyTransaction(strapi, async () => {
    const rows = await clinicRows(strapi, slug);
    const first = rows[0] as ClinicKeyRow;
    const now = new Date().toISOString();
    let revoked = 0;
    const keys = storedKeys(first.accessKeys).map((key) => {
      if (key.revokedAt !== null) return key;
      revoked += 1;
      return { ...key, revokedAt: now };
    });
    await writeKeys(strapi, first.documentId, keys);
    return revoked;
  });
}

export async function listClinicKeys(input: { strapi: Core.Strapi; slug: string }): Promise<Array<Omit<StoredKey, 'hash'>>> {
  const rows = await clinicRows(input.strapi, input.slug);
  return storedKeys(rows[0]?.accessKeys).map(({ hash: _hash, ...rest }) => rest);
}
