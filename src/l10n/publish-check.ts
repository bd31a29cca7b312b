/**
 * Publishing needs the required fields (fields.ts) — in the locale published, or in a locale its chain
 * falls back to that is published (or published in the same call). A regional locale may therefore
 * hold only what differs from its fallback, and no published entry serves without a name.
 */
import type { Core, Modules } from '@strapi/strapi';
import { ContentFormatError } from '../content-validation/middleware';
import { chainOf, localeSettings } from '../locales/config';
import { isEmptyValue, REQUIRED_LOCALIZED } from './fields';

type Row = Record<string, unknown> & { locale: string; publishedAt: string | null };

export function requiredAlongChainMiddleware(strapi: Core.Strapi): Modules.Documents.Middleware.Middleware {
  return async (context, next) => {
    const required = REQUIRED_LOCALIZED[context.uid];
    if (context.action !== 'publish' || required === undefined) return next();
    const params = context.params as { documentId?: string; locale?: string | string[] };
    if (typeof params.documentId !== 'string') return next();
    const settings = localeSettings(strapi);
    const rows = (await strapi.db.query(context.uid).findMany({
      where: { documentId: params.documentId },
      select: ['locale', 'publishedAt', ...required],
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
        const rest = chain.slice(1);
        issues.push({
          path: [field],
          message:
            rest.length === 0
              ? `${field} must not be empty in "${locale}", the default locale`
              : `${field} is empty in "${locale}" and in every published locale it falls back to (${rest.join(' → ')}); fill it in, or publish it in ${rest[0]} first`,
        });
      }
    }
    if (issues.length > 0) throw new ContentFormatError(issues);
    return next();
  };
}
