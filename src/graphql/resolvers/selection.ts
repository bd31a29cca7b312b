/**
 * Whether a field's selection reads no more of each entry than its listing (src/content/sql.ts:
 * LISTING_FIELDS): then the entries are loaded as listings, without the components and relation
 * lists the answer would not show. Fragments are followed; a directive (@include, @skip) counts its
 * field as selected, so the answer never lacks a field the entry was not loaded with.
 */
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { LISTING_FIELDS } from '../../content/sql';
import type { EntryShape } from '../../content/sql';

function readsListingOnly(selectionSet: SelectionSetNode | undefined, info: GraphQLResolveInfo, seen: Set<string>): boolean {
  if (selectionSet === undefined) return false;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (name !== '__typename' && !LISTING_FIELDS.has(name)) return false;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (!readsListingOnly(selection.selectionSet, info, seen)) return false;
    } else {
      const name = selection.name.value;
      if (seen.has(name)) continue;
      seen.add(name);
      if (!readsListingOnly(info.fragments[name]?.selectionSet, info, seen)) return false;
    }
  }
  return true;
}

/** The shape the entries of this field are to be loaded in. */
export function shapeFor(info: GraphQLResolveInfo | undefined): EntryShape {
  if (info === undefined) return 'whole';
  const seen = new Set<string>();
  return info.fieldNodes.every((node) => readsListingOnly(node.selectionSet, info, seen)) ? 'listing' : 'whole';
}
