/** Sync for static sites: the manifest, the change feed and the sitemap's data (src/sync does the work). */
import type { PageType as PagePath } from '../../content/model';
import { FeedRequestError, type FeedEvent } from '../../sync';
import { clientError } from '../errors';
import type { PageType, Resolvers } from '../../../types/graphql/resolvers';

const PAGE_TYPES: Readonly<Record<PagePath, PageType>> = { techniques: 'TECHNIQUE', conditions: 'CONDITION' };
const EVENT_TYPES = { PAGE_CHANGED: 'PageChanged', PAGE_REMOVED: 'PageRemoved', CLINIC_CHANGED: 'ClinicChanged' } as const;

const pageInfo = (page: number, pageSize: number, total: number) => ({ page, pageSize, total, pageCount: Math.ceil(total / pageSize) });

function toEvent(event: FeedEvent) {
  const occurredAt = new Date(event.occurredAt).toISOString();
  if (event.kind === 'CLINIC_CHANGED') return { ...event, occurredAt };
  return { ...event, occurredAt, type: PAGE_TYPES[event.type] };
}

export const syncResolvers: Resolvers = {
  Query: {
    manifest: async (_, { page: requested, locale }, context) => {
      const page = requested?.page ?? 1;
      const pageSize = requested?.pageSize ?? 20;
      // Refuses a locale the service or the clinic does not have, as every localized query does.
      if (locale !== null && locale !== undefined) await context.scope(locale);
      const result = await context.sync.manifest({ page, pageSize, locale: locale ?? null });
      return {
        pages: result.pages.map((entry) => ({ ...entry, type: PAGE_TYPES[entry.type] })),
        pageInfo: pageInfo(page, pageSize, result.total),
        feedCursor: result.feedCursor,
      };
    },

    changes: async (_, { after, first }, context) => {
      try {
        const result = await context.sync.changes({ after: after ?? null, first });
        return { events: result.events.map(toEvent), pageInfo: { endCursor: result.endCursor, hasNextPage: result.hasNextPage } };
      } catch (error) {
        if (error instanceof FeedRequestError) throw clientError(error.code, error.message);
        throw error;
      }
    },

    sitemap: async (_, { page: requested }, context) => {
      const page = requested?.page ?? 1;
      const pageSize = requested?.pageSize ?? 20;
      const result = await context.sync.sitemap({ page, pageSize });
      if (result === null) {
        throw clientError('CLINIC_HAS_NO_WEBSITE', `Clinic "${context.caller.clinicSlug}" has no website: set one on the clinic and publish it, so its sitemap has URLs to list.`);
      }
      return { urls: result.urls, pageInfo: pageInfo(page, pageSize, result.total) };
    },
  },
  ChangeEvent: {
    __resolveType: (event) => EVENT_TYPES[event.kind],
  },
};
