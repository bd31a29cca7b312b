/**
 * Boots the app for command-line tools (run from dist/, after `tsc`): loaded, quiet, and without
 * seeding by itself. On a fresh checkout it first creates the development .env as `npm run develop`
 * does; Strapi's log lines go to stderr, so stdout carries only the command's own output.
 */
import path from 'path';
import { createStrapi, type Core } from '@strapi/strapi';
import { winston } from '@strapi/logger';
import { shutDown } from '../src/database/settle';
import { prepareDevEnv } from '../src/env/dev-env';
import { assertProductionSecrets } from '../src/env/secrets';
import { loadSettings, SettingsError } from '../src/settings';
import { isContentEmpty } from '../src/seed';
import { CliSetupError } from './cli';

const APP_DIR = path.resolve(__dirname, '..', '..');

const NO_CONTENT_YET = 'The database holds no content yet: run `npm run seed` first (or `npm run develop`, which imports the seed into an empty database).';

/** PostgreSQL's "database does not exist": a step still to do on a new machine, not a bug. */
function explainMissingDatabase(error: unknown): never {
  if ((error as { code?: unknown }).code === '3D000') {
    throw new CliSetupError(`The PostgreSQL ${(error as Error).message}: create it first (createdb), or unset DATABASE_URL to use the SQLite file .tmp/data.db.`);
  }
  throw error;
}

/** Before Strapi starts: the development .env, or one sentence per setting refused (a secret production lacks…). */
export async function prepareCliEnvironment(): Promise<void> {
  try {
    await prepareDevEnv({ root: APP_DIR, environment: process.env });
    assertProductionSecrets(loadSettings());
  } catch (error) {
    if (error instanceof SettingsError) throw new CliSetupError(error.message);
    throw error;
  }
}

/** Every level of Strapi's console logging, warnings included, to stderr instead of stdout. */
export function logToStderr(strapi: Core.Strapi): void {
  const levels = Object.keys(strapi.log.levels);
  for (const transport of strapi.log.transports.filter((candidate) => candidate instanceof winston.transports.Console)) {
    strapi.log.remove(transport);
    strapi.log.add(new winston.transports.Console({ level: transport.level, stderrLevels: levels }));
  }
}

/**
 * The loaded app. Every command but the seed needs content to work on: on an empty database it stops
 * with the sentence saying what to run first.
 */
export async function bootStrapi(options: { shouldRequireContent?: boolean } = {}): Promise<Core.Strapi> {
  const { shouldRequireContent = true } = options;
  process.env.SEED_ON_EMPTY ??= 'false';
  process.env.LOG_LEVEL ??= 'warn';
  await prepareCliEnvironment();
  const strapi = createStrapi({ appDir: APP_DIR, distDir: path.resolve(__dirname, '..') });
  logToStderr(strapi);
  await strapi.load().catch(explainMissingDatabase);
  if (shouldRequireContent && (await isContentEmpty(strapi))) {
    await shutDown(strapi);
    throw new CliSetupError(NO_CONTENT_YET);
  }
  return strapi;
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

const CORE_STORE_TABLE = 'strapi_core_store_settings';

/**
 * A light boot for commands that only write rows (clinic:key): Strapi and the app register as in a
 * server (.env read as Strapi reads it, plugins, the app's register(): the write pipeline and the
 * clinic directory, which announces each committed write that changes what clinic
 * directories hold to running instances through Redis when REDIS_URL is set; without Redis they
 * reread within CLINIC_CACHE_TTL_MS), and the database opens on Strapi's models. Nothing else runs:
 * no schema sync, no HTTP middlewares, no plugin or app bootstrap (GraphQL, locales, editor layouts,
 * workers), which is most of a full boot's time. strapi.destroy() closes what register() opened.
 * The schema must exist already: a server start or `npm run seed` creates it.
 */
export async function loadStrapiDatabase(): Promise<Core.Strapi> {
  process.env.SEED_ON_EMPTY ??= 'false';
  process.env.LOG_LEVEL ??= 'warn';
  await prepareCliEnvironment();
  const strapi = createStrapi({ appDir: APP_DIR, distDir: path.resolve(__dirname, '..') });
  logToStderr(strapi);
  await strapi.register();
  await strapi.db.init({ models: databaseModels(strapi) as never }).catch(explainMissingDatabase);
  if (!(await strapi.db.getSchemaConnection().hasTable(CORE_STORE_TABLE).catch(explainMissingDatabase))) {
    await strapi.destroy();
    throw new CliSetupError(NO_CONTENT_YET);
  }
  return strapi;
}
