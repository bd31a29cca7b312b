/** The calling clinic's profile. */
import { clientError } from '../errors';
import { serve } from '../mappers';
import type { Resolvers } from '../../../types/graphql/resolvers';

export const clinicResolvers: Resolvers = {
  Query: {
    clinic: async (_, { locale }, context) => {
      const scope = await context.scope(locale);
      const clinic = await scope.entry('api::clinic.clinic', context.caller.clinicDocumentId);
      if (clinic === null) throw clientError('NOT_FOUND', `Clinic "${context.caller.clinicSlug}" has no version to serve.`);
      return serve(clinic, scope);
    },
  },
  Clinic: {
    offeredTechniques: async (parent) =>
      (await parent.scope.entries('api::technique.technique', parent.offeredTechniques)).map((entry) => serve(entry, parent.scope)),
    providerTypes: async (parent) =>
      (await parent.scope.entries('api::provider-type.provider-type', parent.providerTypes)).map((entry) => serve(entry, parent.scope)),
  },
};
