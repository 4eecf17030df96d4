/**
 * The embedded default QueryEngine: DuckDB in-process, reading exports from a local folder.
 * Every raw record is read once and checked as it is read (validated and typed by generated SQL) into a
 * checked table (functions/adapters/export-loading.ts), or taken from its partition's compacted copy
 * (functions/adapters/local-compaction.ts), then deduplicated into one table per export kind, which the
 * portable aggregation SQL then queries.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import {
  compactedFigures,
  listingByPartition,
  partitionsToCompact,
  usablePartitions,
} from '../pipeline/compacted-partitions.js';
import type { DamagedFile } from '../pipeline/damage.js';
import type {
  CompactedPartitionInfo,
  ExportFileInfo,
  QueryEngine,
  Reject,
  Row,
  SqlParam,
  StageRequest,
  StageResult,
} from '../pipeline/ports.js';
import { duplicatesFromStaged, stagedSelect } from '../sql/dedupe.js';
import { EXPORT_KINDS, type ExportKind } from '../sql/exports-schema.js';
import { checkedSelect, checksFingerprint } from '../sql/record-checks.js';
import { duckdbEmptySource } from '../sql/record-sources.js';
import { isStateKind } from '../sql/state.js';
import { sqlString } from '../sql/values.js';
import { type LocalCtrOptions, stageLocalCtrContacts } from './duckdb-ctr.js';
import { type DuckDbSession, readRows } from './duckdb-session.js';
import { firstLineOf } from './errors.js';
import { listExportFiles } from './export-listing.js';
import { ExportLoader } from './export-loading.js';
import { LocalCompaction } from './local-compaction.js';
import { LocalStateSnapshots } from './local-state.js';
import { sortRejects } from './rejects.js';
import { readTypedNdjson } from './typed-ndjson.js';

export type { LocalCtrOptions } from './duckdb-ctr.js';
export { ExportsRootError } from './export-listing.js';

export interface DuckDbOptions {
  /** Folder holding `<kind>/dt=YYYY-MM-DD/<file>`. */
  readonly exportsRoot: string;
  /** Longest accepted record line in bytes; longer lines are rejected as `line_too_long`. */
  readonly maxLineBytes?: number;
  /** Reject rows keep at most this many characters of the raw record. */
  readonly rawCharsKept?: number;
  /**
   * Folder of compacted partitions (see functions/pipeline/compacted-partitions.ts): partitions compacted there are read
   * from it, and settled partitions read from their exports are compacted into it. Unset: neither.
   */
  readonly compactedRoot?: string;
  /** When set, contacts are read from Amazon Connect CTR objects in this folder instead of the exports. */
  readonly ctr?: LocalCtrOptions;
  /**
   * Folder of the history kinds' state snapshots (docs/decisions/0006-state-snapshot.md); default
   * `<compactedRoot>/state`. Unset (and no compacted root): every history partition is read each stage.
   */
  readonly stateRoot?: string;
  /**
   * `typed` (the default): NDJSON files are read by DuckDB's typed reader, only rejected lines and
   * irregular files by the exact path (docs/decisions/0007-typed-read.md); `exact`: every file by the exact path.
   */
  readonly staging?: StagingPath;
  /**
   * The run's memory budget in MB (default `DEFAULT_MEMORY_BUDGET_MB`, the Lambda's size): DuckDB's buffer
   * pool is held to `duckdbMemoryLimitMb` of it and spills to the scratch folder beyond
   * (docs/decisions/0008-memory-budget.md).
   */
  readonly memoryBudgetMb?: number;
}

/** The default memory budget of a run, in MB: the Lambda's memory, so a night that fits here fits there. */
export const DEFAULT_MEMORY_BUDGET_MB = 1769;

/**
 * DuckDB's `memory_limit` for a run's budget: half of it. The limit holds only DuckDB's buffer pool; the
 * process also holds Node and its modules (~220 MB), the JavaScript heap, and memory DuckDB allocates
 * outside the pool or has freed but not returned (measured up to ~+900 MB over its own accounting at 3M
 * contacts without a limit), so the pool gets half (docs/decisions/0008-memory-budget.md).
 */
export function duckdbMemoryLimitMb(budgetMb: number): number {
  return Math.max(1, Math.floor(budgetMb / 2));
}

/** How export files are read: see `DuckDbOptions.staging`. */
export type StagingPath = 'typed' | 'exact';

/** How a kind's NDJSON files went through the typed read in a stage (the slow-path share, docs/decisions/0007). */
export interface TypedReadFigures {
  readonly kind: ExportKind;
  /** NDJSON files offered to the typed read. */
  readonly files: number;
  /** Of those, the files it read; the others took the exact path. */
  readonly read: number;
  /** Lines of the files it read that it rejected, checked again from their text. */
  readonly rechecked: number;
}

