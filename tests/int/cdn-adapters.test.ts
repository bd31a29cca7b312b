/**
 * The CDN purge adapters (src/cdn/adapters) against local HTTP receivers on 127.0.0.1 standing in for
 * Varnish servers, Fastly's API and Cloudflare's API: the exact requests they send (method, path, auth,
 * headers, body, batch limits, never a soft purge) and how each failure comes back as a result with its
 * reason (5xx, refused connections, 429 with Retry-After, Cloudflare's success:false, timeouts, aborts),
 * never with a credential in it. No Strapi.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import {
  batches,
  CLOUDFLARE_BATCH_SIZE,
  createCloudflareAdapter,
  createFastlyAdapter,
  createVarnishAdapter,
  edgeTag,
  edgeTags,
  FASTLY_BATCH_SIZE,
  VARNISH_BATCH_SIZE,
  type PurgeAdapter,
  type PurgeResult,
} from '../../src/cdn';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Responder = (request: Received, response: ServerResponse) => void;

interface Receiver {
  url: string;
  requests: Received[];
  respond(responder: Responder): void;
  close(): Promise<void>;
}

const ok: Responder = (_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' }).end('Invalidated 3 objects');
};

async function receiver(): Promise<Receiver> {
  const requests: Received[] = [];
  let responder: Responder = ok;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      responder(received, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond(next) {
      responder = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Responder => (_request, response) => {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
};

/** Never answers: the adapter's time limit has to end the request. */
const silent: Responder = () => undefined;

const tagsOf = (count: number) => edgeTags(Array.from({ length: count }, (_, i) => `technique:${String(i).padStart(24, '0')}:en`));

const FASTLY_TOKEN = 'fastly-token-0123456789abcdef';
const CLOUDFLARE_TOKEN = 'cloudflare-token-0123456789abcdef';

/** A receiver that repeats back whatever credentials it was sent, to prove reasons never do. */
const echoing = (status: number): Responder => (request, response) => {
  const echoed = `${String(request.headers['fastly-key'] ?? '')} ${String(request.headers.authorization ?? '')}`;
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(
    JSON.stringify({ msg: `token ${echoed} refused`, success: false, errors: [{ code: 10000, message: `Authentication error for ${echoed}` }] }),
  );
};

function failure(result: PurgeResult): Extract<PurgeResult, { ok: false }> {
  if (result.ok) throw new Error(`expected a failed purge, got ${JSON.stringify(result)}`);
  return result;
}

let receivers: Receiver[] = [];

async function start(): Promise<Receiver> {
  const started = await receiver();
  receivers.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(receivers.map((started) => started.close()));
  receivers = [];
});

