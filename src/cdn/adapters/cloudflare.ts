/**
 * Purges a Cloudflare zone by cache-tag: `POST /zones/{zone_id}/purge_cache` on
 * https://api.cloudflare.com/client/v4 with `Authorization: Bearer <API token>` (permission Zone > Cache
 * Purge) and the JSON body `{"tags": [...]}` (https://developers.cloudflare.com/api/resources/cache/methods/purge/).
 * Cache-tag purges remove the objects (a cache MISS follows), i.e. hard purges.
 *
 * Limits (https://developers.cloudflare.com/cache/how-to/purge-cache/#purge-limits, per account):
 * "Max operations per request" 100 on every plan for tag, hostname, prefix purges, hence batchSize 100;
 * requests are rate-limited by token bucket: Free 5 per minute (bucket 25), Pro 5 per second (25),
 * Business 10 per second (50), Enterprise 50 per second (500). Over the limit Cloudflare answers 429 with
 * `retry-after`, "the number of seconds, rounded up, until more capacity is available"
 * (https://developers.cloudflare.com/fundamentals/api/reference/limits/), which becomes retryAfterMs.
 * Each tag in a purge call is at most 1,024 characters (purge-by-tags page; edge tags have 17).
 *
 * Every API answer is an envelope `{success, errors: [{code, message}], messages, result}`: a purge is done
 * only when the status is 2xx AND `success` is true (a 200 with success:false is a refusal).
 */
import { assertPurgeable, DEFAULT_TIMEOUT_MS, type PurgeAdapter, type PurgeOptions, type PurgeResult } from './contract';
import { excerpt, isSuccess, refused, send } from './http';

export const CLOUDFLARE_BATCH_SIZE = 100;
export const CLOUDFLARE_API_URL = 'https://api.cloudflare.com/client/v4';

export interface CloudflareAdapterOptions {
  /** A Cloudflare API token with the Cache Purge permission on the zone. Never repeated in a reason. */
  token: string;
  zoneId: string;
  /** The API's base URL, up to and including /client/v4 (a local receiver in tests). */
  apiUrl?: string;
  timeoutMs?: number;
}

interface Envelope {
  success: boolean | null;
  errors: string[];
}

/** The envelope's `success` and its errors as "code: message"; success null when the body is not one. */
function envelope(body: string): Envelope {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return { success: null, errors: [] };
    const { success, errors } = parsed as { success?: unknown; errors?: unknown };
    const listed = Array.isArray(errors)
      ? errors.flatMap((error: unknown) => {
          if (typeof error !== 'object' || error === null) return [];
          const { code, message } = error as { code?: unknown; message?: unknown };
          const text = typeof message === 'string' ? message : '';
          return typeof code === 'number' || typeof code === 'string' ? [`${code}${text === '' ? '' : `: ${text}`}`] : text === '' ? [] : [text];
        })
      : [];
    return { success: typeof success === 'boolean' ? success : null, errors: listed };
  } catch {
    return { success: null, errors: [] };
  }
}

export function createCloudflareAdapter(options: CloudflareAdapterOptions): PurgeAdapter {
  const { token, zoneId } = options;
  if (token === '' || zoneId === '') throw new TypeError('createCloudflareAdapter: give both a token and a zone id');
  const url = `${(options.apiUrl ?? CLOUDFLARE_API_URL).replace(/\/+$/, '')}/zones/${encodeURIComponent(zoneId)}/purge_cache`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const secrets = [token];
  const adapter: PurgeAdapter = {
    name: 'cloudflare',
    batchSize: CLOUDFLARE_BATCH_SIZE,
    async purge(tags: readonly string[], purgeOptions: PurgeOptions = {}): Promise<PurgeResult> {
      assertPurgeable(adapter, tags);
      if (tags.length === 0) return { ok: true, status: 204 };
      const answer = await send({
        url,
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ tags }),
        timeoutMs,
        signal: purgeOptions.signal,
        secrets,
      });
      if (!answer.isAnswered) return { ok: false, status: null, error: `Cloudflare: ${answer.error}`, retryAfterMs: null };
      const { success, errors } = envelope(answer.body);
      if (isSuccess(answer.status) && success === true) return { ok: true, status: answer.status };
      const detail = errors.length > 0 ? errors.join('; ') : undefined;
      if (isSuccess(answer.status)) {
        const why = success === false ? 'success: false' : 'an answer that is not a Cloudflare API envelope';
        return { ok: false, status: answer.status, error: `Cloudflare: HTTP ${answer.status} with ${why}${detail === undefined ? '' : `: ${excerpt(detail, secrets)}`}`, retryAfterMs: null };
      }
      const failure = refused(answer, secrets, detail);
      return { ...failure, error: `Cloudflare: ${failure.error}` };
    },
  };
  return adapter;
}
