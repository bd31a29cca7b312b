/** The admin's HTTP API as tests call it: sign in as an admin, then call admin routes with the session's token. */
import type { TestApp } from './strapi';

export interface AdminAnswer {
  status: number;
  headers: Headers;
  /** The JSON body; null when the answer has none. */
  body: any;
}

/** A request to `app` with `bearer` (none when null), a JSON body when given. */
export async function adminFetch(app: Pick<TestApp, 'baseUrl'>, pathAndQuery: string, init: { method?: string; body?: unknown; bearer?: string | null } = {}): Promise<AdminAnswer> {
  const response = await fetch(`${app.baseUrl}${pathAndQuery}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(init.bearer ? { authorization: `Bearer ${init.bearer}` } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? null : JSON.parse(text) };
}

/** Signs in through POST /admin/login: the session's access token and the admin's id. */
export async function adminLogin(app: Pick<TestApp, 'baseUrl'>, credentials: { email: string; password: string }): Promise<{ token: string; userId: number }> {
  const answer = await adminFetch(app, '/admin/login', { method: 'POST', body: credentials });
  if (answer.status !== 200) throw new Error(`admin login as ${credentials.email} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { token: answer.body.data.token as string, userId: answer.body.data.user.id as number };
}

/**
 * A test file's `request`: admin routes as the file's signed-in admin (read when called: the file may
 * restart its app or sign in again), or with another `bearer` (null: none).
 */
export function adminRequests(session: () => { app: Pick<TestApp, 'baseUrl'>; token: string }) {
  return (pathAndQuery: string, init: { method?: string; body?: unknown; bearer?: string | null } = {}): Promise<AdminAnswer> => {
    const { app, token } = session();
    return adminFetch(app, pathAndQuery, { ...init, bearer: init.bearer === undefined ? token : init.bearer });
  };
}
