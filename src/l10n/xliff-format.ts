/**
 * The XLIFF 2.0 format as this service writes and reads it (xliff.ts runs the export and the import
 * over Strapi): a unit's lines, with inline content as <pc> (formatting, links) and <ph> (clinic
 * tokens); and a file read back — re-indented, re-segmented, annotated with <mrk> or notes by a
 * vendor tool — into units of plain content, every problem found at once.
 *
 * Writing and reading stay in one file on purpose: they are two halves of one round trip (the same
 * unit ids, segments and placeholders), and keeping them together keeps them equal.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { MARKS, textWithTokens, type Inline, type Mark } from './units';

export const XLIFF_NS = 'urn:oasis:names:tc:xliff:document:2.0';
const TOKEN_TEXT = /^\{\{\s*[^{}]*?\s*\}\}$/;
const SUBTYPES: Record<Mark, { type: string; subType: string }> = {
  b: { type: 'fmt', subType: 'xlf:b' },
  i: { type: 'fmt', subType: 'xlf:i' },
  u: { type: 'fmt', subType: 'xlf:u' },
  s: { type: 'fmt', subType: 'clinic:strikethrough' },
  code: { type: 'fmt', subType: 'clinic:code' },
};

export class XliffError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? (problems[0] as string) : `${problems.length} problems; nothing was imported:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'XliffError';
  }
}

// ---------------------------------------------------------------- writing

type XmlNode = Record<string, unknown>;

function inlineToXml(content: Inline[], counter: { next: number }): XmlNode[] {
  return content.map((item) => {
    if (typeof item === 'string') return { '#text': item };
    counter.next += 1;
    const id = String(counter.next);
    if ('token' in item) return { ph: [], ':@': { '@_id': id, '@_equiv': item.token, '@_disp': item.token } };
    const attributes = item.span === 'link' ? { '@_id': id, '@_type': 'link' } : { '@_id': id, '@_type': SUBTYPES[item.span].type, '@_subType': SUBTYPES[item.span].subType };
    return { pc: inlineToXml(item.children, counter), ':@': attributes };
  });
}

const builder = new XMLBuilder({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '@_', format: false, suppressEmptyNode: true });

export function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** One unit as XLIFF lines, `indent` deep, with its <target> when it has one. */
export function unitXml(input: { id: string; name: string; source: Inline[]; target: Inline[] | null; indent: string }): string[] {
  const { id, name, source, target, indent } = input;
  const lines = [
    `${indent}<unit id="${escapeAttribute(id)}" name="${escapeAttribute(name)}">`,
    `${indent}  <segment>`,
    `${indent}    ${builder.build([{ source: inlineToXml(source, { next: 0 }) }]) as string}`,
  ];
  if (target !== null) lines.push(`${indent}    ${builder.build([{ target: inlineToXml(target, { next: 0 }) }]) as string}`);
  lines.push(`${indent}  </segment>`, `${indent}</unit>`);
  return lines;
}

// ---------------------------------------------------------------- reading

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: '#comment',
});

function nameOf(node: XmlNode): string {
  return Object.keys(node).find((key) => key !== ':@') as string;
}

function attributesOf(node: XmlNode): Record<string, string> {
  const raw = (node[':@'] ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key.replace(/^@_/, ''), String(value)]));
}

function childrenOf(node: XmlNode): XmlNode[] {
  return (node[nameOf(node)] as XmlNode[] | undefined) ?? [];
}

function elements(node: XmlNode): XmlNode[] {
  return childrenOf(node).filter((child) => !('#text' in child) && !('#comment' in child));
}

/** Inline XML back to content; text is split at tokens and neighbouring text joined. */
function inlineFromXml(nodes: XmlNode[], where: string): Inline[] {
  const result: Inline[] = [];
  const pushText = (text: string) => {
    if (text === '') return;
    const last = result[result.length - 1];
    if (typeof last === 'string') result[result.length - 1] = last + text;
    else result.push(text);
  };
  for (const node of nodes) {
    if ('#comment' in node) continue;
    if ('#text' in node) {
      pushText(String(node['#text']));
      continue;
    }
    const name = nameOf(node);
    const attributes = attributesOf(node);
    if (name === 'ph') {
      const token = attributes.equiv ?? attributes.disp;
      if (token === undefined || !TOKEN_TEXT.test(token)) {
        throw new XliffError([`${where}: <ph id="${attributes.id ?? ''}"> must keep its equiv attribute, a clinic token such as {{clinic.name}}`]);
      }
      result.push({ token });
    } else if (name === 'pc') {
      const children = inlineFromXml(childrenOf(node), where);
      if (attributes.type === 'link') result.push({ span: 'link', children });
      else {
        const mark = MARKS.find((candidate) => SUBTYPES[candidate].subType === attributes.subType);
        if (mark === undefined) throw new XliffError([`${where}: <pc id="${attributes.id ?? ''}"> has type "${attributes.type ?? ''}" subType "${attributes.subType ?? ''}", which this service does not know`]);
        result.push({ span: mark, children });
      }
    } else if (name === 'mrk') {
      // Annotations (terms, comments) mark text without changing it.
      for (const item of inlineFromXml(childrenOf(node), where)) {
        if (typeof item === 'string') pushText(item);
        else result.push(item);
      }
    } else if (name === 'cp') {
      pushText(String.fromCodePoint(Number.parseInt(attributes.hex ?? '', 16)));
    } else {
      throw new XliffError([`${where}: <${name}> is not supported inside text; keep the <pc> and <ph> elements of the export`]);
    }
  }
  // Tokens typed as text are tokens.
  return result.flatMap((item) => (typeof item === 'string' ? textWithTokens(item) : [item]));
}

