/**
 * How much of each entry a field's selection reads, and so the shape its entries are loaded in
 * (src/content/sql.ts: EntryShape): no more than the listing (LISTING_FIELDS), the listing and
 * relations (whose own selections load their entries in turn), or more. Fragments are followed; a
 * directive (@include, @skip) counts its field as selected, so the answer never lacks a field the
 * entry was not loaded with.
 */
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { MODELS, type ContentUid } from '../../content/model';
import { LISTING_FIELDS, type EntryShape } from '../../content/sql';

/** Adds the field names a selection reads on the entry itself (through fragments); false when there is no selection. */
function fieldsRead(selectionSet: SelectionSetNode | undefined, info: GraphQLResolveInfo, into: Set<string>, seen: Set<string>): boolean {
  if (selectionSet === undefined) return false;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) into.add(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fieldsRead(selection.selectionSet, info, into, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      fieldsRead(info.fragments[selection.name.value]?.selectionSet, info, into, seen);
    }
  }
  return true;
}

/** The shape the entries of `uid` this field returns are to be loaded in. */
export function shapeFor(info: GraphQLResolveInfo, uid: ContentUid): EntryShape {
  const read = new Set<string>();
  const seen = new Set<string>();
  for (const node of info.fieldNodes) if (!fieldsRead(node.selectionSet, info, read, seen)) return 'whole';
  read.delete('__typename');
  const beyondListing = [...read].filter((name) => !LISTING_FIELDS.has(name));
  if (beyondListing.length === 0) return 'listing';
  return beyondListing.every((name) => name in MODELS[uid].relations) ? 'linked' : 'whole';
}
