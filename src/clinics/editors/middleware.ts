/**
 * The Document Service middleware that holds clinic editors to their clinics, whichever route or
 * service makes the write in their request: the content manager checks the role's conditions against
 * the stored document on update, publish and delete, but not on create (a TODO in its collection-types
 * controller), not on a new locale of an existing document, and never against the values an update
 * brings (a changed clinic). Writes by anyone else (other admins, scripts, the seed) pass untouched.
 *
 * It also keeps a clinic's hidden fields (its access key hashes) out of what a clinic editor reads.
 *
 * Registered by the composition root before the other Document Service middlewares: a refused write
 * is refused before it is checked for format or opens a transaction.
 */
import type { Core, Modules } from '@strapi/strapi';
import { ADAPTATION, UIDS } from '../../content/model';
import { checkAdaptationWrite, checkClinicWrite, WRITE_ACTIONS } from './checks';
import { clinicsOfUser, requestClinicEditor } from './links';

const READ_ACTIONS: ReadonlySet<string> = new Set(['findOne', 'findFirst', 'findMany']);

/** Fields Strapi adds to every type, some of them hidden from the admin too. */
const STRAPI_FIELDS: ReadonlySet<string> = new Set(['createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy', 'locale', 'localizations']);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The clinic's fields hidden from the admin (`visible: false`: the access key hashes). The admin's
 * field permissions do not apply to them, so the content manager answers them to anyone who may read
 * the clinic; a clinic editor's reads leave them out.
 */
function withoutHiddenFields<T>(strapi: Core.Strapi, result: T): T {
  const attributes = (strapi.contentTypes[UIDS.clinic]?.attributes ?? {}) as Record<string, { visible?: boolean }>;
  const hidden = Object.keys(attributes).filter((name) => attributes[name]?.visible === false && !STRAPI_FIELDS.has(name));
  const entries: unknown[] = Array.isArray(result) ? result : [result];
  for (const entry of entries) {
    if (isRecord(entry)) for (const name of hidden) delete entry[name];
  }
  return result;
}

export function clinicEditorWritesMiddleware(strapi: Core.Strapi): Modules.Documents.Middleware.Middleware {
  return async (context, next) => {
    const isRead = context.uid === UIDS.clinic && READ_ACTIONS.has(context.action);
    if (!isRead && ((context.uid !== ADAPTATION.uid && context.uid !== UIDS.clinic) || !WRITE_ACTIONS.has(context.action))) return next();
    const editor = requestClinicEditor(strapi);
    if (editor === null) return next();
    if (isRead) return withoutHiddenFields(strapi, await next());
    const clinics = (await clinicsOfUser(strapi, editor)) ?? [];
    const params = context.params as { documentId?: unknown; locale?: unknown; data?: unknown };
    const documentId = typeof params.documentId === 'string' ? params.documentId : null;
    if (context.uid === ADAPTATION.uid) {
      await checkAdaptationWrite(strapi, { action: context.action, documentId, data: params.data, clinics });
    } else {
      const locale = typeof params.locale === 'string' ? params.locale : null;
      await checkClinicWrite(strapi, { action: context.action, documentId, locale, data: params.data, clinics });
    }
    return next();
  };
}
