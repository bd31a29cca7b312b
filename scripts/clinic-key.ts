/**
 * npm run clinic:key -- create <clinic-slug> [--preview]   prints a new key as the last line
 * npm run clinic:key -- revoke <clinic-slug>               revokes all of the clinic's keys
 * npm run clinic:key -- list <clinic-slug>                 lists key ids, kinds and dates (never keys)
 */
import { bootStrapi } from './strapi-app';
import { ClinicKeyError, createClinicKey, listClinicKeys, revokeClinicKeys } from '../src/clinics/keys';
import { shutDown } from '../src/database/settle';
import { runCli } from './cli';

const USAGE = 'Usage: npm run clinic:key -- create <clinic-slug> [--preview] | revoke <clinic-slug> | list <clinic-slug>';

class UsageError extends Error {}

function parse(argv: string[]): { command: 'create' | 'revoke' | 'list'; slug: string; isPreview: boolean } {
  const flags = argv.filter((argument) => argument.startsWith('--'));
  const words = argv.filter((argument) => !argument.startsWith('--'));
  const [command, slug, extra] = words;
  if (command !== 'create' && command !== 'revoke' && command !== 'list') throw new UsageError(USAGE);
  if (slug === undefined || extra !== undefined) throw new UsageError(USAGE);
  const unknown = flags.filter((flag) => !(flag === '--preview' && command === 'create'));
  if (unknown.length > 0) throw new UsageError(`Unknown option ${unknown.join(', ')}. ${USAGE}`);
  return { command, slug, isPreview: flags.includes('--preview') };
}

async function main(): Promise<void> {
  const { command, slug, isPreview } = parse(process.argv.slice(2));
  const strapi = await bootStrapi();
  try {
    if (command === 'create') {
      const { key, id } = await createClinicKey({ strapi, slug, kind: isPreview ? 'preview' : 'public' });
      console.log(`Created ${isPreview ? 'preview' : 'public'} key ${id} for clinic "${slug}". It is shown only now; store it as a secret:`);
      console.log(key);
    } else if (command === 'revoke') {
      const count = await revokeClinicKeys({ strapi, slug });
      console.log(`Revoked ${count} key${count === 1 ? '' : 's'} of clinic "${slug}".`);
    } else {
      for (const key of await listClinicKeys({ strapi, slug })) {
        console.log(`${key.id}  ${key.kind.padEnd(7)}  created ${key.createdAt}  ${key.revokedAt === null ? 'active' : `revoked ${key.revokedAt}`}`);
      }
    }
  } finally {
    await shutDown(strapi);
  }
}

runCli(main, (error) => error instanceof UsageError || error instanceof ClinicKeyError);
