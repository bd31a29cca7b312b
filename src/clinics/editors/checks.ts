/**
 * What a clinic editor may write, decided once for the Document Service middleware (middleware.ts) and
 * the admin's raw body check (body.ts): adaptations of their own clinics only (the stored document's
 * clinic and the clinic a write names), and of clinics only their own clinic's contact fields (and its
 * publish). Every refusal is a 403 (ClinicEditorRefusal, a ForbiddenError) that names the clinic or
 * field and carries a stable code in `details.code`.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { ADAPTATION, UIDS } from '../../content/model';
import { slugValue } from '../adaptations/rules';
import { describeClinics } from './links';
import { CONTACT_FIELDS } from './role';

type Row = Record<string, unknown>;

export type EditorRefusalCode = 'NOT_YOUR_CLINIC' | 'CONTACT_FIELDS_ONLY' | 'ADMINISTRATOR_ONLY';

/**
 * A 403 with its message and code. Strapi's route authorization step turns every ForbiddenError thrown
 * further down the route (policies, route middlewares, the controller, the Document Service) into a
 * bare "Forbidden", except a PolicyError, a ForbiddenError whose message is meant for the client: so
 * this is one, named as the ForbiddenError it is.
 */
export class ClinicEditorRefusal extends errors.PolicyError {
  constructor(code: EditorRefusalCode, message: string, details: Row = {}) {
    super(message, { code, ...details });
    // What clients see as `error.name` (Strapi's PolicyError declares its own name as a literal type).
    Object.defineProperty(this, 'name', { value: 'ForbiddenError' });
  }
}

/** The Document Service actions that write. */
export const WRITE_ACTIONS: ReadonlySet<string> = new Set(['create', 'update', 'clone', 'delete', 'publish', 'unpublish', 'discardDraft']);

/** Keys of a write that are Strapi's own, not the clinic's fields. */
const SYSTEM_KEYS = new Set(['id', 'documentId', 'locale', 'localizations', 'status', 'createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy']);

const isRecord = (value: unknown): value is Row => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The distinct values of `field` over every row (locale, draft and published) of a document. */
async function storedValues(strapi: Core.Strapi, input: { uid: string; documentId: string; field: string }): Promise<string[]> {
  const rows = (await strapi.db.query(input.uid).findMany({ where: { documentId: input.documentId }, select: [input.field] })) as Row[];
  return [...new Set(rows.map((row) => slugValue(row[input.field])).filter((slug): slug is string => slug !== null))];
}

function notYours(input: { clinic: string; clinics: readonly string[]; what: string }): ClinicEditorRefusal {
  const { clinic, clinics, what } = input;
  return new ClinicEditorRefusal(
    'NOT_YOUR_CLINIC',
    `Clinic "${clinic}" is not one of yours (${describeClinics(clinics)}): a clinic editor ${what} only for their own clinics.`,
    { clinic },
  );
}

/**
 * An adaptation write by a clinic editor of `clinics`: every stored version's clinic (a changed
 * clinic or target, a new locale, a publish or delete of another clinic's adaptation) and the clinic
 * the write names must be theirs; a new adaptation must name one.
 */
export async function checkAdaptationWrite(
  strapi: Core.Strapi,
  input: { action: string; documentId: string | null; data: unknown; clinics: readonly string[] },
): Promise<void> {
  const { action, documentId, data, clinics } = input;
  if (documentId !== null) {
    for (const clinic of await storedValues(strapi, { uid: ADAPTATION.uid, documentId, field: ADAPTATION.clinicField })) {
      if (!clinics.includes(clinic)) throw notYours({ clinic, clinics, what: 'writes, publishes and deletes adaptations' });
    }
  }
  if (action !== 'create' && action !== 'update' && action !== 'clone') return;
  const record = isRecord(data) ? data : {};
  const isNaming = Object.hasOwn(record, ADAPTATION.clinicField);
  if (!isNaming && action !== 'create') return;
  const clinic = slugValue(record[ADAPTATION.clinicField]);
  if (clinic === null) {
    throw new ClinicEditorRefusal('NOT_YOUR_CLINIC', `Name the clinic of this adaptation (${ADAPTATION.clinicField}): one of yours (${describeClinics(clinics)}).`);
  }
  if (!clinics.includes(clinic)) throw notYours({ clinic, clinics, what: 'writes adaptations' });
}

