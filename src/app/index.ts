/**
 * The composition root: builds every shared service once, mounts every route table, and owns the
 * order of start-up and shutdown. src/index.ts hands Strapi's register/bootstrap/destroy lifecycles
 * to the app of that Strapi instance.
 *
 * Start-up: register() — settings and secrets checked, the start-up lock taken, Document Service
 * middlewares and write subscribers registered, Redis and the clinic directory built (so a command's
 * light boot still tells running instances what it wrote); bootstrap() — start-up writes and the seed
 * (under the lock), then the serving services, routes, the settle point, the /graphql endpoint and the
 * front door. Shutdown (SIGTERM/SIGINT): drain requests in flight, stop the workers, then
 * strapi.destroy(), which calls destroy() here to close what was built, before the database goes.
 */
import type { Core } from '@strapi/strapi';
import { ensureDemoClinicEditor } from '../admin-account/ensure-demo-clinic-editor';
import { ensureDevAdmin } from '../admin-account/ensure-dev-admin';
import { adaptationBodyIssues, adaptationPairSubscriber, adaptationRenameSubscriber, adaptationWritesMiddleware } from '../clinics/adaptations';
import {
  clinicEditorBodyCheck,
  clinicEditorWritesMiddleware,
  ensureClinicEditorRole,
  guardClinicEditorEmails,
  registerClinicEditorConditions,
} from '../clinics/editors';
import { registerKeyUses } from '../clinics/key-use';
import { ADAPTATION, UIDS } from '../content/model';
import { mountHttpSettle, slugSyncSubscriber, writePipeline } from '../content/writes';
import { contentFormatMiddleware } from '../content-validation/middleware';
import { acquireBootLock, type ReleaseBootLock } from '../database/boot-lock';
import { cachePreparedStatements } from '../database/statement-cache';
import { applyFieldHelp } from '../editor-help/apply';
import { applyEditorLayouts } from '../editor-help/layouts';
import { assertProductionSecrets } from '../env/secrets';
import { requiredAlongChainMiddleware } from '../l10n/publish-check';
import { syncLocales } from '../locales/config';
import { adaptersFromSettings, cdnPurgeSettings, createCdnPurges, type CdnPurges } from '../cdn';
import { createRevalidation, type Revalidation } from '../revalidation';
import { revalidationSettings } from '../revalidation/settings';
import { isContentEmpty, runSeed, summarize } from '../seed';
import { createSync, type Sync } from '../sync';
import { registerHistory } from '../governance/history';
import { actingAs } from '../governance/actor';
import { registerAudit } from '../governance/audit';
import { createScheduler, type Scheduler } from '../governance/schedule';
import { shouldSeedOnEmpty } from '../seed/settings';
import { checkContentManagerBodies } from '../http/content-manager-writes';
import type { FrontDoor } from '../http/front-door';
import { keepRunningOnStrayRejections } from './process-guards';
import { loadSettings, settings } from '../settings';
import { buildCoreServices, type CoreServices, type ServingServices } from './services';
import { ownTerminationSignals } from './signals';

export interface App {
  register(): Promise<void>;
  bootstrap(): Promise<void>;
  /** Strapi's destroy lifecycle: closes what register() and bootstrap() built. */
  destroy(): Promise<void>;
  /** Drains, stops workers, then destroys Strapi (SIGTERM/SIGINT). */
  shutdown(): Promise<void>;
}

const apps = new WeakMap<Core.Strapi, App>();

/** The app of a Strapi instance (one per instance: tests run several in one process). */
export function appOf(strapi: Core.Strapi): App {
  let app = apps.get(strapi);
  if (app === undefined) {
    app = createApp(strapi);
    apps.set(strapi, app);
  }
  return app;
}

