/**
 * Boots the app for command-line tools (run from dist/, after `tsc`): loaded, quiet, and without
 * seeding by itself.
 */
import path from 'path';
import { createStrapi, type Core } from '@strapi/strapi';
import { cacheSettings, connectRedis } from '../src/cache';
import { announceDirectoryChanges } from '../src/clinics/directory';
import { DatabaseNotReadyError } from './cli';

export async function bootStrapi(): Promise<Core.Strapi> {
  process.env.SEED_ON_EMPTY ??= 'false';
  process.env.LOG_LEVEL ??= 'warn';
  const distDir = path.resolve(__dirname, '..');
  const appDir = path.resolve(distDir, '..');
  return createStrapi({ appDir, distDir }).load();
}

interface ModelTransform {
  transformContentTypesToModels(schemas: unknown[], identifiers: unknown): unknown[];
}

/**
 * Strapi's own step from content types to database models (what its bootstrap hands to db.init). Not
 * exported by @strapi/core, so it is required by file; @strapi/strapi is pinned, and the clinic:key
 * command's tests fail if a release moves it.
 */
function databaseModels(strapi: Core.Strapi): unknown[] {
  const coreDir = path.dirname(require.resolve('@strapi/core/package.json'));
  const { transformContentTypesToModels } = require(path.join(coreDir, 'dist', 'utils', 'transform-content-types-to-models.js')) as ModelTransform;
  const schemas = [...Object.values(strapi.contentTypes), ...Object.values(strapi.components)];
  const internal = (strapi.get('models') as { get(): unknown[] }).get();
  return [...transformContentTypesToModels(schemas, strapi.db.metadata.identifiers), ...internal];
}

/** Every log level to stderr: a command's stdout is its output (a key, JSON), nothing else. */
function logToStderr(strapi: Core.Strapi): void {
  const levels = Object.keys((strapi.log as unknown as { levels: Record<string, number> }).levels);
  for (const transport of strapi.log.transports as unknown as Array<{ stderrLevels?: Record<string, boolean> }>) {
    if (transport.stderrLevels !== undefined) transport.stderrLevels = Object.fromEntries(levels.map((level) => [level, true]));
  }
}

const CORE_STORE_TABLE = 'strapi_core_store_settings';

/**
 * A light boot for commands that only write rows (clinic:key): Strapi and the app register as in a
 * server (.env read as Strapi reads it, plugins, the app's register(): database lifecycles, the change
 * feed), and the database opens on Strapi's models. Nothing else runs: no schema sync, no HTTP
 * middlewares, no plugin or app bootstrap (GraphQL, locales, editor layouts, workers), which is most
 * of a full boot's time. Writes still go through Strapi's database layer, and each committed write
 * that changes what clinic directories hold is announced to running instances through Redis when
 * REDIS_URL is set (without Redis they reread within CLINIC_CACHE_TTL_MS). The schema must exist
 * already: a server start or `npm run seed` creates it.
 */
export async function loadStrapiDatabase(): Promise<Core.Strapi> {
  process.env.SEED_ON_EMPTY ??= 'false';
  process.env.LOG_LEVEL ??= 'warn';
  const distDir = path.resolve(__dirname, '..');
  const appDir = path.resolve(distDir, '..');
  const strapi = createStrapi({ appDir, distDir });
  logToStderr(strapi);
  await strapi.register();
  await strapi.db.init({ models: databaseModels(strapi) as never });
  if (!(await strapi.db.getSchemaConnection().hasTable(CORE_STORE_TABLE))) {
    await strapi.destroy();
    throw new DatabaseNotReadyError('This database has no tables yet: run `npm run seed` (or start the service once), then try again.');
  }
  const settings = cacheSettings();
  const redis = connectRedis(strapi, settings);
  if (redis !== null) {
    const stop = announceDirectoryChanges({ strapi, target: () => ({ redis, prefix: settings.prefix }) });
    const destroy = strapi.destroy.bind(strapi);
    strapi.destroy = async () => {
      stop();
      await redis.quit().catch(() => redis.disconnect());
      return destroy();
    };
  }
  return strapi;
}
