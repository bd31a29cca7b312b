/**
 * Clinic keys over their whole life: expiry (also for answers served from the response cache), revoking
 * one key by id or all of them, last use, and the clinic:key command's output. The server shares its
 * directory changes through Redis and keeps its copy for a minute, so a key change made by the command
 * (another process) is seen only through the message the command sends.
 */
import { execFile } from 'child_process';
import { randomBytes } from 'crypto';
import path from 'path';
import { promisify } from 'util';
import { createClinicKey, listClinicKeys, revokeClinicKey } from '../../src/clinics/keys';
import { runSeed } from '../../src/seed';
import { graphql, type GraphQLResponse } from '../helpers/graphql';
import { dropRedisPrefix } from '../helpers/redis';
import { ROOT, startApp, type TestApp } from '../helpers/strapi';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REDIS_PREFIX = `test-keys-${randomBytes(6).toString('hex')}`;
const QUERY = '{ clinic { slug } }';

let app: TestApp;

beforeAll(async () => {
  app = await startApp({
    isListening: true,
    environment: { REDIS_URL, REDIS_PREFIX, CLINIC_CACHE_TTL_MS: '60000', KEY_USE_FLUSH_MS: '100' },
  });
  await runSeed({ strapi: app.strapi });
});

afterAll(async () => {
  await app?.stop();
  await dropRedisPrefix(REDIS_URL, REDIS_PREFIX);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function cachedGet(key: string): Promise<Response> {
  return fetch(`${app.baseUrl}/graphql?query=${encodeURIComponent(QUERY)}`, { headers: { authorization: `Bearer ${key}`, 'apollo-require-preflight': 'true' } });
}

function refusal(response: GraphQLResponse) {
  return { status: response.status, error: response.body.errors?.[0] };
}

/** Runs the compiled command as a user would (asynchronously: the server under test shares this process). */
function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'clinic-key.js'), ...args], {
    cwd: ROOT,
    // The server's environment: its database and Redis; Strapi's info logs on, to see where they go.
    env: { ...process.env, LOG_LEVEL: 'info' },
    encoding: 'utf8',
    timeout: 90000,
  }).then(
    ({ stdout, stderr }) => ({ status: 0, stdout, stderr }),
    (error: { code?: number; stdout: string; stderr: string }) => ({ status: error.code ?? -1, stdout: error.stdout, stderr: error.stderr }),
  );
}

describe('an expired key', () => {
  it('is refused with 401 KEY_EXPIRED the moment it expires, even for an answer in the response cache', async () => {
    const { key, expiresAt } = await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public', expiresAt: new Date(Date.now() + 2500) });
    expect((await cachedGet(key)).status).toBe(200);
    const hit = await cachedGet(key);
    expect(hit.headers.get('x-cache')).toBe('HIT');

    await sleep(Math.max(0, Date.parse(expiresAt as string) - Date.now()) + 50);
    const refused = await cachedGet(key);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(((await refused.json()) as GraphQLResponse['body']).errors?.[0]).toEqual({
      message: `This clinic key expired at ${expiresAt}; use the clinic's current key.`,
      extensions: { code: 'UNAUTHENTICATED', reason: 'KEY_EXPIRED' },
    });
    expect(refusal(await graphql(app, { key, query: QUERY })).error?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'KEY_EXPIRED' });
  });

  it('cannot be created: an expiry in the past is refused', async () => {
    await expect(createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public', expiresAt: new Date(Date.now() - 1000) })).rejects.toThrow(
      /must be in the future/,
    );
  });
});

describe('refusals say why', () => {
  it('names a missing, unknown and revoked key apart', async () => {
    expect(refusal(await graphql(app, { query: QUERY }))).toEqual({
      status: 401,
      error: { message: 'Send your clinic key as "Authorization: Bearer <key>".', extensions: { code: 'UNAUTHENTICATED', reason: 'KEY_MISSING' } },
    });
    expect(refusal(await graphql(app, { key: `cck_live_${'A'.repeat(43)}`, query: QUERY }))).toEqual({
      status: 401,
      error: { message: 'This clinic key is unknown.', extensions: { code: 'UNAUTHENTICATED', reason: 'KEY_UNKNOWN' } },
    });
    const { key, id } = await createClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', kind: 'public' });
    await revokeClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', keyId: id });
    expect(refusal(await graphql(app, { key, query: QUERY }))).toEqual({
      status: 401,
      error: { message: "This clinic key was revoked; use the clinic's current key.", extensions: { code: 'UNAUTHENTICATED', reason: 'KEY_REVOKED' } },
    });
  });
});

