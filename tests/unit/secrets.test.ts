import { readAppKeys, readSecret, SecretConfigError } from '../../src/env/secrets';

describe('secrets', () => {
  it('returns a set secret', () => {
    expect(readSecret('ADMIN_JWT_SECRET', { environment: { NODE_ENV: 'production', ADMIN_JWT_SECRET: 'k3y' } })).toBe('k3y');
  });

  it('refuses a missing secret in production, naming it', () => {
    expect(() => readSecret('API_TOKEN_SALT', { environment: { NODE_ENV: 'production' } })).toThrow(
      new SecretConfigError('API_TOKEN_SALT', 'is not set: production refuses to start without it. Set it in the environment to a long random value.'),
    );
  });

  it('refuses a default value in production but lets development use it', () => {
    expect(() => readSecret('ENCRYPTION_KEY', { environment: { NODE_ENV: 'production', ENCRYPTION_KEY: 'tobemodified' } })).toThrow(
      /ENCRYPTION_KEY is still the default value "tobemodified"/,
    );
    expect(readSecret('ENCRYPTION_KEY', { environment: { NODE_ENV: 'development', ENCRYPTION_KEY: 'tobemodified' } })).toBe('tobemodified');
  });

  it('refuses APP_KEYS in production when any key is a placeholder', () => {
    expect(() => readAppKeys({ environment: { NODE_ENV: 'production', APP_KEYS: 'a-real-key,toBeModified' } })).toThrow(/APP_KEYS is still the default/);
    expect(readAppKeys({ environment: { NODE_ENV: 'production', APP_KEYS: 'one, two' } })).toEqual(['one', 'two']);
  });

  it('tells a developer without .env how to get one', () => {
    expect(() => readSecret('ADMIN_JWT_SECRET', { environment: {} })).toThrow(/Run `npm run develop`/);
  });
});
