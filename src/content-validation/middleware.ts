import type { Core, Modules, UID } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { findModelMeta, localeCodes } from '../content/model';
import { storedFieldsToRead, validateContent, type ContentIssue } from './validate';

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
 * The stored values of `fields` of the document an update changes. Non-localized fields (the ones
 * read together are) hold the same value in every locale; the draft is what the editor changes.
 */
async function storedValues(input: { strapi: Core.Strapi; uid: UID.ContentType; documentId: unknown; fields: string[] }): Promise<Record<string, unknown> | undefined> {
  const { strapi, uid, documentId, fields } = input;
  if (typeof documentId !== 'string' || fields.length === 0) return undefined;
  const query = strapi.db.query(uid);
  const row: unknown =
    (await query.findOne({ where: { documentId, publishedAt: null }, select: fields })) ?? (await query.findOne({ where: { documentId }, select: fields }));
  return typeof row === 'object' && row !== null ? (row as Record<string, unknown>) : undefined;
}

/**
 * Document Service middleware: every create and update of our content types, whoever makes it
 * (admin, REST, seed, scripts), is checked for formats before it reaches the database.
 */
export function contentFormatMiddleware(strapi: Core.Strapi): Modules.Documents.Middleware.Middleware {
  return async (context, next) => {
    if (!context.uid.startsWith(CHECKED_PREFIX) || !WRITE_ACTIONS.has(context.action)) return next();
    const params = context.params as { data?: unknown; documentId?: unknown };
    const data = params.data;
    if (typeof data !== 'object' || data === null) return next();
    const record = data as Record<string, unknown>;

    const stored =
      context.action === 'update'
        ? await storedValues({ strapi, uid: context.uid, documentId: params.documentId, fields: storedFieldsToRead(context.uid, record) })
        : undefined;
    const issues = validateContent({
      uid: context.uid,
      data: record,
      fieldOf: (uid, field) => findModelMeta(strapi, uid)?.field(field),
      context: { knownLocales: 'locales' in data ? await localeCodes(strapi) : [], stored },
    });
    if (issues.length > 0) throw new ContentFormatError(issues);
    return next();
  };
}
