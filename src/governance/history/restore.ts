/**
 * Restoring a version: its field values become the entry's draft in the version's locale, written
 * through the Document Service (`update`, never a publish), so every check a save passes applies and
 * the restore is itself recorded (action "update", by whoever restored). Private fields are not in a
 * version and are never written; Strapi's bookkeeping and what the service keeps itself are left out.
 */
import type { Core } from '@strapi/strapi';
import { documentsOf, isServedUid, ADAPTATION } from '../../content/model';
import { actingAs, type Actor } from '../actor';
import { CHANGED_MARKER, canonical, contentFields, type Values } from './snapshot';
import type { HistoryVersion } from './table';

/** A version that cannot be restored, and why (a 400 for the admin). */
export class RestoreRefusal extends Error {}

export interface FieldDiff {
  field: string;
  before: unknown;
  after: unknown;
}

/** The version's changes, field by field, in the order they were recorded. */
export function diffOf(version: HistoryVersion): FieldDiff[] {
  return version.changed.map((field) => ({ field, before: version.before?.[field] ?? null, after: version.after?.[field] ?? null }));
}

const isMarker = (value: unknown) => JSON.stringify(canonical(value)) === JSON.stringify(canonical(CHANGED_MARKER));

/** The version's values as a Document Service write: relations by documentId, private fields left out. */
function dataOf(strapi: Core.Strapi, uid: string, values: Values): Values {
  const data: Values = {};
  for (const field of contentFields(strapi, uid)) {
    if (field.isPrivate || !Object.hasOwn(values, field.name)) continue;
    const value = values[field.name];
    if (isMarker(value)) continue;
    if (field.relation !== null) {
      const ids = Array.isArray(value) ? value : value === null ? [] : [value];
      data[field.name] = { set: ids.filter((id): id is string => typeof id === 'string').map((documentId) => ({ documentId })) };
    } else data[field.name] = value;
  }
  return data;
}

/** Writes `version`'s values as its entry's draft in its locale, on behalf of `actor`. */
export async function restoreVersion(strapi: Core.Strapi, input: { version: HistoryVersion; actor: Actor }): Promise<{ uid: string; documentId: string; locale: string | null }> {
  const { version, actor } = input;
  const { uid, documentId, locale } = version;
  if (!isServedUid(uid) && uid !== ADAPTATION.uid) throw new RestoreRefusal(`Version ${version.id} is of ${uid}, which the service no longer keeps.`);
  if (version.after === null) throw new RestoreRefusal(`Version ${version.id} records the ${version.action} of this ${version.status} entry: restore a version from before it.`);
  const remaining = Number(await strapi.db.query(uid).count({ where: { documentId } as never }));
  if (remaining === 0) throw new RestoreRefusal(`The entry of version ${version.id} (${uid} ${documentId}) no longer exists: a deleted entry cannot be restored into.`);
  if (locale === null) throw new RestoreRefusal(`Version ${version.id} names no locale.`);
  const data = dataOf(strapi, uid, version.after);
  await actingAs(actor, () => documentsOf(strapi, uid).update({ documentId, locale, data }));
  return { uid, documentId, locale };
}
