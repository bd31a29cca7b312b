import type { Core, Modules } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { findModelMeta, localeCodes } from '../content/model';
import { validateContent, type ContentIssue } from './validate';

/** The content types whose writes are checked; Strapi's own types are left to Strapi. */
const CHECKED_PREFIX = 'api::';
const WRITE_ACTIONS = new Set(['create', 'update']);

export class ContentFormatError extends errors.ValidationError {
  constructor(issues: ContentIssue[]) {
    const [first] = issues;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(`${first?.message ?? 'Invalid content'}${more}`, {
      errors: issues.map((issue) => ({ path: issue.path.map(String), message: issue.message, name: 'ValidationError' })),
    });
  }
}

/**
 * Document Service middleware: every create and update of our content types, whoever makes it
 * (admin, REST, seed, scripts), is checked for formats before it reaches the database.
 */
export function contentFormatMiddleware(strapi: Core.Strapi): Modules.Documents.Middleware.Middleware {
  return async (context, next) => {
    if (!context.uid.startsWith(CHECKED_PREFIX) || !WRITE_ACTIONS.has(context.action)) return next();
    const params = context.params as { data?: unknown };
    const data = params.data;
    if (typeof data !== 'object' || data === null) return next();

    const issues = validateContent({
      uid: context.uid,
      data: data as Record<string, unknown>,
      fieldOf: (uid, field) => findModelMeta(strapi, uid)?.field(field),
      context: { knownLocales: 'locales' in data ? await localeCodes(strapi) : [] },
    });
    if (issues.length > 0) throw new ContentFormatError(issues);
    return next();
  };
}
