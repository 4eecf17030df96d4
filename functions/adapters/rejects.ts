/** What both query engines do to the rejects they found, so that both report them alike. */
import type { Reject } from '../pipeline/ports.js';
import { EXPORT_KINDS } from '../sql/exports-schema.js';

const KIND_ORDER = new Map<string, number>(EXPORT_KINDS.map((k, i) => [k, i]));

/**
 * Rejects by kind, then file, then line: one order whichever way a partition was read (its exports, or
 * its compacted copy).
 */
export function sortRejects(rejects: readonly Reject[]): Reject[] {
  return [...rejects].sort(
    (a, b) =>
      (KIND_ORDER.get(a.kind) ?? 0) - (KIND_ORDER.get(b.kind) ?? 0) ||
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line,
  );
}
