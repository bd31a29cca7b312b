/**
 * The admin's JSON routes (/editor/…, /l10n/coverage): declared as one Strapi admin route table
 * (`type: 'admin'`, `prefix: ''`, so paths stay as they are), answering `{ data }` or
 * `{ error: { code, message } }`, never cached.
 *
 * Who may call them:
 * - Editor routes (`adminJsonRoute`) authenticate as Strapi's own admin routes do (its i18n plugin's
 *   `routes/admin.ts`): Strapi's `admin` auth strategy (an admin session's access token; restricted to
 *   that strategy, as before, so admin API tokens are not accepted) and the `admin::isAuthenticatedAdmin`
 *   policy. Strapi refuses those before any policy or route middleware runs, with its own body
 *   (`{ data: null, error: { status, name, message, details } }`), while our routes promise (and the
 *   docs and tests hold them to) `{ error: { code: 'UNAUTHENTICATED', message } }`, `Cache-Control:
 *   no-store` and `WWW-Authenticate`, like /graphql. Strapi has no per-route hook for that shape (a
 *   policy can only return false or throw, and both end in Strapi's body), so `mountAdminRoutes` wraps
 *   the table's requests once and restates Strapi's 401/403 in our shape. Strapi still decides.
 * - A route that also accepts clinic preview keys (GET /l10n/coverage) cannot use Strapi's
 *   authentication, which knows only admin credentials: it declares `auth: false` and one named route
 *   middleware, `adminSessionOrPreviewKey`, that checks an admin session through Strapi's session
 *   manager, then the clinic key, and leaves the preview key it let in for the route (`previewKeyOf`).
 */
import type { Core } from '@strapi/strapi';
import type { Context, Middleware, Next } from 'koa';
import type { ClinicDirectory } from '../clinics/directory';
import type { AuthenticatedKey } from '../clinics/keys';
import { bearerToken, WWW_AUTHENTICATE } from './bearer';
import { statusOfCode } from './status';

/** A refusal of the query parameters a route was given: 400 BAD_USER_INPUT with this message. */
export class RouteInputError extends Error {}

/** Any other refusal a route makes (FORBIDDEN, NOT_FOUND …): its status is the code's (status.ts). */
export class RouteRefusal extends Error {
  constructor(
    readonly code: 'FORBIDDEN' | 'NOT_FOUND' | 'SCHEDULE_CLOSED',
    message: string,
  ) {
    super(message);
  }
}

/** The parts of Koa's context the JSON routes use (query values are whatever Strapi's qs parser made of them). */
export interface JsonRouteContext {
  get(name: string): string;
  set(name: string, value: string): void;
  status: number;
  body: unknown;
  query: Record<string, unknown>;
}

/** A query parameter's values: `?a=1&a=2` are two; `?a[b]=1` (an object to qs) is refused. */
export function queryStrings(ctx: JsonRouteContext, name: string): string[] {
  const value = ctx.query[name];
  const values: unknown[] = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const strings = values.filter((item): item is string => typeof item === 'string');
  if (strings.length !== values.length) throw new RouteInputError(`${name} takes plain values (?${name}=value).`);
  return strings;
}

/** Answers `{ data }` or `{ error: { code, message } }`, never cached. */
export function answerJson(ctx: JsonRouteContext, status: number, body: unknown): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}

export function refuseJson(ctx: JsonRouteContext, status: number, code: string, message: string): void {
  // Every 401 names the scheme it wants (RFC 6750), as /graphql's do.
  if (status === 401) ctx.set('WWW-Authenticate', WWW_AUTHENTICATE);
  answerJson(ctx, status, { error: { code, message } });
}

/** True for the access token of an active admin session of an active admin user (what Strapi's `admin` strategy accepts). */
export async function isAdminSession(strapi: Core.Strapi, token: string): Promise<boolean> {
  const sessions = strapi.sessionManager('admin');
  const result = sessions.validateAccessToken(token);
  if (!result.isValid || !(await sessions.isSessionActive(result.payload.sessionId))) return false;
  const id = Number(result.payload.userId);
  const user = (await strapi.db.query('admin::user').findOne({ where: { id: Number.isFinite(id) ? id : result.payload.userId } })) as { isActive?: boolean } | null;
  return user?.isActive === true;
}

/** The route auth step of GET /l10n/coverage: an admin session or a clinic preview key; a public key is 403. */
export function adminSessionOrPreviewKey(input: { strapi: Core.Strapi; directory: ClinicDirectory }): Middleware {
  const { strapi, directory } = input;
  return async function adminSessionOrPreviewKeyStep(ctx: Context, next: Next) {
    const token = bearerToken(ctx.get('authorization'));
    if (token === null) {
      refuseJson(ctx, 401, 'UNAUTHENTICATED', 'Send an admin access token or a clinic preview key as "Authorization: Bearer <token>".');
      return;
    }
    if (!(await isAdminSession(strapi, token))) {
      const key = await directory.authenticate(token);
      if (key === null) {
        refuseJson(ctx, 401, 'UNAUTHENTICATED', 'This token is neither an admin access token nor a live clinic key.');
        return;
      }
      if (key.kind !== 'preview') {
        refuseJson(ctx, 403, 'FORBIDDEN', 'A public clinic key cannot read the coverage report; use a preview key or an admin login.');
        return;
      }
      (ctx.state as { previewKey?: AuthenticatedKey }).previewKey = key;
    }
    await next();
  };
}

