/** Every route table of the service, mounted once on Strapi's router by the composition root. */
import type { Core } from '@strapi/strapi';
import { reviewRoutes } from '../editorial/routes';
import { createClinicOperations } from '../graphql/clinic-operations';
import { l10nRoutes } from '../l10n/routes';
import { observabilityRoutes } from '../observability/metrics';
import { revalidationRoutes } from '../revalidation/routes';
import { sitePageRoutes } from '../site-pages/routes';
import type { CoreServices, ServingServices } from './services';

export function mountRoutes(input: { strapi: Core.Strapi; core: CoreServices; serving: ServingServices; isDraining: () => boolean }): void {
  const { strapi, core, serving, isDraining } = input;
  const { directory, redis } = core;
  strapi.server.routes([
    ...observabilityRoutes({ strapi, metrics: serving.metrics, redis, metricsToken: serving.metricsToken, isDraining }),
    ...l10nRoutes({ strapi, directory }),
    ...revalidationRoutes({ strapi }),
    ...sitePageRoutes({ strapi, operations: createClinicOperations({ strapi, directory, apollo: serving.apollo, fallbacks: serving.fallbacks }) }),
    ...reviewRoutes({ strapi }),
  ] as never);
}
