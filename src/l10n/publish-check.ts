/**
 * Publishing needs the type's required localized fields (the registry's `requiredLocalized`) — in the
 * locale published, or in a locale its chain falls back to that is published (or published in the same
 * call). A regional locale may therefore hold only what differs from its fallback, and no published
 * entry serves without a name (nor a technique or condition without a medical review). A field counts
 * as empty as the reader sees it (content/values.ts), so what passes here is what the API serves.
 */
import type { Core, Modules } from '@strapi/strapi';
import { isServedUid, MODELS, modelMeta } from '../content/model';
import { isEmptyValue } from '../content/values';
import { ContentFormatError } from '../content-validation/middleware';
import { chainOf, localeSettings } from '../locales/config';

/**
 * Why a required field is required, where the bare rule would puzzle an editor: appended to the
 * refusal. Medical content goes out only after a clinician has reviewed it (issue #8).
 */
const REQUIRED_BECAUSE: Readonly<Record<string, string>> = {
  medicalReview: 'a technique or condition is published only with a medical review',
};

type Row = Record<string, unknown> & { locale: string; publishedAt: string | null };

/** Components are rows of their own: a query must populate them, as `select` sees only columns. */
function isComponentField(strapi: Core.Strapi, uid: string, field: string): boolean {
  return modelMeta(strapi, uid).field(field)?.type === 'component';
}

/** The refusal for one field: what is missing where, why (when the rule alone would puzzle), and the fix. */
function refusal(input: { field: string; locale: string; fallbacks: string[]; isComponent: boolean }): string {
  const { field, locale, fallbacks, isComponent } = input;
  const because = REQUIRED_BECAUSE[field] === undefined ? '' : `: ${REQUIRED_BECAUSE[field]}`;
  if (fallbacks.length === 0) {
    return `${field} ${isComponent ? 'is missing' : 'must not be empty'} in "${locale}", the default locale${because}`;
  }
  const fix = isComponent ? `add one, or publish one in ${fallbacks[0]} first` : `fill it in, or publish it in ${fallbacks[0]} first`;
  return `${field} ${isComponent ? 'is missing' : 'is empty'} in "${locale}" and in every published locale it falls back to (${fallbacks.join(' → ')})${because}; ${fix}`;
}

export function requiredAlongChainMiddleware(strapi: Core.Strapi): Modules.Documents.Middleware.Middleware {
  return async (context, next) => {
    const required = isServedUid(context.uid) ? MODELS[context.uid].requiredLocalized : [];
    if (context.action !== 'publish' || required.length === 0) return next();
    const params = context.params as { documentId?: string; locale?: string | string[] };
    if (typeof params.documentId !== 'string') return next();
    const settings = localeSettings(strapi);
    const components = required.filter((field) => isComponentField(strapi, context.uid, field));
    const rows = (await strapi.db.query(context.uid).findMany({
      where: { documentId: params.documentId },
      select: ['id', 'locale', 'publishedAt', ...required.filter((field) => !components.includes(field))],
      ...(components.length > 0 ? { populate: Object.fromEntries(components.map((field) => [field, true])) } : {}),
    })) as Row[];
    const drafts = new Map(rows.filter((row) => row.publishedAt === null).map((row) => [row.locale, row]));
    const published = new Map(rows.filter((row) => row.publishedAt !== null).map((row) => [row.locale, row]));
    const requested = params.locale ?? settings.defaultLocale;
    const publishing = requested === '*' ? [...drafts.keys()] : Array.isArray(requested) ? requested : [requested];
    const known = [...new Set([...settings.locales.map((locale) => locale.code), ...rows.map((row) => row.locale)])];

    const issues: Array<{ path: string[]; message: string }> = [];
    for (const locale of publishing) {
      const draft = drafts.get(locale);
      if (draft === undefined) continue; // Strapi reports a missing draft itself.
      const chain = chainOf(settings, locale, known);
      for (const field of required) {
        if (!isEmptyValue(draft[field])) continue;
        const servedFrom = chain.slice(1).find((other) => {
          const row = publishing.includes(other) ? (drafts.get(other) ?? published.get(other)) : published.get(other);
          return row !== undefined && !isEmptyValue(row[field]);
        });
        if (servedFrom !== undefined) continue;
        issues.push({
          path: [field],
          message: refusal({ field, locale, fallbacks: chain.slice(1), isComponent: components.includes(field) }),
        });
      }
    }
    if (issues.length > 0) throw new ContentFormatError(issues);
    return next();
  };
}
