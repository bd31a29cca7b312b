/**
 * Purges a Fastly service by surrogate key, through Fastly's batch purge: "Purge multiple surrogate key
 * tags", `POST /service/{service_id}/purge` on https://api.fastly.com, authenticated by the
 * `Fastly-Key: <API token>` header (token scope purge_select). "Up to 256 surrogate keys can be purged
 * in one batch request"; the keys go in a JSON body `{"surrogate_keys": [...]}` (the endpoint also
 * takes them space-separated in a `Surrogate-Key` request header; the body keeps them out of header
 * size limits). No `Fastly-Soft-Purge` header: "If present, this header triggers the purge to be
 * 'soft', which marks the affected object as stale rather than making it inaccessible"; we want it gone.
 * Sources: https://www.fastly.com/documentation/reference/api/purging/ (bulk purge tag),
 * https://docs.fastly.com/api (authentication), Fastly's generated client docs
 * (https://github.com/fastly/fastly-js/blob/main/docs/PurgeApi.md, bulkPurgeTag).
 * A 2xx answer (a map of each key to its purge id) is a purge done.
 */
import { assertPurgeable, DEFAULT_TIMEOUT_MS, type PurgeAdapter, type PurgeOptions, type PurgeResult } from './contract';
import { isSuccess, refused, send } from './http';

export const FASTLY_BATCH_SIZE = 256;
export const FASTLY_API_URL = 'https://api.fastly.com';

export interface FastlyAdapterOptions {
  /** A Fastly API token with the purge_select scope. Never repeated in a reason. */
  token: string;
  serviceId: string;
  /** The API's base URL (a local receiver in tests). */
  apiUrl?: string;
  timeoutMs?: number;
}

export function createFastlyAdapter(options: FastlyAdapterOptions): PurgeAdapter {
  const { token, serviceId } = options;
  if (token === '' || serviceId === '') throw new TypeError('createFastlyAdapter: give both a token and a service id');
  const url = `${(options.apiUrl ?? FASTLY_API_URL).replace(/\/+$/, '')}/service/${encodeURIComponent(serviceId)}/purge`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const secrets = [token];
  const adapter: PurgeAdapter = {
    name: 'fastly',
    batchSize: FASTLY_BATCH_SIZE,
    async purge(tags: readonly string[], purgeOptions: PurgeOptions = {}): Promise<PurgeResult> {
      assertPurgeable(adapter, tags);
      if (tags.length === 0) return { ok: true, status: 204 };
      const answer = await send({
        url,
        method: 'POST',
        headers: { 'Fastly-Key': token, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ surrogate_keys: tags }),
        timeoutMs,
        signal: purgeOptions.signal,
        secrets,
      });
      if (!answer.isAnswered) return { ok: false, status: null, error: `Fastly: ${answer.error}`, retryAfterMs: null };
      if (isSuccess(answer.status)) return { ok: true, status: answer.status };
      const failure = refused(answer, secrets, fastlyMessage(answer.body));
      return { ...failure, error: `Fastly: ${failure.error}` };
    },
  };
  return adapter;
}

/** Fastly's API errors carry `msg` (and often `detail`); undefined when the body has neither (then it is quoted). */
function fastlyMessage(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { msg, detail } = parsed as { msg?: unknown; detail?: unknown };
    const parts = [msg, detail].filter((part): part is string => typeof part === 'string' && part !== '');
    return parts.length === 0 ? undefined : parts.join(': ');
  } catch {
    return undefined;
  }
}
