/**
 * Development set-up: writes .env from .env.example with fresh random secrets the first time, and adds
 * any secret a later version needs to an existing .env without touching the values already there.
 */
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import path from 'path';
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

export async function ensureDevEnv(root: string): Promise<DevEnvResult> {
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
    return { action: 'created' };
  }

  const present = assignedNames(existing);
  const added = SECRET_NAMES.filter((name) => !present.has(name));
  if (added.length === 0) return { action: 'unchanged' };
  const lines = added.map((name) => `${name}=${generateSecret(name)}`);
  const separator = existing.endsWith('\n') ? '' : '\n';
  await fs.appendFile(envFile, `${separator}# Added by npm run develop\n${lines.join('\n')}\n`);
  return { action: 'completed', added };
}
