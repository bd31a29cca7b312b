/**
 * The clinic's sitemap: /sites/<clinic>/sitemap.xml, public and keyless like the reference pages,
 * listing the clinic's pages on the clinic's own website (src/sync: the same pages as the manifest).
 * Above the protocol's 50,000 URLs per file it is a sitemap index of /sites/<clinic>/sitemap-<n>.xml.
 * A clinic serves it from its own domain through a proxy, or names it in robots.txt (`Sitemap:`).
 */
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { ClinicSync } from '../sync';
import { sendRevalidated } from '../http/etag';
import { statusOfCode } from '../http/status';
import { settings } from '../settings';
import { SITE_PAGES_PATH } from './preview-link';

/** The clinic the sitemap is for, or why there is none to show. */
type Opened = { kind: 'clinic'; sync: Pick<ClinicSync, 'sitemapFiles'> } | { kind: 'error'; code: string; message: string } | null;

export interface SitemapRoutesInput {
  open(clinicSlug: string): Promise<Opened>;
}

function refuse(ctx: Context, code: string, message: string): void {
  ctx.status = statusOfCode(code);
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'application/json; charset=utf-8';
  ctx.body = { error: { code, message } };
}

/** Where this service is reached from outside: PUBLIC_URL, or the request's own origin. */
function publicOrigin(ctx: Context): string {
  const configured = settings().PUBLIC_URL.replace(/\/+$/, '');
  return configured !== '' ? configured : ctx.origin;
}

function sendXml(ctx: Context, xml: string): void {
  ctx.set('X-Content-Type-Options', 'nosniff');
  sendRevalidated(ctx, { body: xml, type: 'application/xml; charset=utf-8' });
}

export function sitemapRoutes(input: SitemapRoutesInput): Core.RouteInput[] {
  async function files(ctx: Context) {
    const clinicSlug = typeof ctx.params?.clinic === 'string' ? ctx.params.clinic : '';
    const opened = await input.open(clinicSlug);
    if (opened === null) {
      refuse(ctx, 'NOT_FOUND', `There is no clinic "${clinicSlug}".`);
      return null;
    }
    if (opened.kind === 'error') {
      refuse(ctx, opened.code, opened.message);
      return null;
    }
    const parts = await opened.sync.sitemapFiles();
    if (parts === null) {
      refuse(ctx, 'CLINIC_HAS_NO_WEBSITE', `Clinic "${clinicSlug}" has no website: a sitemap lists URLs on the clinic's site, so set its website and publish the clinic.`);
      return null;
    }
    if (parts.partCount === 0) {
      refuse(ctx, 'NOT_FOUND', `Clinic "${clinicSlug}" has no published pages yet, so its sitemap would be empty.`);
      return null;
    }
    return { clinicSlug, parts };
  }

  const handleSitemap = async (ctx: Context) => {
    const found = await files(ctx);
    if (found === null) return;
    const { clinicSlug, parts } = found;
    if (parts.partCount === 1) {
      sendXml(ctx, parts.part(1));
      return;
    }
    const base = `${publicOrigin(ctx)}${SITE_PAGES_PATH}/${encodeURIComponent(clinicSlug)}`;
    sendXml(ctx, parts.index((part) => `${base}/sitemap-${part}.xml`));
  };

  const handlePart = async (ctx: Context) => {
    const number = Number(typeof ctx.params?.part === 'string' ? ctx.params.part : '');
    const found = await files(ctx);
    if (found === null) return;
    if (!Number.isInteger(number) || number < 1 || number > found.parts.partCount) {
      refuse(ctx, 'NOT_FOUND', `The sitemap of clinic "${found.clinicSlug}" has ${found.parts.partCount} part${found.parts.partCount === 1 ? '' : 's'}, not a part ${ctx.params?.part}.`);
      return;
    }
    sendXml(ctx, found.parts.part(number));
  };

  return [
    { method: 'GET', path: `${SITE_PAGES_PATH}/:clinic/sitemap.xml`, handler: handleSitemap, config: { auth: false } },
    { method: 'GET', path: `${SITE_PAGES_PATH}/:clinic/sitemap-:part(\\d+).xml`, handler: handlePart, config: { auth: false } },
  ];
}
