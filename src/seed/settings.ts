import { settings, type Settings } from '../settings';

/** SEED_ON_EMPTY: seed an empty database at start. Defaults to on in development, off elsewhere. */
export function shouldSeedOnEmpty(from: Settings = settings()): boolean {
  return from.SEED_ON_EMPTY;
}
