/**
 * Reference and preview pages: /sites/<clinic>/<locale>/techniques/<slug> and …/conditions/<slug>
 * (and /sites/<clinic>/<locale>, the clinic's start page). Each page runs the operations a clinic
 * site runs (types/graphql/client: TherapyPage or ConditionPage, and ClinicProfile) through this
 * service's Apollo server, as that clinic, and renders the answer as plain HTML (render.ts).
 *
 * Without a token a page shows published content: the reference rendering clinic developers copy.
 * With `?preview=<token>` from the admin's preview button (preview-link.ts) it shows the draft.
 */
import { createHash } from 'crypto';
import type { Core } from '@strapi/strapi';
import type { ApolloServer } from '@apollo/server';
import { GraphQLError, type DocumentNode } from 'graphql';
import { isPageType, type PageType } from '../content/model';
import type { ClinicDirectory } from '../clinics/directory';
import type { FallbackMap } from '../locales/chain';
import { createClinicContext, type GraphQLContext } from '../graphql/context';
import {
  ClinicProfileDocument,
  ConditionPageDocument,
  TherapyPageDocument,
  type ClinicProfileQuery,
  type ConditionPageQuery,
  type TherapyPageQuery,
} from '../../types/graphql/client/graphql';
import { checkPreviewToken, SITE_PAGES_PATH } from './preview-link';
import { renderClinicIndex, renderConditionPage, renderErrorPage, renderTherapyPage, type PageFrame } from './render';

interface KoaContext {
  params: Record<string, string | undefined>;
  query: Record<string, string | string[] | undefined>;
  method: string;
  get(name: string): string;
  set(name: string, value: string): void;
  status: number;
  type: string;
  body: unknown;
}

const STATUS_BY_CODE: Record<string, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  PREVIEW_LINK_INVALID: 401,
  PREVIEW_LINK_EXPIRED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  SERVICE_UNAVAILABLE: 503,
};

/** A page that cannot be shown, with the stable code the page and its status carry. */
class PageError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// Pages load nothing but their own inline style; they may be framed by the admin (same origin) only.
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

export function sitePageRoutes(input: { strapi: Core.Strapi; directory: ClinicDirectory; server: ApolloServer<GraphQLContext>; fallbacks: FallbackMap }) {
  const { strapi, directory, server, fallbacks } = input;

  async function run<T>(document: DocumentNode, variables: Record<string, unknown>, contextValue: GraphQLContext): Promise<T> {
    const response = await server.executeOperation<T>({ query: document, variables }, { contextValue });
    if (response.body.kind !== 'single') throw new PageError('INTERNAL', 'The page query answered in parts.');
    const { data, errors } = response.body.singleResult;
    const first = errors?.[0];
    if (first !== undefined) {
      const code = String(first.extensions?.code ?? 'INTERNAL');
      throw new PageError(code, first.message);
    }
    if (data === null || data === undefined) throw new PageError('INTERNAL', 'The page query returned no data.');
    return data;
  }

  function refuse(ctx: KoaContext, error: PageError, locale?: string): void {
    const status = STATUS_BY_CODE[error.code] ?? 500;
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
    } else {
      // Published pages change whenever an editor publishes: a cache must ask again, cheaply (ETag).
      const etag = `"${createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`;
      ctx.set('Cache-Control', 'no-cache');
      ctx.set('ETag', etag);
      const presented = ctx.get('if-none-match');
      if (presented !== '' && presented.split(',').some((tag) => tag.trim() === etag || tag.trim() === `W/${etag}`)) {
        ctx.status = 304;
        ctx.body = null;
        return;
      }
    }
    ctx.status = 200;
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = html;
  }

  /** The page's frame (clinic, locale, preview) and the context its operations run in. */
  async function open(ctx: KoaContext, page: { type: PageType; slug: string } | null): Promise<{ frame: Omit<PageFrame, 'profile'>; context: GraphQLContext }> {
    const clinicSlug = ctx.params.clinic ?? '';
    const locale = ctx.params.locale ?? '';
    for (const name of Object.keys(ctx.query)) {
      if (name !== 'preview') throw new PageError('BAD_USER_INPUT', `Unknown parameter "${name}"; a page takes only "preview".`);
    }
    const token = ctx.query.preview;
    if (Array.isArray(token)) throw new PageError('BAD_USER_INPUT', 'preview may be given once.');
    let preview: PageFrame['preview'];
    if (token !== undefined) {
      if (page === null) throw new PageError('BAD_USER_INPUT', 'A preview link opens one therapy or condition page, not the clinic\'s start page.');
      const check = checkPreviewToken({ strapi, type: page.type, slug: page.slug, token });
      if (check === 'invalid') throw new PageError('PREVIEW_LINK_INVALID', 'This preview link is not valid for this page; open the preview from the admin again.');
      if (check === 'expired') throw new PageError('PREVIEW_LINK_EXPIRED', 'This preview link has expired; open the preview from the admin again.');
      preview = { token, expiresAt: new Date(Number(token.split('.')[0]) * 1000) };
    }
    let context: GraphQLContext | null;
    try {
      context = await createClinicContext({ strapi, directory, clinicSlug, isPreview: preview !== undefined, fallbacks, purpose: 'site-page' });
    } catch (error) {
      if (error instanceof GraphQLError) throw new PageError(String(error.extensions?.code ?? 'INTERNAL'), error.message);
      throw error;
    }
    if (context === null) throw new PageError('NOT_FOUND', `There is no clinic "${clinicSlug}".`);
    return { frame: { clinicSlug, locale, page, preview }, context };
  }

  async function profileOf(context: GraphQLContext, locale: string): Promise<PageFrame['profile']> {
    return (await run<ClinicProfileQuery>(ClinicProfileDocument, { locale }, context)).clinic;
  }

  const handlePage = async (ctx: KoaContext) => {
    const locale = ctx.params.locale ?? '';
    try {
      const type = ctx.params.type ?? '';
      if (!isPageType(type)) throw new PageError('NOT_FOUND', `There are no "${ctx.params.type}" pages; pages are techniques and conditions.`);
      const slug = ctx.params.slug ?? '';
      const { frame, context } = await open(ctx, { type, slug });
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
      if (error.code === 'INTERNAL') strapi.log.error(`Page ${ctx.params.type}/${ctx.params.slug}: ${error.message}`);
      refuse(ctx, error, locale);
    }
  };

  const handleIndex = async (ctx: KoaContext) => {
    const locale = ctx.params.locale ?? '';
    try {
      const { frame, context } = await open(ctx, null);
      send(ctx, renderClinicIndex({ ...frame, profile: await profileOf(context, locale) }), locale, false);
    } catch (error) {
      if (!(error instanceof PageError)) throw error;
      refuse(ctx, error, locale);
    }
  };

  return [
    { method: 'GET', path: `${SITE_PAGES_PATH}/:clinic/:locale`, handler: handleIndex, config: { auth: false } },
    { method: 'GET', path: `${SITE_PAGES_PATH}/:clinic/:locale/:type/:slug`, handler: handlePage, config: { auth: false } },
  ];
}
