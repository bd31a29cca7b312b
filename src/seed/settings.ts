/** SEED_ON_EMPTY: seed an empty database at start. Defaults to on in development, off elsewhere. */
export function shouldSeedOnEmpty(environment: NodeJS.ProcessEnv = process.env): boolean {
  const value = environment.SEED_ON_EMPTY?.trim().toLowerCase();
  if (value === undefined || value === '') return environment.NODE_ENV === 'development';
  if (['true', '1', 'yes'].includes(value)) return true;
  if (['false', '0', 'no'].includes(value)) return false;
  throw new Error(`SEED_ON_EMPTY must be true or false, not "${environment.SEED_ON_EMPTY}"`);
}
