/**
 * XLIFF 2.0 export and import for translation vendors.
 *
 * Export writes, for one target locale, every translatable unit (units.ts) of the default locale's
 * latest drafts, with the target locale's current text as <target> where it has one. Import reads such
 * a file back — re-indented, re-segmented or with targets filled in by a vendor tool — checks all of it
 * first, and writes the targets into the target locale's drafts in one transaction. Importing a file
 * unchanged and exporting again gives the same bytes.
 *
 * One file on purpose (about 490 lines): writing and reading the format are two halves of one
 * round trip (the same unit ids, segments and placeholders), and keeping them together keeps them equal.
 */
import { readFile } from 'fs/promises';
import type { Core } from '@strapi/strapi';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { documentsOf, modelByName, modelMeta, SERVED_MODELS, type ContentUid } from '../content/model';
import { localeSettings } from '../locales/config';
import { contentAt, InlineError, MARKS, sameContent, setAt, textWithTokens, translatableShape, unitsOf, type Inline, type Mark, type Unit } from './units';

const XLIFF_NS = 'urn:oasis:names:tc:xliff:document:2.0';
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

interface Entry {
  documentId: string;
  slug: string;
  data: Record<string, unknown>;
}

async function drafts(strapi: Core.Strapi, uid: ContentUid, locale: string): Promise<Map<string, Entry>> {
  const rows = await documentsOf(strapi, uid).findMany({ locale, status: 'draft', populate: '*', sort: 'slug:asc' });
  return new Map(rows.map((row) => [String(row.documentId), { documentId: String(row.documentId), slug: String(row.slug), data: row }]));
}

const TYPE_NAMES = SERVED_MODELS.map((model) => model.name);

function checkTypes(types: readonly string[] | undefined): string[] {
  const chosen = types !== undefined && types.length > 0 ? [...types] : TYPE_NAMES;
  for (const type of chosen) {
    if (modelByName(type) === undefined) throw new XliffError([`Unknown content type "${type}"; use one of ${TYPE_NAMES.join(', ')}.`]);
  }
  return TYPE_NAMES.filter((type) => chosen.includes(type));
}

function checkTargetLocale(strapi: Core.Strapi, locale: string | undefined, where: string): string {
  const settings = localeSettings(strapi);
  const configured = settings.locales.map((item) => item.code).filter((code) => code !== settings.defaultLocale);
  if (locale === undefined || locale === '') throw new XliffError([`${where}: no target locale; translate into one of ${configured.join(', ')}.`]);
  if (locale === settings.defaultLocale) throw new XliffError([`${where}: "${locale}" is the source locale; translate into one of ${configured.join(', ')}.`]);
  if (!configured.includes(locale)) throw new XliffError([`${where}: target locale "${locale}" is not configured (config/locales.ts has ${configured.join(', ')}).`]);
  return locale;
}

interface TypeUnits {
  type: string;
  uid: ContentUid;
  units: Unit[];
  entries: Map<string, Entry>;
  targets: Map<string, Entry>;
}