describe('revoking one key by id', () => {
  it('refuses that key and leaves the clinic\'s other keys working (rotation without downtime)', async () => {
    const old = await createClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', kind: 'public' });
    const next = await createClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', kind: 'public', expiresAt: new Date(Date.now() + 90 * 86_400_000) });
    expect((await graphql(app, { key: old.key, query: QUERY })).status).toBe(200);
    expect(await revokeClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', keyId: old.id })).toMatchObject({ wasActive: true });
    expect(refusal(await graphql(app, { key: old.key, query: QUERY })).error?.extensions?.reason).toBe('KEY_REVOKED');
    const served = await graphql(app, { key: next.key, query: QUERY });
    expect(served.status).toBe(200);
    expect(served.body.data).toEqual({ clinic: { slug: 'harbour-chiro' } });
  });

  it('names the clinic\'s key ids when the id is unknown', async () => {
    const { id } = await createClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', kind: 'public' });
    await expect(revokeClinicKey({ strapi: app.strapi, slug: 'harbour-chiro', keyId: 'nope' })).rejects.toThrow(
      new RegExp(`Clinic "harbour-chiro" has no key with id "nope"; its key ids: .*${id}`),
    );
  });
});

describe('last use', () => {
  it('is listed once a request used the key (written by the timer, off the request path)', async () => {
    const { key, id } = await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' });
    const listed = async () => (await listClinicKeys({ strapi: app.strapi, slug: 'northside-physio' })).find((entry) => entry.id === id);
    expect(await listed()).toMatchObject({ status: 'active', expiresAt: null, lastUsedAt: null });
    const before = Date.now();
    expect((await graphql(app, { key, query: QUERY })).status).toBe(200);
    let lastUsedAt: string | null = null;
    for (let tries = 0; tries < 50 && lastUsedAt === null; tries += 1) {
      await sleep(100);
      lastUsedAt = (await listed())?.lastUsedAt ?? null;
    }
    expect(lastUsedAt).not.toBeNull();
    expect(Date.parse(lastUsedAt as string)).toBeGreaterThanOrEqual(before - 5);
    expect(Date.parse(lastUsedAt as string)).toBeLessThanOrEqual(Date.now());
  });
});

describe('npm run clinic:key', () => {
  it('prints the new key alone on the last line, and nothing of Strapi\'s on stdout', async () => {
    const created = await cli('create', 'northside-physio', '--expires-in', '30d');
    expect(created.status).toBe(0);
    const lines = created.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Created public key [0-9a-f]{12} for clinic "northside-physio", expiring at \d{4}-\d\d-\d\dT[\d:.]+Z\. It is shown only now; store it as a secret:$/);
    expect(lines[1]).toMatch(/^cck_live_[A-Za-z0-9_-]{43}$/);
    const served = await graphql(app, { key: lines[1] as string, query: QUERY });
    expect(served.body.data).toEqual({ clinic: { slug: 'northside-physio' } });
  });

  it('lists expiry, last use and status, as a table and as JSON only', async () => {
    const created = await cli('create', 'harbour-chiro', '--preview', '--expires-at', '2099-01-31');
    const id = /key ([0-9a-f]{12})/.exec(created.stdout)?.[1] as string;
    const listed = await cli('list', 'harbour-chiro', '--json');
    expect(listed.status).toBe(0);
    const parsed = JSON.parse(listed.stdout) as { clinic: string; keys: Array<Record<string, unknown>> };
    expect(parsed.clinic).toBe('harbour-chiro');
    expect(parsed.keys.find((key) => key.id === id)).toEqual({
      id,
      kind: 'preview',
      status: 'active',
      createdAt: expect.stringMatching(/^\d{4}-/),
      expiresAt: '2099-01-31T00:00:00.000Z',
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(parsed.keys.some((key) => key.status === 'revoked')).toBe(true);

    const table = await cli('list', 'harbour-chiro');
    expect(table.stdout.split('\n')[0]).toMatch(/^id\s+kind\s+created\s+expires\s+last used\s+status$/);
    expect(table.stdout).toMatch(new RegExp(`${id}\\s+preview\\s+\\S+\\s+2099-01-31T00:00:00.000Z\\s+never\\s+active`));
  });

  it('revokes one key by id (seen by the running server at once), then all with --all', async () => {
    const first = await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' });
    const second = await createClinicKey({ strapi: app.strapi, slug: 'northside-physio', kind: 'public' });
    expect((await graphql(app, { key: first.key, query: QUERY })).status).toBe(200);

    const one = await cli('revoke', 'northside-physio', first.id);
    expect(one).toMatchObject({ status: 0, stdout: `Revoked key ${first.id} of clinic "northside-physio".\n` });
    expect(refusal(await graphql(app, { key: first.key, query: QUERY })).error?.extensions?.reason).toBe('KEY_REVOKED');
    expect((await graphql(app, { key: second.key, query: QUERY })).status).toBe(200);

    const again = await cli('revoke', 'northside-physio', first.id);
    expect(again.stdout).toMatch(new RegExp(`^Key ${first.id} of clinic "northside-physio" was already revoked`));

    const unknown = await cli('revoke', 'northside-physio', 'nope');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('Clinic "northside-physio" has no key with id "nope"');

    const all = await cli('revoke', 'northside-physio', '--all');
    expect(all.status).toBe(0);
    expect(all.stdout).toMatch(/^Revoked [1-9]\d* keys? of clinic "northside-physio"\.\n$/);
    expect(refusal(await graphql(app, { key: second.key, query: QUERY })).error?.extensions?.reason).toBe('KEY_REVOKED');
  });

  it('answers command-line mistakes with exit code 2 before loading anything', async () => {
    const withoutId = await cli('revoke', 'northside-physio');
    expect(withoutId.status).toBe(2);
    expect(withoutId.stderr).toContain('pass --all to revoke every key');
    const past = await cli('create', 'northside-physio', '--expires-at', '2020-01-01');
    expect(past.status).toBe(2);
    expect(past.stderr).toContain('--expires-at must be in the future; 2020-01-01T00:00:00.000Z has passed.');
    const malformed = await cli('create', 'northside-physio', '--expires-in', '3w');
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toContain('--expires-in takes a number of days or hours such as 90d or 12h, not "3w".');
    const unreal = await cli('create', 'northside-physio', '--expires-at', '2099-02-30');
    expect(unreal.status).toBe(2);
    expect(unreal.stderr).toContain('"2099-02-30" is not a real date');
  });
});
