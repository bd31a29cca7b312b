/**
 * GET /l10n/coverage — the translation coverage report (coverage.ts) as JSON, for an admin (a Strapi
 * admin access token) or a clinic preview key; public clinic keys are refused (the route's auth step,
 * `adminSessionOrPreviewKey`, in src/http/admin-routes.ts). Query parameters: locale and type (each
 * may repeat), status=published|draft.
 */
import type { Core } from '@strapi/strapi';
import type { ClinicDirectory } from '../clinics/directory';
import { adminSessionOrPreviewKey, jsonRoute, queryStrings, RouteInputError, type JsonRouteContext } from '../http/admin-routes';
import { CoverageInputError, translationCoverage } from './coverage';

const PARAMETERS = ['locale', 'type', 'status'];

/** A repeatable, comma-separated parameter (`?locale=fr,de&locale=es`); undefined when absent. */
function list(ctx: JsonRouteContext, name: string): string[] | undefined {
  if (ctx.query[name] === undefined) return undefined;
  return queryStrings(ctx, name).flatMap((item) => item.split(',')).map((item) => item.trim()).filter(Boolean);
}

function coverageQuery(ctx: JsonRouteContext): { locales?: string[]; types?: string[]; status?: string } {
  for (const name of Object.keys(ctx.query)) {
    if (!PARAMETERS.includes(name)) throw new RouteInputError(`Unknown parameter "${name}"; the report takes locale, type and status.`);
  }
  const status = queryStrings(ctx, 'status');
  if (status.length > 1) throw new RouteInputError('status may be given once.');
  return { locales: list(ctx, 'locale'), types: list(ctx, 'type'), status: status[0] };
}

export function l10nRoutes(input: { strapi: Core.Strapi; directory: ClinicDirectory }): Core.Route[] {
  const { strapi } = input;
  return [
    jsonRoute({
      path: '/l10n/coverage',
      // Preview keys are not Strapi credentials: the route's own step decides (see admin-routes.ts).
      config: { auth: false, middlewares: [adminSessionOrPreviewKey(input)] },
      handle: async (ctx) => {
        try {
          return await translationCoverage(strapi, coverageQuery(ctx));
        } catch (error) {
          throw error instanceof CoverageInputError ? new RouteInputError(error.message) : error;
        }
      },
    }),
  ];
}
