/**
 * Admin credentials on our own routes: the access token of a Strapi admin session, sent as
 * "Authorization: Bearer <token>" (the admin's fetch client sends it on every request it makes).
 */
import type { Core } from '@strapi/strapi';
import { bearerToken } from '../http/bearer';
import { WWW_AUTHENTICATE } from '../graphql/http-semantics';

interface HeaderReader {
  get(name: string): string;
}

type SessionManager = (domain: 'admin') => {
  validateAccessToken(token: string): { isValid: boolean; payload: { sessionId: string; userId: string } };
  isSessionActive(sessionId: string): Promise<boolean>;
};

export function bearer(ctx: HeaderReader): string | null {
  return bearerToken(ctx.get('authorization'));
}

/** True for the access token of an active admin session of an active admin user. */
export async function isAdminToken(strapi: Core.Strapi, token: string): Promise<boolean> {
  const manager = (strapi as unknown as { sessionManager?: SessionManager }).sessionManager;
  if (manager === undefined) return false;
  let result: ReturnType<ReturnType<SessionManager>['validateAccessToken']>;
  try {
    result = manager('admin').validateAccessToken(token);
  } catch {
    return false;
  }
  if (!result.isValid || !(await manager('admin').isSessionActive(result.payload.sessionId))) return false;
  const id = Number(result.payload.userId);
  const user = (await strapi.db.query('admin::user').findOne({ where: { id: Number.isFinite(id) ? id : result.payload.userId } })) as { isActive?: boolean } | null;
  return user?.isActive === true;
}

/** A refusal of the query parameters a route was given: 400 BAD_USER_INPUT with this message. */
export class RouteInputError extends Error {}

export interface JsonRouteContext extends HeaderReader {
  set(name: string, value: string): void;
  status: number;
  body: unknown;
  query: Record<string, string | string[] | undefined>;
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

/**
 * A GET route for the admin's editors: an admin access token or 401, only the named parameters and
 * each at most once or 400, then `{ data }` from `load` (which may throw RouteInputError for a 400).
 */
export function adminJsonRoute(input: {
  strapi: Core.Strapi;
  path: string;
  parameters: readonly string[];
  load: (query: Record<string, string | undefined>) => Promise<unknown>;
}) {
  const { strapi, path, parameters, load } = input;
  return {
    method: 'GET',
    path,
    config: { auth: false },
    handler: async (ctx: JsonRouteContext) => {
      const token = bearer(ctx);
      if (token === null || !(await isAdminToken(strapi, token))) {
        ctx.set('WWW-Authenticate', 'Bearer');
        refuseJson(ctx, 401, 'UNAUTHENTICATED', 'Send the access token of an admin session as "Authorization: Bearer <token>".');
        return;
      }
      const query: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(ctx.query)) {
        if (!parameters.includes(name)) {
          const takes = parameters.length === 0 ? 'no parameters' : `only ${parameters.join(', ')}`;
          refuseJson(ctx, 400, 'BAD_USER_INPUT', `Unknown parameter "${name}"; ${path} takes ${takes}.`);
          return;
        }
        if (Array.isArray(value)) {
          refuseJson(ctx, 400, 'BAD_USER_INPUT', `${name} may be given once.`);
          return;
        }
        query[name] = value;
      }
      try {
        answerJson(ctx, 200, { data: await load(query) });
      } catch (error) {
        if (error instanceof RouteInputError) refuseJson(ctx, 400, 'BAD_USER_INPUT', error.message);
        else throw error;
      }
    },
  };
}
