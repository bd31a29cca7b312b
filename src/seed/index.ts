import path from 'path';
import type { Core } from '@strapi/strapi';
import { ADAPTATION, localeCodes } from '../content/model';
import { importSeed, type SeedReport } from './import';
import { loadSeed } from './load';
import { SEED_TYPES } from './schema';
import { chainOf, localeSettings } from '../locales/config';

export { SeedValidationError, formatIssue, type SeedIssue } from './load';
export type { SeedReport, SeedOutcome, SeedAction } from './import';
export type { SeedAdaptation } from './adaptations';

/** The content types the seed fills, in import order: clinic adaptations last. */
export const SEED_UIDS = [...SEED_TYPES.map((spec) => spec.uid), ADAPTATION.uid];

export function defaultSeedDir(strapi: Core.Strapi): string {
  return path.join(strapi.dirs.app.root, 'data', 'seed');
}

/** Validates every seed file, then imports and publishes; throws SeedValidationError before any write. */
export async function runSeed(input: {
  strapi: Core.Strapi;
  dir?: string;
  shouldOverwriteEdits?: boolean;
}): Promise<SeedReport> {
  const { strapi, dir = defaultSeedDir(strapi), shouldOverwriteEdits = false } = input;
  const settings = localeSettings(strapi);
  const seed = await loadSeed({
    dir,
    knownLocales: await localeCodes(strapi),
    defaultLocale: settings.defaultLocale,
    // A locale is imported after the locales it falls back to, so that it can leave their fields out.
    translationOrder: (locales) => [...locales].sort((a, b) => chainOf(settings, a).length - chainOf(settings, b).length || a.localeCompare(b)),
  });
  return importSeed({ strapi, seed, shouldOverwriteEdits });
}

/** True when none of the content types the seed fills holds an entry. */
export async function isContentEmpty(strapi: Core.Strapi): Promise<boolean> {
  for (const uid of SEED_UIDS) {
    if ((await strapi.db.query(uid).count({})) > 0) return false;
  }
  return true;
}

export function summarize(report: SeedReport): string {
  const { created, updated, unchanged } = report.counts;
  const kept = report.counts['kept-edited'];
  const keptNote =
    kept > 0
      ? `; kept ${kept} entr${kept === 1 ? 'y' : 'ies'} an editor changed (${report.outcomes
          .filter((outcome) => outcome.action === 'kept-edited')
          .map((outcome) => `${outcome.uid} "${outcome.slug}" (${outcome.locale})`)
          .join(', ')}); run with --overwrite-edits to replace them`
      : '';
  return `seed: ${created} created, ${updated} updated, ${unchanged} unchanged${keptNote}`;
}