/** The units of the types named (in registry order). */
async function collectUnits(strapi: Core.Strapi, types: readonly string[], locale: string): Promise<TypeUnits[]> {
  const { defaultLocale } = localeSettings(strapi);
  const result: TypeUnits[] = [];
  for (const { name: type, uid } of SERVED_MODELS.filter((model) => types.includes(model.name))) {
    const shape = translatableShape(strapi, uid);
    const entries = await drafts(strapi, uid, defaultLocale);
    const targets = await drafts(strapi, uid, locale);
    const units = [...entries.values()]
      .sort((a, b) => a.slug.localeCompare(b.slug))
      .flatMap((entry) => unitsOf({ type, documentId: entry.documentId, slug: entry.slug, data: entry.data, shape }));
    result.push({ type, uid, units, entries, targets });
  }
  return result;
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

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface ExportResult {
  xml: string;
  units: number;
  withTarget: number;
}

export async function exportXliff(strapi: Core.Strapi, input: { locale: string | undefined; types?: readonly string[] }): Promise<ExportResult> {
  const locale = checkTargetLocale(strapi, input.locale, 'export');
  const types = checkTypes(input.types);
  const { defaultLocale } = localeSettings(strapi);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<xliff xmlns="${XLIFF_NS}" version="2.0" srcLang="${escapeAttribute(defaultLocale)}" trgLang="${escapeAttribute(locale)}">`,
  ];
  let units = 0;
  let withTarget = 0;
  for (const { type, units: typeUnits, targets } of await collectUnits(strapi, types, locale)) {
    if (typeUnits.length === 0) continue;
    lines.push(`  <file id="${escapeAttribute(type)}">`);
    for (const unit of typeUnits) {
      const documentId = unit.id.split('.')[1] as string;
      const source = builder.build([{ source: inlineToXml(unit.content, { next: 0 }) }]) as string;
      lines.push(`    <unit id="${escapeAttribute(unit.id)}" name="${escapeAttribute(unit.label)}">`, '      <segment>', `        ${source}`);
      const target = contentAt(targets.get(documentId)?.data, unit);
      if (target !== null) {
        lines.push(`        ${builder.build([{ target: inlineToXml(target, { next: 0 }) }]) as string}`);
        withTarget += 1;
      }
      lines.push('      </segment>', '    </unit>');
      units += 1;
    }
    lines.push('  </file>');
  }
  lines.push('</xliff>', '');
  return { xml: lines.join('\n'), units, withTarget };
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

// ---------------------------------------------------------------- importing

export interface ImportResult {
  locale: string;
  units: number;
  translated: number;
  untranslated: number;
  entriesWritten: number;
  /** With force: units whose source changed since the export, and the target text they replaced. */
  overwritten: Array<{ id: string; previous: string | null }>;
}

function text(content: Inline[] | null): string | null {
  if (content === null) return null;
  return content.map((item) => (typeof item === 'string' ? item : 'token' in item ? item.token : text(item.children))).join('');
}

export async function importXliff(strapi: Core.Strapi, input: { file: string; isForced?: boolean }): Promise<ImportResult> {
  const { file, isForced = false } = input;
  let xml: string;
  try {
    xml = await readFile(file, 'utf8');
  } catch (error) {
    throw new XliffError([`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
  const parsed = parseXliff(xml, file);
  const { defaultLocale } = localeSettings(strapi);
  if (parsed.srcLang !== defaultLocale) {
    throw new XliffError([`${file}: the source locale is "${parsed.srcLang}"; this service translates from "${defaultLocale}"`]);
  }
  const locale = checkTargetLocale(strapi, parsed.trgLang, file);

  // Units present now, by id, for the types the file names.
  const types = [...new Set(parsed.units.map((unit) => unit.id.split('.')[0] as string))];
  const problems: string[] = [];
  for (const type of types) {
    if (modelByName(type) === undefined) problems.push(`${file}: unit ${parsed.units.find((unit) => unit.id.startsWith(`${type}.`))?.id}: unknown id (no content type "${type}")`);
  }
  const collected = await collectUnits(strapi, types, locale);
  const current = new Map<string, { unit: Unit; typeUnits: TypeUnits }>();
  for (const typeUnits of collected) for (const unit of typeUnits.units) current.set(unit.id, { unit, typeUnits });

  const overwritten: ImportResult['overwritten'] = [];
  // documentId → field → units of the file with a target
  const writes = new Map<string, { typeUnits: TypeUnits; documentId: string; fields: Map<string, Array<{ unit: Unit; target: Inline[] }>> }>();
  let translated = 0;
  for (const fileUnit of parsed.units) {
    const found = current.get(fileUnit.id);
    if (found === undefined) {
      const [type, documentId] = fileUnit.id.split('.');
      const known = collected.find((item) => item.type === type)?.entries.has(documentId ?? '');
      problems.push(
        `${file}: unit ${fileUnit.id}: unknown id (${known === true ? 'the entry no longer has this text; export again' : `no ${type ?? ''} entry "${documentId ?? ''}" in ${defaultLocale}`})`,
      );
      continue;
    }
    const { unit, typeUnits } = found;
    const documentId = fileUnit.id.split('.')[1] as string;
    if (!sameContent(fileUnit.source, unit.content)) {
      if (!isForced) {
        problems.push(`${file}: unit ${fileUnit.id}: the source changed since the export (now "${text(unit.content)}"); export again, or import with --force`);
        continue;
      }
      overwritten.push({ id: fileUnit.id, previous: text(contentAt(typeUnits.targets.get(documentId)?.data, unit)) });
    }
    if (fileUnit.target === null) continue;
    const links = unit.links.length;
    const targetLinks = JSON.stringify(fileUnit.target).split('"span":"link"').length - 1;
    if (unit.kind === 'text' && fileUnit.target.some((item) => typeof item !== 'string' && 'span' in item)) {
      problems.push(`${file}: unit ${fileUnit.id}: formatting (<pc>) in a plain-text field; remove it`);
      continue;
    }
    if (targetLinks > links) {
      problems.push(`${file}: unit ${fileUnit.id}: the target has ${targetLinks} links, the source ${links}`);
      continue;
    }
    translated += 1;
    const write = writes.get(documentId) ?? { typeUnits, documentId, fields: new Map() };
    const list = write.fields.get(unit.field) ?? [];
    list.push({ unit, target: fileUnit.target });
    write.fields.set(unit.field, list);
    writes.set(documentId, write);
  }
  if (problems.length > 0) throw new XliffError(problems);

  await strapi.db.transaction(async () => {
    for (const { typeUnits, documentId, fields } of writes.values()) {
      const source = typeUnits.entries.get(documentId) as Entry;
      const existing = typeUnits.targets.get(documentId);
      // A new locale version starts with the document's shared (non-localized) fields, which Strapi
      // does not copy by itself.
      const data: Record<string, unknown> = existing === undefined ? sharedFields(strapi, typeUnits.uid, source.data) : {};
      for (const [field, given] of fields) {
        // The field is rebuilt on the source's structure: given targets, else the locale's current
        // text at the same place, else empty.
        const rebuilt = stripIds(structuredClone(source.data[field]));
        const holder: Record<string, unknown> = { [field]: rebuilt };
        for (const unit of typeUnits.units.filter((item) => item.id.startsWith(`${typeUnits.type}.${documentId}.`) && item.field === field)) {
          const target = given.find((item) => item.unit.id === unit.id)?.target ?? contentAt(existing?.data, unit);
          try {
            setAt(holder, unit, target);
          } catch (error) {
            if (error instanceof InlineError) throw new XliffError([`${file}: unit ${unit.id}: ${error.message}`]);
            throw error;
          }
        }
        data[field] = holder[field];
      }
      try {
        await documentsOf(strapi, typeUnits.uid).update({ documentId, locale, data });
      } catch (error) {
        throw new XliffError([`${file}: ${typeUnits.type} "${source.slug}" (${documentId}): ${(error as Error).message}; nothing was imported`]);
      }
    }
  });

  return {
    locale,
    units: parsed.units.length,
    translated,
    untranslated: parsed.units.length - translated,
    entriesWritten: writes.size,
    overwritten,
  };
}

function sharedFields(strapi: Core.Strapi, uid: ContentUid, data: Record<string, unknown>): Record<string, unknown> {
  const shared: Record<string, unknown> = {};
  for (const field of modelMeta(strapi, uid).fields) {
    if (field.isLocalized || field.type === 'relation' || field.isPrivate) continue;
    if (field.name in data && !['createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy', 'locale'].includes(field.name)) shared[field.name] = stripIds(data[field.name]);
  }
  return shared;
}

function stripIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripIds);
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) if (key !== 'id' && key !== '__component') result[key] = stripIds(inner);
    return result;
  }
  return value;
}
