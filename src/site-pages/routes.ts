/**
 * Reference and preview pages: /sites/<clinic>/<locale>/techniques/<slug> and …/conditions/<slug>
 * (and /sites/<clinic>/<locale>, the clinic's start page, and /sites/<clinic>/sitemap.xml: sitemap.ts). Each page runs the operations a clinic
 * site runs (types/graphql/client: TherapyPage or ConditionPage, and ClinicProfile) through this
 * service's Apollo server, as that clinic, and renders the answer as plain HTML (render.ts).
 *
 * Without a token a page shows published content: the reference rendering clinic developers copy.
 * With `?preview=<token>` from the admin's preview button (preview-link.ts) it shows the draft.
 */
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { DocumentNode } from 'graphql';
import { isPageType, type PageType } from '../content/model';
import { sendRevalidated } from '../http/etag';
import { statusOfCode } from '../http/status';
import {
  ClinicProfileDocument,
  ConditionPageDocument,
  TherapyPageDocument,
  type ClinicProfileQuery,
  type ConditionPageQuery,
  type TherapyPageQuery,
} from '../../types/graphql/client/graphql';
import type { ClinicSync } from '../sync';
import { checkPreviewToken, SITE_PAGES_PATH } from './preview-link';
import { sitemapRoutes } from './sitemap';
import { renderClinicIndex, renderConditionPage, renderErrorPage, renderTherapyPage, type PageFrame } from './render';

/** The parts of Koa's context a page uses (query values are whatever Strapi's qs parser made of them). */
interface KoaContext {
  query: Record<string, unknown>;
  method: string;
  get(name: string): string;
  set(name: string, value: string): void;
  status: number;
  type: string;
  body: unknown;
}

/** A page that cannot be shown, with the stable code the page and its status carry. */
class PageError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type PagePath = Partial<Record<'clinic' | 'locale' | 'type' | 'slug', string>>;

/** The path parameters @koa/router matched (Koa's own Context type does not know them). */
function pagePath(ctx: Context): PagePath {
  const params: unknown = ctx.params;
  const path: PagePath = {};
  if (typeof params !== 'object' || params === null) return path;
  for (const name of ['clinic', 'locale', 'type', 'slug'] as const) {
    const value: unknown = (params as Record<string, unknown>)[name];
    if (typeof value === 'string') path[name] = value;
  }
  return path;
}

// Pages load nothing but their own inline style; they may be framed by the admin (same origin) only.
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

type OperationResult<T> = { kind: 'data'; data: T } | { kind: 'error'; code: string; message: string };

/** A clinic the pages run operations as (src/graphql/clinic-operations.ts, wired by src/app). */
interface PageContext {
  kind: 'clinic';
  run<T>(document: DocumentNode, variables: Record<string, unknown>): Promise<OperationResult<T>>;
  /** The clinic's manifest, feed and sitemap (src/sync). */
  sync: Pick<ClinicSync, 'sitemapFiles'>;
}

/** How pages run the sites' operations; given by the composition root (src/graphql/clinic-operations.ts). */
export interface ClinicOperations {
  /** Null when no clinic has this slug; an error for a clinic that may not be shown (unpublished…). */
  open(options: { clinicSlug: string; isPreview: boolean; purpose: string }): Promise<PageContext | { kind: 'error'; code: string; message: string } | null>;
}

