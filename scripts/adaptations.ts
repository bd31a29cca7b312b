/**
 * Clinic adaptations whose vetted base changed since the clinic wrote them (src/clinics/adaptations/drift.ts):
 *
 * npm run adaptations:outdated [-- --clinic <slug>] [--json]
 *
 * --clinic may be repeated. Exit codes: 0 — the report was printed, whatever it lists; 1 — an unknown
 * clinic, or the report could not be made; 2 — a mistake on the command line.
 */
import { bootStrapi } from './strapi-app';
import { shutDown } from '../src/database/settle';
import { formatOutdated, outdatedAdaptations } from '../src/clinics/adaptations/drift';
import { UnknownClinicError } from '../src/clinics/adaptations/checks';
import { actAsCommand } from '../src/governance/actor';
import { parseArgumentsOrExit, runCli } from './cli';

const USAGE = 'Usage: npm run adaptations:outdated [-- --clinic <slug>] [--json]';

interface Options {
  clinics: string[];
  isJson: boolean;
}

/** Checked before Strapi boots, so a typo is answered at once. */
function parse(argv: string[]): Options {
  const options: Options = { clinics: [], isJson: false };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] as string;
    const [name, inline] = argument.includes('=') ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)] : [argument, undefined];
    if (name === '--clinic') {
      const value = inline ?? argv[(index += 1)];
      if (value === undefined || value === '' || value.startsWith('--')) throw new Error(`--clinic needs a clinic's slug.\n${USAGE}`);
      options.clinics.push(value);
    } else if (name === '--json' && inline === undefined) options.isJson = true;
    else throw new Error(`Unknown argument ${argument}.\n${USAGE}`);
  }
  return options;
}

const options: Options = parseArgumentsOrExit(parse);

async function main(): Promise<void> {
  actAsCommand('adaptations:outdated');
  const strapi = await bootStrapi();
  try {
    const report = await outdatedAdaptations(strapi, { clinics: options.clinics.length === 0 ? null : options.clinics });
    process.stdout.write(options.isJson ? `${JSON.stringify(report, null, 2)}\n` : `${formatOutdated(report)}\n`);
  } finally {
    await shutDown(strapi);
  }
}

runCli(main, (error) => error instanceof UnknownClinicError);
