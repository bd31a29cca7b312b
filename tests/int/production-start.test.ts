import { spawnSync } from 'child_process';
import path from 'path';
import { ROOT, testSecrets } from '../helpers/strapi';

const STRAPI_CLI = path.join(ROOT, 'node_modules', '@strapi', 'strapi', 'bin', 'strapi.js');

function startInProduction(overrides: Record<string, string>): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [STRAPI_CLI, 'start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      ENV_PATH: path.join(ROOT, 'tests', 'no-such.env'),
      DATABASE_FILENAME: path.join(ROOT, '.tmp', 'never-created.db'),
      PORT: '0',
      ...testSecrets(),
      ...overrides,
    },
    encoding: 'utf8',
    timeout: 60000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('starting in production', () => {
  it('refuses to start in production without a secret, naming it', () => {
    const { status, output } = startInProduction({ ADMIN_JWT_SECRET: '' });
    expect(status).not.toBe(0);
    expect(output).toContain('ADMIN_JWT_SECRET is not set: production refuses to start without it');
  });

  it('refuses to start in production with a secret left at its default, naming it', () => {
    const { status, output } = startInProduction({ APP_KEYS: 'tobemodified,tobemodified' });
    expect(status).not.toBe(0);
    expect(output).toContain('APP_KEYS is still the default value "tobemodified"');
  });
});
