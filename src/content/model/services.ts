/**
 * Typed handles on the Strapi services the content model rests on, for the calls this project makes:
 * the i18n plugin's locales (which locales exist, the default one) and a type's Document Service for
 * code that treats every type alike. Strapi types the first as `any` and the second per type, which a
 * loop over types cannot name; the shapes are written here once.
 */
import type { Core } from '@strapi/strapi';
import type { ContentUid } from './registry';

/** A locale as the i18n plugin stores it. */
export interface LocaleRecord {
  id: number;
  code: string;
  name: string;
  isDefault?: boolean;
}

export interface LocalesService {
  find(): Promise<LocaleRecord[]>;
  getDefaultLocale(): Promise<string>;
  setDefaultLocale(locale: { code: string }): Promise<unknown>;
}

export interface LocalePermissionsService {
  actions: { syncSuperAdminPermissionsWithLocales(): Promise<void> };
}

/** The i18n plugin's locales service. */
export function i18nLocales(strapi: Core.Strapi): LocalesService {
  return strapi.plugin('i18n').service<LocalesService>('locales');
}

/** The i18n plugin's permissions service (the super admin's rights on each locale). */
export function i18nPermissions(strapi: Core.Strapi): LocalePermissionsService {
  return strapi.plugin('i18n').service<LocalePermissionsService>('permissions');
}

/** The locale codes that exist in Strapi, in its order. */
export async function localeCodes(strapi: Core.Strapi): Promise<string[]> {
  return (await i18nLocales(strapi).find()).map((locale) => locale.code);
}

/** The Document Service calls made on any type, with entries as plain records. */
export interface TypeDocuments {
  findMany(params: Record<string, unknown>): Promise<Array<Record<string, unknown>>>;
  create(params: { locale: string; data: Record<string, unknown> }): Promise<{ documentId: string }>;
  update(params: { documentId: string; locale: string; data: Record<string, unknown> }): Promise<{ documentId: string } | null>;
  publish(params: { documentId: string; locale: string }): Promise<unknown>;
}

/** A served type's Document Service, for code that handles every type alike (seed import, XLIFF import). */
export function documentsOf(strapi: Core.Strapi, uid: ContentUid): TypeDocuments {
  // Strapi types params and results per uid (a union of six service types here); the calls above are
  // the same for every type, with the fields as records.
  return strapi.documents(uid) as unknown as TypeDocuments;
}
