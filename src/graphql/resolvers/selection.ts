/**
 * What a field's selection reads of the entries it returns: the shape they are loaded in
 * (src/content/sql.ts: EntryShape: no more than the listing (LISTING_FIELDS), the listing and
 * relations, or more), and the relations read on them with their own selections, so that a level's
 * relations can be loaded before its fields resolve (content.ts: related). Fragments are followed; a
 * directive (@include, @skip) counts its field as selected, so an entry is never loaded with less than
 * the answer reads.
 */
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { MODELS, type ContentUid } from '../../content/model';
import { LISTING_FIELDS, type EntryShape } from '../../content/sql';

type Fragments = GraphQLResolveInfo['fragments'];

/** Every field node of a selection (through fragments), by field name. */
function fieldsOf(selectionSet: SelectionSetNode, fragments: Fragments, into: Map<string, FieldNode[]>, seen: Set<string>): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const nodes = into.get(selection.name.value);
      if (nodes === undefined) into.set(selection.name.value, [selection]);
      else nodes.push(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      fieldsOf(selection.selectionSet, fragments, into, seen);
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments[selection.name.value];
      if (fragment !== undefined) fieldsOf(fragment.selectionSet, fragments, into, seen);
    }
  }
}

/** What the nodes of one field select on the entries it returns; null when one has no selection. */
export interface EntrySelection {
  shape: EntryShape;
  /** Relation field → the nodes selecting it (their selections apply to the related entries). */
  relations: Map<string, FieldNode[]>;
}

/** Per field node of a document (parsed documents are kept across requests), when the field is selected once. */
const memo = new WeakMap<FieldNode, Map<ContentUid, EntrySelection>>();

/** The shape and relations the field nodes read on entries of `uid`. */
export function selectionOf(nodes: readonly FieldNode[], fragments: Fragments, uid: ContentUid): EntrySelection {
  const only = nodes.length === 1 ? (nodes[0] as FieldNode) : null;
  let byUid = only === null ? undefined : memo.get(only);
  const known = byUid?.get(uid);
  if (known !== undefined) return known;
  const read = new Map<string, FieldNode[]>();
  const seen = new Set<string>();
  let isWhole = false;
  for (const node of nodes) {
    if (node.selectionSet === undefined) isWhole = true;
    else fieldsOf(node.selectionSet, fragments, read, seen);
  }
  read.delete('__typename');
  const { relations: relationTargets } = MODELS[uid];
  const relations = new Map([...read].filter(([name]) => name in relationTargets));
  const beyondListing = [...read.keys()].filter((name) => !LISTING_FIELDS.has(name));
  const shape: EntryShape = isWhole ? 'whole' : beyondListing.length === 0 ? 'listing' : beyondListing.every((name) => relations.has(name)) ? 'linked' : 'whole';
  const selection = { shape, relations };
  if (only !== null) {
    if (byUid === undefined) {
      byUid = new Map();
      memo.set(only, byUid);
    }
    byUid.set(uid, selection);
  }
  return selection;
}

/** The nodes selecting `name` in the field nodes' selections (through fragments). */
export function subfieldNodes(nodes: readonly FieldNode[], fragments: Fragments, name: string): FieldNode[] {
  const read = new Map<string, FieldNode[]>();
  const seen = new Set<string>();
  for (const node of nodes) if (node.selectionSet !== undefined) fieldsOf(node.selectionSet, fragments, read, seen);
  return read.get(name) ?? [];
}
