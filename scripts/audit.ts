/**
 * The audit trail from the command line (src/governance/audit):
 *
 * npm run audit:export -- --since <date> [--until <date>] [--action <action>] [--json | --csv]
 *     the rows from `since` (inclusive) to `until` (exclusive), oldest first, on stdout: a JSON array
 *     (the default) or CSV with a header line. Dates: 2026-11-01 (midnight UTC) or an ISO date-time.
 * npm run audit:verify
 *     walks the whole hash chain: prints the row count and the head hash (record it elsewhere: a chain
 *     rewritten from the start verifies too, but ends in another head) and exits 0 when intact; exits 1
 *     naming the first bad row and what is wrong with it.
 * npm run audit:page -- --clinic <slug> --page techniques/<slug>|conditions/<slug> --locale <code> --at <date> [--json]
 *     the text that clinic's page served in that locale at that moment, rebuilt from content history
 *     (src/governance/as-served), with the version each part came from; or why it was not served, or
 *     that history does not reach back that far. The locale chain is the one configured now.
 *
 * Exit codes: 0 — done, chain intact, page answered (served or not); 1 — the chain is broken, an
 * unknown clinic, page or locale, or the work failed (database not ready); 2 — a mistake on the command line (checked before anything boots). Only the export (or the
 * verdict) goes to stdout; Strapi's log and every error go to stderr.
 */
import { actAsCommand } from '../src/governance/actor';
import { AuditInputError, auditAction, auditCsv, auditRows, auditTime, verifyAuditChain, type ChainReport } from '../src/governance/audit';
import { SLUG_PATTERN, type PageType } from '../src/content/model';
import { shutDown } from '../src/database/settle';
import { AsServedLookupError, pageAsServed } from '../src/governance/as-served';
import { asServedText } from '../src/governance/as-served/text';
import { parseArgumentsOrExit, parseOptions, runCli, UsageError } from './cli';

const USAGE = [
  'Usage: npm run audit:export -- --since <date> [--until <date>] [--action <action>] [--json | --csv]',
  '       npm run audit:verify',
  '       npm run audit:page -- --clinic <slug> --page techniques/<slug>|conditions/<slug> --locale <code> --at <date> [--json]',
].join('\n');

type Command =
  | { command: 'export'; since: string; until: string | null; action: string | null; format: 'json' | 'csv' }
  | { command: 'verify' }
  | { command: 'page'; clinic: string; pageType: PageType; slug: string; locale: string; at: number; format: 'json' | 'text' };

const LOCALE_CODE = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;
const PAGE = /^(techniques|conditions)\/([a-z0-9]+(?:-[a-z0-9]+)*)$/;

function parsePage(rest: string[]): Command {
  const { values, flags } = parseOptions(rest, { values: ['--clinic', '--page', '--locale', '--at'], flags: ['--json'], usage: USAGE });
  const need = (name: string, what: string): string => {
    const value = values.get(name);
    if (value === undefined) throw new UsageError(`Name ${what} with ${name}.\n${USAGE}`);
    return value;
  };
  const clinic = need('--clinic', 'the clinic (its slug)');
  if (!SLUG_PATTERN.test(clinic)) throw new UsageError(`--clinic takes a clinic's slug (e.g. northside-physio), not "${clinic}".\n${USAGE}`);
  const page = PAGE.exec(need('--page', 'the page (techniques/<slug> or conditions/<slug>)'));
  if (page === null) throw new UsageError(`--page takes techniques/<slug> or conditions/<slug>, not "${values.get('--page') ?? ''}".\n${USAGE}`);
  const locale = need('--locale', 'the locale the page was served in');
  if (!LOCALE_CODE.test(locale)) throw new UsageError(`--locale takes a locale code (e.g. fr-CA), not "${locale}".\n${USAGE}`);
  let at: string;
  try {
    at = auditTime('--at', need('--at', 'the moment'));
  } catch (error) {
    throw error instanceof AuditInputError ? new UsageError(`${error.message}\n${USAGE}`) : error;
  }
  return { command: 'page', clinic, pageType: page[1] as PageType, slug: page[2] as string, locale, at: Date.parse(at), format: flags.has('--json') ? 'json' : 'text' };
}

/** Checked before Strapi loads, so a typo is answered at once. */
function parse(argv: string[]): Command {
  const [command, ...rest] = argv;
  if (command === 'verify') {
    if (rest.length > 0) throw new UsageError(`audit:verify takes no arguments, not ${rest.join(' ')}.\n${USAGE}`);
    return { command };
  }
  if (command === 'page') return parsePage(rest);
  if (command !== 'export') throw new UsageError(USAGE);
  const { values, flags } = parseOptions(rest, { values: ['--since', '--until', '--action'], flags: ['--json', '--csv'], usage: USAGE });
  if (flags.size > 1) throw new UsageError(`Give --json or --csv, not both.\n${USAGE}`);
  const since = values.get('--since');
  if (since === undefined) throw new UsageError(`Name where the export starts with --since <date>.\n${USAGE}`);
  const until = values.get('--until');
  const action = values.get('--action');
  try {
    return {
      command,
      since: auditTime('--since', since),
      until: until === undefined ? null : auditTime('--until', until),
      action: action === undefined ? null : auditAction(action),
      format: flags.has('--csv') ? 'csv' : 'json',
    };
  } catch (error) {
    throw error instanceof AuditInputError ? new UsageError(`${error.message}\n${USAGE}`) : error;
  }
}

class BrokenChainError extends Error {}

const options: Command = parseArgumentsOrExit(parse);

async function main(): Promise<void> {
  actAsCommand(`audit:${options.command}`);
  // Loaded only now: a command-line mistake is answered without loading Strapi.
  const { loadStrapiDatabase } = await import('./strapi-app');
  const strapi = await loadStrapiDatabase();
  let report: ChainReport;
  try {
    if (options.command === 'page') {
      const { command: _command, format, ...request } = options;
      const result = await pageAsServed(strapi, request);
      process.stdout.write(format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : asServedText(result));
      return;
    }
    if (options.command === 'export') {
      const rows = await auditRows(strapi, {
        since: options.since,
        ...(options.until === null ? {} : { until: options.until }),
        ...(options.action === null ? {} : { action: options.action }),
        order: 'asc',
      });
      process.stdout.write(options.format === 'csv' ? auditCsv(rows) : `${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    report = await verifyAuditChain(strapi);
  } finally {
    await shutDown(strapi);
  }
  if (report.firstBad !== null) {
    throw new BrokenChainError(`The audit trail is broken at row ${report.firstBad.id}: ${report.firstBad.problem}. The ${report.rows} rows before it verify.`);
  }
  process.stdout.write(`The audit trail is intact: ${report.rows} row${report.rows === 1 ? '' : 's'}, head ${report.head}.\n`);
}

runCli(main, (error) => error instanceof BrokenChainError || error instanceof AsServedLookupError);