describe('the Varnish adapter', () => {
  it('sends PURGE with the edge tags space-separated in xkey to every server, at its base URL', async () => {
    const [one, two] = [await start(), await start()];
    const adapter = createVarnishAdapter({ urls: [`${one.url}/`, `${two.url}/purge/here`] });
    const tags = tagsOf(3);
    expect(await adapter.purge(tags)).toEqual({ ok: true, status: 200 });
    for (const [server, path] of [[one, '/'], [two, '/purge/here']] as const) {
      expect(server.requests).toHaveLength(1);
      const [request] = server.requests;
      expect(request).toMatchObject({ method: 'PURGE', url: path, body: '' });
      expect(request?.headers.xkey).toBe(tags.join(' '));
      // A hard purge: nothing asks the VCL for xkey.softpurge.
      expect(Object.keys(request?.headers ?? {}).filter((name) => /soft/i.test(name))).toEqual([]);
    }
  });

  it('fails when any server does not answer 2xx, naming it, though the others were purged', async () => {
    const [good, bad] = [await start(), await start()];
    bad.respond((_request, response) => response.writeHead(503, { 'Retry-After': '7' }).end('Backend fetch failed'));
    const adapter = createVarnishAdapter({ urls: [good.url, bad.url] });
    const result = failure(await adapter.purge(tagsOf(2)));
    expect(result.status).toBe(503);
    expect(result.retryAfterMs).toBe(7000);
    expect(result.error).toBe(`1 of 2 Varnish servers did not purge: ${bad.url}: HTTP 503: Backend fetch failed`);
    expect(good.requests).toHaveLength(1);
  });

  it('fails with no status when a server refuses the connection', async () => {
    const port = await closedPort();
    const adapter = createVarnishAdapter({ urls: [`http://127.0.0.1:${port}/`] });
    const result = failure(await adapter.purge(tagsOf(1)));
    expect(result).toMatchObject({ status: null, retryAfterMs: null });
    expect(result.error).toContain('ECONNREFUSED');
  });

  it('gives up on a server that does not answer within the time limit', async () => {
    const slow = await start();
    slow.respond(silent);
    const adapter = createVarnishAdapter({ urls: [slow.url], timeoutMs: 200 });
    const startedAt = Date.now();
    const result = failure(await adapter.purge(tagsOf(1)));
    expect(result.error).toBe(`1 of 1 Varnish servers did not purge: ${slow.url}: no answer within 200 ms`);
    expect(Date.now() - startedAt).toBeLessThan(5000);
  });

  it('fails on a redirect instead of following it', async () => {
    const moved = await start();
    moved.respond((_request, response) => response.writeHead(301, { Location: 'http://127.0.0.1:1/' }).end());
    const result = failure(await createVarnishAdapter({ urls: [moved.url] }).purge(tagsOf(1)));
    expect(result.status).toBe(301);
    expect(result.error).toContain('redirects are not followed');
    expect(moved.requests).toHaveLength(1);
  });

  it('stops when the caller aborts, answering "aborted"', async () => {
    const slow = await start();
    slow.respond(silent);
    const controller = new AbortController();
    const pending = createVarnishAdapter({ urls: [slow.url] }).purge(tagsOf(1), { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(failure(await pending).error).toBe(`1 of 1 Varnish servers did not purge: ${slow.url}: aborted`);
  });

  it(`takes ${VARNISH_BATCH_SIZE} tags per call (a header under 8 KB) and refuses more without sending anything`, async () => {
    const server = await start();
    const adapter = createVarnishAdapter({ urls: [server.url] });
    const tags = tagsOf(600);
    await expect(adapter.purge(tags)).rejects.toThrow(RangeError);
    expect(server.requests).toHaveLength(0);
    for (const batch of batches(tags, adapter.batchSize)) expect(await adapter.purge(batch)).toEqual({ ok: true, status: 200 });
    expect(server.requests.map((request) => String(request.headers.xkey).split(' ').length)).toEqual([256, 256, 88]);
    expect(Math.max(...server.requests.map((request) => `xkey: ${String(request.headers.xkey)}`.length))).toBeLessThan(8192);
  });

  it('refuses tags no CDN can take (empty, with a separator) before sending', async () => {
    const server = await start();
    const adapter = createVarnishAdapter({ urls: [server.url] });
    await expect(adapter.purge([''])).rejects.toThrow(TypeError);
    await expect(adapter.purge(['a b'])).rejects.toThrow(TypeError);
    await expect(adapter.purge(['a,b'])).rejects.toThrow(TypeError);
    expect(server.requests).toHaveLength(0);
  });

  it('sends nothing for no tags', async () => {
    const server = await start();
    expect(await createVarnishAdapter({ urls: [server.url] }).purge([])).toEqual({ ok: true, status: 204 });
    expect(server.requests).toHaveLength(0);
  });
});

describe('the Fastly adapter', () => {
  const create = (apiUrl: string, timeoutMs?: number): PurgeAdapter => createFastlyAdapter({ token: FASTLY_TOKEN, serviceId: 'SU1Z0isxPaozGVKXdv0eY', apiUrl, timeoutMs });

  it('batch-purges with POST /service/{id}/purge, Fastly-Key, the keys as a JSON body and no soft-purge header', async () => {
    const api = await start();
    const tags = tagsOf(3);
    api.respond(json(200, Object.fromEntries(tags.map((tag, i) => [tag, `purge-${i}`]))));
    expect(await create(api.url).purge(tags)).toEqual({ ok: true, status: 200 });
    expect(api.requests).toHaveLength(1);
    const [request] = api.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/service/SU1Z0isxPaozGVKXdv0eY/purge' });
    expect(request?.headers['fastly-key']).toBe(FASTLY_TOKEN);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.accept).toBe('application/json');
    expect(request?.headers).not.toHaveProperty('fastly-soft-purge');
    expect(request?.headers).not.toHaveProperty('authorization');
    expect(JSON.parse(request?.body ?? '')).toEqual({ surrogate_keys: tags });
  });

  it('takes 256 keys per call and refuses 257 without sending anything', async () => {
    const api = await start();
    api.respond(json(200, {}));
    const adapter = create(api.url);
    expect(adapter.batchSize).toBe(FASTLY_BATCH_SIZE);
    expect(FASTLY_BATCH_SIZE).toBe(256);
    expect(await adapter.purge(tagsOf(256))).toEqual({ ok: true, status: 200 });
    await expect(adapter.purge(tagsOf(257))).rejects.toThrow('fastly purges at most 256 tags per call, not 257');
    expect(api.requests).toHaveLength(1);
  });

  it('keeps the service path of an API URL given with a trailing slash', async () => {
    const api = await start();
    api.respond(json(200, {}));
    await createFastlyAdapter({ token: FASTLY_TOKEN, serviceId: 'abc', apiUrl: `${api.url}/` }).purge(tagsOf(1));
    expect(api.requests[0]?.url).toBe('/service/abc/purge');
  });

  it("fails on a 5xx with Fastly's message", async () => {
    const api = await start();
    api.respond(json(503, { msg: 'Service unavailable', detail: 'try again' }));
    expect(failure(await create(api.url).purge(tagsOf(1)))).toEqual({ ok: false, status: 503, error: 'Fastly: HTTP 503: Service unavailable: try again', retryAfterMs: null });
  });

  it('fails on a 429, waiting as Retry-After says', async () => {
    const api = await start();
    api.respond(json(429, { msg: 'Too many requests' }, { 'Retry-After': '30' }));
    expect(failure(await create(api.url).purge(tagsOf(1)))).toMatchObject({ status: 429, retryAfterMs: 30000 });
  });

  it('fails with no status when the API refuses the connection, or does not answer in time', async () => {
    const refusedResult = failure(await create(`http://127.0.0.1:${await closedPort()}`).purge(tagsOf(1)));
    expect(refusedResult).toMatchObject({ status: null, retryAfterMs: null });
    expect(refusedResult.error).toMatch(/^Fastly: .*ECONNREFUSED/);
    const api = await start();
    api.respond(silent);
    expect(failure(await create(api.url, 200).purge(tagsOf(1)))).toEqual({ ok: false, status: null, error: 'Fastly: no answer within 200 ms', retryAfterMs: null });
  });
});

describe('the Cloudflare adapter', () => {
  const create = (apiUrl: string, timeoutMs?: number): PurgeAdapter =>
    createCloudflareAdapter({ token: CLOUDFLARE_TOKEN, zoneId: '023e105f4ecef8ad9ca31a8372d0c353', apiUrl: `${apiUrl}/client/v4`, timeoutMs });
  const done = json(200, { success: true, errors: [], messages: [], result: { id: '023e105f4ecef8ad9ca31a8372d0c353' } });

  it('purges with POST /zones/{id}/purge_cache, a bearer token and {"tags": [...]}', async () => {
    const api = await start();
    api.respond(done);
    const tags = tagsOf(3);
    expect(await create(api.url).purge(tags)).toEqual({ ok: true, status: 200 });
    const [request] = api.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache' });
    expect(request?.headers.authorization).toBe(`Bearer ${CLOUDFLARE_TOKEN}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({ tags });
  });

  it('takes 100 tags per call and refuses 101 without sending anything', async () => {
    const api = await start();
    api.respond(done);
    const adapter = create(api.url);
    expect(adapter.batchSize).toBe(CLOUDFLARE_BATCH_SIZE);
    expect(CLOUDFLARE_BATCH_SIZE).toBe(100);
    expect(await adapter.purge(tagsOf(100))).toEqual({ ok: true, status: 200 });
    await expect(adapter.purge(tagsOf(101))).rejects.toThrow(RangeError);
    expect(api.requests).toHaveLength(1);
  });

  it('fails on a 200 whose envelope says success: false, quoting its errors', async () => {
    const api = await start();
    api.respond(json(200, { success: false, errors: [{ code: 1134, message: 'Purge by tag is not available' }], messages: [], result: null }));
    expect(failure(await create(api.url).purge(tagsOf(1)))).toEqual({
      ok: false,
      status: 200,
      error: 'Cloudflare: HTTP 200 with success: false: 1134: Purge by tag is not available',
      retryAfterMs: null,
    });
  });

  it('fails on a 200 that is not an API envelope (e.g. a proxy page)', async () => {
    const api = await start();
    api.respond((_request, response) => response.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>captive portal</html>'));
    expect(failure(await create(api.url).purge(tagsOf(1)))).toMatchObject({ status: 200, error: 'Cloudflare: HTTP 200 with an answer that is not a Cloudflare API envelope' });
  });

  it('fails on a 429, waiting the seconds Retry-After gives', async () => {
    const api = await start();
    api.respond(json(429, { success: false, errors: [{ code: 10429, message: 'Too many purge requests' }] }, { 'Retry-After': '12' }));
    expect(failure(await create(api.url).purge(tagsOf(1)))).toEqual({
      ok: false,
      status: 429,
      error: 'Cloudflare: HTTP 429: 10429: Too many purge requests',
      retryAfterMs: 12000,
    });
  });

  it('fails on a 429, waiting until the HTTP date Retry-After gives', async () => {
    const api = await start();
    const at = new Date(Date.now() + 90_000);
    api.respond(json(429, { success: false, errors: [] }, { 'Retry-After': at.toUTCString() }));
    const { retryAfterMs } = failure(await create(api.url).purge(tagsOf(1)));
    // The date has whole seconds: up to one second earlier than `at`, less the time the request took.
    expect(retryAfterMs).toBeGreaterThan(85_000);
    expect(retryAfterMs).toBeLessThanOrEqual(90_000);
  });

  it('fails on a 5xx with no Retry-After, and on a timeout or refused connection with no status', async () => {
    const api = await start();
    api.respond((_request, response) => response.writeHead(502).end('Bad gateway'));
    expect(failure(await create(api.url).purge(tagsOf(1)))).toEqual({ ok: false, status: 502, error: 'Cloudflare: HTTP 502: Bad gateway', retryAfterMs: null });
    api.respond(silent);
    expect(failure(await create(api.url, 200).purge(tagsOf(1)))).toEqual({ ok: false, status: null, error: 'Cloudflare: no answer within 200 ms', retryAfterMs: null });
    const refusedResult = failure(await create(`http://127.0.0.1:${await closedPort()}`).purge(tagsOf(1)));
    expect(refusedResult.status).toBeNull();
    expect(refusedResult.error).toContain('ECONNREFUSED');
  });
});

describe('credentials', () => {
  it.each([401, 403, 429, 500])('never appear in a reason, even when the API repeats them (HTTP %i)', async (status) => {
    const api = await start();
    api.respond(echoing(status));
    const fastly = failure(await createFastlyAdapter({ token: FASTLY_TOKEN, serviceId: 'svc', apiUrl: api.url }).purge([edgeTag('locales')]));
    const cloudflare = failure(await createCloudflareAdapter({ token: CLOUDFLARE_TOKEN, zoneId: 'zone', apiUrl: api.url }).purge([edgeTag('locales')]));
    // The receiver did get them, and did repeat them.
    expect(api.requests.map((request) => request.headers['fastly-key'] ?? request.headers.authorization)).toEqual([FASTLY_TOKEN, `Bearer ${CLOUDFLARE_TOKEN}`]);
    for (const result of [fastly, cloudflare]) {
      expect(result.error).toContain('***');
      expect(result.error).not.toContain(FASTLY_TOKEN);
      expect(result.error).not.toContain(CLOUDFLARE_TOKEN);
      expect(JSON.stringify(result)).not.toMatch(/0123456789abcdef/);
    }
  });

  it('never appear in the reason of a 200 with success: false that repeats them', async () => {
    const api = await start();
    api.respond(echoing(200));
    const result = failure(await createCloudflareAdapter({ token: CLOUDFLARE_TOKEN, zoneId: 'zone', apiUrl: api.url }).purge([edgeTag('locales')]));
    expect(result.error).toBe('Cloudflare: HTTP 200 with success: false: 10000: Authentication error for Bearer ***');
  });

  it('never appear in a reason when a long error body is shortened across the token', async () => {
    const api = await start();
    // The token straddles the 300-character excerpt: cutting before scrubbing would leave its start.
    api.respond((request, response) => response.writeHead(500).end(`${'x'.repeat(290)} ${String(request.headers['fastly-key'])} ${'y'.repeat(100)}`));
    const result = failure(await createFastlyAdapter({ token: FASTLY_TOKEN, serviceId: 'svc', apiUrl: api.url }).purge([edgeTag('locales')]));
    expect(result.error).not.toContain('fastly-token');
    expect(result.error).not.toContain(FASTLY_TOKEN.slice(0, 8));
  });

  it('never appear when fetch itself refuses a header value', async () => {
    const api = await start();
    const token = 'bad\ntoken-0123456789abcdef';
    const result = failure(await createFastlyAdapter({ token, serviceId: 'svc', apiUrl: api.url }).purge([edgeTag('locales')]));
    expect(result.status).toBeNull();
    expect(result.error).not.toContain('0123456789abcdef');
    expect(api.requests).toHaveLength(0);
  });
});
