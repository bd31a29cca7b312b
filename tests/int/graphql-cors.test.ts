/**
 * The CORS policy of /graphql over real HTTP, with one origin allowed (GRAPHQL_CORS_ORIGINS): server-side
 * callers (no Origin) get no CORS headers at all; an unlisted browser origin is refused with 403
 * ORIGIN_NOT_ALLOWED, preflight included; the listed origin gets its own origin back, never
 * credentials, only a read-only API's methods, and `Vary: Origin`. Other paths keep Strapi's policy.
 */
import { createClinicKey } from '../../src/clinics/keys';
import { graphqlCors } from '../../src/graphql/cors';
import { parseSettings } from '../../src/settings';
import { runSeed } from '../../src/seed';
import { send } from '../helpers/graphql';
import { startApp, type TestApp } from '../helpers/strapi';

const ALLOWED = 'https://staging.northside-physio.example';
const STRANGER = 'https://evil.example';
const QUERY = '{ clinic { name } }';

let app: TestApp;
let key: string;

beforeAll(async () => {
  app = await startApp({ isListening: true, environment: { RESPONSE_CACHE: 'on', GRAPHQL_CORS_ORIGINS: `${ALLOWED}, http://localhost:3000` } });
  await runSeed({ strapi: app.strapi });
  key = (await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' })).key;
});

afterAll(async () => {
  await app?.stop();
});

describe('CORS on /graphql', () => {
  it('sends no CORS headers to server-side callers, cached or not, and varies by Origin', async () => {
    for (let round = 0; round < 2; round += 1) {
      const answer = await send(app, { method: 'GET', key, params: { query: QUERY } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-cache')).toBe(round === 0 ? 'MISS' : 'HIT');
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
      expect(answer.headers.get('vary')).toBe('Authorization, Accept, Origin');
    }
  });

  it('refuses an origin that is not listed, preflight and request alike, with ORIGIN_NOT_ALLOWED', async () => {
    const preflight = await fetch(`${app.baseUrl}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: STRANGER, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await preflight.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('ORIGIN_NOT_ALLOWED');

    const request = await send(app, { key, body: { query: QUERY }, headers: { origin: STRANGER } });
    expect(request.status).toBe(403);
    expect(request.body?.errors?.[0]?.extensions?.code).toBe('ORIGIN_NOT_ALLOWED');
    expect(request.body?.errors?.[0]?.message).toContain('server-side secrets');
    expect(request.headers.get('access-control-allow-origin')).toBeNull();
    expect(request.headers.get('cache-control')).toBe('no-store');
  });

  it('answers a listed origin with its own origin, no credentials, read-only methods', async () => {
    const preflight = await fetch(`${app.baseUrl}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(preflight.headers.get('vary')).toContain('Origin');

    const request = await send(app, { key, body: { query: QUERY }, headers: { origin: ALLOWED } });
    expect(request.status).toBe(200);
    expect(request.body?.data).toEqual({ clinic: { name: 'Northside Physiotherapy & Massage' } });
    expect(request.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(request.headers.get('access-control-allow-credentials')).toBeNull();
    expect(request.headers.get('access-control-expose-headers')).toContain('ETag');
    expect(request.headers.get('vary')).toContain('Origin');
  });

  it("leaves the admin's CORS policy to Strapi", async () => {
    const preflight = await fetch(`${app.baseUrl}/admin/login`, {
      method: 'OPTIONS',
      headers: { origin: STRANGER, 'access-control-request-method': 'POST' },
    });
    // Strapi's own cors middleware answers the admin's preflights (its default reflects the origin).
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(STRANGER);
  });
});

describe('GRAPHQL_CORS_ORIGINS', () => {
  it('allows nothing by default and nothing varies by Origin', () => {
    const cors = graphqlCors(parseSettings({}));
    expect(cors.isOriginDependent).toBe(false);
    expect(cors.isAllowed('http://localhost:3000')).toBe(false);
  });

  it.each(['*', 'staging.example', 'https://staging.example/path', 'ftp://staging.example'])('refuses "%s", naming the variable', (value) => {
    expect(() => graphqlCors(parseSettings({ GRAPHQL_CORS_ORIGINS: value }))).toThrow(/^GRAPHQL_CORS_ORIGINS: /);
  });
});
