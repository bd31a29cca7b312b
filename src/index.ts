import type { Core } from '@strapi/strapi';
import { ensureDevAdmin } from './admin-account/ensure-dev-admin';
import { writePipeline } from './content/writes';
import { contentFormatMiddleware } from './content-validation/middleware';
import { acquireBootLock, type ReleaseBootLock } from './database/boot-lock';
import { cachePreparedStatements } from './database/statement-cache';
import { registerKeyUses } from './clinics/key-use';
import { applyFieldHelp } from './editor-help/apply';
import { applyEditorLayouts } from './editor-help/layouts';
import { assertProductionSecrets } from './env/secrets';
import type { GraphQLService } from './graphql/server';
import { shouldSeedOnEmpty } from './seed/settings';
import { isContentEmpty, runSeed, summarize } from './seed';
import { syncLocales } from './locales/config';
import { requiredAlongChainMiddleware } from './l10n/publish-check';
import { createRevalidation, type Revalidation } from './revalidation';
import { revalidationSettings } from './revalidation/settings';

let graphql: GraphQLService | null = null;
let revalidation: Revalidation | null = null;

function shutdownTimeoutMs(): number {
  const value = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 10000);
  return Number.isFinite(value) && value >= 0 ? value : 10000;
}
let releaseBootLock: ReleaseBootLock | null = null;
let isGuardInstalled = false;

/**
 * A promise some background task (ours, Strapi's or a driver's) lets fail unobserved — typically a
 * database connection that could not be acquired while PostgreSQL is away — must not take the whole
 * service down: it is logged with its stack and the process keeps answering (503 until the database
 * is back). Exceptions thrown synchronously still end the process.
 */
function keepRunningOnStrayRejections(strapi: Core.Strapi): void {
  // Under jest the test runner reports stray rejections itself, as failures.
  if (isGuardInstalled || process.env.JEST_WORKER_ID !== undefined) return;
  isGuardInstalled = true;
  process.on('unhandledRejection', (reason: unknown) => {
    const text = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    strapi.log.error(`A background task failed and nobody was waiting for it; the service keeps running: ${text}`);
  });
}

export default {
  async register({ strapi }: { strapi: Core.Strapi }) {
    assertProductionSecrets();
    keepRunningOnStrayRejections(strapi);
    // Held until bootstrap ends: schema sync, start-up writes and the seed run one instance at a time.
    releaseBootLock = await acquireBootLock(strapi);
    // SIGTERM/SIGINT call strapi.destroy(): requests in flight finish first, before Strapi takes down
    // plugins, the server and the database pools.
    const destroy = strapi.destroy.bind(strapi);
    strapi.destroy = async () => {
      await graphql?.drain(shutdownTimeoutMs());
      return destroy();
    };
    strapi.documents.use(contentFormatMiddleware(strapi));
    strapi.documents.use(requiredAlongChainMiddleware(strapi));
    writePipeline(strapi);
    revalidation = createRevalidation({ strapi, settings: revalidationSettings() });
    revalidation.register();
    registerKeyUses(strapi);
  },

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    try {
      revalidation?.start();
      cachePreparedStatements(strapi);
      await applyFieldHelp(strapi);
      await applyEditorLayouts(strapi);
      await syncLocales(strapi);
      await ensureDevAdmin(strapi);
      if (shouldSeedOnEmpty() && (await isContentEmpty(strapi))) {
        strapi.log.info('The database holds no content yet: importing data/seed.');
        strapi.log.info(summarize(await runSeed({ strapi })));
      }
      // Loaded here, not at the top: commands that only register (scripts/strapi-app.ts
      // loadStrapiDatabase) never pay for Apollo and the schema.
      const { mountGraphQL } = await import('./graphql/server');
      graphql = await mountGraphQL(strapi);
    } finally {
      await releaseBootLock?.();
      releaseBootLock = null;
    }
  },

  async destroy() {
    await revalidation?.stop();
    await releaseBootLock?.();
    releaseBootLock = null;
    await graphql?.stop();
    graphql = null;
  },
};
