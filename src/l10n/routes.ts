/**
 * GET /l10n/coverage — the translation coverage report (coverage.ts) as JSON, for an admin (a Strapi
 * admin access token) or a clinic preview key; public clinic keys are refused (the route's auth step,
 * `adminSessionOrPreviewKey`, in src/http/admin-routes.ts). Query parameters: locale and type (each
 * may repeat), status=published|draft, clinic=<slug> (whose adaptations are counted). A preview key
 * counts its own clinic's adaptations only: naming another clinic is 403.
 */
import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import type { ClinicDirectory } from '../clinics/directory';
import { adminSessionOrPreviewKey, jsonRoute, previewKeyOf, queryStrings, refuseJson, RouteInputError, type JsonRouteContext } from '../http/admin-routes';
import { CoverageInputError, translationCoverage, type CoverageRequest } from './coverage';

const PARAMETERS = ['locale', 'type', 'status', 'clinic'];

/** A repeatable, comma-separated parameter (`?locale=fr,de&locale=es`); undefined when absent. */
function list(ctx: JsonRouteContext, name: string): string[] | undefined {
  if (ctx.query[name] === undefined) return undefined;
  return queryStrings(ctx, name).flatMap((item) => item.split(',')).map((item) => item.trim()).filter(Boolean);
}

function coverageQuery(ctx: JsonRouteContext): CoverageRequest {
  for (const name of Object.keys(ctx.query)) {
    if (!PARAMETERS.includes(name)) throw new RouteInputError(`Unknown parameter "${name}"; the report takes locale, type, status and clinic.`);
  }
  const status = queryStrings(ctx, 'status');
  if (status.length > 1) throw new RouteInputError('status may be given once.');
  const clinic = queryStrings(ctx, 'clinic');
  if (clinic.length > 1) throw new RouteInputError('clinic may be given once.');
  // A preview key counts its own clinic's adaptations (ownClinicOnly refused any other).
  return { locales: list(ctx, 'locale'), types: list(ctx, 'type'), status: status[0], clinic: clinic[0] ?? previewKeyOf(ctx)?.clinicSlug };
}

/** The route step after authentication: a preview key may not ask for another clinic's adaptations. */
async function ownClinicOnly(ctx: Context, next: Next): Promise<void> {
  const key = previewKeyOf(ctx);
  const asked = ctx.query.clinic;
  if (key !== null && typeof asked === 'string' && asked !== key.clinicSlug) {
    refuseJson(ctx, 403, 'FORBIDDEN', `A preview key of ${key.clinicSlug} counts that clinic's adaptations only; another clinic's need an admin login.`);
    return;
  }
  await next();
}

export function l10nRoutes(input: { strapi: Core.Strapi; directory: ClinicDirectory }): Core.Route[] {
  const { strapi } = input;
  return [
    jsonRoute({
      path: '/l10n/coverage',
      // Preview keys are not Strapi credentials: the route's own step decides (see admin-routes.ts).
      config: { auth: false, middlewares: [adminSessionOrPreviewKey(input), ownClinicOnly] },
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