function createApp(strapi: Core.Strapi): App {
  let releaseBootLock: ReleaseBootLock | null = null;
  let core: CoreServices | null = null;
  let serving: ServingServices | null = null;
  let frontDoor: FrontDoor | null = null;
  let revalidation: Revalidation | null = null;
  let cdn: CdnPurges | null = null;
  let sync: Sync | null = null;
  let scheduler: Scheduler | null = null;

  async function releaseLock(): Promise<void> {
    await releaseBootLock?.();
    releaseBootLock = null;
  }

  /** Everything bootstrap() adds for serving HTTP: services, routes, settle point, endpoint, front door. */
  async function startServing(built: CoreServices): Promise<void> {
    // Loaded here, not at the top: commands that only register (a light boot) never pay for Apollo.
    const { buildServingServices } = await import('./services');
    const { mountRoutes } = await import('./routes');
    const { createGraphQLEndpoint } = await import('../graphql/endpoint');
    const { createEarlyHit } = await import('../graphql/early-hit');
    const { refuseLargeBodyEarly } = await import('../graphql/read-body');
    const { openFrontDoor } = await import('../http/front-door');
    const { learnSecurityHeaders } = await import('../http/security-headers');
    const { GRAPHQL_PATH } = await import('../graphql/http-semantics');
    serving = await buildServingServices(strapi, built);
    const services = serving;
    // Made in register(), which always runs first.
    const purges = cdn as CdnPurges;
    mountRoutes({ strapi, core: built, serving: services, cdn: purges, scheduler: scheduler as Scheduler, isDraining: () => frontDoor?.isDraining() ?? false });
    // Rows a stopped instance left pending are sent, and those of the start-up writes.
    purges.start(services.metrics);
    // Admin and API writes answer only once the caches (here and on other instances) have let go of
    // what they changed: an editor who saw "Published" never finds the old version on the site.
    mountHttpSettle(strapi);
    // Jobs that fell due while no instance ran run now, once the routes, purges and settle point are up.
    scheduler?.start();
    // /graphql is answered in the front door, with the security headers Strapi's chain would give it.
    const securityHeaders = { get: await learnSecurityHeaders(strapi, 'GET', GRAPHQL_PATH), other: await learnSecurityHeaders(strapi, 'POST', GRAPHQL_PATH) };
    frontDoor = openFrontDoor({
      httpServer: strapi.server.httpServer,
      early: [refuseLargeBodyEarly(services.limits.maxBodyBytes), createEarlyHit(services), createGraphQLEndpoint({ ...services, securityHeaders })],
      log: strapi.log,
    });
  }

  const app: App = {
    async register() {
      // Parsed afresh at every start (a process may boot several Strapis): a bad value stops it here.
      loadSettings();
      assertProductionSecrets();
      keepRunningOnStrayRejections(strapi);
      ownTerminationSignals(() => app.shutdown());
      // Held until bootstrap ends: schema sync, start-up writes and the seed run one instance at a time.
      releaseBootLock = await acquireBootLock(strapi);
      // Clinic editors first: a write outside their clinics is refused before anything else looks at it.
      strapi.documents.use(clinicEditorWritesMiddleware(strapi));
      strapi.documents.use(contentFormatMiddleware(strapi));
      strapi.documents.use(adaptationWritesMiddleware(strapi));
      strapi.documents.use(requiredAlongChainMiddleware(strapi));
      // The admin's raw body of an adaptation or clinic write: the content manager drops fields the type
      // lacks or the editor may not write before the Document Service sees them, and a vetted field, or
      // a clinic editor's write outside their clinic's contact fields, must be refused, not dropped.
      const editorAdaptationCheck = clinicEditorBodyCheck(strapi, ADAPTATION.uid);
      checkContentManagerBodies(strapi, {
        [ADAPTATION.uid]: async (input) => [...(await editorAdaptationCheck(input)), ...(await adaptationBodyIssues(strapi, input))],
        [UIDS.clinic]: clinicEditorBodyCheck(strapi, UIDS.clinic),
      });
      // One write pipeline: each write's change, its subscribers (outbox, purges, directory), one settle point.
      const pipeline = writePipeline(strapi);
      // A slug changed in one locale is the entry's slug in all (Strapi syncs every other non-localized
      // field itself); then the adaptations that name it follow.
      pipeline.inTransaction(slugSyncSubscriber(strapi));
      pipeline.inTransaction(adaptationRenameSubscriber(strapi));
      pipeline.inTransaction(adaptationPairSubscriber(strapi));
      revalidation = createRevalidation({ strapi, settings: revalidationSettings() });
      revalidation.register();
      // CDN purges (none unless configured; a half configuration stops the start, naming the variable).
      cdn = createCdnPurges({ strapi, adapters: adaptersFromSettings(), settings: cdnPurgeSettings() });
      cdn.register();
      // Content history: a version per document, locale and status every write changed, in its transaction.
      registerHistory(strapi);
      // The change feed static sites read: one row per write, appended last (under its ordering lock).
      sync = createSync({ strapi });
      sync.register();
      // The audit trail: one hash-chained row per governed action, after the feed's (lock order).
      registerAudit(strapi);
      // Scheduled publishes and unpublishes, and lapsed medical reviews (its worker starts with serving).
      scheduler = createScheduler({ strapi });
      scheduler.register();
      registerKeyUses(strapi);
      core = buildCoreServices(strapi);
    },

    async bootstrap() {
      try {
        // Rows a stopped instance left pending are sent; the seed's own are sent as it commits.
        revalidation?.start();
        sync?.start();
        cachePreparedStatements(strapi);
        await applyFieldHelp(strapi);
        await applyEditorLayouts(strapi);
        await syncLocales(strapi);
        // The clinic editor role in every environment, after the locales its permissions name.
        guardClinicEditorEmails(strapi);
        await registerClinicEditorConditions(strapi);
        await ensureClinicEditorRole(strapi);
        await ensureDevAdmin(strapi);
        if (shouldSeedOnEmpty() && (await isContentEmpty(strapi))) {
          strapi.log.info('The database holds no content yet: importing data/seed.');
          // Recorded in history as an import by the seed, not as edits.
          strapi.log.info(summarize(await actingAs({ kind: 'service', name: 'seed' }, () => runSeed({ strapi }))));
        }
        // After the seed: the demo clinic editor is linked to one of its clinics.
        await ensureDemoClinicEditor(strapi);
        await startServing(core ?? (core = buildCoreServices(strapi)));
      } finally {
        await releaseLock();
      }
    },

    async destroy() {
      await scheduler?.stop();
      await revalidation?.stop();
      await sync?.stop();
      await cdn?.stop();
      await releaseLock();
      frontDoor?.close();
      frontDoor = null;
      await serving?.apollo.stop();
      await serving?.cache?.close();
      serving = null;
      if (core !== null) {
        const { directory, redis } = core;
        core = null;
        await directory.close();
        if (redis !== null) await redis.quit().catch(() => redis.disconnect());
      }
    },

    async shutdown() {
      await frontDoor?.drain(settings().SHUTDOWN_TIMEOUT_MS);
      await scheduler?.stop();
      await revalidation?.stop();
      await sync?.stop();
      await cdn?.stop();
      await strapi.destroy();
    },
  };
  return app;
}
