/**
 * The kinds of value an environment variable may hold. Each kind is a zod schema from the variable's
 * text to its typed value, and a phrase completing "NAME must …" that says what it accepts; every
 * refusal is worded from that phrase (see index.ts), so all variables fail alike.
 */
import { z } from 'zod';

/** The type column of the declarations: how a value is read. */
export type Kind = 'text' | 'secret' | 'int' | 'ms' | 'seconds' | 'bool' | 'url' | 'list' | 'enum';

/** The parsed NODE_ENV, which a few defaults depend on. */
export interface DefaultContext {
  NODE_ENV: string;
}

export interface Declaration<T> {
  kind: Kind;
  /** One sentence for the operators' configuration table. */
  meaning: string;
  /** The value while the variable is unset or blank; a function when it depends on NODE_ENV. */
  default: T | ((context: DefaultContext) => T);
  /** Completes "NAME must …": what an accepted value looks like. */
  form: string;
  /** From the (trimmed, non-blank) text to the value; fails when the text is not of this kind. */
  schema: z.ZodType<T, z.ZodTypeDef, string>;
  /** Lists: how each comma-separated entry is read; entries are refused one by one. */
  entries?: { form: string; schema: z.ZodType<string, z.ZodTypeDef, string>; isBlankKept: boolean };
  /** Never repeated in messages (secrets, passwords, URLs that may carry one). */
  isSecret: boolean;
  /** Surrounding blanks are part of the value (passwords). */
  isUntrimmed: boolean;
  /** Set by tools (the test runner, the benchmark), not by operators: listed in the docs, not in .env.example. */
  isTooling: boolean;
}

interface Common {
  meaning: string;
  isTooling?: boolean;
}

function declare<T>(kind: Kind, common: Common, rest: Pick<Declaration<T>, 'default' | 'form' | 'schema'> & Partial<Declaration<T>>): Declaration<T> {
  return { kind, meaning: common.meaning, isSecret: false, isUntrimmed: false, isTooling: common.isTooling ?? false, ...rest };
}

/** Free text. Without a default, an unset variable is null. */
export function text(options: Common & { default: string; isSecret?: boolean; isUntrimmed?: boolean }): Declaration<string>;
export function text(options: Common & { isSecret?: boolean; isUntrimmed?: boolean }): Declaration<string | null>;
export function text(options: Common & { default?: string; isSecret?: boolean; isUntrimmed?: boolean }): Declaration<string | null> {
  return declare<string | null>(options.isSecret === true ? 'secret' : 'text', options, {
    default: options.default ?? null,
    form: 'be text',
    schema: z.string(),
    isSecret: options.isSecret ?? false,
    isUntrimmed: options.isUntrimmed ?? false,
  });
}

/** A secret of at least `minLength` characters; never repeated in messages. Unset: null. */
export function secret(options: Common & { minLength: number; hint: string }): Declaration<string | null> {
  return declare<string | null>('secret', options, {
    default: null,
    form: `be at least ${options.minLength} characters (${options.hint})`,
    schema: z.string().min(options.minLength),
    isSecret: true,
  });
}

function wholeNumber(kind: 'int' | 'ms' | 'seconds', options: Common & { default: number; min: number; max?: number }): Declaration<number> {
  const { min, max } = options;
  const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
  return declare<number>(kind, options, {
    default: options.default,
    form: `be a whole number ${range}`,
    schema: z
      .string()
      .regex(/^-?\d+$/)
      .transform(Number)
      .pipe(z.number().int().min(min).max(max ?? Number.MAX_SAFE_INTEGER)),
  });
}

export const int = (options: Common & { default: number; min: number; max?: number }) => wholeNumber('int', options);
export const ms = (options: Common & { default: number; min: number }) => wholeNumber('ms', options);
export const seconds = (options: Common & { default: number; min: number }) => wholeNumber('seconds', options);

