/** How an error is put into one line of a reject, a log or a message. */

/** An error's first line: its message's, or the thrown value as text. */
export function firstLineOf(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}