/** A relation value that changes nothing: absent, or connect/disconnect/set lists that are all empty. */
function isNoOpRelation(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return false;
  if (!isRecord(value)) return false;
  return Object.entries(value).every(([key, inner]) => ['connect', 'disconnect', 'set', 'options'].includes(key) && (key === 'options' || (Array.isArray(inner) && inner.length === 0)));
}

/** A value as compared: object keys in order, empty strings and undefined as null. */
function canonical(value: unknown): unknown {
  if (value === undefined || value === '') return null;
  if (Array.isArray(value)) return value.map(canonical);
  if (isRecord(value)) return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical(value[key])]));
  return value;
}

/**
 * The fields of a clinic write, other than the contact fields, whose value differs from the stored
 * draft (a field the editor can see, such as the name, may be sent back unchanged by the admin's form).
 */
async function changedNonContactFields(strapi: Core.Strapi, input: { documentId: string; locale: string | null; data: Row }): Promise<string[]> {
  const { documentId, locale, data } = input;
  const attributes = (strapi.contentTypes[UIDS.clinic]?.attributes ?? {}) as Record<string, { type?: string }>;
  const keys = Object.keys(data).filter((key) => !SYSTEM_KEYS.has(key) && !(CONTACT_FIELDS as readonly string[]).includes(key) && Object.hasOwn(attributes, key));
  if (keys.length === 0) return [];
  const query = strapi.db.query(UIDS.clinic);
  const stored = ((locale === null ? null : await query.findOne({ where: { documentId, locale, publishedAt: null } })) ??
    (await query.findOne({ where: { documentId, publishedAt: null } }))) as Row | null;
  if (stored === null) return [];
  return keys.filter((key) => {
    if (attributes[key]?.type === 'relation') return !isNoOpRelation(data[key]);
    return JSON.stringify(canonical(stored[key])) !== JSON.stringify(canonical(data[key]));
  });
}

/**
 * A clinic write by a clinic editor of `clinics`: their own clinic only, its contact fields only; a
 * clinic editor never creates, copies, deletes or unpublishes a clinic.
 */
export async function checkClinicWrite(
  strapi: Core.Strapi,
  input: { action: string; documentId: string | null; locale: string | null; data: unknown; clinics: readonly string[] },
): Promise<void> {
  const { action, documentId, locale, data, clinics } = input;
  if (action === 'create' || action === 'clone' || action === 'delete' || action === 'unpublish') {
    throw new ClinicEditorRefusal(
      'ADMINISTRATOR_ONLY',
      'Adding, copying, deleting or unpublishing a clinic is for an administrator: a clinic editor edits and publishes their clinic\'s contact details.',
    );
  }
  if (documentId === null) return;
  const [clinic, ...others] = await storedValues(strapi, { uid: UIDS.clinic, documentId, field: 'slug' });
  for (const slug of [clinic, ...others]) {
    if (slug !== undefined && !clinics.includes(slug)) throw notYours({ clinic: slug, clinics, what: 'edits the profile' });
  }
  if (!isRecord(data) || clinic === undefined) return;
  const changed = await changedNonContactFields(strapi, { documentId, locale, data });
  if (changed.length > 0) {
    throw new ClinicEditorRefusal(
      'CONTACT_FIELDS_ONLY',
      `${changed.join(', ')} of clinic "${clinic}" ${changed.length === 1 ? 'is' : 'are'} for an administrator to change: a clinic editor changes only the contact fields (${CONTACT_FIELDS.join(', ')}).`,
      { clinic, fields: changed },
    );
  }
}