const TRUE_WORDS = ['true', 'on', 'yes', '1'];
const FALSE_WORDS = ['false', 'off', 'no', '0'];

/**
 * On or off. Every switch accepts true/false, on/off, yes/no and 1/0 in any case; `words` is how
 * the variable is documented, and what its refusal asks for.
 */
export function bool(options: Common & { default: boolean | ((context: DefaultContext) => boolean); words: 'on/off' | 'true/false' }): Declaration<boolean> {
  const [yes, no] = options.words.split('/');
  return declare<boolean>('bool', options, {
    default: options.default,
    form: `be "${yes}" or "${no}"`,
    schema: z
      .string()
      .transform((value) => value.toLowerCase())
      .pipe(z.enum([...TRUE_WORDS, ...FALSE_WORDS] as [string, ...string[]]))
      .transform((value) => TRUE_WORDS.includes(value)),
  });
}

/** One of a fixed set of words (case as written). */
export function oneOf<const V extends readonly [string, ...string[]]>(options: Common & { values: V; default: V[number] }): Declaration<V[number]> {
  const { values } = options;
  return declare<V[number]>('enum', options, {
    default: options.default,
    form: `be one of ${values.join(', ')}`,
    schema: z.string().refine((value): value is V[number] => values.includes(value)),
  });
}

/**
 * A URL with one of the given schemes (e.g. `redis:`), or null when unset (or `default`, when given).
 * May carry a password: never repeated.
 */
export function url(options: Common & { schemes: readonly string[]; default: string }): Declaration<string>;
export function url(options: Common & { schemes: readonly string[] }): Declaration<string | null>;
export function url(options: Common & { schemes: readonly string[]; default?: string }): Declaration<string | null> {
  const { schemes } = options;
  return declare<string | null>('url', options, {
    default: options.default ?? null,
    form: `start with ${schemes.map((scheme) => `${scheme}//`).join(' or ')}`,
    schema: z.string().refine((value) => {
      try {
        return schemes.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }),
    isSecret: true,
  });
}

/** Comma-separated entries, each read by `entry`; blank entries are dropped unless `isBlankKept`. */
export function list(options: Common & { entry: { form: string; schema: z.ZodType<string, z.ZodTypeDef, string> }; isSecret?: boolean; isBlankKept?: boolean }): Declaration<string[]> {
  return declare<string[]>('list', options, {
    default: [],
    form: 'be a comma-separated list',
    // Entries are checked one by one in index.ts (each refusal names its entry); this only splits.
    schema: z.string().transform((value) => value.split(',').map((part) => part.trim())),
    entries: { ...options.entry, isBlankKept: options.isBlankKept ?? false },
    isSecret: options.isSecret ?? false,
  });
}

/** A browser origin as a CORS policy lists it: scheme, host and port of http(s), nothing else. */
export const origin = {
  form: 'be an exact http(s) origin such as https://staging.clinic.example (scheme, host and port; no path, no wildcard)',
  schema: z
    .string()
    .refine((entry) => {
      try {
        const parsed = new URL(entry);
        return entry !== '*' && parsed.origin === entry.replace(/\/$/, '') && ['http:', 'https:'].includes(parsed.protocol);
      } catch {
        return false;
      }
    })
    .transform((entry) => new URL(entry).origin),
};

/**
 * An http(s) URL a request is sent to (a list entry): no user or password (fetch refuses them, and they
 * would end up in logs), no #fragment.
 */
export const httpUrl = {
  form: 'be an http(s) URL without user, password or #fragment, such as http://varnish-1.internal:6081/',
  schema: z.string().refine((entry) => {
    try {
      const parsed = new URL(entry);
      return ['http:', 'https:'].includes(parsed.protocol) && parsed.username === '' && parsed.password === '' && parsed.hash === '' && !entry.includes('#');
    } catch {
      return false;
    }
  }),
};

/** Any text (a key of a list of keys). */
export const anyText = { form: 'text', schema: z.string() };
