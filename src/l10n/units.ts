/**
 * Translation units: the strings of an entry a translator works on, each with a stable id built from
 * the content type, the documentId and the field path (`technique.<documentId>.faqs.1.answer.0`).
 *
 * Plain and long text fields are one unit each; rich text (Strapi blocks) is one unit per paragraph,
 * heading, quote or list item, with bold, italic, underline, strikethrough, inline code and links kept
 * as inline elements; component fields (FAQs, procedure steps, list items, call to action, SEO) are
 * units per item and field. Clinic tokens such as {{clinic.name}} are placeholders a translator moves
 * but never translates.
 */
import type { Core } from '@strapi/strapi';
import { modelMeta, type AdaptationUid, type ContentUid } from '../content/model';
import type { InlineNode, TextNode } from '../rich-text/blocks';

/** Components whose fields are facts rather than prose (a reviewer's name, dates): never translated. */
const UNTRANSLATED_COMPONENTS = new Set(['medical.review']);
/** Component fields that are addresses, not text. */
const UNTRANSLATED_FIELDS = new Set(['url']);

export type Mark = 'b' | 'i' | 'u' | 's' | 'code';
export const MARKS: readonly Mark[] = ['b', 'i', 'u', 's', 'code'];
const MARK_FLAGS: Record<Mark, 'bold' | 'italic' | 'underline' | 'strikethrough' | 'code'> = { b: 'bold', i: 'italic', u: 'underline', s: 'strikethrough', code: 'code' };

/** Inline content, as XLIFF holds it: text, clinic tokens, and spans of formatting or links. */
export type Inline = string | { token: string } | { span: Mark | 'link'; children: Inline[] };

export interface Unit {
  id: string;
  /** The top-level field the unit belongs to. */
  field: string;
  /** Where the unit's value lives in the entry's data: a string, or a block whose children are inline. */
  path: Array<string | number>;
  kind: 'text' | 'inline';
  content: Inline[];
  /** For translators: which entry and which part of it. */
  label: string;
  /** Link addresses of the source, in order: a translated link takes the address of the same position. */
  links: string[];
}

/** One document's version in a locale, as the Document Service returns it; `slug` names it to people. */
export interface Entry {
  documentId: string;
  slug: string;
  data: Record<string, unknown>;
}

/** The units of one type (a file of the export), with the source and target versions they come from. */
export interface TypeUnits {
  type: string;
  uid: ContentUid | AdaptationUid;
  units: Unit[];
  /** Source versions (the default locale's drafts), by documentId. */
  entries: Map<string, Entry>;
  /** The target locale's drafts, by documentId. */
  targets: Map<string, Entry>;
  /**
   * When set, the file holds these groups (written even when empty, so that a file with no units is
   * still valid XLIFF); otherwise its units directly.
   */
  groups?: Array<{ id: string; units: Unit[] }>;
}

interface FieldShape {
  field: string;
  kind: 'text' | 'blocks' | 'component';
  repeatable?: boolean;
  subfields?: Array<{ field: string; kind: 'text' | 'blocks' }>;
}

const TEXT_TYPES = new Set(['string', 'text']);

/** The translatable fields of a content type, from its schema: adding a text field needs no code. */
export function translatableShape(strapi: Core.Strapi, uid: string): FieldShape[] {
  const shapes: FieldShape[] = [];
  for (const { name: field, type, isLocalized, component } of modelMeta(strapi, uid).fields) {
    if (!isLocalized) continue;
    if (TEXT_TYPES.has(type)) shapes.push({ field, kind: 'text' });
    else if (type === 'blocks') shapes.push({ field, kind: 'blocks' });
    else if (component !== null && !UNTRANSLATED_COMPONENTS.has(component.uid)) {
      const subfields = modelMeta(strapi, component.uid)
        .fields.filter((inner) => !UNTRANSLATED_FIELDS.has(inner.name) && (TEXT_TYPES.has(inner.type) || inner.type === 'blocks'))
        .map((inner) => ({ field: inner.name, kind: inner.type === 'blocks' ? ('blocks' as const) : ('text' as const) }));
      if (subfields.length > 0) shapes.push({ field, kind: 'component', repeatable: component.isRepeatable, subfields });
    }
  }
  return shapes;
}

