/** Runs before `npm run develop`: makes sure .env exists and holds every development secret. */
import path from 'path';
import { prepareDevEnv } from '../src/env/dev-env';

prepareDevEnv({ root: path.resolve(__dirname, '..'), environment: process.env }).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
