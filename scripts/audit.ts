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
 *
 * Exit codes: 0 — done, chain intact; 1 — the chain is broken, or the work failed (database not
 * ready); 2 — a mistake on the command line (checked before anything boots). Only the export (or the
 * verdict) goes to stdout; Strapi's log and every error go to stderr.
 */
import { actAsCommand } from '../src/governance/actor';
import { AuditInputError, auditAction, auditCsv, auditRows, auditTime, verifyAuditChain, type ChainReport } from '../src/governance/audit';
import { shutDown } from '../src/database/settle';
import { parseArgumentsOrExit, runCli } from './cli';

const USAGE = [
  'Usage: npm run audit:export -- --since <date> [--until <date>] [--action <action>] [--json | --csv]',
  '       npm run audit:verify',
].join('\n');

type Command = { command: 'export'; since: string; until: string | null; action: string | null; format: 'json' | 'csv' } | { command: 'verify' };

/** Checked before Strapi loads, so a typo is answered at once. */
function parse(argv: string[]): Command {
  const [command, ...rest] = argv;
  if (command === 'verify') {
    if (rest.length > 0) throw new AuditInputError(`audit:verify takes no arguments, not ${rest.join(' ')}.\n${USAGE}`);
    return { command };
  }
  if (command !== 'export') throw new AuditInputError(USAGE);
  const values = new Map<string, string>();
  const formats = new Set<'json' | 'csv'>();
  for (let index = 0; index < rest.length; index += 1) {
    const argument = rest[index] as string;
    const equals = argument.indexOf('=');
    const name = equals === -1 ? argument : argument.slice(0, equals);
    if (name === '--json' || name === '--csv') {
      if (equals !== -1) throw new AuditInputError(`${name} takes no value.\n${USAGE}`);
      formats.add(name === '--json' ? 'json' : 'csv');
      continue;
    }
    if (!['--since', '--until', '--action'].includes(name)) throw new AuditInputError(`Unknown argument ${argument}.\n${USAGE}`);
    if (values.has(name)) throw new AuditInputError(`${name} may be given once.\n${USAGE}`);
    const value = equals === -1 ? rest[(index += 1)] : argument.slice(equals + 1);
    if (value === undefined || value === '' || value.startsWith('--')) throw new AuditInputError(`${name} needs a value.\n${USAGE}`);
    values.set(name, value);
  }
  if (formats.size > 1) throw new AuditInputError(`Give --json or --csv, not both.\n${USAGE}`);
  const since = values.get('--since');
  if (since === undefined) throw new AuditInputError(`Name where the export starts with --since <date>.\n${USAGE}`);
  const until = values.get('--until');
  const action = values.get('--action');
  try {
    return {
      command,
      since: auditTime('--since', since),
      until: until === undefined ? null : auditTime('--until', until),
      action: action === undefined ? null : auditAction(action),
      format: formats.has('csv') ? 'csv' : 'json',
    };
  } catch (error) {
    throw error instanceof AuditInputError ? new AuditInputError(`${error.message}\n${USAGE}`) : error;
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

runCli(main, (error) => error instanceof BrokenChainError);
