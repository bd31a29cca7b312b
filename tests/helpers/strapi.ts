/**
 * Boots the real app (compiled in dist/ by global-setup) on a fresh database, optionally listening on
 * a free port, and tears it down again. One at a time: Strapi is a process-wide singleton. A restart
 * stops an app keeping its database and starts another on it (`database`).
 */
import { randomBytes } from 'crypto';
import path from 'path';
import type { Core } from '@strapi/strapi';
import { shutDown } from '../../src/database/settle';
import { createTestDatabase, type TestDatabase } from './database';

export const ROOT = path.resolve(__dirname, '..', '..');

export function testSecrets(): Record<string, string> {
  const secret = () => randomBytes(24).toString('base64');
  return {
    APP_KEYS: `${secret()},${secret()}`,
    API_TOKEN_SALT: secret(),
    ADMIN_JWT_SECRET: secret(),
    TRANSFER_TOKEN_SALT: secret(),
    ENCRYPTION_KEY: secret(),
  };
}

export interface TestApp {
  strapi: Core.Strapi;
  database: TestDatabase;
  /** http://127.0.0.1:<port> when started with `isListening`. */
  baseUrl: string;
  /** Stops the app and drops its database, unless `isKeepingDatabase` (to start another app on it). */
  stop(options?: { isKeepingDatabase?: boolean }): Promise<void>;
}

export async function startApp(
  options: { isListening?: boolean; isServingAdmin?: boolean; environment?: Record<string, string>; database?: TestDatabase } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const saved = { ...process.env };
  Object.assign(process.env, {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'error',
    SEED_ON_EMPTY: 'false',
    ADMIN_EMAIL: '',
    ADMIN_PASSWORD: '',
    STRAPI_TELEMETRY_DISABLED: 'true',
    // Test files send many requests with one key; rate limits are tested with their own settings.
    RATE_LIMIT_PER_MINUTE: '0',
    ...testSecrets(),
    ...database.environment,
    ...options.environment,
  });

  // Required here, after the environment is set, as the CLI would.
  const { createStrapi } = require('@strapi/strapi') as typeof import('@strapi/strapi');
  const strapi = await createStrapi({ appDir: ROOT, distDir: path.join(ROOT, 'dist'), serveAdminPanel: options.isServingAdmin ?? false }).load();
  let baseUrl = '';
  if (options.isListening) {
    await strapi.listen();
    const address = strapi.server.httpServer.address();
    if (address === null || typeof address === 'string') throw new Error('server did not bind a TCP port');
    baseUrl = `http://127.0.0.1:${address.port}`;
  }

  return {
    strapi,
    database,
    baseUrl,
    stop: async (stopOptions = {}) => {
      await shutDown(strapi);
      if (stopOptions.isKeepingDatabase !== true) await database.drop();
      process.env = saved;
    },
  };
}
