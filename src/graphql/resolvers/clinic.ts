/** The calling clinic's profile. */
import { UIDS } from '../../content/model';
import { clientError } from '../errors';
import { serve } from '../mappers';
import type { Resolvers } from '../../../types/graphql/resolvers';

export const clinicResolvers: Resolvers = {
  Query: {
    clinic: async (_, { locale }, context) => {
      const scope = await context.scope(locale);
      const clinic = await scope.entry(UIDS.clinic, context.caller.clinicDocumentId);
      if (clinic === null) throw clientError('NOT_FOUND', `Clinic "${context.caller.clinicSlug}" has no version to serve.`);
      return serve(clinic, scope);
    },
  },
  Clinic: {
    offeredTechniques: async (parent) =>
      (await parent.scope.entries(UIDS.technique, parent.offeredTechniques)).map((entry) => serve(entry, parent.scope)),
    providerTypes: async (parent) =>
      (await parent.scope.entries(UIDS.providerType, parent.providerTypes)).map((entry) => serve(entry, parent.scope)),
  },
};
