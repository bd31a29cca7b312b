/**
 * GET /l10n/coverage — the translation coverage report (coverage.ts) as JSON, for an admin (a Strapi
 * admin access token) or a clinic preview key; public clinic keys are refused. Query parameters:
 * locale and type (each may repeat), status=published|draft.
 */
import type { Core } from '@strapi/strapi';
import type { ClinicDirectory } from '../clinics/directory';
import { answerJson, bearer, isAdminToken, refuseJson, type JsonRouteContext } from '../admin-account/admin-token';
import { CoverageInputError, translationCoverage } from './coverage';

type KoaContext = JsonRouteContext;

function list(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).flatMap((item) => item.split(',')).map((item) => item.trim()).filter(Boolean);
}

export function l10nRoutes(input: { strapi: Core.Strapi; directory: ClinicDirectory }) {
  const { strapi, directory } = input;
  return [
    {
      method: 'GET',
      path: '/l10n/coverage',
      config: { auth: false },
      handler: async (ctx: KoaContext) => {
        const token = bearer(ctx);
        if (token === null) {
          ctx.set('WWW-Authenticate', 'Bearer');
          refuseJson(ctx, 401, 'UNAUTHENTICATED', 'Send an admin access token or a clinic preview key as "Authorization: Bearer <token>".');
          return;
        }
        if (!(await isAdminToken(strapi, token))) {
          const key = await directory.authenticate(token);
          if (key === null) {
            ctx.set('WWW-Authenticate', 'Bearer');
            refuseJson(ctx, 401, 'UNAUTHENTICATED', 'This token is neither an admin access token nor a live clinic key.');
            return;
          }
          if (key.kind !== 'preview') {
            refuseJson(ctx, 403, 'FORBIDDEN', 'A public clinic key cannot read the coverage report; use a preview key or an admin login.');
            return;
          }
        }
        for (const name of Object.keys(ctx.query)) {
          if (!['locale', 'type', 'status'].includes(name)) {
            refuseJson(ctx, 400, 'BAD_USER_INPUT', `Unknown parameter "${name}"; the report takes locale, type and status.`);
            return;
          }
        }
        const status = ctx.query.status;
        if (Array.isArray(status)) {
          refuseJson(ctx, 400, 'BAD_USER_INPUT', 'status may be given once.');
          return;
        }
        try {
          answerJson(ctx, 200, { data: await translationCoverage(strapi, { locales: list(ctx.query.locale), types: list(ctx.query.type), status }) });
        } catch (error) {
          if (error instanceof CoverageInputError) refuseJson(ctx, 400, 'BAD_USER_INPUT', error.message);
          else throw error;
        }
      },
    },
  ];
}
