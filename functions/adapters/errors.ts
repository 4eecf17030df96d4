/** How adapters put an error into one line of a reject, a log or a message, and the errors users cause. */

/** An error's first line: its message's, or the thrown value as text. */
export function firstLineOf(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}

/**
 * Something the user supplied is wrong (a flag, a config file or value, an exports root): the command
 * says so in one line and exits 2. Anything else that is thrown is a failure of the run (exit 1), so a
 * bug never reads as a bad flag.
 */
export class UsageError extends Error {
  override readonly name: string = 'UsageError';
}
