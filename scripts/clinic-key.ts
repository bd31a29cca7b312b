/**
 * Clinic keys from the command line, for people and scripts:
 *
 * npm run clinic:key -- create <clinic-slug> [--preview] [--expires-in <N>d|<N>h | --expires-at <ISO date>]
 *                                                  prints the new key alone on the last line of stdout
 * npm run clinic:key -- revoke <clinic-slug> <key-id>   revokes one key (the others keep working)
 * npm run clinic:key -- revoke <clinic-slug> --all      revokes every key of the clinic
 * npm run clinic:key -- list <clinic-slug> [--json]     ids, kinds, created, expires, last used, status (never keys)
 *
 * Exit codes: 0 — done; 1 — the work failed (no such clinic or key id, database not ready); 2 — a
 * mistake on the command line (checked before anything boots).
 *
 * It boots only Strapi's database layer (scripts/strapi-app.ts loadStrapiDatabase), so a call takes
 * about as long as Node needs to load Strapi; writes go through src/clinics/keys.ts, as the tests' and
 * the admin's do, and reach running instances.
 */
import { ClinicKeyError, createClinicKey, expiryAfter, expiryAt, listClinicKeys, revokeClinicKey, revokeClinicKeys, type ListedKey } from '../src/clinics/keys';
import { shutDown } from '../src/database/settle';
import { textTable } from '../src/reports/text-table';
import { actAsCommand } from '../src/governance/actor';
import { parseArgumentsOrExit, runCli } from './cli';

const USAGE = [
  'Usage: npm run clinic:key -- create <clinic-slug> [--preview] [--expires-in <N>d|<N>h | --expires-at <ISO date or date-time>]',
  '       npm run clinic:key -- revoke <clinic-slug> <key-id> | --all',
  '       npm run clinic:key -- list <clinic-slug> [--json]',
].join('\n');

type Command =
  | { command: 'create'; slug: string; isPreview: boolean; expiresAt: Date | null }
  | { command: 'revoke'; slug: string; keyId: string | null }
  | { command: 'list'; slug: string; isJson: boolean };

class UsageError extends Error {}

/** Checked before Strapi loads, so a typo is answered at once. */
function parse(argv: string[]): Command {
  const words: string[] = [];
  const flags = new Map<string, string | true>();
  const valued = new Set(['--expires-in', '--expires-at']);
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] as string;
    if (!argument.startsWith('--')) {
      words.push(argument);
      continue;
    }
    const equals = argument.indexOf('=');
    const name = equals === -1 ? argument : argument.slice(0, equals);
    if (flags.has(name)) throw new UsageError(`${name} may be given once.\n${USAGE}`);
    if (valued.has(name)) {
      const value = equals === -1 ? argv[(index += 1)] : argument.slice(equals + 1);
      if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(`${name} needs a value.\n${USAGE}`);
      flags.set(name, value);
    } else {
      if (equals !== -1) throw new UsageError(`${name} takes no value.\n${USAGE}`);
      flags.set(name, true);
    }
  }
  const [command, slug, ...rest] = words;
  const allowed: Record<string, string[]> = { create: ['--preview', '--expires-in', '--expires-at'], revoke: ['--all'], list: ['--json'] };
  if (command === undefined || !(command in allowed)) throw new UsageError(USAGE);
  if (slug === undefined) throw new UsageError(`${command} needs a clinic slug.\n${USAGE}`);
  const unknown = [...flags.keys()].filter((flag) => !(allowed[command] as string[]).includes(flag));
  if (unknown.length > 0) throw new UsageError(`Unknown option ${unknown.join(', ')} for ${command}.\n${USAGE}`);

  if (command === 'revoke') {
    const isAll = flags.has('--all');
    if (rest.length > 1 || (isAll && rest.length > 0)) throw new UsageError(`revoke takes one key id, or --all.\n${USAGE}`);
    if (!isAll && rest.length === 0) {
      throw new UsageError(`Name the key to revoke (its id, from \`npm run clinic:key -- list ${slug}\`), or pass --all to revoke every key of the clinic.\n${USAGE}`);
    }
    return { command, slug, keyId: isAll ? null : (rest[0] as string) };
  }
  if (rest.length > 0) throw new UsageError(`Unexpected argument ${rest.join(' ')}.\n${USAGE}`);
  if (command === 'list') return { command, slug, isJson: flags.has('--json') };

  const expiresIn = flags.get('--expires-in');
  const expiresAtText = flags.get('--expires-at');
  if (expiresIn !== undefined && expiresAtText !== undefined) throw new UsageError(`Give --expires-in or --expires-at, not both.\n${USAGE}`);
  let expiresAt: Date | null = null;
  try {
    if (typeof expiresIn === 'string') expiresAt = expiryAfter(expiresIn);
    if (typeof expiresAtText === 'string') expiresAt = expiryAt(expiresAtText);
  } catch (error) {
    throw error instanceof ClinicKeyError ? new UsageError(`${error.message}\n${USAGE}`) : error;
  }
  return { command: 'create', slug, isPreview: flags.has('--preview'), expiresAt };
}

function describe(key: ListedKey): string[] {
  return [key.id, key.kind, key.createdAt, key.expiresAt ?? 'never', key.lastUsedAt ?? 'never', key.status === 'revoked' ? `revoked ${key.revokedAt}` : key.status];
}

const options: Command = parseArgumentsOrExit(parse);

async function main(): Promise<void> {
  actAsCommand('clinic:key');
  // Loaded only now: a command-line mistake is answered without loading Strapi.
  const { loadStrapiDatabase } = await import('./strapi-app');
  const strapi = await loadStrapiDatabase();
  try {
    if (options.command === 'create') {
      const kind = options.isPreview ? 'preview' : 'public';
      const { key, id, expiresAt } = await createClinicKey({ strapi, slug: options.slug, kind, expiresAt: options.expiresAt });
      console.log(
        `Created ${kind} key ${id} for clinic "${options.slug}"${expiresAt === null ? ', without expiry' : `, expiring at ${expiresAt}`}. It is shown only now; store it as a secret:`,
      );
      console.log(key);
    } else if (options.command === 'revoke' && options.keyId !== null) {
      const { wasActive, revokedAt } = await revokeClinicKey({ strapi, slug: options.slug, keyId: options.keyId });
      console.log(wasActive ? `Revoked key ${options.keyId} of clinic "${options.slug}".` : `Key ${options.keyId} of clinic "${options.slug}" was already revoked (at ${revokedAt}).`);
    } else if (options.command === 'revoke') {
      const count = await revokeClinicKeys({ strapi, slug: options.slug });
      console.log(`Revoked ${count} key${count === 1 ? '' : 's'} of clinic "${options.slug}".`);
    } else {
      const keys = await listClinicKeys({ strapi, slug: options.slug });
      if (options.isJson) process.stdout.write(`${JSON.stringify({ clinic: options.slug, keys }, null, 2)}\n`);
      else if (keys.length === 0) console.log(`Clinic "${options.slug}" has no keys; create one with \`npm run clinic:key -- create ${options.slug}\`.`);
      else console.log(textTable({ headers: ['id', 'kind', 'created', 'expires', 'last used', 'status'], rows: keys.map(describe), isRightAligned: () => false }).join('\n'));
    }
  } finally {
    await shutDown(strapi);
  }
}

runCli(main, (error) => error instanceof ClinicKeyError);
