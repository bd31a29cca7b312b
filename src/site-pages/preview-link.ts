/**
 * Preview links: the admin's preview button (Strapi 5 preview, config/admin.ts) opens a therapy or
 * condition page of this service showing the draft. Drafts are never public, so a draft page needs a
 * signed, short-lived token in its URL; the token names the page (type and slug), not the clinic or
 * locale, so the editor may switch those on the page. The signing key is derived from the admin JWT
 * secret: rotating that secret ends every preview link, as it ends every admin session.
 */
import { createHash, createHmac, timingSafeEqual } from 'crypto';
import type { Core } from '@strapi/strapi';
import { settings } from '../settings';
import { i18nLocales, isServedUid, MODELS, UIDS, type PageType } from '../content/model';
import { DEFAULT_PATH_TEMPLATES, pagePath as sitePagePath } from '../sync/paths';

export const SITE_PAGES_PATH = '/sites';

function signingKey(strapi: Core.Strapi): Buffer {
  const secret = String(strapi.config.get('admin.auth.secret') ?? '');
  if (secret === '') throw new Error('ADMIN_JWT_SECRET is not set: preview links cannot be signed.');
  return createHash('sha256').update(`clinic-content preview links\n${secret}`).digest();
}

function signature(strapi: Core.Strapi, type: PageType, slug: string, expires: number): string {
  return createHmac('sha256', signingKey(strapi)).update(`${type}\n${slug}\n${expires}`).digest('base64url');
}

export function signPreviewToken(input: { strapi: Core.Strapi; type: PageType; slug: string; now?: number }): string {
  const expires = Math.floor((input.now ?? Date.now()) / 1000) + settings().PREVIEW_LINK_TTL_SECONDS;
  return `${expires}.${signature(input.strapi, input.type, input.slug, expires)}`;
}

export type PreviewTokenCheck = 'valid' | 'expired' | 'invalid';

export function checkPreviewToken(input: { strapi: Core.Strapi; type: PageType; slug: string; token: string; now?: number }): PreviewTokenCheck {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(input.token);
  if (match === null) return 'invalid';
  const expires = Number(match[1]);
  const expected = Buffer.from(signature(input.strapi, input.type, input.slug, expires));
  const given = Buffer.from(match[2] as string);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
  return expires * 1000 < (input.now ?? Date.now()) ? 'expired' : 'valid';
}

export function clinicPath(input: { clinic: string; locale: string }): string {
  return `${SITE_PAGES_PATH}/${encodeURIComponent(input.clinic)}/${encodeURIComponent(input.locale)}`;
}

/** A reference page: the clinic's prefix, then the default path template of static sites (src/sync/paths.ts). */
export function pagePath(input: { clinic: string; locale: string; type: PageType; slug: string; previewToken?: string }): string {
  const base = `${SITE_PAGES_PATH}/${encodeURIComponent(input.clinic)}${sitePagePath(DEFAULT_PATH_TEMPLATES[input.type], input)}`;
  return input.previewToken === undefined ? base : `${base}?preview=${encodeURIComponent(input.previewToken)}`;
}

interface ClinicRow {
  slug: string;
  name: string;
  locales: unknown;
  publishedAt: unknown;
}

/**
 * The clinic a preview shows the page for: PREVIEW_CLINIC when set, else the first clinic by name that
 * publishes the locale (a published clinic before a draft one), else the first clinic.
 */
async function previewClinic(strapi: Core.Strapi, locale: string): Promise<string | null> {
  const configured = settings().PREVIEW_CLINIC;
  if (configured !== null) return configured;
  const rows = (await strapi.db.query(UIDS.clinic).findMany({
    select: ['slug', 'name', 'locales', 'publishedAt'],
    orderBy: [{ name: 'asc' }],
  })) as ClinicRow[];
  const publishes = (row: ClinicRow) => Array.isArray(row.locales) && row.locales.includes(locale);
  const ranked = [...rows].sort((a, b) => Number(publishes(b)) - Number(publishes(a)) || Number(b.publishedAt != null) - Number(a.publishedAt != null));
  return ranked[0]?.slug ?? null;
}

/**
 * The URL the admin's preview button opens for an entry, or null for types without a page (no button).
 * Drafts get a preview link; the published version gets the reference page, which needs no token.
 */
export async function previewUrl(
  strapi: Core.Strapi,
  uid: string,
  params: { documentId: string; locale?: string | null; status?: string | null },
): Promise<string | null> {
  if (!isServedUid(uid)) return null;
  const type = MODELS[uid].pageType;
  if (type === null) return null;
  const entry = (await strapi.db.query(uid).findOne({
    where: { documentId: params.documentId, ...(params.status === 'published' ? { publishedAt: { $notNull: true } } : { publishedAt: null }) },
    select: ['slug'],
  })) as { slug?: string | null } | null;
  if (entry?.slug === undefined || entry.slug === null || entry.slug === '') return null;
  const locale = params.locale ?? (await i18nLocales(strapi).getDefaultLocale());
  const clinic = await previewClinic(strapi, locale);
  if (clinic === null) return null;
  const path = pagePath({
    clinic,
    locale,
    type,
    slug: entry.slug,
    previewToken: params.status === 'published' ? undefined : signPreviewToken({ strapi, type, slug: entry.slug }),
  });
  const serverUrl = String(strapi.config.get('server.url') ?? '').replace(/\/$/, '');
  return `${serverUrl}${path}`;
}
