/**
 * Localization tools for marketing teams and translators:
 *
 * npm run l10n:coverage [-- --locale fr] [--type technique] [--status draft] [--clinic SLUG] [--json] [--out FILE]
 * npm run l10n:export -- --locale fr [--type technique] [--clinic SLUG] --out FILE
 * npm run l10n:import -- FILE [--clinic SLUG] [--force]
 *
 * --locale and --type may be repeated. --clinic: coverage counts only that clinic's adaptations; the
 * export holds that clinic's adaptations (and nothing else); the import takes only units of them.
 * Exit code 1 with a message on any mistake; an import that is refused writes nothing.
 */
import { writeFile } from 'fs/promises';
import { bootStrapi } from './strapi-app';
import { shutDown } from '../src/database/settle';
import { CoverageInputError, formatCoverage, translationCoverage } from '../src/l10n/coverage';
import { exportXliff, importXliff, XliffError } from '../src/l10n/xliff';
import { actAsCommand } from '../src/governance/actor';
import { runCli } from './cli';

const USAGE = [
  'Usage:',
  '  npm run l10n:coverage [-- --locale <code>] [--type <type>] [--status published|draft] [--clinic <slug>] [--json] [--out <file>]',
  '  npm run l10n:export -- --locale <code> [--type <type>] [--clinic <slug>] --out <file>',
  '  npm run l10n:import -- <file> [--clinic <slug>] [--force]',
].join('\n');

class UsageError extends Error {}

interface Options {
  command: 'coverage' | 'export' | 'import';
  values: Map<string, string[]>;
  flags: Set<string>;
  words: string[];
}

const VALUE_OPTIONS: Record<Options['command'], string[]> = {
  coverage: ['--locale', '--type', '--status', '--clinic', '--out'],
  export: ['--locale', '--type', '--clinic', '--out'],
  import: ['--clinic'],
};
const FLAG_OPTIONS: Record<Options['command'], string[]> = { coverage: ['--json'], export: [], import: ['--force'] };

function parse(argv: string[]): Options {
  const [command, ...rest] = argv;
  if (command !== 'coverage' && command !== 'export' && command !== 'import') throw new UsageError(USAGE);
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  const words: string[] = [];
  for (let index = 0; index < rest.length; index += 1) {
    const argument = rest[index] as string;
    if (!argument.startsWith('--')) {
      words.push(argument);
      continue;
    }
    const [name, inline] = argument.includes('=') ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)] : [argument, undefined];
    if (VALUE_OPTIONS[command].includes(name as string)) {
      const value = inline ?? rest[(index += 1)];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value.\n${USAGE}`);
      values.set(name as string, [...(values.get(name as string) ?? []), value]);
    } else if (FLAG_OPTIONS[command].includes(name as string) && inline === undefined) {
      flags.add(name as string);
    } else {
      throw new UsageError(`Unknown option ${argument} for ${command}.\n${USAGE}`);
    }
  }
  return { command, values, flags, words };
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const { command, values, flags, words } = options;
  actAsCommand(`l10n:${command}`);
  const single = (name: string) => {
    const given = values.get(name) ?? [];
    if (given.length > 1) throw new UsageError(`${name} may be given once.`);
    return given[0];
  };
  if (command === 'import' && words.length !== 1) throw new UsageError(`Name one XLIFF file to import.\n${USAGE}`);
  if (command !== 'import' && words.length > 0) throw new UsageError(`Unexpected ${words.join(' ')}.\n${USAGE}`);
  if (command === 'export' && single('--out') === undefined) throw new UsageError(`Name the file to write with --out.\n${USAGE}`);
  if (command === 'export' && (values.get('--locale') ?? []).length !== 1) throw new UsageError(`Name one target locale with --locale.\n${USAGE}`);

  const strapi = await bootStrapi();
  try {
    if (command === 'coverage') {
      const report = await translationCoverage(strapi, { locales: values.get('--locale'), types: values.get('--type'), status: single('--status'), clinic: single('--clinic') });
      const output = flags.has('--json') ? `${JSON.stringify(report, null, 2)}\n` : `${formatCoverage(report)}\n`;
      const out = single('--out');
      if (out !== undefined) {
        await writeFile(out, output);
        console.log(`Wrote the coverage report to ${out}.`);
      } else process.stdout.write(output);
    } else if (command === 'export') {
      const out = single('--out') as string;
      const result = await exportXliff(strapi, { locale: single('--locale'), types: values.get('--type'), clinic: single('--clinic') });
      await writeFile(out, result.xml);
      if (result.notice !== null) console.error(result.notice);
      console.log(`Wrote ${result.units} units (${result.withTarget} already translated) to ${out}.`);
    } else {
      const file = words[0] as string;
      const result = await importXliff(strapi, { file, isForced: flags.has('--force'), clinic: single('--clinic') });
      console.log(
        `Imported ${file} into ${result.locale} drafts: ${result.translated} of ${result.units} units translated, ` +
          `${result.entriesWritten} entr${result.entriesWritten === 1 ? 'y' : 'ies'} written; publish them in the admin after review.`,
      );
      for (const item of result.overwritten) {
        console.log(`  --force: ${item.id}: its source changed since the export; replaced ${item.previous === null ? 'no earlier translation' : `"${item.previous}"`}`);
      }
    }
  } finally {
    await shutDown(strapi);
  }
}

runCli(main, (error) => error instanceof UsageError || error instanceof XliffError || error instanceof CoverageInputError);
