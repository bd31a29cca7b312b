/**
 * GET /editor/review-due[?days=N] — the review-due report (review-due.ts) as JSON for the admin, with
 * a Strapi admin access token only: it lists drafts, which clinic keys never see.
 *
 * 200 { data: { generatedAt, withinDays, entries } }; 401 UNAUTHENTICATED without an admin token;
 * 400 BAD_USER_INPUT for a bad or repeated `days` or any other parameter. Never cached.
 */
import type { Core } from '@strapi/strapi';
import { adminJsonRoute, RouteInputError } from '../http/admin-routes';
import { parseWithinDays, reviewDueReport, ReviewDueInputError } from './review-due';

export const REVIEW_DUE_PATH = '/editor/review-due';

export function reviewRoutes(input: { strapi: Core.Strapi }): Core.Route[] {
  const { strapi } = input;
  return [
    adminJsonRoute({
      path: REVIEW_DUE_PATH,
      parameters: ['days'],
      load: async ({ days }) => {
        try {
          return await reviewDueReport(strapi, { withinDays: parseWithinDays(days) });
        } catch (error) {
          throw error instanceof ReviewDueInputError ? new RouteInputError(error.message) : error;
        }
      },
    }),
  ];
}
