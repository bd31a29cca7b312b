import { loadSettings, parseSettings, settings, SettingsError, type Settings } from '../../src/settings';

function refusal(env: Record<string, string>): SettingsError {
  try {
    parseSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) return error;
    throw error;
  }
  throw new Error(`parseSettings accepted ${JSON.stringify(env)}`);
}

describe('settings', () => {
  it('gives every variable its declared default when the environment is empty or blank', () => {
    const empty = parseSettings({});
    expect(empty).toMatchObject({
      NODE_ENV: 'development',
      PORT: 1337,
      HOST: '0.0.0.0',
      REDIS_URL: null,
      RESPONSE_CACHE: true,
      GRAPHQL_TIMEOUT_MS: 10000,
      GRAPHQL_CORS_ORIGINS: [],
      APP_KEYS: [],
      LOG_LEVEL: 'http',
      SHUTDOWN_TIMEOUT_MS: 10000,
      METRICS_TOKEN: null,
    });
    expect(parseSettings({ PORT: '  ', REDIS_URL: '' })).toEqual(empty);
  });

  it('reads each kind: whole numbers, switches, words, URLs, lists and text', () => {
    const parsed = parseSettings({
      PORT: ' 4000 ',
      RESPONSE_CACHE: 'OFF',
      DATABASE_SSL: 'yes',
      SERVE_ADMIN_PANEL: '0',
      LOG_LEVEL: 'debug',
      DATABASE_CLIENT: 'postgres',
      REDIS_URL: 'rediss://cache.internal:6380',
      GRAPHQL_CORS_ORIGINS: 'https://staging.clinic.example, http://localhost:3000/,',
      APP_KEYS: 'one,two',
      PREVIEW_CLINIC: ' northside-physio ',
      ADMIN_PASSWORD: ' Spaced-0ut ',
    });
    expect(parsed).toMatchObject({
      PORT: 4000,
      RESPONSE_CACHE: false,
      DATABASE_SSL: true,
      SERVE_ADMIN_PANEL: false,
      LOG_LEVEL: 'debug',
      DATABASE_CLIENT: 'postgres',
      REDIS_URL: 'rediss://cache.internal:6380',
      GRAPHQL_CORS_ORIGINS: ['https://staging.clinic.example', 'http://localhost:3000'],
      APP_KEYS: ['one', 'two'],
      PREVIEW_CLINIC: 'northside-physio',
      // Passwords keep their blanks.
      ADMIN_PASSWORD: ' Spaced-0ut ',
    });
  });

  it('derives the development defaults from NODE_ENV unless the variable is set', () => {
    expect(parseSettings({ NODE_ENV: 'development' })).toMatchObject({ SEED_ON_EMPTY: true, GRAPHQL_INTROSPECTION: true });
    expect(parseSettings({ NODE_ENV: 'production' })).toMatchObject({ SEED_ON_EMPTY: false, GRAPHQL_INTROSPECTION: false });
    expect(parseSettings({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'on' }).GRAPHQL_INTROSPECTION).toBe(true);
  });

  it.each([
    ['GRAPHQL_TIMEOUT_MS', 'abc', 'GRAPHQL_TIMEOUT_MS must be a whole number of at least 1, not "abc".'],
    ['GRAPHQL_TIMEOUT_MS', '2.5', 'GRAPHQL_TIMEOUT_MS must be a whole number of at least 1, not "2.5".'],
    ['PORT', '70000', 'PORT must be a whole number from 0 to 65535, not "70000".'],
    ['SEED_ON_EMPTY', 'maybe', 'SEED_ON_EMPTY must be "true" or "false", not "maybe".'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of error, warn, info, http, verbose, debug, silly, not "loud".'],
    ['DATABASE_URL', 'mysql://root@db/clinic', 'DATABASE_URL must start with postgres:// or postgresql://, not "mysql://root@db/clinic".'],
    ['GRAPHQL_CORS_ORIGINS', 'https://a.example,*', 'GRAPHQL_CORS_ORIGINS: "*" must be an exact http(s) origin'],
  ])('refuses %s=%s, naming the variable and the form it accepts', (name, value, message) => {
    const error = refusal({ [name]: value });
    expect(error.message).toContain(message);
    expect(error.problems).toEqual([{ variable: name, message: expect.stringContaining(message) }]);
  });

  it('refuses SHUTDOWN_TIMEOUT_MS that is not a whole number instead of falling back to its default', () => {
    expect(refusal({ SHUTDOWN_TIMEOUT_MS: 'ten seconds' }).message).toBe('SHUTDOWN_TIMEOUT_MS must be a whole number of at least 0, not "ten seconds".');
    expect(refusal({ SHUTDOWN_TIMEOUT_MS: '-1' }).message).toBe('SHUTDOWN_TIMEOUT_MS must be a whole number of at least 0, not "-1".');
  });

  it('never repeats a secret or the password of a URL in a refusal', () => {
    expect(refusal({ METRICS_TOKEN: 'hunter2' }).message).toBe(
      'METRICS_TOKEN must be at least 16 characters (it guards /metrics; generate one with `openssl rand -hex 24`), not a value of 7 characters.',
    );
    const url = refusal({ DATABASE_URL: 'mysql://root:s3cret-pass@db/clinic' }).message;
    expect(url).toContain('"mysql://root:***@db/clinic"');
    expect(url).not.toContain('s3cret-pass');
  });

  it('reports every refused variable in one error, in declaration order', () => {
    const error = refusal({ REVALIDATION_MAX_ATTEMPTS: 'six', PORT: 'http', RESPONSE_CACHE: 'maybe' });
    expect(error.problems.map((problem) => problem.variable)).toEqual(['PORT', 'RESPONSE_CACHE', 'REVALIDATION_MAX_ATTEMPTS']);
    expect(error.message).toBe(
      [
        '3 settings are invalid:',
        '- PORT must be a whole number from 0 to 65535, not "http".',
        '- RESPONSE_CACHE must be "on" or "off", not "maybe".',
        '- REVALIDATION_MAX_ATTEMPTS must be a whole number of at least 1, not "six".',
      ].join('\n'),
    );
  });

  it('returns frozen settings', () => {
    const parsed: Settings = parseSettings({});
    expect(Object.isFrozen(parsed)).toBe(true);
  });

  describe('the current settings', () => {
    const saved = { ...process.env };
    afterEach(() => {
      process.env = { ...saved };
      loadSettings();
    });

    it('are what the last load read from the environment', () => {
      process.env.GRAPHQL_MAX_DEPTH = '5';
      expect(loadSettings().GRAPHQL_MAX_DEPTH).toBe(5);
      process.env.GRAPHQL_MAX_DEPTH = '6';
      expect(settings().GRAPHQL_MAX_DEPTH).toBe(5);
      expect(loadSettings().GRAPHQL_MAX_DEPTH).toBe(6);
      expect(settings().GRAPHQL_MAX_DEPTH).toBe(6);
    });

    it('keep the previous settings when a load is refused', () => {
      process.env.GRAPHQL_MAX_DEPTH = '5';
      loadSettings();
      process.env.GRAPHQL_MAX_DEPTH = 'deep';
      expect(() => loadSettings()).toThrow('GRAPHQL_MAX_DEPTH must be a whole number of at least 1, not "deep".');
      expect(settings().GRAPHQL_MAX_DEPTH).toBe(5);
    });
  });
});
