/**
 * Localized fields: which fields of each content type are translated, which must be present for an
 * entry to be published, and when a value counts as empty — an empty field is served from the next
 * locale of the chain (fr-CA → fr → en), so a regional locale holds only what differs.
 */
import type { Core } from '@strapi/strapi';

/**
 * Fields an entry must have to be published, in its own locale or along its chain. Strapi's own
 * `required` would demand them in every locale, which would force a regional locale to copy them.
 */
export const REQUIRED_LOCALIZED: Readonly<Record<string, readonly string[]>> = {
  'api::technique.technique': ['name', 'summary', 'intro', 'goal', 'medicalReview'],
  'api::condition.condition': ['name', 'summary', 'medicalReview'],
  'api::cause.cause': ['name', 'summary'],
  'api::provider-type.provider-type': ['name', 'summary'],
  'api::benefit.benefit': ['name', 'summary'],
};

/**
 * Why a required field is required, where the bare rule would puzzle an editor: appended to the
 * refusal. Medical content goes out only after a clinician has reviewed it (issue #8).
 */
export const REQUIRED_BECAUSE: Readonly<Record<string, string>> = {
  medicalReview: 'a technique or condition is published only with a medical review',
};

interface Attribute {
  type: string;
  pluginOptions?: { i18n?: { localized?: boolean } };
}

/** The attributes of a content type that are stored per locale (relations are, too, in Strapi 5). */
export function localizedFields(strapi: Core.Strapi, uid: string): string[] {
  const model = strapi.contentTypes[uid as keyof typeof strapi.contentTypes] as unknown as { attributes: Record<string, Attribute> } | undefined;
  if (model === undefined) return [];
  return Object.entries(model.attributes)
    .filter(([, attribute]) => attribute.pluginOptions?.i18n?.localized === true || attribute.type === 'relation')
    .map(([name]) => name);
}

/** True when a value holds nothing a reader would see: null, blank text, no items, blocks without text. */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0 || (value.every(isBlock) && !value.some(hasText));
  if (typeof value === 'object') {
    // A component is empty when none of its texts is set; its switches (seo.noIndex) do not count.
    return Object.entries(value as Record<string, unknown>).every(
      ([key, inner]) => key === 'id' || key === '__component' || typeof inner === 'boolean' || isEmptyValue(inner),
    );
  }
  return false;
}

function isBlock(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string' && Array.isArray((value as { children?: unknown }).children);
}

function hasText(value: unknown): boolean {
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.some(hasText);
  if (typeof value === 'object' && value !== null) {
    const node = value as { type?: unknown; text?: unknown; children?: unknown; image?: unknown };
    if (node.type === 'image' && node.image !== undefined) return true;
    if (typeof node.text === 'string' && node.text.trim() !== '') return true;
    return hasText(node.children);
  }
  return false;
}
