/**
 * The state snapshot's manifest (docs/decisions/0006-state-snapshot.md): per history kind, which snapshot
 * holds the kind's state, up to which partition and from which horizon, and what each partition's listing
 * was when it was merged. A night reads only the partitions whose listing changed since (and its own
 * window), merges them into the snapshot, and writes the next one. Pure: the engines read and write.
 */
import { z } from 'zod';
import { fingerprint } from '../common/fingerprint.js';

/** One export file as listed: what changes when it is rewritten is its size or version (ETag, mtime). */
export interface ListedFile {
  readonly file: string;
  readonly size: number;
  readonly version: string;
}

const manifestSchema = z.object({
  format: z.literal(1),
  kind: z.string(),
  /** The checks and merge SQL the snapshot was built under: other checks mean reading the history again. */
  checks: z.string(),
  /** The earliest partition date the snapshot serves: it holds what nights from then on need. */
  horizon: z.string(),
  /** The latest partition date merged into it. */
  through: z.string(),
  /** The snapshot's objects, relative to the state root, with their sizes. */
  objects: z.array(z.object({ key: z.string(), size: z.number() })),
  /** Per partition merged, the hash of its listing (`listingHash`). */
  partitions: z.record(z.string(), z.string()),
});

/** What a kind's state snapshot is and what it was built from. */
export type StateManifest = z.infer<typeof manifestSchema>;

/** Key of a kind's manifest under the state root. */
export const stateManifestKey = (kind: string): string => `${kind}/_manifest.json`;

/** Key prefix of one snapshot of a kind under the state root. */
export const snapshotPrefix = (kind: string, id: string): string => `${kind}/${id}/`;

/** A manifest's text read back; a missing, unreadable or foreign one is `null` (nothing is trusted). */
export function parseStateManifest(text: string | null, kind: string): StateManifest | null {
  if (text === null) return null;
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(text));
    return parsed.success && parsed.data.kind === kind ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A stable hash of one partition's listing: any file added, removed, resized or rewritten changes it. */
export function listingHash(files: readonly ListedFile[]): string {
  return fingerprint(
    files
      .map((f) => `${f.file}\t${f.size}\t${f.version}`)
      .sort()
      .join('\n'),
  );
}

/** The listing of each partition of a kind, hashed. */
export function partitionHashes<F extends { readonly dt: string }>(
  files: readonly F[],
  listed: (file: F) => ListedFile,
): Map<string, string> {
  const byDt = new Map<string, ListedFile[]>();
  for (const f of files) byDt.set(f.dt, [...(byDt.get(f.dt) ?? []), listed(f)]);
  return new Map([...byDt].map(([dt, list]) => [dt, listingHash(list)]));
}

/** What a stage asks of a kind's snapshot: the partitions of its window, and the checks it runs. */
export interface SnapshotRequest {
  readonly window: readonly string[];
  readonly checks: string;
}

/**
 * Whether a snapshot can start this stage: built under the same checks, for a horizon no later than the
 * stage's first partition (it still holds what that day needs), and through no later than its last (it
 * holds nothing the stage must not see).
 */
export function snapshotUsable(manifest: StateManifest | null, request: SnapshotRequest): manifest is StateManifest {
  const first = [...request.window].sort()[0];
  const last = [...request.window].sort().at(-1);
  if (manifest === null || first === undefined || last === undefined) return false;
  return manifest.checks === request.checks && manifest.horizon <= first && manifest.through <= last;
}

/**
 * The partitions a stage reads for a kind: with a usable snapshot, its window and every partition whose
 * listing differs from the one merged (new, changed, or gone: a partition gone is read as empty, which
 * removes its rows); without one, every partition listed. Oldest first.
 */
export function partitionsToRead(
  listing: ReadonlyMap<string, string>,
  manifest: StateManifest | null,
  window: readonly string[],
): string[] {
  if (manifest === null) return [...listing.keys()].sort();
  const last = [...window].sort().at(-1) ?? '';
  const read = new Set(window.filter((dt) => listing.has(dt) || manifest.partitions[dt] !== undefined));
  for (const [dt, hash] of listing) if (manifest.partitions[dt] !== hash) read.add(dt);
  for (const dt of Object.keys(manifest.partitions)) if (!listing.has(dt) && dt <= last) read.add(dt);
  return [...read].sort();
}

/** The epoch second a horizon date starts at (00:00 UTC: partitions are UTC dates). */
export const horizonSeconds = (date: string): number => Date.parse(`${date}T00:00:00Z`) / 1000;

/**
 * Splits partitions (oldest first) into chunks whose files number at most `maxFiles` (a partition with
 * more is a chunk of its own), so that no query names more files than its text can hold.
 */
export function chunkPartitions(
  partitions: readonly string[],
  filesOf: (dt: string) => number,
  maxFiles: number,
): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let count = 0;
  for (const dt of partitions) {
    const n = filesOf(dt);
    if (current.length > 0 && count + n > maxFiles) {
      chunks.push(current);
      current = [];
      count = 0;
    }
    current.push(dt);
    count += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
