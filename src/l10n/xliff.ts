/**
 * XLIFF 2.0 export and import for translation vendors.
 *
 * Export writes, for one target locale, every translatable unit (units.ts) of the default locale's
 * latest drafts, with the target locale's current text as <target> where it has one. Import reads such
 * a file back — re-indented, re-segmented or with targets filled in by a vendor tool — checks all of it
 * first, and writes the targets into the target locale's drafts in one transaction. Importing a file
 * unchanged and exporting again gives the same bytes. With a clinic, the export holds that clinic's
 * adaptations instead (adaptation-units.ts), and the import takes only that clinic's.
 *
 * The format itself, both ways, is xliff-format.ts.
 */
import { readFile } from 'fs/promises';
import path from 'path';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { documentsOf, modelByName, modelMeta, SERVED_MODELS, type AdaptationUid, type ContentUid } from '../content/model';
import { localeSettings } from '../locales/config';
import { currentActor } from '../governance/actor';
import { appendAuditRow } from '../governance/audit';
import { ADAPTATION_TYPE } from './adaptations';
import { assertClinicsExist, UnknownClinicError } from '../clinics/adaptations/checks';
import { adaptationUnits, clinicOf, emptyAdaptationsNotice } from './adaptation-units';
import { contentAt, InlineError, sameContent, setAt, translatableShape, unitsOf, type Entry, type Inline, type TypeUnits, type Unit } from './units';
import { escapeAttribute, parseXliff, unitXml, XLIFF_NS, XliffError } from './xliff-format';

export { XliffError } from './xliff-format';

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

