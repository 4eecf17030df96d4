/** How adapters put an error into one line of a reject, a log or a message, and the errors users cause. */

export { firstLineOf } from '../common/first-line.js';

/**
 * Something the user supplied is wrong (a flag, a config file or value, an exports root): the command
 * says so in one line and exits 2. Anything else that is thrown is a failure of the run (exit 1), so a
 * bug never reads as a bad flag.
 */
export class UsageError extends Error {
  override readonly name: string = 'UsageError';
}
