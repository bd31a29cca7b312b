/**
 * Which CDNs are purged (src/cdn/settings.ts): none by default, Varnish from its URLs alone, Fastly and
 * Cloudflare from a token and an id together; half a configuration or a malformed value stops the start,
 * naming the variable and never repeating a secret.
 */
import { adaptersFromSettings, cdnSettings } from '../../src/cdn';
import { parseSettings, SettingsError, type Environment } from '../../src/settings';

const FASTLY = { FASTLY_API_TOKEN: 'fastly-token-0123456789', FASTLY_SERVICE_ID: 'SU1Z0isxPaozGVKXdv0eY' };
const CLOUDFLARE = { CLOUDFLARE_API_TOKEN: 'cloudflare-token-0123456789', CLOUDFLARE_ZONE_ID: '023e105f4ecef8ad9ca31a8372d0c353' };

function refusal(env: Environment): SettingsError {
  try {
    adaptersFromSettings(parseSettings(env));
  } catch (error) {
    if (error instanceof SettingsError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('CDN purge settings', () => {
  it('configure no CDN by default', () => {
    expect(adaptersFromSettings(parseSettings({}))).toEqual([]);
    expect(cdnSettings(parseSettings({}))).toEqual({ timeoutMs: 10000, varnish: null, fastly: null, cloudflare: null });
  });

  it('turn Varnish on from VARNISH_PURGE_URLS alone', () => {
    const from = parseSettings({ VARNISH_PURGE_URLS: 'http://varnish-1.internal:6081/, http://varnish-2.internal:6081/' });
    expect(cdnSettings(from).varnish).toEqual({ urls: ['http://varnish-1.internal:6081/', 'http://varnish-2.internal:6081/'] });
    expect(adaptersFromSettings(from).map((adapter) => [adapter.name, adapter.batchSize])).toEqual([['varnish', 256]]);
  });

  it('list every configured CDN innermost first, with the API URLs and time limit given', () => {
    const from = parseSettings({
      ...FASTLY,
      ...CLOUDFLARE,
      VARNISH_PURGE_URLS: 'http://127.0.0.1:6081/',
      FASTLY_API_URL: 'http://127.0.0.1:9001',
      CDN_PURGE_TIMEOUT_MS: '2500',
    });
    expect(adaptersFromSettings(from).map((adapter) => adapter.name)).toEqual(['varnish', 'fastly', 'cloudflare']);
    expect(cdnSettings(from)).toEqual({
      timeoutMs: 2500,
      varnish: { urls: ['http://127.0.0.1:6081/'] },
      fastly: { token: FASTLY.FASTLY_API_TOKEN, serviceId: FASTLY.FASTLY_SERVICE_ID, apiUrl: 'http://127.0.0.1:9001' },
      cloudflare: { token: CLOUDFLARE.CLOUDFLARE_API_TOKEN, zoneId: CLOUDFLARE.CLOUDFLARE_ZONE_ID, apiUrl: 'https://api.cloudflare.com/client/v4' },
    });
  });

  it('refuse a Fastly token without its service id, naming the missing variable and not the token', () => {
    const error = refusal({ FASTLY_API_TOKEN: FASTLY.FASTLY_API_TOKEN });
    expect(error.problems.map((problem) => problem.variable)).toEqual(['FASTLY_SERVICE_ID']);
    expect(error.message).toBe('FASTLY_SERVICE_ID is not set, but FASTLY_API_TOKEN is: purging Fastly needs both (or unset FASTLY_API_TOKEN to purge no Fastly cache).');
    expect(error.message).not.toContain(FASTLY.FASTLY_API_TOKEN);
  });

  it('refuse a Cloudflare zone without its token, and both half pairs at once', () => {
    expect(refusal({ CLOUDFLARE_ZONE_ID: CLOUDFLARE.CLOUDFLARE_ZONE_ID }).message).toBe(
      'CLOUDFLARE_API_TOKEN is not set, but CLOUDFLARE_ZONE_ID is: purging Cloudflare needs both (or unset CLOUDFLARE_ZONE_ID to purge no Cloudflare cache).',
    );
    expect(refusal({ FASTLY_SERVICE_ID: 'abc', CLOUDFLARE_API_TOKEN: CLOUDFLARE.CLOUDFLARE_API_TOKEN }).problems.map((problem) => problem.variable)).toEqual([
      'FASTLY_API_TOKEN',
      'CLOUDFLARE_ZONE_ID',
    ]);
  });

  it('refuse a token shorter than 16 characters without repeating it', () => {
    expect(() => parseSettings({ FASTLY_API_TOKEN: 'short-secret', FASTLY_SERVICE_ID: 'abc' })).toThrow(
      'FASTLY_API_TOKEN must be at least 16 characters (a Fastly API token with the purge_select scope), not a value of 12 characters.',
    );
  });

  it('refuse a token with a space inside, and an id that is not letters and digits', () => {
    const error = refusal({ CLOUDFLARE_API_TOKEN: 'cloudflare token 0123456789', CLOUDFLARE_ZONE_ID: '../zones' });
    expect(error.problems.map((problem) => problem.message)).toEqual([
      'CLOUDFLARE_API_TOKEN must be visible ASCII characters without spaces, not a value of 27 characters.',
      'CLOUDFLARE_ZONE_ID must be letters and digits only, as the Cloudflare dashboard shows it, not "../zones".',
    ]);
  });

  it('refuse plain http to an API anywhere but this machine', () => {
    expect(refusal({ FASTLY_API_URL: 'http://api.fastly.com' }).message).toBe(
      'FASTLY_API_URL must start with https:// (http:// only on 127.0.0.1 or localhost, for tests): the API token would travel in clear.',
    );
    expect(() => parseSettings({ CLOUDFLARE_API_URL: 'ftp://127.0.0.1/' })).toThrow('CLOUDFLARE_API_URL must start with https:// or http://');
    expect(cdnSettings(parseSettings({ CLOUDFLARE_API_URL: 'http://localhost:8080/client/v4' }))).toMatchObject({ cloudflare: null });
  });

  it('refuse a Varnish URL with a password without repeating it, or one that is not http(s)', () => {
    let message = '';
    try {
      parseSettings({ VARNISH_PURGE_URLS: 'http://purger:hunter2-secret@varnish:6081/' });
    } catch (error) {
      message = error instanceof SettingsError ? error.message : '';
    }
    expect(message).toBe('VARNISH_PURGE_URLS: an entry must be an http(s) URL without user, password or #fragment, such as http://varnish-1.internal:6081/; separate several with commas.');
    expect(() => parseSettings({ VARNISH_PURGE_URLS: 'varnish:6081' })).toThrow(SettingsError);
  });

  it('refuse a time limit under 1 ms', () => {
    expect(() => parseSettings({ CDN_PURGE_TIMEOUT_MS: '0' })).toThrow('CDN_PURGE_TIMEOUT_MS must be a whole number of at least 1');
  });
});
