/** Runs before `npm run develop`: makes sure .env exists and holds every development secret. */
import path from 'path';
import { ensureDevEnv } from '../src/env/dev-env';

async function main(): Promise<void> {
  const result = await ensureDevEnv(path.resolve(__dirname, '..'));
  if (result.action === 'created') console.log('Created .env with random development secrets.');
  if (result.action === 'completed') console.log(`Added ${result.added.join(', ')} to .env.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
