import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { ensureDevEnv, prepareDevEnv } from '../../src/env/dev-env';
import { SECRET_NAMES } from '../../src/env/secrets';

const ROOT = path.resolve(__dirname, '..', '..');

function parse(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) values[match[1]] = match[2];
  }
  return values;
}

describe('development .env', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'clinic-env-'));
    copyFileSync(path.join(ROOT, '.env.example'), path.join(dir, '.env.example'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is created from .env.example with a fresh random value for every secret, readable only by its owner', async () => {
    expect(await ensureDevEnv(dir)).toEqual({ action: 'created' });
    const values = parse(readFileSync(path.join(dir, '.env'), 'utf8'));
    for (const name of SECRET_NAMES) {
      expect(values[name]).toBeDefined();
      expect(values[name]).not.toMatch(/tobemodified/);
    }
    expect(values.APP_KEYS?.split(',')).toHaveLength(4);
    expect(values.DATABASE_FILENAME).toBe('.tmp/data.db');
    expect(statSync(path.join(dir, '.env')).mode & 0o077).toBe(0);
  });

  it('differs between two checkouts', async () => {
    await ensureDevEnv(dir);
    const first = parse(readFileSync(path.join(dir, '.env'), 'utf8'));
    rmSync(path.join(dir, '.env'));
    await ensureDevEnv(dir);
    const second = parse(readFileSync(path.join(dir, '.env'), 'utf8'));
    expect(second.ADMIN_JWT_SECRET).not.toBe(first.ADMIN_JWT_SECRET);
  });

  it('keeps existing values and adds only the secrets that are missing', async () => {
    writeFileSync(path.join(dir, '.env'), 'PORT=4000\nADMIN_JWT_SECRET=mine\n');
    const result = await ensureDevEnv(dir);
    expect(result).toEqual({ action: 'completed', added: SECRET_NAMES.filter((name) => name !== 'ADMIN_JWT_SECRET') });
    const values = parse(readFileSync(path.join(dir, '.env'), 'utf8'));
    expect(values.PORT).toBe('4000');
    expect(values.ADMIN_JWT_SECRET).toBe('mine');
    expect(await ensureDevEnv(dir)).toEqual({ action: 'unchanged' });
  });

  describe('before a command or `npm run develop` starts', () => {
    it('creates .env in development, says so in one line, and puts its values into the environment without replacing any', async () => {
      const notices: string[] = [];
      const environment: NodeJS.ProcessEnv = { PORT: '4000' };
      expect(await prepareDevEnv({ root: dir, environment, notice: (line) => notices.push(line) })).toEqual({ action: 'created' });
      const values = parse(readFileSync(path.join(dir, '.env'), 'utf8'));
      expect(notices).toEqual([expect.stringMatching(/^Created .*\.env with random development secrets/)]);
      for (const name of SECRET_NAMES) expect(environment[name]).toBe(values[name]);
      expect(environment.DATABASE_FILENAME).toBe('.tmp/data.db');
      expect(environment.PORT).toBe('4000');
    });

    it('adds a missing secret to an existing .env and to the environment', async () => {
      writeFileSync(path.join(dir, '.env'), SECRET_NAMES.filter((name) => name !== 'ENCRYPTION_KEY').map((name) => `${name}=mine`).join('\n'));
      const notices: string[] = [];
      const environment: NodeJS.ProcessEnv = { NODE_ENV: 'development' };
      expect(await prepareDevEnv({ root: dir, environment, notice: (line) => notices.push(line) })).toEqual({ action: 'completed', added: ['ENCRYPTION_KEY'] });
      expect(notices).toEqual([expect.stringMatching(/^Added ENCRYPTION_KEY to .*\.env\.$/)]);
      expect(environment.ENCRYPTION_KEY).toBe(parse(readFileSync(path.join(dir, '.env'), 'utf8')).ENCRYPTION_KEY);
      expect(environment.APP_KEYS).toBeUndefined();
    });

    it.each([
      [{ NODE_ENV: 'production' }, 'not-development'],
      [{ NODE_ENV: 'test' }, 'not-development'],
      [{ ENV_PATH: '/elsewhere/.env' }, 'env-path'],
    ])('writes no secret with %j', async (environment, reason) => {
      const notices: string[] = [];
      expect(await prepareDevEnv({ root: dir, environment: { ...environment }, notice: (line) => notices.push(line) })).toEqual({ action: 'skipped', reason });
      expect(existsSync(path.join(dir, '.env'))).toBe(false);
      expect(notices).toEqual([]);
    });
  });
});
