/** Typed per-request context: the calling clinic, and content scopes (reader + DataLoaders) per locale. */
import type { Core } from '@strapi/strapi';
import { authenticateKey } from '../clinics/keys';
import { renderTokens, type ClinicTokenValues } from '../clinics/tokens';
import { createContentReader } from '../content/reader';
import { createContentScope } from '../content/scope';
import { localeChain, type FallbackMap } from '../locales/chain';
import { clientError } from './errors';
import type { ClinicEntry } from '../content/types';
import type { ContentScope } from '../content/scope';
import type { KeyKind } from '../clinics/keys';

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
}

interface LocaleService {
  find(): Promise<Array<{ code: string }>>;
  getDefaultLocale(): Promise<string>;
}

export function bearerToken(authorization: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1] ?? null;
}

function tokenValues(clinic: ClinicEntry): ClinicTokenValues {
  const { street, city, region, postalCode, country } = clinic.address;
  const locality = [city, [region, postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return {
    name: clinic.name,
    phone: clinic.phone,
    email: clinic.email,
    website: clinic.website ?? '',
    bookingUrl: clinic.bookingUrl ?? clinic.website ?? '',
    address: [street, locality, country].filter(Boolean).join(', '),
    city,
  };
}

export async function createContext(input: {
  strapi: Core.Strapi;
  authorization: string | undefined;
  fallbacks: FallbackMap;
}): Promise<GraphQLContext> {
  const { strapi, authorization, fallbacks } = input;
  const key = bearerToken(authorization);
  if (key === null) {
    throw clientError('UNAUTHENTICATED', 'Send your clinic key as "Authorization: Bearer <key>".');
  }
  const authenticated = await authenticateKey({ strapi, key });
  if (authenticated === null) throw clientError('UNAUTHENTICATED', 'This clinic key is unknown or revoked.');

  const locales = strapi.plugin('i18n').service('locales') as unknown as LocaleService;
  const [known, defaultLocale] = await Promise.all([locales.find(), locales.getDefaultLocale()]);
  const knownLocales = known.map((locale) => locale.code);
  const isPreview = authenticated.kind === 'preview';
  const status = isPreview ? 'draft' : 'published';

  const [clinic] = await createContentReader({
    strapi,
    status,
    chain: [defaultLocale, ...knownLocales.filter((code) => code !== defaultLocale)],
    renderText: (text) => text,
  }).loadEntries('api::clinic.clinic', [authenticated.clinicDocumentId]);
  if (clinic === null || clinic === undefined) {
    throw clientError('FORBIDDEN', `Clinic "${authenticated.clinicSlug}" is not published; publish it in the admin first.`);
  }

  const values = tokenValues(clinic);
  const scopes = new Map<string, ContentScope>();

  return {
    caller: { ...authenticated, isPreview },
    clinic,
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
        const chain = localeChain({ requested, fallbacks, knownLocales, defaultLocale });
        const reader = createContentReader({ strapi, status, chain, renderText: (text) => renderTokens(text, values) });
        scope = createContentScope({ reader, locale: requested });
        scopes.set(requested, scope);
      }
      return scope;
    },
  };
}