/** How a kind's CSV files went through the typed path's check in a stage (docs/decisions/0007). */
export interface CsvReadFigures {
  readonly kind: ExportKind;
  /** CSV files whose rows it checked (the others were refused whole, or split by `;`). */
  readonly files: number;
  /** Rows whose text it digested: those whose identity cells another row of their file repeats. */
  readonly digested: number;
  /** Rows it rejected, the only ones given their text. */
  readonly rejected: number;
}

/** DuckDB-backed QueryEngine over a local exports folder. */
export class DuckDbQueryEngine implements QueryEngine {
  /** The typed read's figures of every stage so far, per stage and kind (none on the exact path). */
  readonly typedReads: TypedReadFigures[] = [];
  /** The typed path's CSV figures of every stage so far, per stage and kind (none on the exact path). */
  readonly csvReads: CsvReadFigures[] = [];
  private readonly session: DuckDbSession;
  private readonly loader: ExportLoader;
  private readonly compaction: LocalCompaction;
  private readonly states: LocalStateSnapshots;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly scratch: string,
    private readonly options: Required<Omit<DuckDbOptions, 'compactedRoot' | 'stateRoot' | 'ctr' | 'memoryBudgetMb'>> &
      Pick<DuckDbOptions, 'compactedRoot' | 'stateRoot' | 'ctr'>,
  ) {
    this.session = { connection, scratch, options, rows: (sql, params) => this.rows(sql, params) };
    this.loader = new ExportLoader(this.session, options.staging);
    this.compaction = new LocalCompaction(this.session);
    this.states = new LocalStateSnapshots(
      this.session,
      options.stateRoot ?? (options.compactedRoot === undefined ? undefined : join(options.compactedRoot, 'state')),
    );
  }

  /**
   * Opens an in-memory database held to the memory budget, spilling to a private temp folder; extensions
   * load only from another (no network).
   */
  static async open(options: DuckDbOptions): Promise<DuckDbQueryEngine> {
    const budget = options.memoryBudgetMb ?? DEFAULT_MEMORY_BUDGET_MB;
    if (!Number.isInteger(budget) || budget < 1)
      throw new RangeError(`memoryBudgetMb must be a positive integer, got ${budget}`);
    const scratch = await mkdtemp(join(tmpdir(), 'vigie-duckdb-'));
    const instance = await DuckDBInstance.create(':memory:', {
      extension_directory: join(scratch, 'extensions'),
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'true',
      // An in-memory database's tables, sorts and hash tables spill here past memory_limit. Insertion
      // order stays preserved: both readers number lines by rowid (export-loading.ts, typed-ndjson.ts).
      temp_directory: join(scratch, 'spill'),
      memory_limit: `${duckdbMemoryLimitMb(budget)}MiB`,
    });
    const connection = await instance.connect();
    return new DuckDbQueryEngine(instance, connection, scratch, {
      maxLineBytes: 2 * 1024 * 1024,
      rawCharsKept: 4096,
      staging: 'typed',
      ...options,
    });
  }

  async stageExports(request: StageRequest): Promise<StageResult> {
    const kinds = EXPORT_KINDS.filter((k) => request.kinds === undefined || request.kinds.includes(k));
    const ctr = this.options.ctr;
    // With CTRs, contacts come from them: contacts exports, if any, are not read.
    const files = await listExportFiles(
      this.options.exportsRoot,
      request.partitions,
      kinds.filter((k) => ctr === undefined || k !== 'contacts'),
    );
    const ctrFiles: StageResult['files'][number][] = [];
    const excludedByPartition: Record<string, Record<string, number>> = {};
    const rejects: Reject[] = [];
    const recordsByPartition: Record<string, number> = {};
    const recordsByPartitionKind: Record<string, Record<string, number>> = {};
    const count = (dt: string, n: number, kind: string): void => {
      recordsByPartition[dt] = (recordsByPartition[dt] ?? 0) + n;
      const own = recordsByPartitionKind[dt] ?? {};
      own[kind] = (own[kind] ?? 0) + n;
      recordsByPartitionKind[dt] = own;
    };
    const duplicatesByPartition: Record<string, number> = {};
    const damaged: DamagedFile[] = [];
    const compaction = {
      read: [] as CompactedPartitionInfo[],
      written: [] as CompactedPartitionInfo[],
      failed: [] as { kind: string; reason: string }[],
    };
    // The previous stage's tables are not read again: freed first, they do not sit beside this stage's.
    for (const kind of kinds) await this.connection.run(`DROP TABLE IF EXISTS ${kind}`);
    const stage = randomUUID();
    const scanned: { kind: string; size: number }[] = [];
    const stagingScans: number[] = [];
    for (const kind of kinds) {
      if (kind === 'contacts' && ctr !== undefined) {
        const staged = await stageLocalCtrContacts(this.session, ctr, request);
        ctrFiles.push(...staged.files);
        rejects.push(...staged.rejects);
        for (const [dt, n] of Object.entries(staged.records)) count(dt, n, kind);
        for (const [dt, n] of Object.entries(staged.duplicates))
          duplicatesByPartition[dt] = (duplicatesByPartition[dt] ?? 0) + n;
        Object.assign(excludedByPartition, staged.excluded);
        // On Athena, staging reads the staged CTR objects twice, and each query naming contacts once more.
        const bytes = staged.files.reduce((sum, f) => sum + f.size, 0);
        if (bytes > 0) stagingScans.push(bytes, bytes);
        scanned.push(...staged.files.map((f) => ({ kind, size: f.size })));
        continue;
      }
      const listed = files.filter((f) => f.kind === kind);
      const plan = isStateKind(kind) ? await this.states.statePlan(kind, listed, request) : undefined;
      // Through its state, a history kind reads only the partitions that changed since the snapshot (and its window).
      const kindFiles = plan === undefined ? listed : listed.filter((f) => plan.read.has(f.dt));
      const readBytes = kindFiles.reduce((sum, f) => sum + f.size, 0);
      const listing = listingByPartition(kindFiles, (f) => ({
        file: relative(this.options.exportsRoot, f.path),
        size: f.size,
        version: f.version,
      }));
      const manifest = await this.compaction.readManifest(kind, damaged);
      const checks = checksFingerprint(kind, 'duckdb');
      const compacted = usablePartitions(manifest, listing, checks);
      const fromExports = kindFiles.filter((f) => !compacted.has(f.dt));
      // Each file's records are checked as they are read: a kind's checked table is the only one that grows.
      await this.connection.run(
        `CREATE OR REPLACE TEMP TABLE checked_${kind} AS ${checkedSelect(kind, request.now, 'duckdb', duckdbEmptySource(kind))}`,
      );
      const ndjson = fromExports.filter((f) => f.format === 'ndjson' && f.size > 0 && f.problem === undefined);
      const typed =
        this.options.staging === 'typed'
          ? await readTypedNdjson(this.loader.typedReadContext(), kind, ndjson, request.now)
          : undefined;
      if (typed !== undefined)
        this.typedReads.push({ kind, files: ndjson.length, read: typed.read.size, rechecked: typed.rechecked });
      const exact = typed === undefined ? fromExports : fromExports.filter((f) => !typed.read.has(f));
      // A file that cannot be read whole is not read at all: none of its records is used.
      const unreadable = await this.loader.unreadableFiles(exact);
      const read = await this.loader.loadNdjsonFiles(
        exact.filter((f) => f.format === 'ndjson' && f.size > 0 && !unreadable.has(f)),
        request.now,
      );
      for (const f of typed?.read ?? []) read.add(f);
      // Records DuckDB could not split (or files it could not read) never reach the checked table.
      const unsplitByPartition = new Map<string, Reject[]>();
      for (const file of fromExports) {
        const problem = unreadable.get(file);
        const found =
          problem !== undefined
            ? [this.loader.rejectOf(file, 0, 'unreadable_file', problem)]
            : read.has(file)
              ? []
              : await this.loader.loadFile(file, request.now);
        const ofPartition = unsplitByPartition.get(file.dt) ?? [];
        ofPartition.push(...found);
        unsplitByPartition.set(file.dt, ofPartition);
        rejects.push(...found);
        // Records DuckDB could not split never reach the checked table but were read all the same; an
        // unreadable file counts as one record, rejected (docs/spec.md §1).
        count(file.dt, found.length, kind);
      }
      await this.connection.run('DROP TABLE IF EXISTS file_rows');
      const csv = this.loader.takeCsvTally();
      if (csv.files > 0) this.csvReads.push({ kind, ...csv });
      if (compacted.size > 0) {
        await this.connection.run(`INSERT INTO checked_${kind} ${this.compaction.compactedSelect(kind, compacted)}`);
      }
      for (const [dt, entry] of compacted) compaction.read.push(compactedFigures(kind, dt, entry));
      const settled = partitionsToCompact(
        [...listing.keys()].filter((dt) => !compacted.has(dt)),
        this.options.compactedRoot === undefined ? undefined : request.compact?.before,
        request.compact?.atMost,
      );
      if (settled.length > 0) {
        // Compaction only saves later runs work: failing, it leaves the partitions to be read from their exports.
        await this.compaction
          .compact(kind, settled, { manifest, checks, listing, unsplitByPartition, now: request.now })
          .then(
            (written) => compaction.written.push(...written),
            (error: unknown) => compaction.failed.push({ kind, reason: firstLineOf(error) }),
          );
      }
      const bad = await this.rows(
        `SELECT dt, file, line, reason, left(raw, ${this.options.rawCharsKept}) AS raw FROM checked_${kind} WHERE reason IS NOT NULL ORDER BY file, line`,
      );
      for (const r of bad) {
        rejects.push({
          kind,
          dt: r.dt as string,
          file: relative(this.options.exportsRoot, r.file as string),
          line: r.line as number,
          reason: r.reason as string,
          raw: (r.raw as string | null) ?? '',
        });
      }
      // A compacted partition holds its unreadable files as line-0 rows: one record each, rejected.
      for (const r of await this.rows(`SELECT dt, count(*) AS n FROM checked_${kind} GROUP BY dt`)) {
        count(String(r.dt), Number(r.n), kind);
      }
      // What the same stage would scan on Athena: a window kind's files in its two staging queries, then in
      // each query naming it; a history kind's changed files and snapshot in its merge, then its new state.
      let duplicates: Row[];
      if (plan === undefined) {
        duplicates = await this.stageKind(kind);
        if (readBytes > 0) stagingScans.push(readBytes, readBytes);
        scanned.push(...kindFiles.map((f) => ({ kind, size: f.size })));
      } else {
        const merged = await this.states.stageThroughState(kind, plan, { request, stage, listed: plan.hashes });
        duplicates = merged.duplicates;
        const merging = readBytes + plan.bytes;
        stagingScans.push(...(readBytes > 0 ? [readBytes] : []), merging, merging);
        scanned.push({ kind, size: merged.bytes ?? merging });
      }
      for (const r of duplicates) {
        duplicatesByPartition[String(r.dt)] = (duplicatesByPartition[String(r.dt)] ?? 0) + Number(r.n);
      }
      await this.connection.run(`DROP TABLE checked_${kind}`);
    }
    return {
      files: [
        ...files.map((f) => ({
          kind: f.kind,
          dt: f.dt,
          file: relative(this.options.exportsRoot, f.path),
          size: f.size,
        })),
        ...ctrFiles,
      ],
      recordsByPartition,
      recordsByPartitionKind,
      duplicatesByPartition,
      ...(ctr === undefined ? {} : { excludedByPartition }),
      // One order whichever way a partition was read: kind, then file, then line.
      rejects: sortRejects(rejects),
      ...(this.options.compactedRoot === undefined ? {} : { compaction }),
      scanned,
      stagingScans,
      ...(damaged.length > 0 ? { damaged } : {}),
    };
  }

  /** Stages a kind from its checked records alone; returns its merged duplicates per partition. */
  private async stageKind(kind: ExportKind): Promise<Row[]> {
    await this.connection.run(`CREATE OR REPLACE TABLE ${kind} AS ${stagedSelect(kind, `checked_${kind}`)}`);
    return this.rows(duplicatesFromStaged(`checked_${kind}`, kind));
  }

  async query(sql: string, params: readonly SqlParam[]): Promise<Row[]> {
    return this.rows(sql, params);
  }

  async listExports(partitions: readonly string[]): Promise<ExportFileInfo[]> {
    const files = await listExportFiles(this.options.exportsRoot, partitions, EXPORT_KINDS, { exact: true });
    return files.map((f) => ({
      kind: f.kind,
      dt: f.dt,
      file: relative(this.options.exportsRoot, f.path),
      size: f.size,
    }));
  }

  async keep(name: string, sql: string, params: readonly SqlParam[]): Promise<void> {
    await this.connection.run(
      `CREATE OR REPLACE TEMP TABLE ${quotedName(name)} AS ${sql}`,
      params.length > 0 ? (params as DuckDBValue[]) : undefined,
    );
  }

  async forget(name: string): Promise<void> {
    await this.connection.run(`DROP TABLE IF EXISTS ${quotedName(name)}`);
  }

  async writeLines(sql: string, params: readonly SqlParam[]): Promise<Uint8Array> {
    const file = join(this.scratch, `lines-${randomUUID()}.txt`);
    try {
      // No quote, escape or header, a delimiter no JSON text holds unescaped: each value written as it is.
      // Not gzipped here: DuckDB's gzip takes twice zlib's level 3 on a 1M-contact day's facts.
      await this.connection.run(
        `COPY (${sql}) TO ${sqlString(file)} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x01')`,
        params.length > 0 ? (params as DuckDBValue[]) : undefined,
      );
      return await readFile(file);
    } finally {
      await rm(file, { force: true });
    }
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
    await rm(this.scratch, { recursive: true, force: true });
  }

  private rows(sql: string, params: readonly SqlParam[] = []): Promise<Row[]> {
    return readRows(this.connection, sql, params);
  }
}

/** A table name the pipeline chose, quoted; anything but letters, digits and `_` is refused. */
function quotedName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a table name: ${name}`);
  return `"${name}"`;
}