/** A clinic named for the export or import, or an XliffError naming the mistake. */
async function checkedClinic(strapi: Core.Strapi, clinic: string | undefined): Promise<string | undefined> {
  if (clinic === undefined) return undefined;
  try {
    await assertClinicsExist(strapi, [clinic]);
  } catch (error) {
    throw error instanceof UnknownClinicError ? new XliffError([error.message]) : error;
  }
  return clinic;
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

// ---------------------------------------------------------------- exporting

export interface ExportResult {
  xml: string;
  units: number;
  withTarget: number;
  /** For the person exporting (the command prints it on stderr): why a clinic's file holds no units. */
  notice: string | null;
}

/** A unit as XLIFF lines, `indent` deep; its target is the target locale's current text, when it has one. */
function unitLines(unit: Unit, targets: Map<string, Entry>, indent: string): { lines: string[]; hasTarget: boolean } {
  const target = contentAt(targets.get(unit.id.split('.')[1] as string)?.data, unit);
  return { lines: unitXml({ id: unit.id, name: unit.label, source: unit.content, target, indent }), hasTarget: target !== null };
}

/**
 * The file for one target locale: every content type's units, or with `clinic` that clinic's
 * adaptations (of the types named, when named) and nothing else.
 */
export async function exportXliff(strapi: Core.Strapi, input: { locale: string | undefined; types?: readonly string[]; clinic?: string }): Promise<ExportResult> {
  const locale = checkTargetLocale(strapi, input.locale, 'export');
  const types = checkTypes(input.types);
  const { defaultLocale } = localeSettings(strapi);
  const clinic = await checkedClinic(strapi, input.clinic);
  const targetTypes = input.types !== undefined && input.types.length > 0 ? types : undefined;
  const collected = clinic === undefined ? await collectUnits(strapi, types, locale) : [await adaptationUnits(strapi, { sourceLocale: defaultLocale, locale, clinic, targetTypes })];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<xliff xmlns="${XLIFF_NS}" version="2.0" srcLang="${escapeAttribute(defaultLocale)}" trgLang="${escapeAttribute(locale)}">`,
  ];
  let units = 0;
  let withTarget = 0;
  const write = (unit: Unit, targets: Map<string, Entry>, indent: string) => {
    const written = unitLines(unit, targets, indent);
    lines.push(...written.lines);
    units += 1;
    if (written.hasTarget) withTarget += 1;
  };
  for (const { type, units: typeUnits, targets, groups } of collected) {
    if (groups === undefined ? typeUnits.length === 0 : groups.length === 0) continue;
    lines.push(`  <file id="${escapeAttribute(type)}">`);
    for (const unit of groups === undefined ? typeUnits : []) write(unit, targets, '    ');
    for (const group of groups ?? []) {
      // An empty group keeps a file without units valid XLIFF (a <file> needs a unit or a group).
      if (group.units.length === 0) lines.push(`    <group id="${escapeAttribute(group.id)}"/>`);
      else {
        lines.push(`    <group id="${escapeAttribute(group.id)}">`);
        for (const unit of group.units) write(unit, targets, '      ');
        lines.push('    </group>');
      }
    }
    lines.push('  </file>');
  }
  lines.push('</xliff>', '');
  const [adaptations] = collected;
  const notice = clinic !== undefined && units === 0 && adaptations !== undefined ? await emptyAdaptationsNotice(strapi, { clinic, sourceLocale: defaultLocale, targetTypes, entries: adaptations.entries.size }) : null;
  return { xml: lines.join('\n'), units, withTarget, notice };
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

/** Reads a file back into the target locale's drafts; with `clinic`, only units of that clinic's adaptations are taken. */
export async function importXliff(strapi: Core.Strapi, input: { file: string; isForced?: boolean; clinic?: string }): Promise<ImportResult> {
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
  const clinic = await checkedClinic(strapi, input.clinic);

  // Units present now, by id, for the types the file names.
  const types = [...new Set(parsed.units.map((unit) => unit.id.split('.')[0] as string))];
  const problems: string[] = [];
  for (const type of types) {
    if (type !== ADAPTATION_TYPE && modelByName(type) === undefined) problems.push(`${file}: unit ${parsed.units.find((unit) => unit.id.startsWith(`${type}.`))?.id}: unknown id (no content type "${type}")`);
  }
  const collected = await collectUnits(strapi, types, locale);
  if (types.includes(ADAPTATION_TYPE)) collected.push(await adaptationUnits(strapi, { sourceLocale: defaultLocale, locale }));
  const current = new Map<string, { unit: Unit; typeUnits: TypeUnits }>();
  for (const typeUnits of collected) for (const unit of typeUnits.units) current.set(unit.id, { unit, typeUnits });

  const overwritten: ImportResult['overwritten'] = [];
  // documentId → field → units of the file with a target
  const writes = new Map<string, { typeUnits: TypeUnits; documentId: string; fields: Map<string, Array<{ unit: Unit; target: Inline[] }>> }>();
  let translated = 0;
  for (const fileUnit of parsed.units) {
    if (clinic !== undefined) {
      const [type, documentId] = fileUnit.id.split('.');
      const entry = collected.find((item) => item.type === ADAPTATION_TYPE)?.entries.get(documentId ?? '');
      const owner = entry === undefined ? null : clinicOf(entry);
      if (type !== ADAPTATION_TYPE || (owner !== null && owner !== clinic)) {
        problems.push(`${file}: unit ${fileUnit.id}: not an adaptation of ${clinic}${owner === null ? '' : ` (it is ${owner}'s)`}; --clinic ${clinic} imports only that clinic's adaptations`);
        continue;
      }
    }
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

  await strapi.db.transaction(async ({ trx }: { trx: Knex.Transaction }) => {
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
    // The import as one action on the audit trail, committed with the drafts it wrote (the file's name, not its path).
    await appendAuditRow(strapi, trx, {
      actor: currentActor(strapi),
      action: 'xliff.imported',
      target: { uid: null, documentId: null, locale },
      details: { file: path.basename(file), units: parsed.units.length, translated, entriesWritten: writes.size, isForced, clinic: clinic ?? null, overwritten: overwritten.length },
    });
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

function sharedFields(strapi: Core.Strapi, uid: ContentUid | AdaptationUid, data: Record<string, unknown>): Record<string, unknown> {
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
