import type { Core } from '@strapi/strapi';
import { adminJsonRoute, jsonRoute, queryStrings, restateAdminRefusals, routeQuery, RouteInputError, type JsonRouteContext } from '../../src/http/admin-routes';

function context(query: Record<string, unknown> = {}) {
  const headers: Record<string, string> = {};
  return {
    headers,
    query,
    status: 404,
    body: undefined as unknown,
    state: {} as { route?: Pick<Core.Route, 'method' | 'path'> },
    get: (name: string) => headers[name.toLowerCase()] ?? '',
    set: (name: string, value: string) => {
      headers[name.toLowerCase()] = value;
    },
  } satisfies JsonRouteContext & { headers: Record<string, string>; state: object };
}

describe('admin route queries', () => {
  it('gives each named parameter once', () => {
    expect(routeQuery(context({ days: '10' }), { path: '/editor/review-due', parameters: ['days'] })).toEqual({ days: '10' });
    expect(routeQuery(context(), { path: '/editor/review-due', parameters: ['days'] })).toEqual({});
  });

  it.each([
    [{ within: '10' }, 'Unknown parameter "within"; /editor/review-due takes only days.'],
    [{ days: ['10', '20'] }, 'days may be given once.'],
    [{ days: { a: '1' } }, 'days takes plain values (?days=value).'],
  ])('refuses %j as route input', (query, message) => {
    expect(() => routeQuery(context(query), { path: '/editor/review-due', parameters: ['days'] })).toThrow(new RouteInputError(message));
  });

  it('names a route that takes no parameters', () => {
    expect(() => routeQuery(context({ x: '1' }), { path: '/editor/none', parameters: [] })).toThrow('Unknown parameter "x"; /editor/none takes no parameters.');
  });

  it('reads a repeated parameter as its values, and refuses nested ones', () => {
    expect(queryStrings(context({ locale: ['fr', 'de'] }), 'locale')).toEqual(['fr', 'de']);
    expect(queryStrings(context(), 'locale')).toEqual([]);
    expect(() => queryStrings(context({ locale: ['fr', { a: '1' }] }), 'locale')).toThrow('locale takes plain values (?locale=value).');
  });
});

describe('admin route table', () => {
  const editor = adminJsonRoute({ path: '/editor/report', parameters: [], load: async () => ({}) });
  const open = jsonRoute({ path: '/l10n/report', config: { auth: false }, handle: async () => ({}) });

  it('authenticates editor routes as Strapi admin routes do: the admin session strategy and isAuthenticatedAdmin', () => {
    expect(editor).toMatchObject({ method: 'GET', path: '/editor/report', info: { type: 'admin' } });
    expect(editor.config).toEqual({ auth: { scope: [], strategies: ['admin'] }, policies: ['admin::isAuthenticatedAdmin'] });
  });

  it.each([
    [401, 'UNAUTHENTICATED', 'Bearer realm="clinic-content"'],
    [403, 'FORBIDDEN', undefined],
  ])('restates Strapi\'s %i on an editor route as { error: { code } }, uncached', async (status, code, challenge) => {
    const ctx = context();
    await restateAdminRefusals([editor, open])(ctx, async () => {
      ctx.state.route = { method: 'GET', path: '/editor/report' };
      ctx.status = status;
      ctx.body = { data: null, error: { status, name: 'UnauthorizedError', message: 'Missing or invalid credentials', details: {} } };
    });
    expect(ctx.status).toBe(status);
    expect(ctx.body).toEqual({ error: { code, message: expect.any(String) } });
    expect(ctx.headers['cache-control']).toBe('no-store');
    expect(ctx.headers['www-authenticate']).toBe(challenge);
  });

  it('leaves other routes, and routes with their own auth step, as they answered', async () => {
    for (const path of ['/l10n/report', '/content-manager/init']) {
      const ctx = context();
      const body = { data: null, error: { status: 401, name: 'UnauthorizedError', message: 'Missing or invalid credentials', details: {} } };
      await restateAdminRefusals([editor, open])(ctx, async () => {
        ctx.state.route = { method: 'GET', path };
        ctx.status = 401;
        ctx.body = body;
      });
      expect(ctx.body).toBe(body);
    }
  });
});