export function sitePageRoutes(input: { strapi: Core.Strapi; operations: ClinicOperations }): Core.RouteInput[] {
  const { strapi, operations } = input;

  async function run<T>(document: DocumentNode, variables: Record<string, unknown>, context: PageContext): Promise<T> {
    const result = await context.run<T>(document, variables);
    if (result.kind === 'error') throw new PageError(result.code, result.message);
    return result.data;
  }

  function refuse(ctx: KoaContext, error: PageError, locale?: string): void {
    const status = statusOfCode(error.code);
    const message = status === 500 ? 'The page could not be built; the service log has the details.' : error.message;
    ctx.status = status;
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    if (status === 503) ctx.set('Retry-After', '5');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = renderErrorPage({ status, code: status === 500 ? 'INTERNAL' : error.code, message, locale });
  }

  function send(ctx: KoaContext, html: string, locale: string, isPreview: boolean): void {
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    ctx.set('Content-Language', locale);
    ctx.set('X-Content-Type-Options', 'nosniff');
    if (isPreview) {
      // A draft is never stored, and its URL (with the token) is never sent on as a referrer.
      ctx.set('Cache-Control', 'no-store');
      ctx.set('Referrer-Policy', 'no-referrer');
      ctx.set('X-Robots-Tag', 'noindex');
      ctx.status = 200;
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = html;
      return;
    }
    sendRevalidated(ctx, { body: html, type: 'text/html; charset=utf-8' });
  }

  /** The page's frame (clinic, locale, preview) and the context its operations run in. */
  async function open(ctx: KoaContext, params: PagePath, page: { type: PageType; slug: string } | null): Promise<{ frame: Omit<PageFrame, 'profile'>; context: PageContext }> {
    const clinicSlug = params.clinic ?? '';
    const locale = params.locale ?? '';
    for (const name of Object.keys(ctx.query)) {
      if (name !== 'preview') throw new PageError('BAD_USER_INPUT', `Unknown parameter "${name}"; a page takes only "preview".`);
    }
    const token = ctx.query.preview;
    if (token !== undefined && typeof token !== 'string') throw new PageError('BAD_USER_INPUT', 'preview may be given once.');
    let preview: PageFrame['preview'];
    if (token !== undefined) {
      if (page === null) throw new PageError('BAD_USER_INPUT', 'A preview link opens one therapy or condition page, not the clinic\'s start page.');
      const check = checkPreviewToken({ strapi, type: page.type, slug: page.slug, token });
      if (check === 'invalid') throw new PageError('PREVIEW_LINK_INVALID', 'This preview link is not valid for this page; open the preview from the admin again.');
      if (check === 'expired') throw new PageError('PREVIEW_LINK_EXPIRED', 'This preview link has expired; open the preview from the admin again.');
      preview = { token, expiresAt: new Date(Number(token.split('.')[0]) * 1000) };
    }
    const context = await operations.open({ clinicSlug, isPreview: preview !== undefined, purpose: 'site-page' });
    if (context === null) throw new PageError('NOT_FOUND', `There is no clinic "${clinicSlug}".`);
    if (context.kind === 'error') throw new PageError(context.code, context.message);
    return { frame: { clinicSlug, locale, page, preview }, context };
  }

  async function profileOf(context: PageContext, locale: string): Promise<PageFrame['profile']> {
    return (await run<ClinicProfileQuery>(ClinicProfileDocument, { locale }, context)).clinic;
  }

  const handlePage = async (ctx: Context) => {
    const params = pagePath(ctx);
    const locale = params.locale ?? '';
    try {
      const type = params.type ?? '';
      if (!isPageType(type)) throw new PageError('NOT_FOUND', `There are no "${params.type}" pages; pages are techniques and conditions.`);
      const slug = params.slug ?? '';
      const { frame, context } = await open(ctx, params, { type, slug });
      const variables = { slug, locale };
      if (type === 'techniques') {
        const [profile, data] = await Promise.all([profileOf(context, locale), run<TherapyPageQuery>(TherapyPageDocument, variables, context)]);
        send(ctx, renderTherapyPage({ ...frame, profile }, data.therapyPage), locale, frame.preview !== undefined);
      } else {
        const [profile, data] = await Promise.all([profileOf(context, locale), run<ConditionPageQuery>(ConditionPageDocument, variables, context)]);
        if (data.condition === null) throw new PageError('NOT_FOUND', `There is no condition "${slug}" in ${locale}.`);
        send(ctx, renderConditionPage({ ...frame, profile }, data.condition), locale, frame.preview !== undefined);
      }
    } catch (error) {
      if (!(error instanceof PageError)) throw error;
      if (error.code === 'INTERNAL') strapi.log.error(`Page ${params.type}/${params.slug}: ${error.message}`);
      refuse(ctx, error, locale);
    }
  };

  const handleIndex = async (ctx: Context) => {
    const params = pagePath(ctx);
    const locale = params.locale ?? '';
    try {
      const { frame, context } = await open(ctx, params, null);
      send(ctx, renderClinicIndex({ ...frame, profile: await profileOf(context, locale) }), locale, false);
    } catch (error) {
      if (!(error instanceof PageError)) throw error;
      refuse(ctx, error, locale);
    }
  };

  const sitemaps = sitemapRoutes({
    async open(clinicSlug) {
      const context = await operations.open({ clinicSlug, isPreview: false, purpose: 'sitemap' });
      return context === null || context.kind === 'error' ? context : { kind: 'clinic', sync: context.sync };
    },
  });

  return [
    // Before the start page's route, whose :locale would take "sitemap.xml".
    ...sitemaps,
    { method: 'GET', path: `${SITE_PAGES_PATH}/:clinic/:locale`, handler: handleIndex, config: { auth: false } },
    { method: 'GET', path: `${SITE_PAGES_PATH}/:clinic/:locale/:type/:slug`, handler: handlePage, config: { auth: false } },
  ];
}
