/**
 * Operations run as a clinic named by the service itself rather than by a key: the reference and
 * preview pages (src/site-pages) run the sites' own operations through Apollo this way. Answers are
 * values (data, or the first error's code and message), so callers need nothing of GraphQL's types.
 */
import type { ApolloServer } from '@apollo/server';
import type { Core } from '@strapi/strapi';
import { GraphQLError, type DocumentNode } from 'graphql';
import type { ClinicDirectory } from '../clinics/directory';
import type { FallbackMap } from '../locales/chain';
import { createClinicContext, type GraphQLContext } from './context';

export type OperationResult<T> = { kind: 'data'; data: T } | { kind: 'error'; code: string; message: string };

export function createClinicOperations(input: { strapi: Core.Strapi; directory: ClinicDirectory; apollo: ApolloServer<GraphQLContext>; fallbacks: FallbackMap }) {
  const { strapi, directory, apollo, fallbacks } = input;

  async function run<T>(contextValue: GraphQLContext, document: DocumentNode, variables: Record<string, unknown>): Promise<OperationResult<T>> {
    const response = await apollo.executeOperation<T>({ query: document, variables }, { contextValue });
    if (response.body.kind !== 'single') return { kind: 'error', code: 'INTERNAL', message: 'The page query answered in parts.' };
    const { data, errors } = response.body.singleResult;
    const first = errors?.[0];
    if (first !== undefined) return { kind: 'error', code: String(first.extensions?.code ?? 'INTERNAL'), message: first.message };
    if (data === null || data === undefined) return { kind: 'error', code: 'INTERNAL', message: 'The page query returned no data.' };
    return { kind: 'data', data };
  }

  return {
    /** The clinic with this slug, ready to run operations as; null when there is none. */
    async open(options: { clinicSlug: string; isPreview: boolean; purpose: string }) {
      let context: GraphQLContext | null;
      try {
        context = await createClinicContext({ strapi, directory, fallbacks, ...options });
      } catch (error) {
        if (error instanceof GraphQLError) return { kind: 'error' as const, code: String(error.extensions?.code ?? 'INTERNAL'), message: error.message };
        throw error;
      }
      if (context === null) return null;
      const contextValue = context;
      return {
        kind: 'clinic' as const,
        run: <T>(document: DocumentNode, variables: Record<string, unknown>) => run<T>(contextValue, document, variables),
        sync: contextValue.sync,
      };
    },
  };
}
