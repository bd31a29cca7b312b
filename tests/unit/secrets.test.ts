import { assertProductionSecrets, SECRET_NAMES } from '../../src/env/secrets';
import { parseSettings } from '../../src/settings';

const REAL: Record<string, string> = {
  NODE_ENV: 'production',
  APP_KEYS: 'k1-random,k2-random',
  API_TOKEN_SALT: 'salt-random',
  ADMIN_JWT_SECRET: 'jwt-random',
  TRANSFER_TOKEN_SALT: 'transfer-random',
  ENCRYPTION_KEY: 'encryption-random',
};

describe('production secrets', () => {
  it('pass when every secret has a real value', () => {
    expect(() => assertProductionSecrets(parseSettings(REAL))).not.toThrow();
  });

  it.each(SECRET_NAMES)('are refused when %s is missing, naming it', (name) => {
    const { [name]: _removed, ...rest } = REAL;
    expect(() => assertProductionSecrets(parseSettings(rest))).toThrow(`${name} is not set: production refuses to start without it`);
  });

  it.each(['tobemodified', 'toBeModified', 'changeme'])('are refused when a secret is the default "%s"', (value) => {
    expect(() => assertProductionSecrets(parseSettings({ ...REAL, ENCRYPTION_KEY: value }))).toThrow(`ENCRYPTION_KEY is still the default value "${value}"`);
  });

  it('are refused when any one of the APP_KEYS is a placeholder or empty', () => {
    expect(() => assertProductionSecrets(parseSettings({ ...REAL, APP_KEYS: 'a-real-key,tobemodified' }))).toThrow(/APP_KEYS is still the default/);
    expect(() => assertProductionSecrets(parseSettings({ ...REAL, APP_KEYS: 'a-real-key,' }))).toThrow('APP_KEYS has an empty key in "a-real-key,"');
  });

  it('are not checked outside production, where .env holds generated ones', () => {
    expect(() => assertProductionSecrets(parseSettings({ NODE_ENV: 'development' }))).not.toThrow();
  });
});
