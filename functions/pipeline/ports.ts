/**
 * Ports: the small interfaces through which the pipeline touches the world. Adapters in
 * `functions/adapters/` implement them (DuckDB, Athena, local folders, S3, outbox, SES); handlers and
 * the CLI build adapters and pass them in, so every stage is testable with real local servers.
 */

import type { SqlParam } from '../sql/values.js';
import type { DamagedFile } from './damage.js';

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
  /**
   * The partitions whose records the file may hold, when not only its own: an Amazon Connect CTR object
   * filed under its delivery date holds contacts of that day and of the days before it (re-deliveries).
   */
  readonly days?: readonly string[];
}

/**
 * What staging the exports produced: what was read, duplicates dropped, records excluded, and the rejects.
 * Per partition, records = rejects + duplicates + excluded + the records kept in the staged tables (the
 * ledger of docs/spec.md §1 counts the kept ones by the day they fall on).
 */
export interface StageResult {
  readonly files: readonly ExportFileInfo[];
  /** Records read per partition date: every record, good, rejected or excluded, and one per unreadable file. */
  readonly recordsByPartition: Readonly<Record<string, number>>;
  /** The same records per partition date, then export kind: what a kind's reject share is a share of. */
  readonly recordsByPartitionKind?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Records merged into a later version with the same identity, per partition of the merged record. */
  readonly duplicatesByPartition: Readonly<Record<string, number>>;
  /**
   * Good records set aside, per partition and reason (`inputs.excluded`): Amazon Connect records that are
   * not customer contacts, and legs merged into another contact. Absent: the engine sets none aside.
   */
  readonly excludedByPartition?: Readonly<Record<string, Readonly<Record<string, number>>>>;
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
  /**
   * What the staged tables were read from, per kind: the export files read and the state snapshots merged
   * (docs/decisions/0006-state-snapshot.md). A query naming a kind scans these on Athena. Absent: every file listed.
   */
  readonly scanned?: readonly { readonly kind: string; readonly size: number }[];
  /** The bytes each staging query scanned on Athena (or would scan there), in order. Absent: two per kind with files. */
  readonly stagingScans?: readonly number[];
  /** Files the engine wrote earlier (compaction manifests) that it found damaged, and what it did instead. */
  readonly damaged?: readonly DamagedFile[];
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
  /**
   * Stage the history kinds (tickets, customers, orders, costs) through their state snapshot, as the nightly
   * run does (docs/decisions/0006-state-snapshot.md): read only their window's partitions and those whose
   * listing changed since the snapshot, and keep the next snapshot. The tables staged so serve periods that
   * start on or after the first partition, no earlier ones.
   */
  readonly snapshot?: boolean;
}

/** Runs the portable SQL over staged, validated, deduplicated exports (DuckDB locally, Athena on AWS). */
export interface QueryEngine {
  /** Reads, validates and deduplicates the exports a window needs into the tables the SQL queries. */
  stageExports(request: StageRequest): Promise<StageResult>;
  /** Runs one SQL text with positional `?` parameters. */
  query(sql: string, params: readonly SqlParam[]): Promise<Row[]>;
  /**
   * Lists the export files of exactly these partitions, every kind (a file that cannot be read listed with
   * size 0), reading none: what late-data checks compare with what was filed. Absent: the engine cannot
   * list, and late files go unnoticed.
   */
  listExports?(partitions: readonly string[]): Promise<ExportFileInfo[]>;
  /** Keeps a query's rows as temporary table `name` (replacing it) for the next queries. Absent: rows go through JS. */
  keep?(name: string, sql: string, params: readonly SqlParam[]): Promise<void>;
  /** Drops a table `keep` made, if there. */
  forget?(name: string): Promise<void>;
  /** A one-text-column query's values, one per line, as the bytes of a text file the engine wrote itself. */
  writeLines?(sql: string, params: readonly SqlParam[]): Promise<Uint8Array>;
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

/**
 * Who runs a job, as the claims on its mails record it, and whether the runner an earlier claim names
 * has ended: a claim whose owner has ended is taken over at once, any other only after the claim timeout
 * (docs/decisions/0003-exactly-once-sends.md).
 */
export interface RunIdentity {
  /** Recorded in each claim: `local <host> <pid> <nonce>`, or `lambda <function> <request id>`. */
  readonly owner: string;
  /** True only when the runner `owner` names is known to have ended; false when it may still be running. */
  hasEnded(owner: string): boolean;
}

/** The ports a job needs. Without an identity, claims are taken over only after their timeout. */
export interface RunPorts {
  readonly engine: QueryEngine;
  readonly archive: ObjectStore;
  readonly mailer: Mailer;
  readonly clock: Clock;
  readonly identity?: RunIdentity;
}
