/**
 * Purges Varnish servers by edge tag: `PURGE <base URL>` with `xkey: <tags, space-separated>` to every
 * server, which its VCL answers with xkey.purge() (a hard purge; never xkey.softpurge()), as in the
 * vmod_xkey(3) example. xkey has no shared state between servers, so each one is told; the purge holds
 * only when every server answered 2xx (a retry purges them all again: purging is idempotent).
 *
 * Batch size 256: each edge tag and its space is 18 bytes, so a full batch is a 4,607-byte header,
 * well inside varnishd's default `http_req_hdr_len` of 8k per request header, name included, and its
 * `http_req_size` of 32k for the whole request head (`varnishd -x parameter`); a longer header is
 * refused by Varnish with 400, not shortened.
 */
import { assertPurgeable, DEFAULT_TIMEOUT_MS, type PurgeAdapter, type PurgeOptions, type PurgeResult } from './contract';
import { isSuccess, refused, send } from './http';

export const VARNISH_BATCH_SIZE = 256;
/** Bytes of the xkey value one request may carry: under 8k with the name, whatever the tags. */
export const VARNISH_MAX_HEADER_BYTES = 8000;

export interface VarnishAdapterOptions {
  /** Base URLs of the servers (e.g. http://varnish-1.internal:6081/), each purged on every call. */
  urls: readonly string[];
  /** Time limit per server and call. */
  timeoutMs?: number;
}

/**
 * A server as a reason names it: scheme, host and path, without user, password (the settings refuse
 * them anyway) or query (which might hold a key).
 */
function label(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

export function createVarnishAdapter(options: VarnishAdapterOptions): PurgeAdapter {
  if (options.urls.length === 0) throw new TypeError('createVarnishAdapter: give at least one server URL');
  const servers = options.urls.map((raw) => {
    const url = new URL(raw);
    if (url.username !== '' || url.password !== '') throw new TypeError(`createVarnishAdapter: ${label(url)} carries a user or password; fetch refuses them`);
    return url;
  });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const adapter: PurgeAdapter = {
    name: 'varnish',
    batchSize: VARNISH_BATCH_SIZE,
    async purge(tags: readonly string[], purgeOptions: PurgeOptions = {}): Promise<PurgeResult> {
      assertPurgeable(adapter, tags);
      if (tags.length === 0) return { ok: true, status: 204 };
      const xkey = tags.join(' ');
      if (xkey.length > VARNISH_MAX_HEADER_BYTES) {
        throw new RangeError(`varnish: an xkey header of ${xkey.length} bytes exceeds ${VARNISH_MAX_HEADER_BYTES}: purge edge tags (edgeTag), never raw cache tags`);
      }
      const results = await Promise.all(
        servers.map(async (server): Promise<{ server: URL; result: PurgeResult }> => {
          const answer = await send({ url: server.href, method: 'PURGE', headers: { xkey }, timeoutMs, signal: purgeOptions.signal, secrets: [] });
          if (!answer.isAnswered) return { server, result: { ok: false, status: null, error: answer.error, retryAfterMs: null } };
          return { server, result: isSuccess(answer.status) ? { ok: true, status: answer.status } : refused(answer, []) };
        }),
      );
      const failures = results.flatMap(({ server, result }) => (result.ok ? [] : [{ server, result }]));
      // Every server purged: the first one's status stands for all.
      if (failures.length === 0) return results[0]?.result ?? { ok: true, status: 204 };
      const waits = failures.flatMap(({ result }) => (result.retryAfterMs === null ? [] : [result.retryAfterMs]));
      return {
        ok: false,
        status: failures[0]?.result.status ?? null,
        error: `${failures.length} of ${servers.length} Varnish servers did not purge: ${failures.map(({ server, result }) => `${label(server)}: ${result.error}`).join('; ')}`,
        retryAfterMs: waits.length === 0 ? null : Math.max(...waits),
      };
    },
  };
  return adapter;
}
