import path from 'path';
import type { Core } from '@strapi/strapi';
import { prepareSqliteConnection } from '../src/database/sqlite-connection';
import { loadSettings } from '../src/settings';

/**
 * SQLite (better-sqlite3) is the embedded default. DATABASE_URL switches to PostgreSQL, as does
 * DATABASE_CLIENT=postgres with Strapi's usual DATABASE_HOST/PORT/NAME/USERNAME/PASSWORD; values in
 * DATABASE_URL win over the separate variables.
 * DATABASE_FILENAME is resolved against the project root, so `.tmp/data.db` means the same file
 * whether the app runs from src (develop) or dist (start).
 */
const projectRoot = path.resolve(__dirname, '..', '..');

const config = (): Core.Config.Database => {
  const settings = loadSettings();
  const connectionString = settings.DATABASE_URL;
  const acquireConnectionTimeout = settings.DATABASE_CONNECTION_TIMEOUT;
  const client = connectionString !== null ? 'postgres' : settings.DATABASE_CLIENT;

  if (client === 'postgres') {
    return {
      connection: {
        client: 'postgres',
        connection: {
          connectionString: connectionString ?? undefined,
          host: settings.DATABASE_HOST,
          port: settings.DATABASE_PORT,
          database: settings.DATABASE_NAME,
          user: settings.DATABASE_USERNAME,
          password: settings.DATABASE_PASSWORD,
          schema: settings.DATABASE_SCHEMA,
          // Milliseconds a single statement may run before PostgreSQL cancels it (0: no limit).
          statement_timeout: settings.DATABASE_STATEMENT_TIMEOUT,
          ssl: settings.DATABASE_SSL ? { rejectUnauthorized: settings.DATABASE_SSL_REJECT_UNAUTHORIZED } : false,
        },
        pool: {
          min: settings.DATABASE_POOL_MIN,
          max: settings.DATABASE_POOL_MAX,
          idleTimeoutMillis: settings.DATABASE_POOL_IDLE_TIMEOUT,
        },
        acquireConnectionTimeout,
      },
    };
  }

  return {
    connection: {
      client: 'sqlite',
      connection: {
        filename: path.resolve(projectRoot, settings.DATABASE_FILENAME),
      },
      useNullAsDefault: true,
      acquireConnectionTimeout,
      pool: {
        // Page cache and memory map (SQLITE_CACHE_MB, SQLITE_MMAP_MB); transactions take the write lock as
        // they begin, so a command writing beside a running server never fails with "database is locked".
        afterCreate(connection: unknown, done: (error?: Error, connection?: unknown) => void) {
          try {
            prepareSqliteConnection(connection, { cacheMb: settings.SQLITE_CACHE_MB, mmapMb: settings.SQLITE_MMAP_MB });
            done(undefined, connection);
          } catch (error) {
            done(error as Error, connection);
          }
        },
      },
    },
  };
};

export default config;
