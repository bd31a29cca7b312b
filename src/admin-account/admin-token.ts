/**
 * Admin credentials on our own routes: the access token of a Strapi admin session, sent as
 * "Authorization: Bearer <token>" (the admin's fetch client sends it on every request it makes).
 */
import type { Core } from '@strapi/strapi';

interface HeaderReader {
  get(name: string): string;
}

type SessionManager = (domain: 'admin') => {
  validateAccessToken(token: string): { isValid: boolean; payload: { sessionId: string; userId: string } };
  isSessionActive(sessionId: string): Promise<boolean>;
};

export function bearer(ctx: HeaderReader): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization') ?? '');
  return match?.[1] ?? null;
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
