/**
 * The service's settings: every environment variable of declarations.ts, parsed once into one typed,
 * frozen object. The only reader of process.env.
 *
 * parseSettings(env) is pure and refuses every invalid value at once (SettingsError, one line per
 * variable, each naming it and what it accepts); loadSettings() parses process.env and makes the result
 * current (config/ calls it as Strapi loads it, and start-up again at register(): one process may boot
 * several Strapis with different environments); settings() is the current one, loaded on first use.
 * Capabilities read their values as `settings().GRAPHQL_TIMEOUT_MS`, or through their own view
 * (cacheSettings(), queryLimits() …) which takes a Settings for tests.
 */
import type { Declaration } from './cast';
import { DECLARATIONS, type VariableName } from './declarations';

export { DECLARATIONS, type VariableName };
export type { Declaration, Kind } from './cast';

type ValueOf<D> = D extends Declaration<infer T> ? T : never;

export type Settings = { readonly [Name in VariableName]: ValueOf<(typeof DECLARATIONS)[Name]> };

/** An environment as given: process.env, or a plain object in tests. */
export type Environment = Readonly<Record<string, string | undefined>>;

export interface SettingsProblem {
  variable: string;
  message: string;
}

export class SettingsError extends Error {
  readonly problems: readonly SettingsProblem[];

  constructor(problems: readonly SettingsProblem[]) {
    const [only] = problems;
    super(
      problems.length === 1 && only !== undefined
        ? only.message
        : `${problems.length} settings are invalid:\n${problems.map((problem) => `- ${problem.message}`).join('\n')}`,
    );
    this.name = 'SettingsError';
    this.problems = problems;
  }
}

const ENTRIES = Object.entries(DECLARATIONS) as Array<[VariableName, Declaration<unknown>]>;

/** The value as a message may repeat it: secrets never; URLs without their password. */
function shown(declaration: Declaration<unknown>, raw: string): string {
  if (declaration.kind === 'url') {
    try {
      const parsed = new URL(raw);
      if (parsed.password === '') return `"${raw}"`;
      parsed.password = '***';
      return `"${parsed.href}"`;
    } catch {
      // Not a URL, but perhaps still "scheme://user:password@…": the password goes all the same.
      return `"${raw.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@]*):.*@/i, '$1:***@')}"`;
    }
  }
  return declaration.isSecret ? `a value of ${raw.length} characters` : `"${raw}"`;
}

type Read = { value: unknown } | { problems: SettingsProblem[] };

function read(name: VariableName, declaration: Declaration<unknown>, given: string): Read {
  const raw = declaration.isUntrimmed ? given : given.trim();
  const parsed = declaration.schema.safeParse(raw);
  if (!parsed.success) return { problems: [{ variable: name, message: `${name} must ${declaration.form}, not ${shown(declaration, raw)}.` }] };
  if (declaration.entries === undefined) return { value: parsed.data };
  const { entries } = declaration;
  const values: string[] = [];
  const problems: SettingsProblem[] = [];
  for (const entry of parsed.data as string[]) {
    if (entry === '' && !entries.isBlankKept) continue;
    const one = entries.schema.safeParse(entry);
    if (one.success) values.push(one.data);
    else problems.push({ variable: name, message: `${name}: ${declaration.isSecret ? 'an entry' : `"${entry}"`} must ${entries.form}; separate several with commas.` });
  }
  return problems.length > 0 ? { problems } : { value: values };
}

/** Settings from an environment; throws SettingsError listing every variable whose value is refused. */
export function parseSettings(env: Environment): Settings {
  const values: Record<string, unknown> = {};
  const problems: SettingsProblem[] = [];
  const defaulted: Array<[VariableName, (context: { NODE_ENV: string }) => unknown]> = [];
  for (const [name, declaration] of ENTRIES) {
    const given = env[name];
    if (given === undefined || given.trim() === '') {
      if (typeof declaration.default === 'function') defaulted.push([name, declaration.default as (context: { NODE_ENV: string }) => unknown]);
      else values[name] = declaration.default;
      continue;
    }
    const result = read(name, declaration, given);
    if ('value' in result) values[name] = result.value;
    else problems.push(...result.problems);
  }
  if (problems.length > 0) throw new SettingsError(problems);
  const context = { NODE_ENV: values.NODE_ENV as string };
  for (const [name, compute] of defaulted) values[name] = compute(context);
  return Object.freeze(values) as Settings;
}

let current: Settings | null = null;

/** Parses process.env and makes the result the current settings. */
export function loadSettings(): Settings {
  current = parseSettings(process.env);
  return current;
}

/** The current settings (loaded from process.env on first use). */
export function settings(): Settings {
  return current ?? loadSettings();
}
