/** Every route table of the service, mounted once on Strapi's router by the composition root. */
import type { Core } from '@strapi/strapi';
import type { CdnPurges } from '../cdn';
import { cdnRoutes } from '../cdn/routes';
import { adaptationRoutes } from '../clinics/adaptations/routes';
import { clinicsOfUser } from '../clinics/editors';
import { reviewRoutes } from '../editorial/routes';
import { auditRoutes } from '../governance/audit/routes';
import { createClinicOperations } from '../graphql/clinic-operations';
import { mountAdminRoutes } from '../http/admin-routes';
import { historyRoutes } from '../governance/history/routes';
import type { Scheduler } from '../governance/schedule';
import { scheduleRoutes } from '../governance/schedule/routes';
import { l10nRoutes } from '../l10n/routes';
import { observabilityRoutes } from '../observability/routes';
import { revalidationRoutes } from '../revalidation/routes';
import { sitePageRoutes } from '../site-pages/routes';
import type { CoreServices, ServingServices } from './services';

export function mountRoutes(input: { strapi: Core.Strapi; core: CoreServices; serving: ServingServices; cdn: CdnPurges; scheduler: Scheduler; isDraining: () => boolean }): void {
  const { strapi, core, serving, cdn, scheduler, isDraining } = input;
  const { directory, redis } = core;
  const operations = createClinicOperations({ strapi, directory, apollo: serving.apollo, fallbacks: serving.fallbacks });
  // Public routes: health, metrics (its own token) and the reference pages.
  strapi.server.routes([
    ...observabilityRoutes({ strapi, metrics: serving.metrics, redis, metricsToken: serving.metricsToken, isDraining }),
    ...sitePageRoutes({ strapi, operations }),
  ]);
  // The admin's JSON routes, through Strapi's admin authentication.
  mountAdminRoutes(strapi, [
    ...l10nRoutes({ strapi, directory }),
    ...revalidationRoutes({ strapi, clinicsOf: (user) => clinicsOfUser(strapi, user) }),
    ...reviewRoutes({ strapi }),
    ...adaptationRoutes({ strapi, clinicsOf: (user) => clinicsOfUser(strapi, user) }),
    ...cdnRoutes({ strapi, cdns: cdn.adapters.map((adapter) => adapter.name) }),
    ...historyRoutes({ strapi }),
    ...auditRoutes({ strapi }),
    ...scheduleRoutes({ strapi, scheduler }),
  ]);
}
