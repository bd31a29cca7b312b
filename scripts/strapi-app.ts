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
import { assertProductionSecrets, SecretConfigError } from '../src/env/secrets';
import { isContentEmpty } from '../src/seed';
import { CliSetupError } from './cli';

const APP_DIR = path.resolve(__dirname, '..', '..');

/** Before Strapi starts: the development .env, or one sentence naming the secret production lacks. */
export async function prepareCliEnvironment(): Promise<void> {
  await prepareDevEnv({ root: APP_DIR });
  try {
    assertProductionSecrets();
  } catch (error) {
    if (error instanceof SecretConfigError) throw new CliSetupError(error.message);
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
  await strapi.load().catch((error: unknown) => {
    // PostgreSQL's "database does not exist": a step still to do on a new machine, not a bug.
    if ((error as { code?: unknown }).code === '3D000') {
      throw new CliSetupError(`The PostgreSQL ${(error as Error).message}: create it first (createdb), or unset DATABASE_URL to use the SQLite file .tmp/data.db.`);
    }
    throw error;
  });
  if (shouldRequireContent && (await isContentEmpty(strapi))) {
    await shutDown(strapi);
    throw new CliSetupError('The database holds no content yet: run `npm run seed` first (or `npm run develop`, which imports the seed into an empty database).');
  }
  return strapi;
}
