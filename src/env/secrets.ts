/**
 * The secrets Strapi needs. Development gets random ones generated into .env (prepareDevEnv in dev-env.ts);
 * production refuses to start while one is missing or still a placeholder, naming the variable.
 */
import { settings, SettingsError, type Settings, type SettingsProblem, type VariableName } from '../settings';

export const SECRET_NAMES = [
  'APP_KEYS',
  'API_TOKEN_SALT',
  'ADMIN_JWT_SECRET',
  'TRANSFER_TOKEN_SALT',
  'ENCRYPTION_KEY',
] as const satisfies readonly VariableName[];

export type SecretName = (typeof SECRET_NAMES)[number];

/** Values copied from examples and templates that must never guard a production system. */
const PLACEHOLDERS = new Set([
  'tobemodified',
  'changeme',
  'change-me',
  'secret',
  'replace-me',
  'example',
  'default',
]);

function isPlaceholder(value: string): boolean {
  return PLACEHOLDERS.has(value.trim().toLowerCase());
}

/** What is wrong with one secret's value, or null. APP_KEYS is a list. */
function problemWith(value: string | readonly string[]): string | null {
  const parts = typeof value === 'string' ? [value] : value;
  if (parts.every((part) => part === '')) {
    return 'is not set: production refuses to start without it. Set it in the environment to a long random value.';
  }
  if (parts.includes('')) return `has an empty key in "${parts.join(',')}": list long random values separated by commas.`;
  const placeholder = parts.find(isPlaceholder);
  if (placeholder !== undefined) {
    return `is still the default value "${placeholder}": production refuses to start with it. Set it to a long random value.`;
  }
  return null;
}

/**
 * Production refuses to start while a secret is missing or a placeholder (SettingsError, every such
 * secret named). Called at register(), the first code of ours Strapi runs after loading config:
 * `strapi build` and type generation never get there, so they need no secrets. Development and tests
 * are not checked here.
 */
export function assertProductionSecrets(from: Settings = settings()): void {
  if (from.NODE_ENV !== 'production') return;
  const problems: SettingsProblem[] = [];
  for (const name of SECRET_NAMES) {
    const problem = problemWith(from[name]);
    if (problem !== null) problems.push({ variable: name, message: `${name} ${problem}` });
  }
  if (problems.length > 0) throw new SettingsError(problems);
}
