/** Typed per-request context: the calling clinic, and content scopes (reader + DataLoaders) per locale. */
import type { Core } from '@strapi/strapi';
import { GraphQLError } from 'graphql';
import type { ResponseMedia } from './http-semantics';
import { clinicTag, LOCALES_TAG } from '../content/tags';
import type { ClinicDirectory } from '../clinics/directory';
import { clinicTokenValues, renderTokens, tokenRendererForJson } from '../clinics/tokens';
import { createContentReader } from '../content/reader';
import { createContentScope } from '../content/scope';
import { localeChain, type FallbackMap } from '../locales/chain';
import { clientError } from './errors';
import { isDatabaseUnavailable, unavailableError } from '../database/unavailable';
import type { ClinicEntry } from '../content/types';
import type { ContentScope } from '../content/scope';
import type { KeyKind } from '../clinics/keys';
import type { Identification } from './caller';
import { clinicSync, type ClinicSync } from '../sync';

export interface Caller {
  clinicDocumentId: string;
  clinicSlug: string;
  keyId: string;
  kind: KeyKind;
  isPreview: boolean;
}

export interface GraphQLContext {
  caller: Caller;
  /** The calling clinic as stored (tokens unrendered), in its default locale. */
  clinic: ClinicEntry;
  /** The scope for a `locale` argument: validated, cached for the request. */
  scope(locale: string | null | undefined): Promise<ContentScope>;
  /** Cache tags of everything this request read (see content/tags.ts). */
  reads: Set<string>;
  /** The manifest, change feed and sitemap of the calling clinic (src/sync). */
  sync: ClinicSync;
}

/** `extensions.reason` of an UNAUTHENTICATED error: stable names clients may branch on. */
export const UNAUTHENTICATED_REASONS = {
  missing: 'KEY_MISSING',
  unknown: 'KEY_UNKNOWN',
  revoked: 'KEY_REVOKED',
  expired: 'KEY_EXPIRED',
} as const;

/**
 * Context creation reads the directory: a database that cannot be reached is a 503, not a 500. A
 * refusal made here (an unpublished clinic) never reaches Apollo's status plugins, so its status is
 * set here by the rule of src/graphql/http-semantics.ts: 200 for application/json, 403 otherwise.
 */
export async function createContext(input: Parameters<typeof buildContext>[0] & { media: ResponseMedia }): Promise<GraphQLContext> {
  try {
    return await buildContext(input);
  } catch (error) {
    if (isDatabaseUnavailable(error)) {
      input.strapi.log.error(`Database unreachable: ${error instanceof Error ? error.message : String(error)}`);
      throw unavailableError();
    }
    if (error instanceof GraphQLError && error.extensions.code === 'FORBIDDEN') {
      throw new GraphQLError(error.message, { extensions: { code: 'FORBIDDEN', http: { status: input.media === 'json' ? 200 : 403 } } });
    }
    throw error;
  }
}

async function buildContext(input: {
  strapi: Core.Strapi;
  directory: ClinicDirectory;
  /** Who the pipeline found calling (src/graphql/caller.ts). */
  identification: Identification;
  fallbacks: FallbackMap;
  /** Where the request's cache tags go; none are collected when not given. */
  reads?: Set<string>;
}): Promise<GraphQLContext> {
  const { identification } = input;
  if (identification.kind === 'missing') {
    throw clientError('UNAUTHENTICATED', 'Send your clinic key as "Authorization: Bearer <key>".', { reason: UNAUTHENTICATED_REASONS.missing });
  }
  if (identification.kind === 'failed') throw identification.error;
  const { check } = identification;
  if (check.status === 'unknown') throw clientError('UNAUTHENTICATED', 'This clinic key is unknown.', { reason: UNAUTHENTICATED_REASONS.unknown });
  if (check.status === 'revoked') throw clientError('UNAUTHENTICATED', 'This clinic key was revoked; use the clinic\'s current key.', { reason: UNAUTHENTICATED_REASONS.revoked });
  if (check.status === 'expired') {
    throw clientError('UNAUTHENTICATED', `This clinic key expired at ${check.expiresAt}; use the clinic's current key.`, { reason: UNAUTHENTICATED_REASONS.expired });
  }
  const authenticated = check.caller;
  return contextFor({ ...input, caller: { ...authenticated, isPreview: authenticated.kind === 'preview' } });
}

