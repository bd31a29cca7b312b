/**
 * /graphql is answered by the front door on the Node request, without Strapi's Koa chain, over real
 * HTTP against a real Strapi: no Koa middleware sees it (other paths still go through the chain), and
 * its answers keep what the chain gave them — the security headers of strapi::security and the access
 * log line of strapi::logger.
 */
import { createClinicKey } from '../../src/clinics/keys';
import { runSeed } from '../../src/seed';
import { send } from '../helpers/graphql';
import { startApp, type TestApp } from '../helpers/strapi';

let app: TestApp;
let key: string;

beforeAll(async () => {
  app = await startApp({ isListening: true, environment: { RESPONSE_CACHE: 'on' } });
  await runSeed({ strapi: app.strapi });
  key = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
});

afterAll(async () => {
  await app?.stop();
});

describe('answered by the front door, without Strapi’s Koa chain', () => {
  /** The headers Strapi's security middleware (helmet) sets, as an answer through its chain has them. */
  const SECURITY = ['content-security-policy', 'referrer-policy', 'strict-transport-security', 'x-content-type-options', 'x-dns-prefetch-control', 'x-download-options', 'x-frame-options', 'x-permitted-cross-domain-policies'];

  it('never runs the Koa chain for /graphql, which other paths still run', async () => {
    const seen: string[] = [];
    // koa-compose reads its array on every dispatch: a probe put first sees every request Koa gets.
    const middleware = (app.strapi.server.app as unknown as { middleware: Array<(ctx: { path: string }, next: () => Promise<void>) => Promise<void>> }).middleware;
    const probe = async (ctx: { path: string }, next: () => Promise<void>) => {
      seen.push(ctx.path);
      await next();
    };
    middleware.unshift(probe);
    try {
      const miss = await send(app, { key, body: { query: '{ clinic { email } }' } });
      expect(miss.status).toBe(200);
      const refused = await send(app, { key, body: '{ not json' });
      expect(refused.status).toBe(400);
      const preflight = await fetch(`${app.baseUrl}/graphql`, { method: 'OPTIONS' });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('allow')).toBe('GET, POST, OPTIONS');
      await fetch(`${app.baseUrl}/_health`);
    } finally {
      middleware.splice(middleware.indexOf(probe), 1);
    }
    expect(seen).toEqual(['/_health']);
  });

  it('gives its answers the security headers an answer through Strapi’s chain has', async () => {
    const throughKoa = await fetch(`${app.baseUrl}/_health`);
    for (const answer of [
      await send(app, { key, body: { query: '{ clinic { phone website } }' } }),
      await send(app, { method: 'GET', key, params: { query: '{ clinic { bookingUrl } }' } }),
      await send(app, { key, body: { query: '{ clinic { name }' } }),
      await send(app, { body: { query: '{ clinic { slug } }' } }),
    ]) {
      expect(answer.headers.get('x-cache')).not.toBe('HIT');
      for (const name of SECURITY) {
        expect([name, answer.headers.get(name)]).toEqual([name, throughKoa.headers.get(name)]);
        expect(answer.headers.get(name)).not.toBeNull();
      }
    }
  });

  it('writes the access log line Strapi’s logger writes, at the http level', async () => {
    const lines: string[] = [];
    // The tests log errors only; an operator who wants access lines sets LOG_LEVEL=http.
    const logger = app.strapi.log as unknown as { level: string };
    const level = logger.level;
    logger.level = 'http';
    const http = jest.spyOn(app.strapi.log, 'http').mockImplementation(((message: string) => {
      lines.push(message);
      return app.strapi.log;
    }) as never);
    try {
      await send(app, { key, body: { query: '{ clinic { name email } }' } });
      await send(app, { method: 'GET', key, params: { query: '{ clinic { name phone } }' } });
      await fetch(`${app.baseUrl}/_health`);
    } finally {
      http.mockRestore();
      logger.level = level;
    }
    const query = new URLSearchParams({ query: '{ clinic { name phone } }' });
    expect(lines).toEqual([
      expect.stringMatching(/^POST \/graphql \(\d+ ms\) 200$/),
      expect.stringMatching(new RegExp(`^GET /graphql\\?${query.toString().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ ms\\) 200$`)),
      expect.stringMatching(/^GET \/_health \(\d+ ms\) 20\d$/),
    ]);
  });
});