// ---------------------------------------------------------------- inline content

const TOKEN = /\{\{\s*[^{}]*?\s*\}\}/g;

/** Text split at clinic tokens, which become placeholders. */
export function textWithTokens(text: string): Inline[] {
  const parts: Inline[] = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    const index = match.index ?? 0;
    if (index > last) parts.push(text.slice(last, index));
    parts.push({ token: match[0] });
    last = index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}


function marksOf(node: TextNode): Mark[] {
  return MARKS.filter((mark) => node[MARK_FLAGS[mark]] === true);
}

/** Adjacent text with the same marks is one run: the same content always gives the same units. */
function normalizeTexts(nodes: TextNode[]): TextNode[] {
  const result: TextNode[] = [];
  for (const node of nodes) {
    if (node.text === '') continue;
    const previous = result[result.length - 1];
    if (previous !== undefined && marksOf(previous).join() === marksOf(node).join()) previous.text += node.text;
    else result.push({ ...node });
  }
  return result;
}

function textsToInline(nodes: TextNode[]): Inline[] {
  const result: Inline[] = [];
  for (const node of normalizeTexts(nodes)) {
    let content: Inline[] = textWithTokens(node.text);
    for (const mark of [...marksOf(node)].reverse()) content = [{ span: mark, children: content }];
    result.push(...content);
  }
  return result;
}

export function isInlineNode(node: unknown): node is InlineNode {
  const type = (node as { type?: unknown } | null)?.type;
  return type === 'text' || type === 'link';
}

/** A block's inline children as XLIFF content, and the addresses of its links. */
export function inlineFromBlocks(children: unknown[]): { content: Inline[]; links: string[] } {
  const content: Inline[] = [];
  const links: string[] = [];
  let texts: TextNode[] = [];
  const flush = () => {
    content.push(...textsToInline(texts));
    texts = [];
  };
  for (const child of children as InlineNode[]) {
    if (child.type === 'link') {
      flush();
      links.push(child.url);
      content.push({ span: 'link', children: textsToInline((child.children ?? []).filter((inner): inner is TextNode => inner.type === 'text')) });
    } else {
      texts.push(child);
    }
  }
  flush();
  return { content, links };
}

export class InlineError extends Error {}

/** XLIFF content back to a block's inline children; links take the source's addresses by position. */
export function blocksFromInline(content: Inline[], links: readonly string[]): InlineNode[] {
  const result: InlineNode[] = [];
  let linkIndex = 0;
  const walk = (items: Inline[], marks: Mark[], into: TextNode[] | null) => {
    for (const item of items) {
      if (typeof item === 'string' || 'token' in item) {
        const text = typeof item === 'string' ? item : item.token;
        const node: TextNode = { type: 'text', text };
        for (const mark of marks) node[MARK_FLAGS[mark]] = true;
        (into ?? (result as TextNode[])).push(node);
      } else if (item.span === 'link') {
        if (into !== null) throw new InlineError('a link inside a link');
        const url = links[linkIndex];
        if (url === undefined) throw new InlineError(`holds ${linkIndex + 1} links; the source has ${links.length}`);
        linkIndex += 1;
        const children: TextNode[] = [];
        walk(item.children, marks, children);
        result.push({ type: 'link', url, children: normalizeTexts(children) });
      } else {
        walk(item.children, [...marks, item.span], into);
      }
    }
  };
  walk(content, [], null);
  // Merge neighbouring text runs the spans had split.
  const merged: InlineNode[] = [];
  for (const node of result) {
    const previous = merged[merged.length - 1];
    if (node.type === 'text' && previous?.type === 'text') {
      const joined = normalizeTexts([previous, node]);
      merged.splice(merged.length - 1, 1, ...joined);
    } else merged.push(node);
  }
  return merged.length > 0 ? merged : [{ type: 'text', text: '' }];
}

/** Plain text of inline content (tokens as written): what a text field stores. */
export function plainText(content: Inline[]): string {
  return content.map((item) => (typeof item === 'string' ? item : 'token' in item ? item.token : plainText(item.children))).join('');
}

export function hasMarkup(content: Inline[]): boolean {
  return content.some((item) => typeof item !== 'string' && 'span' in item);
}

