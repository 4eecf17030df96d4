/**
 * Ports: the small interfaces through which the pipeline touches the world. Adapters in
 * `functions/adapters/` implement them (DuckDB, Athena, local folders, S3, outbox, SES); handlers and
 * the CLI build adapters and pass them in, so every stage is testable with real local servers.
 */

import type { SqlParam } from '../sql/values.js';

export type { SqlParam };

/** One result row, column name → value (numbers, strings, booleans or null). */
export type Row = Readonly<Record<string, string | number | boolean | null>>;

/** A record that could not be read, kept with where it came from. */
export interface Reject {
  readonly kind: string;
  /** The partition date (`dt=`) of the file, or `null` when the file was outside a partition. */
  readonly dt: string | null;
  readonly file: string;
  /** 1-based physical line; 0 when the whole file could not be read. */
  readonly line: number;
  readonly reason: string;
  /** The record as read, cut to a bounded size. */
  readonly raw: string;
}

/** One export file a stage read. */
export interface ExportFileInfo {
  readonly kind: string;
  readonly dt: string;
  /** Path relative to the exports root: `contacts/dt=2026-11-22/part-0.ndjson.gz`. */
  readonly file: string;
  readonly size: number;
}

/** What staging the exports produced: what was read, duplicates dropped, and the rejects. */
export interface StageResult {
  readonly files: readonly ExportFileInfo[];
  /** Records read (good or not) per partition date. */
  readonly recordsByPartition: Readonly<Record<string, number>>;
  /** The same records per partition date, then export kind: what a kind's reject share is a share of. */
  readonly recordsByPartitionKind?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Records merged into a later version with the same identity, per partition of the merged record. */
  readonly duplicatesByPartition: Readonly<Record<string, number>>;
  readonly rejects: readonly Reject[];
  /**
   * Partitions read from their compacted copy, those compacted by this stage, and compactions that failed
   * (they are read from their exports, as before; the run goes on). Absent: the engine keeps no compacted partitions.
   */
  readonly compaction?: {
    readonly read: readonly CompactedPartitionInfo[];
    readonly written: readonly CompactedPartitionInfo[];
    readonly failed: readonly { readonly kind: string; readonly reason: string }[];
  };
}

/** A partition of one kind held as compacted checked records. */
export interface CompactedPartitionInfo {
  readonly kind: string;
  readonly dt: string;
  /** Bytes of its compacted (Parquet) objects: the most a query reading it scans on Athena. */
  readonly bytes: number;
  /** Bytes of the export files it was built from. */
  readonly sourceBytes: number;
}

/** Which exports a run needs: the UTC partitions for its window, and the instant "now". */
export interface StageRequest {
  /** Partition dates (`dt=`) of the window, UTC. History kinds are read in every partition up to the last one. */
  readonly partitions: readonly string[];
  /** Epoch seconds; a timestamp later than now + 1 day is out of range. */
  readonly now: number;
  /** Only these kinds (default: all); a digest's targeted query stages just the small kind it needs. */
  readonly kinds?: readonly string[];
  /**
   * Compaction asked of this stage: partitions dated before `before` are settled (no run expects their
   * exports to change), so an engine that keeps compacted partitions compacts those of them it had to
   * read from their exports, oldest first, at most `atMost` (default: all).
   */
  readonly compact?: { readonly before: string; readonly atMost?: number };
}

/** Runs the portable SQL over staged, validated, deduplicated exports (DuckDB locally, Athena on AWS). */
export interface QueryEngine {
  /** Reads, validates and deduplicates the exports a window needs into the tables the SQL queries. */
  stageExports(request: StageRequest): Promise<StageResult>;
  /** Runs one SQL text with positional `?` parameters. */
  query(sql: string, params: readonly SqlParam[]): Promise<Row[]>;
  close(): Promise<void>;
}

/** A key–value store of files: the archive (local folder or S3 bucket). */
export interface ObjectStore {
  put(key: string, body: string | Uint8Array, contentType?: string): Promise<void>;
  /** Creates the key only if absent; resolves `false` when it already existed. */
  putIfAbsent(key: string, body: string | Uint8Array, contentType?: string): Promise<boolean>;
  get(key: string): Promise<Uint8Array | null>;
  list(prefix: string): Promise<string[]>;
  /** Where a key can be found by a person (a file path or an s3:// URL). */
  locate(key: string): string;
}

/** A message ready to send: raw MIME plus the envelope. */
export interface OutgoingMail {
  /** Stable identity of this send (period, report kind, recipient); file name in the outbox. */
  readonly key: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly raw: Uint8Array;
}

/** Delivers mail (an outbox folder of .eml files locally, SES on AWS). */
export interface Mailer {
  send(mail: OutgoingMail): Promise<{ readonly location: string }>;
}

/** The current instant; passed in so runs and tests are reproducible. */
export interface Clock {
  now(): Date;
}
