/**
 * The shipped Varnish configuration (deploy/varnish/default.vcl) under Debian's varnishd, in front of
 * a small node:http origin that answers like our /graphql (Cache-Control with s-maxage and
 * stale-while-revalidate, Vary: Authorization, a strong ETag with 304, Cache-Tag, our own X-Cache):
 * what Varnish stores, for whom, what it passes, how it answers If-None-Match, and what a PURGE by
 * xkey removes. No Strapi here: the origin's side is tested elsewhere; this is the edge's contract.
 */
import { createHash } from 'crypto';
import http from 'http';
import type { AddressInfo } from 'net';
import { gzipSync, gunzipSync } from 'zlib';
import { startVarnish, type Varnish } from '../../bench/varnish';

const PUBLIC = 'public, max-age=0, s-maxage=300, stale-while-revalidate=60';

/** Cache-Control answers of the origin, chosen by the request's `cc` query parameter. */
const CACHE_CONTROLS: Record<string, string | null> = {
  public: PUBLIC,
  // Fresh for 1 s, then served stale for 30 s while Varnish fetches anew.
  short: 'public, s-maxage=1, stale-while-revalidate=30',
  // Fresh for 1 s, then gone: no grace (varnishd's own default grace would be 10 s).
  'short-no-grace': 'public, s-maxage=1, stale-while-revalidate=0',
  private: 'private, no-store',
  'no-store': 'no-store',
  'no-cache': 'private, no-cache',
  none: null,
};

interface Seen {
  method: string;
  url: string;
  authorization: string | null;
  cookie: string | null;
}

/** Edge tags as the origin writes them: the `tags` parameter, or `many:<n>` tags of 17 characters. */
function tagsOf(parameter: string | null): string {
  const many = /^many:(\d+)$/.exec(parameter ?? '');
  if (many === null) return parameter ?? 'cdefault';
  return Array.from({ length: Number(many[1]) }, (_, index) => manyTag(index)).join(',');
}

const manyTag = (index: number) => `c${String(index).padStart(16, 'a')}`;

/**
 * Origin: GET/POST /graphql?op=…, and /admin/… answered as if public. Parameters: tags (Cache-Tag),
 * cc (a key of CACHE_CONTROLS), xkey (an xkey header), cookie=1 (Set-Cookie), vary=none (no Vary),
 * gzip=1 (a gzipped body, as if the origin compressed).
 */
class Origin {
  readonly seen: Seen[] = [];
  private server: http.Server | null = null;
  port = 0;

  async start(): Promise<void> {
    this.server = http.createServer((request, response) => this.answer(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server === null ? resolve() : this.server.close(() => resolve())));
  }

  /** How many requests for this URL (any method) reached the origin. */
  count(url: string): number {
    return this.seen.filter((request) => request.url === url).length;
  }

  private answer(request: http.IncomingMessage, response: http.ServerResponse): void {
    request.resume();
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://origin');
      const authorization = request.headers.authorization ?? null;
      this.seen.push({ method: request.method ?? '', url: request.url ?? '', authorization, cookie: request.headers.cookie ?? null });
      const served = this.count(request.url ?? '');
      const body = JSON.stringify({ data: { op: url.searchParams.get('op'), clinic: authorization, served } });
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      const cacheControl = CACHE_CONTROLS[url.searchParams.get('cc') ?? 'public'];
      const headers: Record<string, string> = {
        'Content-Type': 'application/graphql-response+json; charset=utf-8',
        ETag: etag,
        'Cache-Tag': tagsOf(url.searchParams.get('tags')),
        'X-Cache': 'MISS',
      };
      if (cacheControl !== null && cacheControl !== undefined) headers['Cache-Control'] = cacheControl;
      if (url.searchParams.get('vary') !== 'none') headers.Vary = 'Authorization, Accept';
      const xkey = url.searchParams.get('xkey');
      if (xkey !== null) headers.xkey = xkey;
      if (url.searchParams.get('cookie') === '1') headers['Set-Cookie'] = 'session=abc; Path=/; HttpOnly';
      if (request.headers['if-none-match'] === etag) {
        response.writeHead(304, headers).end();
        return;
      }
      const bytes = url.searchParams.get('gzip') === '1' ? gzipSync(body) : Buffer.from(body);
      if (url.searchParams.get('gzip') === '1') headers['Content-Encoding'] = 'gzip';
      response.writeHead(200, { ...headers, 'Content-Length': String(bytes.length) }).end(bytes);
    });
  }
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  bytes: Buffer;
}

interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** The client's own address (any of 127.0.0.0/8 on Linux loopback). */
  localAddress?: string;
  body?: string;
  timeoutMs?: number;
}

function send(base: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  const target = new URL(path, base);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers: options.headers,
        localAddress: options.localAddress,
        // A new connection each time: the client address of one request never carries over.
        agent: false,
        timeout: options.timeoutMs ?? 5_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const bytes = Buffer.concat(chunks);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: bytes.toString('utf8'), bytes });
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`timeout after ${options.timeoutMs ?? 5_000} ms`)));
    request.on('error', reject);
    request.end(options.body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const clinicOf = (answer: Answer): unknown => (JSON.parse(answer.body) as { data: { clinic: unknown } }).data.clinic;
const servedOf = (answer: Answer): unknown => (JSON.parse(answer.body) as { data: { served: unknown } }).data.served;

const origin = new Origin();
let varnish: Varnish;
const get = (path: string, options?: RequestOptions) => send(varnish.url, path, options);
const purge = (keys: string, options: RequestOptions = {}) => send(varnish.url, '/', { ...options, method: 'PURGE', headers: { xkey: keys, ...options.headers } });

beforeAll(async () => {
  await origin.start();
  varnish = await startVarnish({ backendPort: origin.port });
});

afterAll(async () => {
  await varnish?.stop();
  await origin.stop();
});

describe('what Varnish stores', () => {
  test('a second GET is a HIT from the cache, with Age > 0, and the origin is asked once', async () => {
    const path = '/graphql?op=hit';
    const first = await get(path, { headers: bearer('clinic-a') });
    expect(first.status).toBe(200);
    expect(first.headers['x-edge-cache']).toBe('MISS');
    await sleep(1_100);
    const second = await get(path, { headers: bearer('clinic-a') });
    expect(second.headers['x-edge-cache']).toBe('HIT');
    expect(Number(second.headers.age)).toBeGreaterThanOrEqual(1);
    expect(second.body).toBe(first.body);
    // The origin's own header is passed on untouched; the edge reports in its own.
    expect(second.headers['x-cache']).toBe('MISS');
    expect(origin.count(path)).toBe(1);
  });

  test("one clinic's stored answer is never served to another key, nor to a caller without one", async () => {
    const path = '/graphql?op=per-clinic';
    const a = await get(path, { headers: bearer('clinic-a') });
    const b = await get(path, { headers: bearer('clinic-b') });
    const anonymous = await get(path);
    expect([a, b, anonymous].map((answer) => answer.headers['x-edge-cache'])).toEqual(['MISS', 'MISS', 'MISS']);
    expect([a, b, anonymous].map(clinicOf)).toEqual(['Bearer clinic-a', 'Bearer clinic-b', null]);

    const again = await Promise.all([get(path, { headers: bearer('clinic-a') }), get(path, { headers: bearer('clinic-b') }), get(path)]);
    expect(again.map((answer) => answer.headers['x-edge-cache'])).toEqual(['HIT', 'HIT', 'HIT']);
    expect(again.map(clinicOf)).toEqual(['Bearer clinic-a', 'Bearer clinic-b', null]);
    expect(origin.count(path)).toBe(3);
  });

  test('clinics stay apart even when the origin forgets Vary: Authorization (the key is in the hash)', async () => {
    const path = '/graphql?op=per-clinic-no-vary&vary=none';
    await get(path, { headers: bearer('clinic-a') });
    const b = await get(path, { headers: bearer('clinic-b') });
    expect(b.headers['x-edge-cache']).toBe('MISS');
    expect(clinicOf(b)).toBe('Bearer clinic-b');
    expect(clinicOf(await get(path))).toBeNull();
    expect(origin.count(path)).toBe(3);
  });

  test('HEAD is answered from the stored GET', async () => {
    const path = '/graphql?op=head';
    await get(path, { headers: bearer('clinic-a') });
    const head = await get(path, { method: 'HEAD', headers: bearer('clinic-a') });
    expect(head.status).toBe(200);
    expect(head.headers['x-edge-cache']).toBe('HIT');
    expect(head.body).toBe('');
    expect(origin.count(path)).toBe(1);
  });

  test('POST is never stored, even when the origin calls its answer public', async () => {
    const path = '/graphql?op=post';
    const init = { method: 'POST', headers: { ...bearer('clinic-a'), 'Content-Type': 'application/json' }, body: '{"query":"{ x }"}' };
    const answers = [await send(varnish.url, path, init), await send(varnish.url, path, init)];
    expect(answers.map((answer) => answer.headers['x-edge-cache'])).toEqual(['PASS', 'PASS']);
    expect(answers.map(servedOf)).toEqual([1, 2]);
    expect(origin.seen.filter((request) => request.url === path).map((request) => request.method)).toEqual(['POST', 'POST']);
  });

  test.each([
    ['private, no-store (previews)', 'cc=private'],
    ['no-store (errors)', 'cc=no-store'],
    ['private, no-cache (tags too long for a CDN)', 'cc=no-cache'],
    ['no Cache-Control at all', 'cc=none'],
    ['public with Set-Cookie', 'cookie=1'],
  ])('an answer with %s is not stored: every request reaches the origin', async (_name, query) => {
    const path = `/graphql?op=not-stored&${query}`;
    const answers = [await get(path, { headers: bearer('clinic-a') }), await get(path, { headers: bearer('clinic-a') })];
    expect(answers.map((answer) => answer.headers['x-edge-cache'])).toEqual(['PASS', 'PASS']);
    expect(answers.map(servedOf)).toEqual([1, 2]);
    expect(origin.count(path)).toBe(2);
  });

  test('paths other than /graphql and /sites/ are passed, even when the origin calls them public', async () => {
    const path = '/admin/init?op=admin';
    const answers = [await get(path), await get(path)];
    expect(answers.map((answer) => answer.headers['x-edge-cache'])).toEqual(['PASS', 'PASS']);
    expect(origin.count(path)).toBe(2);
  });

  test("a browser's cookie is not sent to the origin with a GraphQL read (so no stored answer depends on it)", async () => {
    const path = '/graphql?op=cookie-sent';
    await get(path, { headers: { ...bearer('clinic-a'), Cookie: 'koa.sess=1' } });
    const second = await get(path, { headers: { ...bearer('clinic-a'), Cookie: 'other=2' } });
    expect(second.headers['x-edge-cache']).toBe('HIT');
    expect(origin.seen.filter((request) => request.url === path).map((request) => request.cookie)).toEqual([null]);
  });

  test("a passed request keeps its cookie (the admin panel's session)", async () => {
    const path = '/admin/session?op=cookie-admin';
    await get(path, { headers: { Cookie: 'koa.sess=1' } });
    expect(origin.seen.filter((request) => request.url === path).map((request) => request.cookie)).toEqual(['koa.sess=1']);
  });

  test('after s-maxage, the stored copy is served within stale-while-revalidate while a new one is fetched', async () => {
    const path = '/graphql?op=grace&cc=short';
    await get(path, { headers: bearer('clinic-a') });
    await sleep(1_300);
    const stale = await get(path, { headers: bearer('clinic-a') });
    expect(stale.headers['x-edge-cache']).toBe('HIT');
    expect(servedOf(stale)).toBe(1);
    // That request started one background fetch; its answer soon replaces the stale copy.
    let fresh = stale;
    for (let tries = 0; servedOf(fresh) === 1 && tries < 80; tries += 1) {
      await sleep(25);
      fresh = await get(path, { headers: bearer('clinic-a') });
    }
    expect(fresh.headers['x-edge-cache']).toBe('HIT');
    expect(servedOf(fresh)).toBe(2);
    expect(origin.count(path)).toBe(2);
  });

  test("after s-maxage, with stale-while-revalidate=0, the next read waits for a new answer (the grace is the origin's, not a default)", async () => {
    const path = '/graphql?op=no-grace&cc=short-no-grace';
    await get(path, { headers: bearer('clinic-a') });
    await sleep(1_300);
    const next = await get(path, { headers: bearer('clinic-a') });
    expect(next.headers['x-edge-cache']).toBe('MISS');
    expect(servedOf(next)).toBe(2);
  });
});

describe('ETag and If-None-Match', () => {
  test("Varnish keeps the origin's strong ETag and answers If-None-Match on a HIT with 304 itself", async () => {
    const path = '/graphql?op=etag';
    const first = await get(path, { headers: bearer('clinic-a') });
    const etag = first.headers.etag;
    expect(etag).toMatch(/^"[^"]+"$/);
    const revalidated = await get(path, { headers: { ...bearer('clinic-a'), 'If-None-Match': etag ?? '' } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers['x-edge-cache']).toBe('HIT');
    expect(revalidated.headers.etag).toBe(etag);
    expect(revalidated.body).toBe('');
    expect(origin.count(path)).toBe(1);
  });

  test('should the origin gzip: gzip clients get its strong ETag; others get the body unzipped, a weak ETag, and still a 304', async () => {
    const path = '/graphql?op=etag-gzip&gzip=1';
    const zipped = await get(path, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    const etag = zipped.headers.etag ?? '';
    expect(etag).toMatch(/^"/);
    const plain = await get(path);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.etag).toBe(`W/${etag}`);
    expect(JSON.parse(plain.body)).toEqual(JSON.parse(gunzipSync(zipped.bytes).toString()));
    expect((await get(path, { headers: { 'If-None-Match': etag } })).status).toBe(304);
  });

  test('an If-None-Match that does not match gets the stored body', async () => {
    const path = '/graphql?op=etag-changed';
    const first = await get(path, { headers: bearer('clinic-a') });
    const other = await get(path, { headers: { ...bearer('clinic-a'), 'If-None-Match': '"an-older-version"' } });
    expect(other.status).toBe(200);
    expect(other.headers['x-edge-cache']).toBe('HIT');
    expect(other.body).toBe(first.body);
  });
});

describe('PURGE by xkey', () => {
  test('removes every stored answer carrying the key, for every clinic, and only those; the next read is a fresh MISS, not a stale copy', async () => {
    const tagged = '/graphql?op=purge-tagged&tags=ctech1,ctypes';
    const untouched = '/graphql?op=purge-other&tags=ctech2,ctypes2';
    for (const key of ['clinic-a', 'clinic-b']) await get(tagged, { headers: bearer(key) });
    await get(untouched, { headers: bearer('clinic-a') });

    const answer = await purge('ctech1');
    expect(answer.status).toBe(200);
    expect(answer.headers['x-purged']).toBe('2');
    expect(answer.headers['x-edge-cache']).toBe('SYNTH');

    // A hard purge: with stale-while-revalidate=60 a soft purge would still answer HIT with served 1.
    const afterA = await get(tagged, { headers: bearer('clinic-a') });
    expect(afterA.headers['x-edge-cache']).toBe('MISS');
    expect(servedOf(afterA)).toBe(3);
    expect((await get(tagged, { headers: bearer('clinic-b') })).headers['x-edge-cache']).toBe('MISS');
    expect((await get(untouched, { headers: bearer('clinic-a') })).headers['x-edge-cache']).toBe('HIT');
  });

  test('takes several keys, separated by spaces or commas', async () => {
    const paths = ['/graphql?op=multi-1&tags=cmulti1', '/graphql?op=multi-2&tags=cmulti2', '/graphql?op=multi-3&tags=cmulti3'];
    for (const path of paths) await get(path);
    expect((await purge('cmulti1 cnothing')).headers['x-purged']).toBe('1');
    expect((await purge('cmulti2, cmulti3')).headers['x-purged']).toBe('2');
    const after = await Promise.all(paths.map((path) => get(path)));
    expect(after.map((answer) => answer.headers['x-edge-cache'])).toEqual(['MISS', 'MISS', 'MISS']);
  });

  test("takes the keys from the origin's xkey header when it sends one, instead of Cache-Tag, and hides it from clients", async () => {
    const path = '/graphql?op=xkey-header&tags=clong1,clong2&xkey=cshort';
    const first = await get(path);
    expect(first.headers.xkey).toBeUndefined();
    expect(first.headers['cache-tag']).toBe('clong1,clong2');
    expect((await purge('clong1')).headers['x-purged']).toBe('0');
    expect((await get(path)).headers['x-edge-cache']).toBe('HIT');
    expect((await purge('cshort')).headers['x-purged']).toBe('1');
    expect((await get(path)).headers['x-edge-cache']).toBe('MISS');
  });

  // 444 edge tags of 17 characters (7,991 bytes) is the most an answer carries (the service's
  // MAX_EDGE_TAGS); the VCL's copy into xkey must fit beside it in varnishd's default header limits.
  test('indexes a Cache-Tag as long as the origin sends (444 edge tags, under 8 KB)', async () => {
    const path = '/graphql?op=long-tags&tags=many:444';
    const first = await get(path);
    expect(first.status).toBe(200);
    expect(first.headers['cache-tag']?.length).toBe(7_991);
    expect((await get(path)).headers['x-edge-cache']).toBe('HIT');
    expect((await purge(manyTag(443))).headers['x-purged']).toBe('1');
    expect((await get(path)).headers['x-edge-cache']).toBe('MISS');
  });

  test('is refused with 403 from an address outside acl purgers, and removes nothing', async () => {
    const path = '/graphql?op=purge-refused&tags=crefused';
    await get(path);
    const refused = await purge('crefused', { localAddress: '127.0.0.2' });
    expect(refused.status).toBe(403);
    expect(refused.headers['x-purged']).toBeUndefined();
    expect(refused.headers['x-edge-cache']).toBe('SYNTH');
    expect((await get(path)).headers['x-edge-cache']).toBe('HIT');
  });

  test('without an xkey header is refused with 400', async () => {
    const answer = await send(varnish.url, '/', { method: 'PURGE' });
    expect(answer.status).toBe(400);
    expect(answer.headers['x-edge-cache']).toBe('SYNTH');
  });
});

describe('when the origin is down', () => {
  test('a read gets a plain 503 that says not to store it and when to retry', async () => {
    const closed = new Origin();
    await closed.start();
    await closed.stop();
    const edge = await startVarnish({ backendPort: closed.port });
    try {
      const answer = await send(edge.url, '/graphql?op=origin-down');
      expect(answer.status).toBe(503);
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.headers['retry-after']).toBe('5');
      expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(answer.headers['x-edge-cache']).toBe('MISS');
    } finally {
      await edge.stop();
    }
  });
});

describe('the harness', () => {
  test('writes the purgers it is given into the ACL: 127.0.0.2 may purge, 127.0.0.1 may not', async () => {
    const other = await startVarnish({ backendPort: origin.port, purgers: ['127.0.0.2'] });
    try {
      const path = '/graphql?op=harness-acl&tags=cacl';
      await send(other.url, path);
      expect((await send(other.url, '/', { method: 'PURGE', headers: { xkey: 'cacl' } })).status).toBe(403);
      const allowed = await send(other.url, '/', { method: 'PURGE', headers: { xkey: 'cacl' }, localAddress: '127.0.0.2' });
      expect(allowed.status).toBe(200);
      expect(allowed.headers['x-purged']).toBe('1');
    } finally {
      await other.stop();
    }
  });

  test('stop() refuses connections; restart() serves again on the same port with an empty cache; pause() leaves requests unanswered until resume()', async () => {
    const edge = await startVarnish({ backendPort: origin.port });
    try {
      const path = '/graphql?op=harness-restart';
      await send(edge.url, path);
      expect((await send(edge.url, path)).headers['x-edge-cache']).toBe('HIT');

      await edge.pause();
      await expect(send(edge.url, path, { timeoutMs: 300 })).rejects.toThrow(/timeout/);
      edge.resume();
      expect((await send(edge.url, path)).headers['x-edge-cache']).toBe('HIT');

      const port = edge.port;
      await edge.stop();
      await expect(send(`http://127.0.0.1:${port}`, path)).rejects.toThrow(/ECONNREFUSED/);
      await edge.restart();
      expect(edge.port).toBe(port);
      expect((await send(edge.url, path)).headers['x-edge-cache']).toBe('MISS');
    } finally {
      await edge.stop();
    }
  });
});
