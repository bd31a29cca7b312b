/**
 * Checks of the admin's raw request body on the content manager's write routes (create, update,
 * publish, clone of a collection type), for the types that need one.
 *
 * The content manager keeps only the fields an editor may write before it calls the Document Service
 * (its permission checker's `sanitizeCreateInput`/`sanitizeUpdateInput`), so a Document Service
 * middleware never sees a field the type does not have: `{"goal": …}` on a clinic adaptation would be
 * saved as nothing, silently. A check here reads the body as the client sent it. It runs as a route
 * middleware of Strapi's own route table, after Strapi's authentication and the content manager's
 * permission policies (an anonymous caller still gets 401, one without rights 403), and refuses with
 * the ValidationError (400, `details.errors[].path/message`) every content write is refused with.
 *
 * Route middlewares are composed when Strapi registers the routes (in its bootstrap, before ours):
 * call this in register().
 */
import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import type { ContentIssue } from '../content-validation/validate';
import { ContentFormatError } from '../content-validation/middleware';

/** A check of one type's write bodies: the issues of `body`; `documentId`: the document the route addresses. */
export type BodyCheck = (input: { body: unknown; documentId: string | null }) => Promise<ContentIssue[]>;

/** The content manager's routes that carry a document's fields in their body. */
const WRITE_ROUTES = [
  'POST /collection-types/:model',
  'PUT /collection-types/:model/:id',
  'POST /collection-types/:model/actions/publish',
  'POST /collection-types/:model/:id/actions/publish',
  'POST /collection-types/:model/clone/:sourceId',
];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** A path parameter @koa/router matched (Koa's own Context type does not know them). */
function pathParameter(ctx: Context, name: string): string | null {
  const params: unknown = ctx.params;
  const value = isRecord(params) ? params[name] : undefined;
  return typeof value === 'string' ? value : null;
}

/** The content manager's admin route table (its `admin` router). */
function contentManagerRoutes(strapi: Core.Strapi): Core.Route[] {
  const routers: unknown = strapi.plugin('content-manager').routes;
  const admin = isRecord(routers) ? routers.admin : undefined;
  if (!isRecord(admin) || !Array.isArray(admin.routes)) throw new Error('The content manager has no admin route table to check writes on');
  return admin.routes as Core.Route[];
}

/**
 * Marks the check on the routes. Plugins' route tables are module objects, shared by every Strapi a
 * process boots (tests boot several): a later start replaces the check of an earlier one.
 */
const CHECK = Symbol.for('clinic-content.content-manager-body-check');

const isCheck = (middleware: unknown) => typeof middleware === 'function' && CHECK in middleware;

/** Adds the body checks of `checks` (by content type uid) to the content manager's write routes. */
export function checkContentManagerBodies(strapi: Core.Strapi, checks: Readonly<Record<string, BodyCheck>>): void {
  const check = async function checkContentManagerBody(ctx: Context, next: Next) {
    const model = pathParameter(ctx, 'model');
    const bodyCheck = model !== null && Object.hasOwn(checks, model) ? checks[model] : undefined;
    if (bodyCheck !== undefined) {
      const body: unknown = (ctx.request as { body?: unknown }).body;
      const issues = await bodyCheck({ body, documentId: pathParameter(ctx, 'id') ?? pathParameter(ctx, 'sourceId') });
      if (issues.length > 0) throw new ContentFormatError(issues);
    }
    await next();
  };
  Object.defineProperty(check, CHECK, { value: true });
  const found = new Set<string>();
  for (const route of contentManagerRoutes(strapi)) {
    const key = `${route.method} ${route.path}`;
    if (!WRITE_ROUTES.includes(key) || found.has(key)) continue;
    found.add(key);
    const others = (route.config?.middlewares ?? []).filter((middleware) => !isCheck(middleware));
    route.config = { ...route.config, middlewares: [check, ...others] };
  }
  // A Strapi upgrade that renames a route must not leave its writes unchecked.
  const missing = WRITE_ROUTES.filter((key) => !found.has(key));
  if (missing.length > 0) throw new Error(`The content manager has no route ${missing.join(', ')}: its writes cannot be checked`);
}
