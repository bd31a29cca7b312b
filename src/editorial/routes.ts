/**
 * GET /editor/review-due[?days=N] — the review-due report (review-due.ts) as JSON for the admin, with
 * a Strapi admin access token only: it lists drafts, which clinic keys never see.
 *
 * 200 { data: { generatedAt, withinDays, entries } }; 401 UNAUTHENTICATED without an admin token;
 * 400 BAD_USER_INPUT for a bad or repeated `days` or any other parameter. Never cached.
 */
import type { Core } from '@strapi/strapi';
import { bearer, isAdminToken } from '../admin-account/admin-token';
import { parseWithinDays, reviewDueReport, ReviewDueInputError } from './review-due';

export const REVIEW_DUE_PATH = '/editor/review-due';

interface KoaContext {
  get(name: string): string;
  set(name: string, value: string): void;
  status: number;
  body: unknown;
  query: Record<string, string | string[] | undefined>;
}

export function reviewRoutes(input: { strapi: Core.Strapi }) {
  const { strapi } = input;
  const answer = (ctx: KoaContext, status: number, body: unknown) => {
    ctx.status = status;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = body;
  };
  const refuse = (ctx: KoaContext, status: number, code: string, message: string) => answer(ctx, status, { error: { code, message } });
  return [
    {
      method: 'GET',
      path: REVIEW_DUE_PATH,
      config: { auth: false },
      handler: async (ctx: KoaContext) => {
        const token = bearer(ctx);
        if (token === null || !(await isAdminToken(strapi, token))) {
          ctx.set('WWW-Authenticate', 'Bearer');
          refuse(ctx, 401, 'UNAUTHENTICATED', 'Send the access token of an admin session as "Authorization: Bearer <token>".');
          return;
        }
        for (const name of Object.keys(ctx.query)) {
          if (name !== 'days') {
            refuse(ctx, 400, 'BAD_USER_INPUT', `Unknown parameter "${name}"; the report takes days.`);
            return;
          }
        }
        const days = ctx.query.days;
        if (Array.isArray(days)) {
          refuse(ctx, 400, 'BAD_USER_INPUT', 'days may be given once.');
          return;
        }
        try {
          answer(ctx, 200, { data: await reviewDueReport(strapi, { withinDays: parseWithinDays(days) }) });
        } catch (error) {
          if (error instanceof ReviewDueInputError) refuse(ctx, 400, 'BAD_USER_INPUT', error.message);
          else throw error;
        }
      },
    },
  ];
}