/** Line breaks and indentation a tool added around the text (pretty-printing) are not content. */
function trimLayout(content: Inline[]): Inline[] {
  const result = [...content];
  const first = result[0];
  if (typeof first === 'string' && /^\s*\n\s*/.test(first)) {
    const trimmed = first.replace(/^\s*\n\s*/, '');
    if (trimmed === '') result.shift();
    else result[0] = trimmed;
  }
  const last = result[result.length - 1];
  if (typeof last === 'string' && /\s*\n\s*$/.test(last)) {
    const trimmed = last.replace(/\s*\n\s*$/, '');
    if (trimmed === '') result.pop();
    else result[result.length - 1] = trimmed;
  }
  return result;
}

function joinContent(parts: Inline[][]): Inline[] {
  const joined: Inline[] = [];
  for (const item of parts.flat()) {
    const last = joined[joined.length - 1];
    if (typeof item === 'string' && typeof last === 'string') joined[joined.length - 1] = last + item;
    else joined.push(item);
  }
  return joined;
}

interface FileUnit {
  id: string;
  source: Inline[];
  target: Inline[] | null;
}

interface ParsedFile {
  srcLang: string;
  trgLang: string | undefined;
  units: FileUnit[];
}

export function parseXliff(xml: string, file: string): ParsedFile {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new XliffError([`${file}:${valid.err.line}:${valid.err.col}: not well-formed XML: ${valid.err.msg}`]);
  }
  const document = parser.parse(xml) as XmlNode[];
  const root = document.find((node) => !('#text' in node) && !('#comment' in node));
  if (root === undefined || nameOf(root) !== 'xliff') throw new XliffError([`${file}: the root element is not <xliff>`]);
  const attributes = attributesOf(root);
  if (attributes.xmlns !== XLIFF_NS || !/^2\.\d$/.test(attributes.version ?? '')) {
    throw new XliffError([`${file}: not an XLIFF 2 document (version "${attributes.version ?? ''}", namespace "${attributes.xmlns ?? ''}"); export a new file with npm run l10n:export`]);
  }
  if (attributes.srcLang === undefined) throw new XliffError([`${file}: <xliff> has no srcLang`]);
  const problems: string[] = [];
  const units: FileUnit[] = [];
  const seen = new Set<string>();
  const visit = (container: XmlNode) => {
    for (const child of elements(container)) {
      const name = nameOf(child);
      if (name === 'group') visit(child);
      else if (name === 'unit') {
        const id = attributesOf(child).id;
        const where = `${file}: unit ${id ?? '(no id)'}`;
        if (id === undefined) {
          problems.push(`${where}: has no id`);
          continue;
        }
        if (seen.has(id)) {
          problems.push(`${where}: appears twice`);
          continue;
        }
        seen.add(id);
        try {
          const parts = elements(child).filter((part) => ['segment', 'ignorable'].includes(nameOf(part)));
          if (parts.length === 0) throw new XliffError([`${where}: has no <segment>`]);
          const sources: Inline[][] = [];
          const targets: Array<Inline[] | null> = [];
          for (const part of parts) {
            const source = elements(part).find((node) => nameOf(node) === 'source');
            const target = elements(part).find((node) => nameOf(node) === 'target');
            if (source === undefined) throw new XliffError([`${where}: a <${nameOf(part)}> has no <source>`]);
            const sourceContent = inlineFromXml(childrenOf(source), where);
            sources.push(sourceContent);
            // An ignorable (whitespace between segments) without a target stands for itself.
            targets.push(target !== undefined ? inlineFromXml(childrenOf(target), where) : nameOf(part) === 'ignorable' ? sourceContent : null);
          }
          const segmentTargets = targets.filter((_, index) => nameOf(parts[index] as XmlNode) === 'segment');
          const translated = segmentTargets.filter((target) => target !== null).length;
          if (translated > 0 && translated < segmentTargets.length) {
            throw new XliffError([`${where}: ${translated} of its ${segmentTargets.length} segments have a <target>; translate all of them or none`]);
          }
          const target = translated === 0 ? null : trimLayout(joinContent(targets as Inline[][]));
          units.push({ id, source: trimLayout(joinContent(sources)), target: target !== null && target.length > 0 ? target : null });
        } catch (error) {
          if (error instanceof XliffError) problems.push(...error.problems);
          else throw error;
        }
      }
    }
  };
  for (const child of elements(root)) {
    if (nameOf(child) === 'file') visit(child);
  }
  if (problems.length > 0) throw new XliffError(problems);
  return { srcLang: attributes.srcLang, trgLang: attributes.trgLang, units };
}
