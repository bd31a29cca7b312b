/**
 * Reads data/seed/*.json and validates all of it before anything is written: shape and formats per
 * entry, duplicate slugs, locales, that every relation names an entry that exists in the seed, and the
 * clinic adaptations (adaptations.ts) against the clinics and entries they name.
 */
import { promises as fs } from 'fs';
import path from 'path';
import { describeUnknownTokens, stringsIn, unknownTokens } from '../clinics/tokens';
import { localesRule } from '../content-validation/rules';
import { ADAPTATIONS_FILE, checkAdaptations, type SeedAdaptation } from './adaptations';
import { SEED_TYPES, translationSchema, type SeedEntry, type SeedFile, type SeedIssue, type SeedTypeSpec } from './schema';

export type { SeedIssue } from './schema';

export function formatIssue(issue: SeedIssue): string {
  const where = [issue.file, issue.entry, issue.field !== undefined ? `field "${issue.field}"` : undefined]
    .filter((part) => part !== undefined)
    .join(', ');
  return `${where}: ${issue.message}`;
}

export class SeedValidationError extends Error {
  readonly issues: readonly SeedIssue[];

  constructor(issues: readonly SeedIssue[]) {
    super(
      `Seed data is invalid; nothing was written (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((issue) => `  - ${formatIssue(issue)}`).join('\n'),
    );
    this.name = 'SeedValidationError';
    this.issues = issues;
  }
}

export interface SeedTypeData {
  spec: SeedTypeSpec;
  entries: SeedEntry[];
}

export interface SeedSet {
  dir: string;
  types: SeedTypeData[];
  /** Imported after every type: they name clinics and entries by slug. */
  adaptations: SeedAdaptation[];
}

function entryLabel(index: number, raw: unknown): string {
  const slug =
    typeof raw === 'object' && raw !== null && typeof (raw as { slug?: unknown }).slug === 'string'
      ? ` (slug "${(raw as { slug: string }).slug}")`
      : '';
  return `entry ${index + 1}${slug}`;
}

async function readJson(file: string, display: string, issues: SeedIssue[]): Promise<unknown[] | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    issues.push({ file: display, message: `is not valid JSON: ${(error as Error).message}` });
    return null;
  }
  if (!Array.isArray(parsed)) {
    issues.push({ file: display, message: 'must hold a JSON array of entries' });
    return null;
  }
  return parsed;
}

export async function loadSeed(input: {
  dir: string;
  knownLocales: readonly string[];
  defaultLocale?: string;
  /** Translation directories in import order: a locale after the locales it falls back to. */
  translationOrder?: (locales: string[]) => string[];
}): Promise<SeedSet> {
  const { dir, knownLocales, defaultLocale = 'en', translationOrder = (locales) => locales } = input;
  const issues: SeedIssue[] = [];
  const display = (file: string) => path.relative(process.cwd(), path.join(dir, file)) || file;

  const known = new Set<string>([...SEED_TYPES.map((spec) => spec.file), ADAPTATIONS_FILE]);
  const translationDirs: string[] = [];
  for (const item of await fs.readdir(dir, { withFileTypes: true })) {
    const name = item.name;
    if (item.isDirectory()) {
      if (name === defaultLocale) {
        issues.push({ file: display(name), message: `holds translations into the default locale "${defaultLocale}"; default-locale entries belong in the files of ${display('.')}` });
      } else if (!knownLocales.includes(name)) {
        issues.push({ file: display(name), message: `is not a locale of this service (known: ${knownLocales.join(', ')}); a translation directory is named after its locale` });
      } else {
        translationDirs.push(name);
      }
      continue;
    }
    if (name.endsWith('.json') && !known.has(name)) {
      issues.push({ file: display(name), message: `is not a seed file this service knows; expected one of ${[...known].join(', ')}` });
    }
  }
  const translated = new Set<string>(SEED_TYPES.map((spec) => spec.file));
  for (const locale of translationDirs) {
    for (const name of await fs.readdir(path.join(dir, locale))) {
      if (name === ADAPTATIONS_FILE) {
        issues.push({ file: display(path.join(locale, name)), message: `clinic adaptations are not translated by directory: each adaptation holds its locales under "locales" in ${display(ADAPTATIONS_FILE)}` });
      } else if (!translated.has(name)) {
        issues.push({ file: display(path.join(locale, name)), message: `is not a seed file this service knows; expected one of ${[...translated].join(', ')}` });
      }
    }
  }

  const types: SeedTypeData[] = [];
  const labels = new Map<SeedEntry, string>();
  for (const spec of SEED_TYPES) {
    const raw = await readJson(path.join(dir, spec.file), display(spec.file), issues);
    const entries: SeedEntry[] = [];
    if (raw !== null) {
      const seen = new Set<string>();
      raw.forEach((item, index) => {
        const label = entryLabel(index, item);
        const result = spec.schema.safeParse(item);
        if (!result.success) {
          for (const problem of result.error.issues) {
            issues.push({
              file: display(spec.file),
              entry: label,
              field: problem.path.length > 0 ? problem.path.join('.') : undefined,
              message: problem.message,
            });
          }
          return;
        }
        const entry = result.data as SeedEntry;
        const key = `${entry.slug}@${entry.locale}`;
        if (seen.has(key)) {
          issues.push({ file: display(spec.file), entry: label, field: 'slug', message: `"${entry.slug}" appears twice for locale "${entry.locale}"` });
          return;
        }
        seen.add(key);
        labels.set(entry, label);
        if (!knownLocales.includes(entry.locale)) {
          issues.push({
            file: display(spec.file),
            entry: label,
            field: 'locale',
            message: `"${entry.locale}" is not a locale of this service (known: ${knownLocales.join(', ')})`,
          });
        }
        for (const [fieldPath, text] of stringsIn(entry)) {
          const tokens = unknownTokens(text);
          if (tokens.length > 0) {
            const field = fieldPath.join('.');
            issues.push({ file: display(spec.file), entry: label, field, message: describeUnknownTokens(field, tokens) });
          }
        }
        if ('locales' in entry) {
          const message = localesRule('locales', entry.locales, knownLocales);
          if (message !== null) issues.push({ file: display(spec.file), entry: label, field: 'locales', message });
        }
        entries.push(entry);
      });
    }
    types.push({ spec, entries });
  }

  // Translations: data/seed/<locale>/<file>, each entry naming a default-locale entry by slug.
  for (const locale of translationOrder(translationDirs)) {
    for (const typeData of types) {
      const { spec } = typeData;
      const file = path.join(locale, spec.file);
      const raw = await readJson(path.join(dir, file), display(file), issues);
      if (raw === null) continue;
      const schema = translationSchema(spec);
      const sources = new Set(typeData.entries.filter((entry) => entry.locale === defaultLocale).map((entry) => entry.slug));
      const seen = new Set<string>();
      raw.forEach((item, index) => {
        const label = entryLabel(index, item);
        const result = schema.safeParse(item);
        if (!result.success) {
          for (const problem of result.error.issues) {
            const message =
              problem.code === 'unrecognized_keys'
                ? `${problem.message}; a translation holds the slug and translatable fields only (relations and the locale come from the directory and the default locale)`
                : problem.message;
            issues.push({ file: display(file), entry: label, field: problem.path.length > 0 ? problem.path.join('.') : undefined, message });
          }
          return;
        }
        const entry = { ...(result.data as SeedEntry), locale, isTranslation: true };
        if (seen.has(entry.slug)) {
          issues.push({ file: display(file), entry: label, field: 'slug', message: `"${entry.slug}" appears twice` });
          return;
        }
        seen.add(entry.slug);
        if (!sources.has(entry.slug)) {
          issues.push({ file: display(file), entry: label, field: 'slug', message: `"${entry.slug}" is not in ${spec.file} for the default locale "${defaultLocale}"` });
          return;
        }
        for (const [fieldPath, text] of stringsIn(entry)) {
          const tokens = unknownTokens(text);
          if (tokens.length > 0) {
            const field = fieldPath.join('.');
            issues.push({ file: display(file), entry: label, field, message: describeUnknownTokens(field, tokens) });
          }
        }
        typeData.entries.push(entry);
      });
    }
  }

  // Every relation must name an entry of the target file in the same locale.
  const present = new Map<string, Set<string>>(
    types.map(({ spec, entries }) => [spec.file, new Set(entries.map((entry) => `${entry.slug}@${entry.locale}`))]),
  );
  for (const { spec, entries } of types) {
    for (const entry of entries) {
      for (const [field, kind] of Object.entries(spec.fields)) {
        if (typeof kind !== 'object') continue;
        const targets = (entry[field] as string[] | undefined) ?? [];
        for (const target of targets) {
          if (!present.get(kind.relation)?.has(`${target}@${entry.locale}`)) {
            issues.push({
              file: display(spec.file),
              entry: labels.get(entry),
              field,
              message: `names "${target}", which is not in ${kind.relation} for locale "${entry.locale}"`,
            });
          }
        }
        if (new Set(targets).size !== targets.length) {
          issues.push({ file: display(spec.file), entry: labels.get(entry), field, message: 'lists the same entry twice' });
        }
      }
    }
  }

  const adaptationsRaw = await readJson(path.join(dir, ADAPTATIONS_FILE), display(ADAPTATIONS_FILE), issues);
  const adaptations =
    adaptationsRaw === null
      ? []
      : checkAdaptations({
          raw: adaptationsRaw,
          file: display(ADAPTATIONS_FILE),
          entries: new Map<SeedFile, SeedEntry[]>(types.map(({ spec, entries }) => [spec.file, entries])),
          knownLocales,
          defaultLocale,
          issues,
        });

  if (issues.length > 0) throw new SeedValidationError(issues);
  return { dir, types, adaptations };
}