/** The clinic preview key `adminSessionOrPreviewKey` let a request in with; null for an admin session. */
export function previewKeyOf(ctx: object): AuthenticatedKey | null {
  return (ctx as { state?: { previewKey?: AuthenticatedKey } }).state?.previewKey ?? null;
}

/** Strapi's admin authentication, as its own admin routes declare it. */
const ADMIN_SESSION: Core.RouteConfig = { auth: { scope: [], strategies: ['admin'] }, policies: ['admin::isAuthenticatedAdmin'] };

/** What a refusal by Strapi's admin authentication says in our shape. */
const REFUSALS: Record<number, { code: string; message: string }> = {
  401: { code: 'UNAUTHENTICATED', message: 'Send the access token of an admin session as "Authorization: Bearer <token>".' },
  403: { code: 'FORBIDDEN', message: 'This admin may not read this report.' },
};

/** The named query parameters, each at most once, or a RouteInputError naming the route and what it takes. */
export function routeQuery(ctx: JsonRouteContext, input: { path: string; parameters: readonly string[] }): Record<string, string | undefined> {
  const { path, parameters } = input;
  const query: Record<string, string | undefined> = {};
  for (const name of Object.keys(ctx.query)) {
    if (!parameters.includes(name)) {
      const takes = parameters.length === 0 ? 'no parameters' : `only ${parameters.join(', ')}`;
      throw new RouteInputError(`Unknown parameter "${name}"; ${path} takes ${takes}.`);
    }
    if (Array.isArray(ctx.query[name])) throw new RouteInputError(`${name} may be given once.`);
    query[name] = queryStrings(ctx, name)[0];
  }
  return query;
}

/** A JSON route of the admin table (GET unless said): `handle` validates its query and returns the data; a RouteInputError is a 400. */
export function jsonRoute(input: { path: string; method?: 'GET' | 'POST'; config: Core.RouteConfig; handle: (ctx: JsonRouteContext) => Promise<unknown> }): Core.Route {
  const { path, method = 'GET', config, handle } = input;
  return {
    method,
    path,
    info: { type: 'admin' },
    config,
    handler: async (ctx: Context) => {
      try {
        answerJson(ctx, 200, { data: await handle(ctx) });
      } catch (error) {
        if (error instanceof RouteInputError) refuseJson(ctx, 400, 'BAD_USER_INPUT', error.message);
        else if (error instanceof RouteRefusal) refuseJson(ctx, statusOfCode(error.code), error.code, error.message);
        else throw error;
      }
    },
  };
}

/** Who called an admin route and the path's parameters (`:documentId`), for routes that need them. */
export interface AdminRequest {
  /** The admin user of the session (Strapi's `ctx.state.user`). */
  user: { id: number | string; email?: string; roles?: Array<{ code?: string }> } | null;
  params: Record<string, string>;
  /** A POST's parsed JSON body (Strapi's body parser); undefined when none was sent. */
  body: unknown;
}

/**
 * A route for the admin's editors (GET, or POST for an action such as a confirmation): an admin
 * session (Strapi's admin authentication) or 401, only the named query parameters and each at most
 * once or 400, then `{ data }` from `load` (which may throw RouteInputError for a 400).
 */
export function adminJsonRoute(input: {
  path: string;
  method?: 'GET' | 'POST';
  parameters: readonly string[];
  load: (query: Record<string, string | undefined>, request: AdminRequest) => Promise<unknown>;
}): Core.Route {
  const { path, method, parameters, load } = input;
  return jsonRoute({
    path,
    method,
    config: ADMIN_SESSION,
    handle: (ctx) => {
      const { state, params, request } = ctx as JsonRouteContext & { state?: { user?: AdminRequest['user'] }; params?: Record<string, string>; request?: { body?: unknown } };
      return load(routeQuery(ctx, { path, parameters }), { user: state?.user ?? null, params: params ?? {}, body: request?.body });
    },
  });
}

/**
 * Restates, on the table's routes that Strapi authenticates, its 401/403 refusals in our shape (see
 * the top of this file). It runs around the router: `ctx.state.route` is what Strapi matched.
 */
export function restateAdminRefusals(routes: readonly Core.Route[]) {
  const guarded = new Set(routes.filter((route) => route.config?.auth !== false).map((route) => `${route.method} ${route.path}`));
  return async (ctx: JsonRouteContext & { state: { route?: Pick<Core.Route, 'method' | 'path'> } }, next: () => Promise<unknown>): Promise<void> => {
    await next();
    const route = ctx.state.route;
    const refusal = REFUSALS[ctx.status];
    if (route === undefined || refusal === undefined || !guarded.has(`${route.method} ${route.path}`)) return;
    // A route's own refusal (RouteRefusal) is in our shape already and says more.
    const body = ctx.body as { error?: { code?: unknown } } | null | undefined;
    if (typeof body?.error?.code === 'string') return;
    refuseJson(ctx, ctx.status, refusal.code, refusal.message);
  };
}

/** Mounts the admin's JSON routes as one Strapi admin route table. Call once, before the server listens. */
export function mountAdminRoutes(strapi: Core.Strapi, routes: Core.Route[]): void {
  strapi.server.use(restateAdminRefusals(routes));
  strapi.server.routes({ type: 'admin', prefix: '', routes });
}
