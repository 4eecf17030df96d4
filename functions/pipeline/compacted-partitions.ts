/**
 * Compacted partitions. A settled export partition (one no run expects to change) is read from its
 * exports once more, and its checked records — typed values, and every reject with its file, line and
 * reason — are stored as Parquet. Later runs read those few typed columns instead of parsing every line
 * again: on Athena a fraction of the bytes (column pruning, no JSON text), on DuckDB no JSON parse.
 *
 * One manifest per kind (`<kind>/_partitions.json` under the compacted root) says which partitions are
 * compacted, from which export files, and under which checks. A partition whose listing or checks differ
 * from its manifest entry is read from its exports, exactly as if it had never been compacted, and
 * compacted again once settled: a compacted copy can be stale, never wrong.
 * Pure: the engines (functions/adapters/duckdb.ts, athena.ts) do the reading and writing.
 */
import { z } from 'zod';

/** One export file a compacted partition was built from. */
export interface CompactionSource {
  /** Path relative to the exports root. */
  readonly file: string;
  readonly size: number;
  /** What changes when the file is rewritten: its ETag on S3, its modification time locally. */
  readonly version: string;
}

const partitionSchema = z.object({
  /** `checksFingerprint` of the kind when the partition was compacted. */
  checks: z.string(),
  sources: z.array(z.object({ file: z.string(), size: z.number(), version: z.string() })),
  /** The Parquet objects written, relative to the compacted root. */
  files: z.array(z.object({ key: z.string(), size: z.number() })),
  /** Records read (good or rejected) and rejects among them, as staging counts them. */
  records: z.number(),
  rejects: z.number(),
  /**
   * Where the partition's rejects are kept with their lines, when the engine cannot number lines itself
   * (Athena: finding them means reading the export files again).
   */
  rejects_key: z.string().optional(),
  /** Epoch seconds the checks ran with, and when it was compacted (a timestamp after now + 1 day is out of range). */
  now: z.number(),
});

/** What the manifest says of one compacted partition. */
export type CompactedPartition = z.infer<typeof partitionSchema>;

const manifestSchema = z.object({
  format: z.literal(1),
  kind: z.string(),
  partitions: z.record(z.string(), partitionSchema),
  /**
   * Objects of entries replaced by a newer compaction (keys under the compacted root), kept a while for
   * runs that read the manifest before it changed, then deleted (`since`: epoch seconds).
   */
  superseded: z.array(z.object({ key: z.string(), since: z.number() })).default([]),
});

/** The compacted partitions of one kind. */
export type CompactionManifest = z.infer<typeof manifestSchema>;

/** Key of a kind's manifest under the compacted root. */
export const manifestKey = (kind: string): string => `${kind}/_partitions.json`;

/** Key prefix of a compacted partition's Parquet objects under the compacted root. */
export const partitionPrefix = (kind: string, dt: string): string => `${kind}/dt=${dt}/`;

/** A manifest with no partition. */
export const emptyManifest = (kind: string): CompactionManifest => ({
  format: 1,
  kind,
  partitions: {},
  superseded: [],
});

/** How long a superseded object is kept for runs that still read the manifest it was named in. */
export const SUPERSEDED_GRACE_SECONDS = 86_400;

/**
 * Reads a manifest's text; a missing, unreadable or foreign one is an empty manifest (nothing is trusted:
 * its partitions are read from their exports and compacted again). `damaged` hears why one was unreadable.
 */
export function parseManifest(
  text: string | null,
  kind: string,
  damaged?: (problem: string) => void,
): CompactionManifest {
  if (text === null) return emptyManifest(kind);
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(text));
    if (parsed.success && parsed.data.kind === kind) return parsed.data;
    damaged?.(parsed.success ? `the manifest of ${parsed.data.kind}, not ${kind}` : 'not a manifest');
  } catch (error) {
    damaged?.(error instanceof Error ? error.message : String(error));
  }
  return emptyManifest(kind);
}

const sourceLine = (s: CompactionSource): string => `${s.file}\t${s.size}\t${s.version}`;

/** True when two listings name the same files at the same sizes and versions, in any order. */
export function sameSources(a: readonly CompactionSource[], b: readonly CompactionSource[]): boolean {
  if (a.length !== b.length) return false;
  const left = a.map(sourceLine).sort();
  const right = b.map(sourceLine).sort();
  return left.every((line, i) => line === right[i]);
}

/**
 * The partitions of a listing that may be read from their compacted copy: listed in the manifest
 * under the same checks, from exactly the files the partition holds now.
 */
export function usablePartitions(
  manifest: CompactionManifest,
  listing: ReadonlyMap<string, readonly CompactionSource[]>,
  checks: string,
): Map<string, CompactedPartition> {
  const usable = new Map<string, CompactedPartition>();
  for (const [dt, sources] of listing) {
    const entry = manifest.partitions[dt];
    if (entry !== undefined && entry.checks === checks && sameSources(entry.sources, sources)) usable.set(dt, entry);
  }
  return usable;
}

/**
 * The partitions to compact in this run: read from their exports, holding at least one file, and dated
 * before `settledBefore` (oldest first, at most `max`: a first run over a long history catches up over
 * several nights instead of one long one).
 */
export function partitionsToCompact(
  readFromExports: Iterable<string>,
  settledBefore: string | undefined,
  max = Number.POSITIVE_INFINITY,
): string[] {
  if (settledBefore === undefined) return [];
  return [...new Set(readFromExports)]
    .filter((dt) => dt < settledBefore)
    .sort()
    .slice(0, Math.max(0, max));
}

/** The listing of each partition, from files carrying their partition date. */
export function listingByPartition<F extends { readonly dt: string }>(
  files: readonly F[],
  source: (file: F) => CompactionSource,
): Map<string, CompactionSource[]> {
  const byDt = new Map<string, CompactionSource[]>();
  for (const f of files) {
    const ofPartition = byDt.get(f.dt) ?? [];
    ofPartition.push(source(f));
    byDt.set(f.dt, ofPartition);
  }
  return byDt;
}

/** A compacted partition's figures for a run summary: its Parquet bytes and its exports' bytes. */
export function compactedFigures(
  kind: string,
  dt: string,
  entry: CompactedPartition,
): { readonly kind: string; readonly dt: string; readonly bytes: number; readonly sourceBytes: number } {
  return {
    kind,
    dt,
    bytes: entry.files.reduce((sum, f) => sum + f.size, 0),
    sourceBytes: entry.sources.reduce((sum, f) => sum + f.size, 0),
  };
}
