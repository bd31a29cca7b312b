/**
 * Each clinic's revalidation settings. A clinic that has been published counts with its published
 * settings (an edited URL or secret takes effect when the clinic is published, like everything else
 * the API serves about it); a clinic never published counts with its draft, so a site being set up
 * against a preview key can receive notifications before it goes live. The settings are not
 * localized, but each locale is published on its own, so the published rows of two locales may hold
 * different values: the most recently updated one is what an editor last saved and published.
 */
import type { Core } from '@strapi/strapi';
import { UIDS } from '../content/model';
import { toEpochMs } from '../content/values';
import { MIN_SIGNING_SECRET_LENGTH } from '../content-validation/rules';

export interface ClinicRevalidation {
  documentId: string;
  slug: string;
  name: string;
  url: string | null;
  /** Never logged or answered: it signs the requests. */
  secret: string | null;
  /** The locales the clinic's site publishes. */
  locales: string[];
  isPublished: boolean;
}

interface ClinicRow {
  documentId: string;
  slug: string;
  name: string;
  revalidationUrl: string | null;
  revalidationSecret: string | null;
  locales: unknown;
  publishedAt: unknown;
  updatedAt: unknown;
}

const text = (value: string | null | undefined): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

/** True when requests can be sent: a URL and a secret long enough to sign with. */
export function isConfigured(clinic: ClinicRevalidation): boolean {
  return clinic.url !== null && clinic.secret !== null && clinic.secret.length >= MIN_SIGNING_SECRET_LENGTH;
}

/**
 * The settings of every clinic, or of one (`documentId`). Read through strapi.db.query, so inside a
 * write's transaction it sees that write.
 */
export async function clinicRevalidationSettings(strapi: Core.Strapi, filter: { documentId?: string } = {}): Promise<ClinicRevalidation[]> {
  const rows = (await strapi.db.query(UIDS.clinic).findMany({
    where: filter.documentId === undefined ? {} : { documentId: filter.documentId },
    select: ['documentId', 'slug', 'name', 'revalidationUrl', 'revalidationSecret', 'locales', 'publishedAt', 'updatedAt'],
  })) as ClinicRow[];
  const rank = (row: ClinicRow): [number, number] => [row.publishedAt === null || row.publishedAt === undefined ? 0 : 1, toEpochMs(row.updatedAt)];
  const chosen = new Map<string, ClinicRow>();
  for (const row of rows) {
    const known = chosen.get(row.documentId);
    const [status, updated] = rank(row);
    const [knownStatus, knownUpdated] = known === undefined ? [-1, 0] : rank(known);
    if (status > knownStatus || (status === knownStatus && updated > knownUpdated)) chosen.set(row.documentId, row);
  }
  return [...chosen.values()]
    .map((row) => ({
      documentId: row.documentId,
      slug: row.slug,
      name: row.name,
      url: text(row.revalidationUrl),
      secret: typeof row.revalidationSecret === 'string' && row.revalidationSecret !== '' ? row.revalidationSecret : null,
      locales: Array.isArray(row.locales) ? row.locales.filter((code): code is string => typeof code === 'string') : [],
      isPublished: row.publishedAt !== null && row.publishedAt !== undefined,
    }))
    .sort((a, b) => a.slug.localeCompare(b.slug));
}

/** A URL as logs show it: without query string or credentials, where sites often put tokens. */
export function urlForLogs(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(an invalid URL)';
  }
}