/**
 * A context for a clinic named by the service itself rather than by a key: the reference and preview
 * pages (src/site-pages) run the sites' own operations through it. Null when there is no such clinic.
 */
export async function createClinicContext(input: {
  strapi: Core.Strapi;
  directory: ClinicDirectory;
  clinicSlug: string;
  isPreview: boolean;
  fallbacks: FallbackMap;
  /** Names the page in logs and metrics, where a key id would be. */
  purpose: string;
}): Promise<GraphQLContext | null> {
  const clinicDocumentId = await input.directory.clinicIdBySlug(input.clinicSlug);
  if (clinicDocumentId === null) return null;
  const kind: KeyKind = input.isPreview ? 'preview' : 'public';
  return contextFor({ ...input, caller: { clinicDocumentId, clinicSlug: input.clinicSlug, keyId: input.purpose, kind, isPreview: input.isPreview } });
}

async function contextFor(input: {
  strapi: Core.Strapi;
  directory: ClinicDirectory;
  caller: Caller;
  fallbacks: FallbackMap;
  reads?: Set<string>;
}): Promise<GraphQLContext> {
  const { strapi, directory, caller, fallbacks } = input;
  const reads = input.reads ?? new Set<string>();
  // Tags are collected only for answers that may be cached.
  const onRead =
    input.reads === undefined
      ? undefined
      : (tags: string[]) => {
          for (const tag of tags) reads.add(tag);
        };

  const { knownLocales, defaultLocale } = await directory.locales();
  const status = caller.isPreview ? 'draft' : 'published';

  reads.add(LOCALES_TAG).add(clinicTag(caller.clinicDocumentId));
  const clinic = await directory.clinic(caller.clinicDocumentId, status);
  if (clinic === null) {
    throw clientError('FORBIDDEN', `Clinic "${caller.clinicSlug}" is not published; publish it in the admin first.`);
  }

  const values = clinicTokenValues(clinic);
  const renderJson = tokenRendererForJson(values);
  const scopes = new Map<string, ContentScope>();
  const chainOf = (requested: string) => localeChain({ requested, fallbacks, knownLocales, defaultLocale });
  // A locale the service no longer has is left out of the clinic's pages (a request for it is refused).
  const servedLocales = clinic.locales.filter((code) => knownLocales.includes(code));

  return {
    caller,
    reads,
    clinic,
    sync: clinicSync({ strapi, clinic: { ...clinic, documentId: caller.clinicDocumentId, slug: caller.clinicSlug, locales: servedLocales }, status, chainOf, onRead }),
    async scope(locale) {
      const requested = locale ?? clinic.locales[0] ?? defaultLocale;
      if (!knownLocales.includes(requested)) {
        throw clientError('BAD_USER_INPUT', `Unknown locale "${requested}"; this service has ${knownLocales.join(', ')}.`);
      }
      if (!clinic.locales.includes(requested)) {
        throw clientError('FORBIDDEN', `Clinic "${clinic.slug}" does not publish locale "${requested}" (its locales: ${clinic.locales.join(', ')}).`);
      }
      let scope = scopes.get(requested);
      if (scope === undefined) {
        const chain = chainOf(requested);
        // The clinic's adaptations are read with the entries they adapt (src/content/adaptation.ts).
        const reader = createContentReader({ strapi, status, chain, clinic: caller.clinicSlug, renderText: (text) => renderTokens(text, values), renderJson, onRead });
        scope = createContentScope({ reader, locale: requested });
        scopes.set(requested, scope);
      }
      return scope;
    },
  };
}
