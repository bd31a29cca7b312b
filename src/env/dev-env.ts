/**
 * Development set-up: writes .env from .env.example with fresh random secrets the first time, and adds
 * any secret a later version needs to an existing .env without touching the values already there.
 * prepareDevEnv (below) is what `npm run develop` and every command-line tool run before Strapi starts.
 */
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import path from 'path';
import { parseSettings } from '../settings';
import { SECRET_NAMES, type SecretName } from './secrets';

function randomSecret(): string {
  return randomBytes(32).toString('base64');
}

export function generateSecret(name: SecretName): string {
  return name === 'APP_KEYS' ? [randomSecret(), randomSecret(), randomSecret(), randomSecret()].join(',') : randomSecret();
}

function assignedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined && match[2].trim() !== '') names.add(match[1]);
  }
  return names;
}

export type DevEnvResult = { action: 'created' } | { action: 'completed'; added: SecretName[] } | { action: 'unchanged' };

/** Lines of the form NAME=value, as .env.example and the secrets added to a .env are written. */
function plainAssignments(text: string): Array<[string, string]> {
  return text.split('\n').flatMap((line): Array<[string, string]> => {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    return match?.[1] !== undefined && match[2] !== undefined ? [[match[1], match[2]]] : [];
  });
}

/** Writes or completes .env; also says which variables it wrote, with their values. */
async function writeDevEnv(root: string): Promise<{ result: DevEnvResult; written: Array<[string, string]> }> {
  const envFile = path.join(root, '.env');
  let existing: string | null = null;
  try {
    existing = await fs.readFile(envFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }

  if (existing === null) {
    const template = await fs.readFile(path.join(root, '.env.example'), 'utf8');
    const secrets = new Set<string>(SECRET_NAMES);
    const text = template
      .split('\n')
      .map((line) => {
        const name = /^([A-Z0-9_]+)=/.exec(line)?.[1];
        return name !== undefined && secrets.has(name) ? `${name}=${generateSecret(name as SecretName)}` : line;
      })
      .join('\n');
    await fs.writeFile(envFile, text, { mode: 0o600 });
    return { result: { action: 'created' }, written: plainAssignments(text) };
  }

  const present = assignedNames(existing);
  const added = SECRET_NAMES.filter((name) => !present.has(name));
  if (added.length === 0) return { result: { action: 'unchanged' }, written: [] };
  const lines = added.map((name) => `${name}=${generateSecret(name)}`);
  const separator = existing.endsWith('\n') ? '' : '\n';
  await fs.appendFile(envFile, `${separator}# Added by the development set-up (src/env/dev-env.ts)\n${lines.join('\n')}\n`);
  return { result: { action: 'completed', added }, written: plainAssignments(lines.join('\n')) };
}

export async function ensureDevEnv(root: string): Promise<DevEnvResult> {
  return (await writeDevEnv(root)).result;
}

export type PrepareEnvResult = DevEnvResult | { action: 'skipped'; reason: 'not-development' | 'env-path' };

/**
 * The step every entry point of a checkout runs before Strapi starts: `npm run develop` (its predevelop
 * script) and every command-line tool (scripts/strapi-app.ts). In development (NODE_ENV unset or
 * "development") a missing .env is created, or an incomplete one completed, with a one-line notice on
 * stderr; what was written also goes into the environment (without replacing a value already set, as
 * Strapi's own .env loading does), because Strapi may have looked for .env before it existed.
 * Elsewhere nothing is written: production takes its secrets from its environment and refuses to start
 * without them (secrets.ts). ENV_PATH names another file for Strapi to read, so it is left alone too.
 */
export async function prepareDevEnv(input: {
  root: string;
  /** The environment to complete: the process's own (process.env) before Strapi starts. */
  environment: NodeJS.ProcessEnv;
  notice?: (line: string) => void;
}): Promise<PrepareEnvResult> {
  const { root, environment, notice = (line: string) => process.stderr.write(`${line}\n`) } = input;
  const { NODE_ENV, ENV_PATH } = parseSettings(environment);
  if (NODE_ENV !== 'development') return { action: 'skipped', reason: 'not-development' };
  if (ENV_PATH !== null) return { action: 'skipped', reason: 'env-path' };
  const { result, written } = await writeDevEnv(root);
  for (const [name, value] of written) environment[name] ??= value;
  const file = path.relative(process.cwd(), path.join(root, '.env'));
  if (result.action === 'created') notice(`Created ${file} with random development secrets (from .env.example).`);
  if (result.action === 'completed') notice(`Added ${result.added.join(', ')} to ${file}.`);
  return result;
}
