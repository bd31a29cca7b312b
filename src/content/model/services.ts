/**
 * Typed handles on the Strapi services the content model rests on, for the calls this project makes:
 * the i18n plugin's locales (which locales exist, the default one), the content manager's views of each
 * type (labels, help texts, layouts), and a type's Document Service for code that treats every type
 * alike. Strapi types plugin services as `any` and the Document Service per type, which a loop over
 * types cannot name; the shapes are written here once.
 */
import type { Core } from '@strapi/strapi';
import type { AdaptationUid, ContentUid } from './registry';

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

/** A model as the content manager sees it: its attributes, and which of them it hides from editors. */
export interface ContentManagerModel {
  attributes: Record<string, { type: string }>;
  config?: { attributes?: Record<string, { hidden?: boolean }> };
}

/** A content type's or component's view in the content manager: field labels and help, list and edit layouts. */
export interface ViewConfiguration {
  settings?: Record<string, unknown>;
  metadatas?: Record<string, { edit?: Record<string, unknown>; list?: Record<string, unknown> }>;
  layouts?: { list?: string[]; edit?: Array<Array<{ name: string; size: number }>> };
}

export interface ViewConfigurations {
  findConfiguration(model: { uid: string }): Promise<ViewConfiguration>;
  updateConfiguration(model: { uid: string }, configuration: ViewConfiguration): Promise<unknown>;
}

export interface ContentManagerViews {
  /** Content types' views, and the content manager's view of each type. */
  contentTypes: ViewConfigurations & { findContentType(uid: string): ContentManagerModel | undefined };
  components: ViewConfigurations;
  /** How many of an edit row's 12 columns a field of a type takes, and whether editors may resize it. */
  fieldSizes: { getFieldSize(type: string): { default: number; isResizable: boolean } };
}

/** The content manager plugin's services for the views editors work in. */
export function contentManagerViews(strapi: Core.Strapi): ContentManagerViews {
  const plugin = strapi.plugin('content-manager');
  return {
    contentTypes: plugin.service<ContentManagerViews['contentTypes']>('content-types'),
    components: plugin.service<ViewConfigurations>('components'),
    fieldSizes: plugin.service<ContentManagerViews['fieldSizes']>('field-sizes'),
  };
}

/** The Document Service calls made on any type, with entries as plain records. */
export interface TypeDocuments {
  findMany(params: Record<string, unknown>): Promise<Array<Record<string, unknown>>>;
  create(params: { locale: string; data: Record<string, unknown> }): Promise<{ documentId: string }>;
  update(params: { documentId: string; locale: string; data: Record<string, unknown> }): Promise<{ documentId: string } | null>;
  publish(params: { documentId: string; locale: string }): Promise<unknown>;
}

/**
 * A served type's (or clinic adaptations') Document Service, for code that handles every type alike
 * (seed import, XLIFF import and export).
 */
export function documentsOf(strapi: Core.Strapi, uid: ContentUid | AdaptationUid): TypeDocuments {
  // Strapi types params and results per uid (a union of seven service types here); the calls above are
  // the same for every type, with the fields as records.
  return strapi.documents(uid) as unknown as TypeDocuments;
}
