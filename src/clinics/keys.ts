/**
 * Clinic access keys. A key is shown once, when it is created; the clinic keeps only its SHA-256 hash
 * (keys are 256 random bits, so a plain hash is as strong as a slow one) in the private `accessKeys`
 * field, which no API serves. A key may expire; revoking (one key by id, or all of a clinic's) marks it
 * revoked, and it stays listed for the record. Expiry and revocation are checked by the directory
 * (./directory.ts) on every authentication, so they take effect the moment they apply.
 */
import { createHash, randomBytes } from 'crypto';
import type { Core } from '@strapi/strapi';
import { writePipeline } from '../content/writes';
import { UIDS } from '../content/model';
import { lastUses } from './key-use';

export type KeyKind = 'public' | 'preview';

export interface StoredKey {
  id: string;
  hash: string;
  kind: KeyKind;
  createdAt: string;
  revokedAt: string | null;
  /** Absent on keys made before keys could expire: they never do. */
  expiresAt?: string | null;
}

export type KeyStatus = 'active' | 'expired' | 'revoked';

export interface ListedKey {
  id: string;
  kind: KeyKind;
  status: KeyStatus;
  createdAt: string;
  /** null: never expires. */
  expiresAt: string | null;
  revokedAt: string | null;
  /** null: never used (accurate to about a minute; see ./key-use.ts). */
  lastUsedAt: string | null;
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

const CLINIC = UIDS.clinic;
const KEY_PATTERN = /^cck_(live|preview)_[A-Za-z0-9_-]{43}$/;

/** Revoked wins over expired: a revoked key stays revoked whatever its expiry. */
export function keyStatus(key: Pick<StoredKey, 'revokedAt' | 'expiresAt'>, now: number = Date.now()): KeyStatus {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== undefined && key.expiresAt !== null && Date.parse(key.expiresAt) <= now) return 'expired';
  return 'active';
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function isWellFormedKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

export function storedKeys(value: unknown): StoredKey[] {
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
  await writePipeline(strapi).settled();
  return result;
}

export async function createClinicKey(input: {
  strapi: Core.Strapi;
  slug: string;
  kind: KeyKind;
  /** When the key stops working; null or absent: never. */
  expiresAt?: Date | null;
}): Promise<{ key: string; id: string; expiresAt: string | null }> {
  const { strapi, slug, kind } = input;
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt !== null && !(expiresAt.getTime() > Date.now())) {
    throw new ClinicKeyError(`A key's expiry must be in the future, not ${Number.isNaN(expiresAt.getTime()) ? 'an invalid date' : expiresAt.toISOString()}.`);
  }
  return keyTransaction(strapi, async () => {
    const rows = await clinicRows(strapi, slug);
    const first = rows[0] as ClinicKeyRow;
    const key = `cck_${kind === 'preview' ? 'preview' : 'live'}_${randomBytes(32).toString('base64url')}`;
    const id = randomBytes(6).toString('hex');
    const stored: StoredKey = { id, hash: hashKey(key), kind, createdAt: new Date().toISOString(), revokedAt: null, expiresAt: expiresAt?.toISOString() ?? null };
    await writeKeys(strapi, first.documentId, [...storedKeys(first.accessKeys), stored]);
    return { key, id, expiresAt: stored.expiresAt ?? null };
  });
}

/**
 * Revokes one key, leaving the clinic's others working (rotation: create the new key, deploy it,
 * revoke the old one). `wasActive` is false when the key had already been revoked (nothing changes).
 */
export async function revokeClinicKey(input: { strapi: Core.Strapi; slug: string; keyId: string }): Promise<{ wasActive: boolean; revokedAt: string }> {
  const { strapi, slug, keyId } = input;
  return keyTransaction(strapi, async () => {
    const rows = await clinicRows(strapi, slug);
    const first = rows[0] as ClinicKeyRow;
    const keys = storedKeys(first.accessKeys);
    const found = keys.find((key) => key.id === keyId);
    if (found === undefined) {
      const ids = keys.map((key) => key.id);
      throw new ClinicKeyError(
        `Clinic "${slug}" has no key with id "${keyId}"${ids.length === 0 ? ' (it has no keys)' : `; its key ids: ${ids.join(', ')}`}. Key ids are listed by \`npm run clinic:key -- list ${slug}\`.`,
      );
    }
    if (found.revokedAt !== null) return { wasActive: false, revokedAt: found.revokedAt };
    const revokedAt = new Date().toISOString();
    await writeKeys(strapi, first.documentId, keys.map((key) => (key.id === keyId ? { ...key, revokedAt } : key)));
    return { wasActive: true, revokedAt };
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

export async function listClinicKeys(input: { strapi: Core.Strapi; slug: string }): Promise<ListedKey[]> {
  const rows = await clinicRows(input.strapi, input.slug);
  const keys = storedKeys(rows[0]?.accessKeys);
  const uses = await lastUses(input.strapi, keys.map((key) => key.id));
  const now = Date.now();
  return keys.map((key) => {
    const used = uses.get(key.id);
    return {
      id: key.id,
      kind: key.kind,
      status: keyStatus(key, now),
      createdAt: key.createdAt,
      expiresAt: key.expiresAt ?? null,
      revokedAt: key.revokedAt,
      lastUsedAt: used === undefined ? null : new Date(used).toISOString(),
    };
  });
}

const DURATION = /^([1-9]\d{0,5})([dh])$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** `90d`, `12h` → the moment that long from `now`. */
export function expiryAfter(duration: string, now: number = Date.now()): Date {
  const match = DURATION.exec(duration.trim());
  if (match === null) throw new ClinicKeyError(`--expires-in takes a number of days or hours such as 90d or 12h, not "${duration}".`);
  const hours = Number(match[1]) * (match[2] === 'd' ? 24 : 1);
  return new Date(now + hours * 3_600_000);
}

/** `2027-01-31` (midnight UTC) or an ISO date-time with Z or an offset → that moment, if in the future. */
export function expiryAt(text: string, now: number = Date.now()): Date {
  const value = text.trim();
  const isDate = ISO_DATE.test(value);
  if (!isDate && !ISO_DATE_TIME.test(value)) {
    throw new ClinicKeyError(`--expires-at takes an ISO date (2027-01-31, midnight UTC) or date-time with Z or an offset (2027-01-31T18:00:00Z), not "${text}".`);
  }
  const date = new Date(isDate ? `${value}T00:00:00Z` : value);
  // Date rolls 2027-02-31 over to March: the day as written must survive the round trip.
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (Number.isNaN(date.getTime()) || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) {
    throw new ClinicKeyError(`--expires-at: "${text}" is not a real date.`);
  }
  if (date.getTime() <= now) throw new ClinicKeyError(`--expires-at must be in the future; ${date.toISOString()} has passed.`);
  return date;
}
