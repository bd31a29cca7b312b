/**
 * The secrets Strapi needs. Development gets random ones generated into .env (scripts/dev-env.ts);
 * production refuses to start while one is missing or still a placeholder, naming the variable.
 */
export const SECRET_NAMES = [
  'APP_KEYS',
  'API_TOKEN_SALT',
  'ADMIN_JWT_SECRET',
  'TRANSFER_TOKEN_SALT',
  'ENCRYPTION_KEY',
] as const;

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

export class SecretConfigError extends Error {
  readonly variable: SecretName;

  constructor(variable: SecretName, problem: string) {
    super(`${variable} ${problem}`);
    this.name = 'SecretConfigError';
    this.variable = variable;
  }
}

function isPlaceholder(value: string): boolean {
  return PLACEHOLDERS.has(value.trim().toLowerCase());
}

interface ReadOptions {
  environment?: NodeJS.ProcessEnv;
}

function readRaw(name: SecretName, { environment = process.env }: ReadOptions): string {
  const value = environment[name];
  const isProduction = environment.NODE_ENV === 'production';
  if (value === undefined || value.trim() === '') {
    throw new SecretConfigError(
      name,
      isProduction
        ? 'is not set: production refuses to start without it. Set it in the environment to a long random value.'
        : 'is not set. Run `npm run develop` (it writes random development secrets into .env) or set it in the environment.',
    );
  }
  return value;
}

function refusePlaceholder(name: SecretName, value: string, environment: NodeJS.ProcessEnv): void {
  if (environment.NODE_ENV === 'production' && isPlaceholder(value)) {
    throw new SecretConfigError(
      name,
      `is still the default value "${value}": production refuses to start with it. Set it to a long random value.`,
    );
  }
}

/** A single-valued secret such as ADMIN_JWT_SECRET. */
export function readSecret(name: Exclude<SecretName, 'APP_KEYS'>, options: ReadOptions = {}): string {
  const environment = options.environment ?? process.env;
  const value = readRaw(name, { environment });
  refusePlaceholder(name, value, environment);
  return value;
}

/** APP_KEYS: a comma-separated list; every key must be real. */
export function readAppKeys(options: ReadOptions = {}): string[] {
  const environment = options.environment ?? process.env;
  const keys = readRaw('APP_KEYS', { environment })
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
  for (const key of keys) refusePlaceholder('APP_KEYS', key, environment);
  return keys;
}
