/**
 * The ending every command-line tool shares: exit 0 on success; on failure exit 1, printing only the
 * message for errors the user can fix (usage, invalid data, a set-up step still to do) and the stack
 * for anything else.
 */

/** Something to do before the command can run (a secret to set, a database to seed): one sentence. */
export class CliSetupError extends Error {}

export function runCli(main: () => Promise<void>, isUserError: (error: unknown) => boolean = () => false): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      if (error instanceof CliSetupError || isUserError(error)) console.error((error as Error).message);
      else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    },
  );
}

/**
 * The command line, parsed before Strapi boots so that a mistake is answered at once: its message on
 * stderr and exit code 2 (a usage error, not a failed run).
 */
export function parseArgumentsOrExit<T>(parse: (argv: string[]) => T): T {
  try {
    return parse(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}

/** A mistake on the command line: its message (with the usage) is printed and the command exits 2. */
export class UsageError extends Error {}

/**
 * `--name value`, `--name=value` and bare `--flag` options: each known value option at most once, each
 * flag without a value. Anything else is a UsageError naming it, followed by `usage`.
 */
export function parseOptions(argv: readonly string[], spec: { values: readonly string[]; flags: readonly string[]; usage: string }): { values: Map<string, string>; flags: Set<string> } {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const fail = (message: string): never => {
    throw new UsageError(`${message}\n${spec.usage}`);
  };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] as string;
    const equals = argument.indexOf('=');
    const name = equals === -1 ? argument : argument.slice(0, equals);
    if (spec.flags.includes(name)) {
      if (equals !== -1) fail(`${name} takes no value.`);
      flags.add(name);
      continue;
    }
    if (!spec.values.includes(name)) fail(`Unknown argument ${argument}.`);
    if (values.has(name)) fail(`${name} may be given once.`);
    const value = equals === -1 ? argv[(index += 1)] : argument.slice(equals + 1);
    if (value === undefined || value === '' || value.startsWith('--')) fail(`${name} needs a value.`);
    values.set(name, value as string);
  }
  return { values, flags };
}
