/**
 * The secrets Strapi needs. Development gets random ones generated into .env (prepareDevEnv in dev-env.ts);
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

/** What is wrong with one secret's value, or null. APP_KEYS is a comma-separated list. */
function problemWith(name: SecretName, value: string | undefined): string | null {
  const parts = (name === 'APP_KEYS' ? (value ?? '').split(',') : [value ?? '']).map((part) => part.trim());
  if (parts.every((part) => part === '')) {
    return 'is not set: production refuses to start without it. Set it in the environment to a long random value.';
  }
  if (parts.includes('')) return `has an empty key in "${value}": list long random values separated by commas.`;
  const placeholder = parts.find(isPlaceholder);
  if (placeholder !== undefined) {
    return `is still the default value "${placeholder}": production refuses to start with it. Set it to a long random value.`;
  }
  return null;
}

/**
 * Production refuses to start while a secret is missing or a placeholder. Called from register(), the
 * first code of ours Strapi runs after loading config: `strapi build` and type generation never get
 * there, so they need no secrets. Development and tests are not checked here.
 */
export function assertProductionSecrets(environment: NodeJS.ProcessEnv = process.env): void {
  if (environment.NODE_ENV !== 'production') return;
  for (const name of SECRET_NAMES) {
    const problem = problemWith(name, environment[name]);
    if (problem !== null) throw new SecretConfigError(name, problem);
  }
}
