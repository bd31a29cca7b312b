/**
 * Which CDNs are purged, from the settings: VARNISH_PURGE_URLS alone turns Varnish on; Fastly and
 * Cloudflare each need their token and their service or zone id, both or neither (half a configuration
 * is refused at start, naming the missing variable, rather than leaving a CDN silently unpurged). None
 * configured (the default): no adapters.
 */
import { settings, SettingsError, type Settings, type SettingsProblem, type VariableName } from '../settings';
import { createCloudflareAdapter, createFastlyAdapter, createVarnishAdapter, type PurgeAdapter } from './adapters';

export interface CdnSettings {
  /** Time limit per purge request. */
  timeoutMs: number;
  varnish: { urls: readonly string[] } | null;
  fastly: { token: string; serviceId: string; apiUrl: string } | null;
  cloudflare: { token: string; zoneId: string; apiUrl: string } | null;
}

/** Plain http only to this machine (a test receiver): elsewhere it would carry the token in clear. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function apiUrlProblem(name: VariableName, value: string): SettingsProblem | null {
  const parsed = new URL(value);
  if (parsed.protocol === 'https:' || LOOPBACK.has(parsed.hostname)) return null;
  return { variable: name, message: `${name} must start with https:// (http:// only on 127.0.0.1 or localhost, for tests): the API token would travel in clear.` };
}

/** Problems of one token + id pair; the pair when complete, null when neither is set. */
function pair(input: { from: Settings; token: 'FASTLY_API_TOKEN' | 'CLOUDFLARE_API_TOKEN'; id: 'FASTLY_SERVICE_ID' | 'CLOUDFLARE_ZONE_ID'; what: string }, problems: SettingsProblem[]): { token: string; id: string } | null {
  const { from, token, id, what } = input;
  const tokenValue = from[token];
  const idValue = from[id];
  if (tokenValue === null && idValue === null) return null;
  if (tokenValue === null || idValue === null) {
    const [missing, given] = tokenValue === null ? [token, id] : [id, token];
    problems.push({ variable: missing, message: `${missing} is not set, but ${given} is: purging ${what} needs both (or unset ${given} to purge no ${what} cache).` });
    return null;
  }
  const before = problems.length;
  if (!/^[\x21-\x7e]+$/.test(tokenValue)) problems.push({ variable: token, message: `${token} must be visible ASCII characters without spaces, not a value of ${tokenValue.length} characters.` });
  if (!/^[A-Za-z0-9]+$/.test(idValue)) problems.push({ variable: id, message: `${id} must be letters and digits only, as the ${what} dashboard shows it, not "${idValue}".` });
  return problems.length === before ? { token: tokenValue, id: idValue } : null;
}

/** The CDN settings; throws SettingsError naming every variable of a half or malformed configuration. */
export function cdnSettings(from: Settings = settings()): CdnSettings {
  const problems: SettingsProblem[] = [];
  for (const name of ['FASTLY_API_URL', 'CLOUDFLARE_API_URL'] as const) {
    const problem = apiUrlProblem(name, from[name]);
    if (problem !== null) problems.push(problem);
  }
  const fastly = pair({ from, token: 'FASTLY_API_TOKEN', id: 'FASTLY_SERVICE_ID', what: 'Fastly' }, problems);
  const cloudflare = pair({ from, token: 'CLOUDFLARE_API_TOKEN', id: 'CLOUDFLARE_ZONE_ID', what: 'Cloudflare' }, problems);
  if (problems.length > 0) throw new SettingsError(problems);
  return {
    timeoutMs: from.CDN_PURGE_TIMEOUT_MS,
    varnish: from.VARNISH_PURGE_URLS.length === 0 ? null : { urls: from.VARNISH_PURGE_URLS },
    fastly: fastly === null ? null : { token: fastly.token, serviceId: fastly.id, apiUrl: from.FASTLY_API_URL },
    cloudflare: cloudflare === null ? null : { token: cloudflare.token, zoneId: cloudflare.id, apiUrl: from.CLOUDFLARE_API_URL },
  };
}

/**
 * The configured adapters, innermost cache first: Varnish, then Fastly, then Cloudflare. When Varnish
 * sits behind a CDN, purging the CDN first would let it refetch the stale copy from Varnish; so a caller
 * that purges in this order, and the next layer only once the previous one succeeded, never re-caches
 * stale pages. Throws SettingsError like cdnSettings().
 */
export function adaptersFromSettings(from: Settings = settings()): PurgeAdapter[] {
  const cdn = cdnSettings(from);
  const { timeoutMs } = cdn;
  return [
    ...(cdn.varnish === null ? [] : [createVarnishAdapter({ urls: cdn.varnish.urls, timeoutMs })]),
    ...(cdn.fastly === null ? [] : [createFastlyAdapter({ ...cdn.fastly, timeoutMs })]),
    ...(cdn.cloudflare === null ? [] : [createCloudflareAdapter({ ...cdn.cloudflare, timeoutMs })]),
  ];
}
