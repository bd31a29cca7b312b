/**
 * Medical reviews that are missing, overdue or due soon (src/editorial/review-due.ts):
 *
 * npm run review:due [-- --days 30] [--json] [--fail-when-due]
 *
 * Exit codes: 0 — the report was printed, whatever it lists (it is a report); 1 — with --fail-when-due,
 * something is listed (for CI), or the report could not be made; 2 — a mistake on the command line.
 */
import { bootStrapi } from './strapi-app';
import { shutDown } from '../src/database/settle';
import { formatReviewDue, parseWithinDays, reviewDueReport, ReviewDueInputError } from '../src/editorial/review-due';
import { actAsCommand } from '../src/governance/actor';
import { parseArgumentsOrExit, runCli } from './cli';

const USAGE = 'Usage: npm run review:due [-- --days <1-3650>] [--json] [--fail-when-due]';

interface Options {
  withinDays: number;
  isJson: boolean;
  shouldFailWhenDue: boolean;
}

/** Checked before Strapi boots, so a typo is answered at once. */
function parse(argv: string[]): Options {
  let days: string | undefined;
  let isJson = false;
  let shouldFailWhenDue = false;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] as string;
    const [name, inline] = argument.includes('=') ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)] : [argument, undefined];
    if (name === '--days') {
      if (days !== undefined) throw new ReviewDueInputError(`--days may be given once.\n${USAGE}`);
      days = inline ?? argv[(index += 1)];
      if (days === undefined || days.startsWith('--')) throw new ReviewDueInputError(`--days needs a number of days.\n${USAGE}`);
    } else if (name === '--json' && inline === undefined) isJson = true;
    else if (name === '--fail-when-due' && inline === undefined) shouldFailWhenDue = true;
    else throw new ReviewDueInputError(`Unknown argument ${argument}.\n${USAGE}`);
  }
  try {
    return { withinDays: parseWithinDays(days), isJson, shouldFailWhenDue };
  } catch (error) {
    throw error instanceof ReviewDueInputError ? new ReviewDueInputError(`--${error.message}\n${USAGE}`) : error;
  }
}

class ReviewsDueError extends Error {}

const options: Options = parseArgumentsOrExit(parse);

async function main(): Promise<void> {
  actAsCommand('review:due');
  const strapi = await bootStrapi();
  let listed = 0;
  try {
    const report = await reviewDueReport(strapi, { withinDays: options.withinDays });
    listed = report.entries.length;
    process.stdout.write(options.isJson ? `${JSON.stringify(report, null, 2)}\n` : `${formatReviewDue(report)}\n`);
  } finally {
    await shutDown(strapi);
  }
  if (options.shouldFailWhenDue && listed > 0) {
    throw new ReviewsDueError(`${listed} medical review${listed === 1 ? ' is' : 's are'} missing, overdue or due within ${options.withinDays} days (--fail-when-due).`);
  }
}

runCli(main, (error) => error instanceof ReviewsDueError);
