/**
 * A clinic editor's admin write, checked on the body as sent, before the content manager keeps only
 * the fields the role may write: otherwise `{"locales": …}` on their clinic would be dropped and the
 * save answered 200, and a write to another clinic's document would get the content manager's bare
 * "Forbidden". Mounted on the content manager's write routes by src/http/content-manager-writes.ts,
 * beside the adaptation rules' own check; the same decisions as the Document Service middleware.
 */
import type { Core } from '@strapi/strapi';
import { ADAPTATION } from '../../content/model';
import type { ContentIssue } from '../../content-validation/validate';
import { checkAdaptationWrite, checkClinicWrite } from './checks';
import { clinicsOfUser, requestClinicEditor } from './links';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The `?locale=` of the current admin request. */
function requestLocale(strapi: Core.Strapi): string | null {
  const request: unknown = strapi.requestContext.get();
  const query = isRecord(request) ? request.query : undefined;
  const locale = isRecord(query) ? query.locale : undefined;
  return typeof locale === 'string' && locale !== '' ? locale : null;
}

/**
 * The body check of one type (an adaptation or a clinic) for clinic editors: refuses by throwing the
 * 403 of checks.ts, finds nothing for anyone else. `documentId`: the document the route addresses
 * (an update or publish; a clone's source), null for a create.
 */
export function clinicEditorBodyCheck(strapi: Core.Strapi, uid: string) {
  return async (input: { body: unknown; documentId: string | null }): Promise<ContentIssue[]> => {
    const editor = requestClinicEditor(strapi);
    if (editor === null) return [];
    const clinics = (await clinicsOfUser(strapi, editor)) ?? [];
    const { body, documentId } = input;
    const action = documentId === null ? 'create' : 'update';
    if (uid === ADAPTATION.uid) await checkAdaptationWrite(strapi, { action, documentId, data: body, clinics });
    else await checkClinicWrite(strapi, { action, documentId, locale: requestLocale(strapi), data: body, clinics });
    return [];
  };
}
