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
