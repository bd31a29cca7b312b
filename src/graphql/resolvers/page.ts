/** The therapy page: one request for all a page needs, with its SEO and JSON-LD. */
import { UIDS } from '../../content/model';
import { therapyPageJsonLd } from '../../seo/json-ld';
import { therapyPageSeo } from '../../seo/page-seo';
import { clientError } from '../errors';
import { serve, type TherapyPageParent } from '../mappers';
import { preload } from './content';
import { subfieldNodes } from './selection';
import type { Resolvers } from '../../../types/graphql/resolvers';

const pageSeo = (parent: TherapyPageParent) => therapyPageSeo(parent);

export const pageResolvers: Resolvers = {
  Query: {
    therapyPage: async (_, { slug, locale }, context, info) => {
      const scope = await context.scope(locale);
      const [technique, clinic] = await Promise.all([
        scope.bySlug(UIDS.technique, slug),
        scope.entry(UIDS.clinic, context.caller.clinicDocumentId),
      ]);
      if (technique === null) throw clientError('NOT_FOUND', `There is no technique "${slug}" to serve in ${scope.locale}.`);
      if (clinic === null) throw clientError('NOT_FOUND', `Clinic "${context.caller.clinicSlug}" has no version to serve.`);
      await preload(scope, UIDS.technique, [technique], subfieldNodes(info.fieldNodes, info.fragments, 'technique'), info.fragments);
      return { technique: serve(technique, scope), clinic: serve(clinic, scope) };
    },
  },
  TherapyPage: {
    locale: (parent) => parent.technique.locale,
    fallbackFields: (parent) => parent.technique.fallbackFields,
    adaptedFields: (parent) => parent.technique.adaptedFields,
    seo: pageSeo,
    jsonLd: async (parent) => {
      const { technique, clinic } = parent;
      const scope = technique.scope;
      // Their names, summaries and causes: their listings with their relation lists.
      const conditions = await scope.entries(UIDS.condition, scope.links(UIDS.technique, technique, 'treats'), 'linked');
      const causeIds = conditions.flatMap((condition) => scope.links(UIDS.condition, condition, 'causes'));
      // Only their names: their listings.
      const causes = await scope.entries(UIDS.cause, [...new Set(causeIds)], 'listing');
      const causeNames = new Map(causes.map((cause) => [cause.documentId, cause.name]));
      const seo = pageSeo(parent);
      return therapyPageJsonLd({
        technique,
        clinic,
        title: seo.metaTitle,
        description: seo.metaDescription,
        conditions: conditions.map((condition) => ({
          condition,
          causeNames: condition.causes.flatMap((id) => causeNames.get(id) ?? []),
        })),
      });
    },
  },
};
