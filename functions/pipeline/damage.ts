/**
 * Damaged files: a file Vigie wrote that a reader could not use (cut by a crash or a full disk on an
 * older version, or damaged since). Readers never trust one: they name it, and the job rebuilds it from
 * its sources where it can (facts from the exports, a manifest from its partitions) or starts it afresh
 * (the alert state). Jobs list what they found, and the command prints it.
 */
import { firstLineOf } from '../common/first-line.js';

/** A damaged file, and what was done about it. */
export interface DamagedFile {
  /** Where it is, as the store locates it. */
  readonly file: string;
  /** What is wrong, and what the run did instead: "unexpected end of file; rebuilt from the exports". */
  readonly problem: string;
}

/** Where readers report what they found damaged. */
export type NoteDamage = (damaged: DamagedFile) => void;

/** Runs `read` on a file's bytes; a throw names the file as damaged (with `instead`) and gives `null`. */
export function readOrNote<T>(file: string, read: () => T, note: NoteDamage | undefined, instead: string): T | null {
  try {
    return read();
  } catch (error) {
    note?.({ file, problem: `${firstLineOf(error)}; ${instead}` });
    return null;
  }
}
