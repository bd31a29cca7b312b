/**
 * The ending every command-line tool shares: exit 0 on success; on failure exit 1, printing only the
 * message for errors the user can fix (usage, invalid data) and the stack for anything else.
 */
export function runCli(main: () => Promise<void>, isUserError: (error: unknown) => boolean = () => false): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      if (isUserError(error)) console.error((error as Error).message);
      else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    },
  );
}

/** The database has no tables yet; the message says what to run first. */
export class DatabaseNotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseNotReadyError';
  }
}