// ---------------------------------------------------------------- units of an entry

function blockUnits(
  prefix: string,
  path: Array<string | number>,
  blocks: unknown,
  label: string,
  field: string,
  into: Unit[],
): void {
  if (!Array.isArray(blocks)) return;
  blocks.forEach((block, index) => {
    const node = block as { type?: string; children?: unknown[] };
    const here = [...path, index];
    const id = `${prefix}.${index}`;
    if (!Array.isArray(node.children) || node.type === 'image') return;
    if (node.children.length > 0 && node.children.every(isInlineNode)) {
      const { content, links } = inlineFromBlocks(node.children);
      if (plainText(content).trim() === '') return;
      into.push({ id, field, path: [...here, 'children'], kind: 'inline', content, links, label: `${label} ${node.type ?? 'block'} ${index + 1}` });
    } else {
      blockUnits(id, [...here, 'children'], node.children, `${label} ${node.type ?? 'block'} ${index + 1},`, field, into);
    }
  });
}

function textUnit(id: string, field: string, path: Array<string | number>, value: unknown, label: string, into: Unit[]): void {
  if (typeof value !== 'string' || value.trim() === '') return;
  into.push({ id, field, path, kind: 'text', content: textWithTokens(value), links: [], label });
}

/** The units of one entry, in field order; `data` is the entry as the Document Service returns it. */
export function unitsOf(input: { type: string; documentId: string; slug: string; data: Record<string, unknown>; shape: FieldShape[] }): Unit[] {
  const { type, documentId, slug, data, shape } = input;
  const units: Unit[] = [];
  const base = `${type}.${documentId}`;
  for (const { field, kind, repeatable, subfields } of shape) {
    const value = data[field];
    const label = `${type} "${slug}": ${field}`;
    if (kind === 'text') textUnit(`${base}.${field}`, field, [field], value, label, units);
    else if (kind === 'blocks') blockUnits(`${base}.${field}`, [field], value, label, field, units);
    else {
      const items = repeatable === true ? (Array.isArray(value) ? value : []) : value === null || value === undefined ? [] : [value];
      items.forEach((item, index) => {
        const itemPath = repeatable === true ? [field, index] : [field];
        const itemId = repeatable === true ? `${base}.${field}.${index}` : `${base}.${field}`;
        const itemLabel = repeatable === true ? `${label} ${index + 1}` : label;
        for (const sub of subfields ?? []) {
          const inner = (item as Record<string, unknown>)[sub.field];
          if (sub.kind === 'text') textUnit(`${itemId}.${sub.field}`, field, [...itemPath, sub.field], inner, `${itemLabel}, ${sub.field}`, units);
          else blockUnits(`${itemId}.${sub.field}`, [...itemPath, sub.field], inner, `${itemLabel}, ${sub.field}`, field, units);
        }
      });
    }
  }
  return units;
}

/** The value at a unit's path in another version of the entry, as XLIFF content; null when absent. */
export function contentAt(data: Record<string, unknown> | undefined, unit: Unit): Inline[] | null {
  let value: unknown = data;
  for (const step of unit.path) {
    if (value === null || typeof value !== 'object') return null;
    value = (value as Record<string | number, unknown>)[step];
  }
  if (unit.kind === 'text') return typeof value === 'string' && value.trim() !== '' ? textWithTokens(value) : null;
  if (!Array.isArray(value) || value.length === 0 || !value.every(isInlineNode)) return null;
  const { content } = inlineFromBlocks(value);
  return plainText(content).trim() === '' ? null : content;
}

/** Sets a unit's value in `data` (a copy of the source's field being rebuilt). */
export function setAt(data: Record<string, unknown>, unit: Unit, content: Inline[] | null): void {
  let parent: Record<string | number, unknown> = data;
  for (const step of unit.path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = unit.path[unit.path.length - 1] as string | number;
  if (unit.kind === 'text') parent[last] = content === null ? '' : plainText(content);
  else parent[last] = content === null ? [{ type: 'text', text: '' }] : blocksFromInline(content, unit.links);
}

/** Equal content, compared as translators see it. */
export function sameContent(a: Inline[], b: Inline[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
