/**
 * The admin's raw body of an adaptation write, checked by the same decision as every Document Service
 * write (rules.ts): the content manager keeps only the fields an adaptation has before the Document
 * Service sees the write, so `{"goal": …}` would otherwise be saved as nothing, silently. Mounted on the
 * content manager's write routes by src/http/content-manager-writes.ts.
 */
import type { Core } from '@strapi/strapi';
import { ADAPTATION } from '../../content/model';
import type { ContentIssue } from '../../content-validation/validate';
import { fieldsOf } from './middleware';
import { adaptationFieldIssues, adaptationTarget } from './rules';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The fields of an admin write's body that no adaptation of its target may have. `documentId`: the
 * adaptation the route addresses (an update, a publish, the source of a clone), whose target counts
 * when the body names none.
 */
export async function adaptationBodyIssues(strapi: Core.Strapi, input: { body: unknown; documentId: string | null }): Promise<ContentIssue[]> {
  const { body, documentId } = input;
  if (!isRecord(body)) return [];
  const targetFields = Object.keys(ADAPTATION.targetFields);
  let record: Record<string, unknown> = body;
  if (documentId !== null && !targetFields.some((field) => Object.hasOwn(body, field))) {
    const stored = (await strapi.db.query(ADAPTATION.uid).findOne({ where: { documentId }, select: targetFields })) as Record<string, unknown> | null;
    record = { ...(stored ?? {}), ...body };
  }
  const { target } = adaptationTarget(record);
  return adaptationFieldIssues({ target: target?.model ?? null, data: body, fieldsOf: fieldsOf(strapi) });
}
