/**
 * The Document Service middleware of clinic adaptations: every write of one, whoever makes it (the
 * admin, REST, scripts, the seed), follows the adaptation rules (rules.ts, checks.ts) or is refused
 * with a 400 naming the field and saying why; and every save and publish records the basis of its
 * overrides (basis.ts), replacing whatever the client sent as basis.
 *
 * Registered by the composition root after the format checks and before the write pipeline, so a
 * refused write never opens a transaction.
 */
import type { Core, Modules } from '@strapi/strapi';
import { ADAPTATION, findModelMeta } from '../../content/model';
import { ContentFormatError } from '../../content-validation/middleware';
import { localeSettings } from '../../locales/config';
import { adaptationRows, confirmAdaptation, recordBasis } from './basis';
import { identityIssues } from './checks';
import { adaptationFieldIssues, slugValue, type FieldsOf } from './rules';

type Row = Record<string, unknown>;
type DocumentMiddleware = Modules.Documents.Middleware.Middleware;
type Context = Parameters<DocumentMiddleware>[0];
type Next = Parameters<DocumentMiddleware>[1];
type Result = ReturnType<DocumentMiddleware>;

/** The non-localized fields that say what an adaptation is: clinic, target, hides. */
const IDENTITY_FIELDS = [ADAPTATION.clinicField, ...Object.keys(ADAPTATION.targetFields), ADAPTATION.hiddenField];
const SLUG_FIELDS = [ADAPTATION.clinicField, ...Object.keys(ADAPTATION.targetFields)];

const isRecord = (value: unknown): value is Row => typeof value === 'object' && value !== null && !Array.isArray(value);
const isDraft = (row: Row) => row.publishedAt === null || row.publishedAt === undefined;

/** Every field of a type as Strapi has it (rules.ts decides with these). */
export function fieldsOf(strapi: Core.Strapi): FieldsOf {
  return (uid) => findModelMeta(strapi, uid)?.fields.map((field) => field.name) ?? [];
}

/** The record the identity rules check: what the document holds, with what the write changes. */
function identityAfter(stored: Row, data: Row): Row {
  const record: Row = {};
  for (const field of IDENTITY_FIELDS) record[field] = Object.hasOwn(data, field) ? data[field] : stored[field];
  return record;
}

/** Hands the checked data on to Strapi (the Document Service calls the action with `context.params`). */
function withData(context: Context, data: Row): void {
  Object.assign(context, { params: { ...context.params, data } });
}

/** The created document's id: Strapi returns the entry, or `{ documentId, entries }` for a clone. */
function documentIdOf(result: unknown): string | null {
  return isRecord(result) && typeof result.documentId === 'string' ? result.documentId : null;
}

async function checkedWrite(strapi: Core.Strapi, context: Context, next: Next): Result {
  const params = context.params as { documentId?: unknown; locale?: unknown; data?: unknown };
  const documentId = typeof params.documentId === 'string' ? params.documentId : null;
  const data: Row = isRecord(params.data) ? { ...params.data } : {};
  // Slugs are stored trimmed, and an empty one as none, so "one per clinic and entry" compares alike.
  for (const field of SLUG_FIELDS) if (Object.hasOwn(data, field)) data[field] = slugValue(data[field]);
  // Kept by the service: whatever a client sends is replaced.
  delete data[ADAPTATION.basisField];

  const rows = documentId === null ? [] : await adaptationRows(strapi, { documentId });
  // An update or clone of a document that does not exist: Strapi answers it.
  if (documentId !== null && rows.length === 0) return next();
  const locale = typeof params.locale === 'string' ? params.locale : localeSettings(strapi).defaultLocale;
  const localeDraft = rows.find((row) => isDraft(row) && row.locale === locale);
  const stored = localeDraft ?? rows.find(isDraft) ?? rows[0] ?? {};
  const isNewDocument = context.action === 'clone' || documentId === null;
  const { target, issues } = await identityIssues(strapi, { record: identityAfter(stored, data), documentId: isNewDocument ? null : documentId });
  issues.unshift(...adaptationFieldIssues({ target: target?.model ?? null, data, fieldsOf: fieldsOf(strapi) }));
  if (issues.length > 0 || target === null) throw new ContentFormatError(issues);

  if (context.action === 'clone') {
    // A clone copies every locale of its source: each gets the basis of its own overrides.
    withData(context, data);
    const result = await next();
    const cloned = documentIdOf(result);
    if (cloned !== null) await confirmAdaptation(strapi, { documentId: cloned });
    return result;
  }
  data[ADAPTATION.basisField] = await recordBasis(strapi, { target, locale, values: { ...(localeDraft ?? {}), ...data } });
  withData(context, data);
  return next();
}

/** Locales a publish addresses: one, several, or every draft's ('*'); the default locale without one. */
function publishedLocales(strapi: Core.Strapi, requested: unknown, drafts: readonly Row[]): string[] {
  if (requested === '*') return drafts.map((row) => String(row.locale));
  if (Array.isArray(requested)) return requested.filter((locale): locale is string => typeof locale === 'string');
  return [typeof requested === 'string' ? requested : localeSettings(strapi).defaultLocale];
}

/**
 * Before a publish: the drafts it publishes are checked again (the clinic or the target may have gone,
 * the target may have dropped a hidden link), and each records its basis against the base as it is
 * now; the publish copies it to the published version.
 */
async function checkedPublish(strapi: Core.Strapi, context: Context, next: Next): Result {
  const params = context.params as { documentId?: unknown; locale?: unknown };
  if (typeof params.documentId !== 'string') return next();
  const documentId = params.documentId;
  const allDrafts = await adaptationRows(strapi, { documentId, publishedAt: null });
  const locales = publishedLocales(strapi, params.locale, allDrafts);
  const drafts = allDrafts.filter((row) => locales.includes(String(row.locale)));
  const [first] = drafts;
  if (first === undefined) return next();
  const { target, issues } = await identityIssues(strapi, { record: identityAfter(first, {}), documentId });
  if (issues.length > 0 || target === null) throw new ContentFormatError(issues);
  for (const draft of drafts) {
    const basis = await recordBasis(strapi, { target, locale: String(draft.locale), values: draft });
    await strapi.db.query(ADAPTATION.uid).update({ where: { id: draft.id }, data: { [ADAPTATION.basisField]: basis } });
  }
  return next();
}

export function adaptationWritesMiddleware(strapi: Core.Strapi): DocumentMiddleware {
  return async (context, next) => {
    if (context.uid !== ADAPTATION.uid) return next();
    if (context.action === 'create' || context.action === 'update' || context.action === 'clone') return checkedWrite(strapi, context, next);
    if (context.action === 'publish') return checkedPublish(strapi, context, next);
    return next();
  };
}
