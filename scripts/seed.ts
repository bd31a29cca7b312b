/**
 * npm run seed [-- --dir <folder>] [-- --overwrite-edits]
 * Validates data/seed (or --dir), then imports and publishes it. Exits non-zero, naming file, entry
 * and field, when the data is invalid; nothing is written then.
 */
import path from 'path';
import { bootStrapi } from './strapi-app';
import { shutDown } from '../src/database/settle';
import { SeedValidationError, runSeed, summarize } from '../src/seed';
import { actAsCommand } from '../src/governance/actor';
import { runCli } from './cli';

interface Options {
  dir?: string;
  shouldOverwriteEdits: boolean;
}

function parseArguments(argv: string[]): Options {
  const options: Options = { shouldOverwriteEdits: false };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument === '--overwrite-edits') options.shouldOverwriteEdits = true;
    else if (argument === '--dir') {
      const value = argv[index + 1];
      if (value === undefined) throw new Error('--dir needs a folder');
      options.dir = path.resolve(value);
      index += 1;
    } else throw new Error(`Unknown argument "${argument}". Usage: npm run seed -- [--dir <folder>] [--overwrite-edits]`);
  }
  return options;
}

async function main(): Promise<void> {
  actAsCommand('seed');
  const options = parseArguments(process.argv.slice(2));
  // The seed is what fills an empty database.
  const strapi = await bootStrapi({ shouldRequireContent: false });
  try {
    const report = await runSeed({ strapi, dir: options.dir, shouldOverwriteEdits: options.shouldOverwriteEdits });
    console.log(summarize(report));
  } finally {
    await shutDown(strapi);
  }
}

// A validation failure is the user's to fix: its message says where.
runCli(main, (error) => error instanceof SeedValidationError);
