/**
 * The embedded default QueryEngine: DuckDB in-process, reading exports from a local folder.
 * Every raw record is read once and checked as it is read (validated and typed by generated SQL) into a
 * checked table, or taken from its partition's compacted copy, then deduplicated into one table per
 * export kind, which the portable aggregation SQL then queries.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  JSDuckDBValueConverter,
} from '@duckdb/node-api';
import { fingerprint } from '../common/fingerprint.js';
import {
  type CompactedPartition,
  type CompactionManifest,
  type CompactionSource,
  compactedFigures,
  listingByPartition,
  manifestKey,
  parseManifest,
  partitionPrefix,
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
import {
  horizonSeconds,
  type ListedFile,
  parseStateManifest,
  partitionHashes,
  partitionsToRead,
  type StateManifest,
  snapshotPrefix,
  snapshotUsable,
  stateManifestKey,
} from '../pipeline/state-snapshot.js';
import { CTR_CARRIED, type CtrMapping, ctrContactsSelect, ctrExcludedSelect, ctrSource } from '../sql/connect-ctr.js';
import { EXPORT_KINDS, EXPORT_SCHEMA, type ExportKind, exportFormatOf } from '../sql/exports-schema.js';
import {
  checkedColumns,
  checkedSelect,
  checksFingerprint,
  duckdbCsvSource,
  duckdbEmptySource,
  duckdbNdjsonSource,
  duplicatesSelect,
  stagedSelect,
} from '../sql/staging.js';
import {
  emptyStateSelect,
  isStateKind,
  stateDuplicatesSelect,
  stateMergeSelect,
  stateStagedSelect,
} from '../sql/state.js';
import { sqlString } from '../sql/values.js';
import { ctrFileInfo, deliveryDates, listLocalCtrObjects, readLocalCtrObject } from './connect-ctr-objects.js';
import { firstLineOf, UsageError } from './errors.js';
import {
  blankLines,
  copyWithLineFeeds,
  type ExportLine,
  exportLines,
  firstLine,
  gzipProblem,
  headerNames,
  isBlank,
} from './export-files.js';
import { objectRefusal, SEMICOLON_HEADER } from './export-objects.js';
import { writeWhole } from './local-fs.js';
import { sortRejects } from './rejects.js';

/** The exports root does not exist or is not a folder: the run cannot start. */
export class ExportsRootError extends UsageError {
  override readonly name = 'ExportsRootError';
}

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
}

/** A local folder of Amazon Connect CTR objects in Firehose's layout, and how its records map onto contacts. */
export interface LocalCtrOptions {
  readonly root: string;
  readonly mapping: CtrMapping;
  /** Days after the window's last partition whose deliveries are read too (`connect.delivery_days`). */
  readonly deliveryDays: number;
}

/** How a history kind is staged through its state: the partitions read, and the state they merge into. */
interface StatePlan {
  readonly read: ReadonlySet<string>;
  /** A relation with the state's columns: the snapshot, or an empty state. */
  readonly previous: string;
  /** The snapshot this stage starts from, if any. */
  readonly manifest: StateManifest | null;
  readonly hashes: ReadonlyMap<string, string>;
  readonly bytes: number;
}

interface ExportFile {
  readonly kind: ExportKind;
  readonly dt: string;
  readonly path: string;
  readonly format: 'ndjson' | 'csv' | null;
  readonly size: number;
  /** Changes when the file is rewritten. */
  readonly version: string;
  /** Why it cannot be read at all (a broken link, one that leads out of the exports root): one `unreadable_file`. */
  readonly problem?: string;
}

const PARTITION = /^dt=(\d{4}-\d{2}-\d{2})$/;

/** What a kind's snapshot was built under: its checks and the merge SQL (another means reading the history again). */
function stateChecks(kind: ExportKind): string {
  return fingerprint(
    [
      checksFingerprint(kind, 'duckdb'),
      stateMergeSelect(kind, { checked: 'c', previous: 'p', partitions: [], stage: 's' }, 0),
    ].join('\n'),
  );
}

/** DuckDB error types of its CSV reader, mapped to Vigie's reject reasons. */
function structuralReason(errorType: string, format: 'ndjson' | 'csv'): string {
  if (errorType === 'LINE SIZE OVER MAXIMUM') return 'line_too_long';
  if (errorType === 'INVALID ENCODING' || errorType === 'INVALID UNICODE') return 'bad_encoding';
  return format === 'csv' ? 'wrong_column_count' : 'bad_json';
}

/** Gzip files checked at once (each inflates on a thread of the pool while DuckDB reads). */
const GZIP_CHECKS = 4;

/** A path is under a folder (or is it), both resolved. */
const isWithin = (folder: string, path: string): boolean => path === folder || path.startsWith(folder + sep);

/** Column names DuckDB can take: empty ones named by position, repeated ones numbered (`id`, `id_1`). */
function uniqueColumns(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((raw, i) => {
    let name = raw === '' ? `column${i}` : raw;
    for (let n = 1; seen.has(name); n++) name = `${raw}_${n}`;
    seen.add(name);
    return name;
  });
}

/** A result row as it is filled. */
type Plain = Record<string, string | number | boolean | null>;

function toPlain(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}

/** Column types whose vector items are already plain values (a bigint is made a number). */
const DIRECT_TYPES: ReadonlySet<DuckDBTypeId> = new Set([
  DuckDBTypeId.BOOLEAN,
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.VARCHAR,
]);

/** DuckDB-backed QueryEngine over a local exports folder. */
export class DuckDbQueryEngine implements QueryEngine {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly scratch: string,
    private readonly options: Required<Omit<DuckDbOptions, 'compactedRoot' | 'stateRoot' | 'ctr'>> &
      Pick<DuckDbOptions, 'compactedRoot' | 'stateRoot' | 'ctr'>,
  ) {}

  /** Where state snapshots are kept, if anywhere. */
  private get stateRoot(): string | undefined {
    return (
      this.options.stateRoot ??
      (this.options.compactedRoot === undefined ? undefined : join(this.options.compactedRoot, 'state'))
    );
  }

  /** Opens an in-memory database; extensions load only from a private temp folder (no network). */
  static async open(options: DuckDbOptions): Promise<DuckDbQueryEngine> {
    const scratch = await mkdtemp(join(tmpdir(), 'vigie-duckdb-'));
    const instance = await DuckDBInstance.create(':memory:', {
      extension_directory: join(scratch, 'extensions'),
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'true',
      temp_directory: join(scratch, 'spill'),
    });
    const connection = await instance.connect();
    return new DuckDbQueryEngine(instance, connection, scratch, {
      maxLineBytes: 2 * 1024 * 1024,
      rawCharsKept: 4096,
      ...options,
    });
  }

  async stageExports(request: StageRequest): Promise<StageResult> {
    const kinds = EXPORT_KINDS.filter((k) => request.kinds === undefined || request.kinds.includes(k));
    const ctr = this.options.ctr;
    // With CTRs, contacts come from them: contacts exports, if any, are not read.
    const files = await this.listFiles(
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
        const staged = await this.stageCtrContacts(ctr, request);
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
      const plan = isStateKind(kind) ? await this.statePlan(kind, listed, request) : undefined;
      // Through its state, a history kind reads only the partitions that changed since the snapshot (and its window).
      const kindFiles = plan === undefined ? listed : listed.filter((f) => plan.read.has(f.dt));
      const readBytes = kindFiles.reduce((sum, f) => sum + f.size, 0);
      const listing = listingByPartition(kindFiles, (f) => ({
        file: relative(this.options.exportsRoot, f.path),
        size: f.size,
        version: f.version,
      }));
      const manifest = await this.readManifest(kind, damaged);
      const checks = checksFingerprint(kind, 'duckdb');
      const compacted = usablePartitions(manifest, listing, checks);
      const fromExports = kindFiles.filter((f) => !compacted.has(f.dt));
      // A file that cannot be read whole is not read at all: none of its records is used.
      const unreadable = await this.unreadableFiles(fromExports);
      // Each file's records are checked as they are read: a kind's checked table is the only one that grows.
      await this.connection.run(
        `CREATE OR REPLACE TEMP TABLE checked_${kind} AS ${checkedSelect(kind, request.now, 'duckdb', duckdbEmptySource(kind))}`,
      );
      const read = await this.loadNdjsonFiles(
        fromExports.filter((f) => f.format === 'ndjson' && f.size > 0 && !unreadable.has(f)),
        request.now,
      );
      // Records DuckDB could not split (or files it could not read) never reach the checked table.
      const unsplitByPartition = new Map<string, Reject[]>();
      for (const file of fromExports) {
        const problem = unreadable.get(file);
        const found =
          problem !== undefined
            ? [this.rejectOf(file, 0, 'unreadable_file', problem)]
            : read.has(file)
              ? []
              : await this.loadFile(file, request.now);
        const ofPartition = unsplitByPartition.get(file.dt) ?? [];
        ofPartition.push(...found);
        unsplitByPartition.set(file.dt, ofPartition);
        rejects.push(...found);
        // Records DuckDB could not split never reach the checked table but were read all the same; an
        // unreadable file counts as one record, rejected (docs/spec.md §1).
        count(file.dt, found.length, kind);
      }
      await this.connection.run('DROP TABLE IF EXISTS file_rows');
      if (compacted.size > 0) {
        await this.connection.run(`INSERT INTO checked_${kind} ${this.compactedSelect(kind, compacted)}`);
      }
      for (const [dt, entry] of compacted) compaction.read.push(compactedFigures(kind, dt, entry));
      const settled = partitionsToCompact(
        [...listing.keys()].filter((dt) => !compacted.has(dt)),
        this.options.compactedRoot === undefined ? undefined : request.compact?.before,
        request.compact?.atMost,
      );
      if (settled.length > 0) {
        // Compaction only saves later runs work: failing, it leaves the partitions to be read from their exports.
        await this.compact(kind, settled, { manifest, checks, listing, unsplitByPartition, now: request.now }).then(
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
        const merged = await this.stageThroughState(kind, plan, { request, stage, listed: plan.hashes });
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
    return this.rows(duplicatesSelect(kind, `checked_${kind}`));
  }

  /**
   * How a history kind is staged: from its snapshot when the stage is a nightly one and the snapshot serves
   * it, reading only the partitions of its window and those whose listing changed; else from every partition.
   */
  private async statePlan(
    kind: ExportKind,
    listed: readonly ExportFile[],
    request: StageRequest,
  ): Promise<StatePlan | undefined> {
    const root = this.stateRoot;
    if (root === undefined) return undefined;
    const hashes = partitionHashes(listed, (f) => this.listed(f));
    const text =
      request.snapshot === true ? await readFile(join(root, stateManifestKey(kind)), 'utf8').catch(() => null) : null;
    const found = parseStateManifest(text, kind);
    const objects = found?.objects.map((o) => join(root, o.key)) ?? [];
    const present = (
      await Promise.all(
        objects.map((o) =>
          stat(o).then(
            () => true,
            () => false,
          ),
        ),
      )
    ).every(Boolean);
    const manifest =
      present && snapshotUsable(found, { window: request.partitions, checks: stateChecks(kind) }) ? found : null;
    return {
      read: new Set(partitionsToRead(hashes, manifest, request.partitions)),
      previous:
        manifest === null || objects.length === 0
          ? emptyStateSelect(kind)
          : `SELECT * FROM read_parquet([${objects.map(sqlString).join(', ')}])`,
      manifest,
      hashes,
      bytes: manifest === null ? 0 : manifest.objects.reduce((sum, o) => sum + o.size, 0),
    };
  }

  /** An export file as a listing names it: its path under the exports root, size and modification time. */
  private listed(file: ExportFile): ListedFile {
    return { file: relative(this.options.exportsRoot, file.path), size: file.size, version: file.version };
  }

  /**
   * Merges the kind's checked records into its state (the snapshot, or nothing), stages the kind from the
   * result, and on a nightly stage writes it as the next snapshot. Returns the merged duplicates per partition.
   */
  private async stageThroughState(
    kind: ExportKind,
    plan: StatePlan,
    context: { readonly request: StageRequest; readonly stage: string; readonly listed: ReadonlyMap<string, string> },
  ): Promise<{ readonly duplicates: Row[]; readonly bytes: number | undefined }> {
    const { request, stage } = context;
    // Paths under the exports root, so that a snapshot's file keys compare with tonight's wherever the root is.
    const checked = `SELECT * REPLACE (substr(file, ${this.exportsPrefix.length + 1}) AS file) FROM checked_${kind}`;
    const merge = { checked, previous: plan.previous, partitions: [...plan.read].sort(), stage };
    const first = [...request.partitions].sort()[0];
    // Only a nightly stage keeps just what later nights need; another may ask about any earlier period.
    const horizon = request.snapshot === true && first !== undefined ? horizonSeconds(first) : undefined;
    const duplicates = await this.rows(stateDuplicatesSelect(kind, merge));
    await this.connection.run(
      `CREATE OR REPLACE TEMP TABLE state_${kind} AS ${stateMergeSelect(kind, merge, horizon)}`,
    );
    await this.connection.run(`CREATE OR REPLACE TABLE ${kind} AS ${stateStagedSelect(kind, `state_${kind}`)}`);
    const root = this.stateRoot;
    let bytes: number | undefined;
    if (request.snapshot === true && root !== undefined && first !== undefined) {
      bytes = await this.writeSnapshot(root, kind, {
        horizon: first,
        through: [...request.partitions].sort().at(-1) ?? first,
        partitions: context.listed,
      });
    }
    await this.connection.run(`DROP TABLE state_${kind}`);
    return { duplicates, bytes };
  }

  /** Writes `state_<kind>` as the kind's next snapshot, names it in the manifest, removes older ones; returns its bytes. */
  private async writeSnapshot(
    root: string,
    kind: ExportKind,
    built: { readonly horizon: string; readonly through: string; readonly partitions: ReadonlyMap<string, string> },
  ): Promise<number> {
    const id = randomUUID();
    const key = `${snapshotPrefix(kind, id)}state.parquet`;
    const path = join(root, key);
    await mkdir(dirname(path), { recursive: true });
    await this.connection.run(`COPY state_${kind} TO ${sqlString(`${path}.tmp`)} (FORMAT parquet, COMPRESSION zstd)`);
    await rename(`${path}.tmp`, path);
    const { size } = await stat(path);
    const manifest: StateManifest = {
      format: 1,
      kind,
      checks: stateChecks(kind),
      horizon: built.horizon,
      through: built.through,
      objects: [{ key, size }],
      partitions: Object.fromEntries([...built.partitions].sort(([a], [b]) => a.localeCompare(b))),
    };
    const manifestPath = join(root, stateManifestKey(kind));
    await writeFile(`${manifestPath}.tmp`, `${JSON.stringify(manifest)}\n`);
    await rename(`${manifestPath}.tmp`, manifestPath);
    // A stage reads its snapshot into memory before writing the next: no reader is left on an older one.
    for (const entry of await readdir(join(root, kind), { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== id)
        await rm(join(root, kind, entry.name), { recursive: true, force: true });
    }
    return size;
  }

  async query(sql: string, params: readonly SqlParam[]): Promise<Row[]> {
    return this.rows(sql, params);
  }

  async listExports(partitions: readonly string[]): Promise<ExportFileInfo[]> {
    const files = await this.listFiles(partitions, EXPORT_KINDS, { exact: true });
    return files.map((f) => ({
      kind: f.kind,
      dt: f.dt,
      file: relative(this.options.exportsRoot, f.path),
      size: f.size,
    }));
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
    await rm(this.scratch, { recursive: true, force: true });
  }

  private async rows(sql: string, params: readonly SqlParam[] = []): Promise<Row[]> {
    const result = await this.connection.run(sql, params.length > 0 ? (params as DuckDBValue[]) : undefined);
    const names = result.columnNames();
    const types = result.columnTypes();
    // Copies of one parsed template share a hidden class; rows filled key by key from {} would fall into
    // V8's dictionary mode past a dozen columns (facts rows have fifty), slower for every later read.
    const template: Plain = JSON.parse(JSON.stringify(Object.fromEntries(names.map((n) => [n, null]))));
    const out: Plain[] = [];
    // Column by column, chunk by chunk, reading each vector's items directly: the values are those of
    // getColumnsJS + toPlain (numbers, bigints as numbers, strings, booleans, null) without its per-value
    // callbacks and converter dispatch, which cost more than the read itself on facts results.
    for (
      let chunk = await result.fetchChunk();
      chunk !== null && chunk.rowCount > 0;
      chunk = await result.fetchChunk()
    ) {
      const count = chunk.rowCount;
      const first = out.length;
      for (let r = 0; r < count; r++) out.push({ ...template });
      for (let c = 0; c < names.length; c++) {
        const name = names[c] as string;
        const type = types[c] as DuckDBType;
        const vector = chunk.getColumnVector(c);
        if (DIRECT_TYPES.has(type.typeId)) {
          for (let r = 0; r < count; r++) {
            const value = vector.getItem(r);
            (out[first + r] as Plain)[name] = typeof value === 'bigint' ? Number(value) : (value as Plain[string]);
          }
        } else {
          for (let r = 0; r < count; r++) {
            (out[first + r] as Plain)[name] = toPlain(
              JSDuckDBValueConverter(vector.getItem(r), type, JSDuckDBValueConverter),
            );
          }
        }
      }
    }
    return out;
  }

  /**
   * The manifest of a kind's compacted partitions (empty when there is no compacted root or none yet); a
   * damaged one is named in `damaged`, and its partitions are read from their exports and compacted again.
   */
  private async readManifest(kind: ExportKind, damaged: DamagedFile[]): Promise<CompactionManifest> {
    const root = this.options.compactedRoot;
    if (root === undefined) return parseManifest(null, kind);
    const path = join(root, manifestKey(kind));
    const text = await readFile(path, 'utf8').catch(() => null);
    return parseManifest(text, kind, (problem) =>
      damaged.push({ file: path, problem: `${problem}; its partitions are read from their exports` }),
    );
  }

  private async writeManifest(root: string, manifest: CompactionManifest): Promise<void> {
    // Written aside, then renamed: a reader sees the old manifest or the new one, never half of one.
    await writeWhole(join(root, manifestKey(manifest.kind)), `${JSON.stringify(manifest)}\n`, rename);
  }

  /** Where export files' paths start: stored relative to it in compacted partitions, so a moved root still reads. */
  private get exportsPrefix(): string {
    return join(this.options.exportsRoot, 'x').slice(0, -1);
  }

  /** The checked records of compacted partitions, as `checkedSelect` gives them. */
  private compactedSelect(kind: ExportKind, compacted: ReadonlyMap<string, CompactedPartition>): string {
    const root = this.options.compactedRoot ?? '';
    const paths = [...compacted.values()].flatMap((e) => e.files.map((f) => sqlString(join(root, f.key))));
    const columns = checkedColumns(kind)
      .map((c) => c.name)
      .join(', ');
    return `SELECT ${sqlString(this.exportsPrefix)} || file AS file, regexp_extract(filename, 'dt=([0-9]{4}-[0-9]{2}-[0-9]{2})/[^/]*$', 1) AS dt, ${columns}
FROM read_parquet([${paths.join(', ')}], filename = true)`;
  }

  /**
   * Writes the checked records of settled partitions (in `checked_<kind>`, plus the records DuckDB could not
   * split) as one Parquet file each, and records them in the kind's manifest.
   */
  private async compact(
    kind: ExportKind,
    dts: readonly string[],
    context: {
      readonly manifest: CompactionManifest;
      readonly checks: string;
      readonly listing: ReadonlyMap<string, readonly CompactionSource[]>;
      readonly unsplitByPartition: ReadonlyMap<string, readonly Reject[]>;
      readonly now: number;
    },
  ): Promise<CompactedPartitionInfo[]> {
    const root = this.options.compactedRoot;
    if (root === undefined) return [];
    // Entries about to be rewritten are withdrawn first: a run stopped halfway leaves those partitions
    // to be read from their exports, never from half-written files.
    const manifest: CompactionManifest = { ...context.manifest, partitions: { ...context.manifest.partitions } };
    for (const dt of dts) delete manifest.partitions[dt];
    await this.writeManifest(root, manifest);
    const columns = checkedColumns(kind);
    const typed = columns.map((c) => `CAST(${c.name} AS ${c.type.toUpperCase()}) AS ${c.name}`).join(', ');
    const names = columns.map((c) => c.name).join(', ');
    const written: CompactedPartitionInfo[] = [];
    for (const dt of dts) {
      const key = `${partitionPrefix(kind, dt)}checked.parquet`;
      const path = join(root, key);
      await rm(dirname(path), { recursive: true, force: true });
      await mkdir(dirname(path), { recursive: true });
      await this.connection.run(
        'CREATE OR REPLACE TEMP TABLE unsplit_rows (file VARCHAR, line BIGINT, raw VARCHAR, reason VARCHAR)',
      );
      for (const r of context.unsplitByPartition.get(dt) ?? []) {
        await this.connection.run('INSERT INTO unsplit_rows VALUES (?, ?, ?, ?)', [r.file, r.line, r.raw, r.reason]);
      }
      const records = `SELECT substr(file, ${this.exportsPrefix.length + 1}) AS file, ${names} FROM checked_${kind} WHERE dt = ${sqlString(dt)}
UNION ALL BY NAME SELECT file, line, raw, reason FROM unsplit_rows`;
      // Written aside, then renamed; the name is this run's own, so two runs never write one file.
      const aside = join(dirname(path), `.vigie-tmp-checked.${process.pid}.${randomBytes(4).toString('hex')}.parquet`);
      await this.connection.run(
        `COPY (SELECT CAST(file AS VARCHAR) AS file, ${typed} FROM (${records})) TO ${sqlString(aside)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      await rename(aside, path);
      const [counts] = await this.rows(
        `SELECT count(*) AS records, count(*) FILTER (WHERE reason IS NOT NULL) AS rejects FROM read_parquet(${sqlString(path)})`,
      );
      const entry: CompactedPartition = {
        checks: context.checks,
        sources: [...(context.listing.get(dt) ?? [])],
        files: [{ key, size: (await stat(path)).size }],
        records: Number(counts?.records ?? 0),
        rejects: Number(counts?.rejects ?? 0),
        now: context.now,
      };
      manifest.partitions[dt] = entry;
      written.push(compactedFigures(kind, dt, entry));
    }
    await this.connection.run('DROP TABLE IF EXISTS unsplit_rows');
    await this.writeManifest(root, manifest);
    return written;
  }

  /**
   * Contacts from the CTR objects of the window's delivery dates (functions/sql/connect-ctr.ts): each object
   * split into records (functions/adapters/firehose-records.ts), the records checked as contacts, the
   * contacts deduplicated and their legs resolved into the `contacts` table. Rejects name the object (its
   * path under the CTR folder) and the record's number in it.
   */
  private async stageCtrContacts(
    ctr: LocalCtrOptions,
    request: StageRequest,
  ): Promise<{
    files: StageResult['files'][number][];
    rejects: Reject[];
    records: Record<string, number>;
    duplicates: Record<string, number>;
    excluded: Record<string, Record<string, number>>;
  }> {
    const rootStat = await stat(ctr.root).catch(() => null);
    if (!rootStat?.isDirectory()) throw new ExportsRootError(`CTR folder not found: ${ctr.root}`);
    const dates = deliveryDates(request.partitions, ctr.deliveryDays);
    const objects = await listLocalCtrObjects(ctr.root, dates);
    const rejects: Reject[] = [];
    const records: Record<string, number> = {};
    const add = (into: Record<string, number>, dt: string, n: number): void => {
      into[dt] = (into[dt] ?? 0) + n;
    };
    await this.connection.run(
      'CREATE OR REPLACE TABLE ctr_records (file VARCHAR, dt VARCHAR, line BIGINT, raw VARCHAR)',
    );
    const appender = await this.connection.createAppender('ctr_records');
    try {
      for (const object of objects) {
        const reject = (line: number, reason: string, raw: string): Reject => ({
          kind: 'contacts',
          dt: object.dt,
          file: object.name,
          line,
          reason,
          raw: raw.slice(0, this.options.rawCharsKept),
        });
        let items: Awaited<ReturnType<typeof readLocalCtrObject>>;
        try {
          items = await readLocalCtrObject(ctr.root, object, {
            maxRecordBytes: this.options.maxLineBytes,
            rawCharsKept: this.options.rawCharsKept,
          });
        } catch (error) {
          // A cut gzip or a file gone since the listing: none of its records is used.
          rejects.push(reject(0, 'unreadable_file', firstLineOf(error)));
          continue;
        }
        for (const item of items) {
          if (item.kind === 'reject') {
            rejects.push(reject(item.number, item.reason, item.raw));
            add(records, object.dt, 1);
            continue;
          }
          appender.appendVarchar(object.name);
          appender.appendVarchar(object.dt);
          appender.appendBigInt(BigInt(item.number));
          appender.appendVarchar(item.text);
          appender.endRow();
        }
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    const source = ctrSource('duckdb', ctr.mapping, 'ctr_records');
    await this.connection.run(
      `CREATE OR REPLACE TEMP TABLE checked_contacts AS ${checkedSelect('contacts', request.now, 'duckdb', source, CTR_CARRIED)}`,
    );
    await this.connection.run('DROP TABLE ctr_records');
    for (const r of await this.rows(
      `SELECT dt, file, line, reason, left(raw, ${this.options.rawCharsKept}) AS raw FROM checked_contacts WHERE reason IS NOT NULL ORDER BY file, line`,
    )) {
      rejects.push({
        kind: 'contacts',
        dt: String(r.dt),
        file: String(r.file),
        line: Number(r.line),
        reason: String(r.reason),
        raw: (r.raw as string | null) ?? '',
      });
    }
    for (const r of await this.rows('SELECT dt, count(*) AS n FROM checked_contacts GROUP BY dt')) {
      add(records, String(r.dt), Number(r.n));
    }
    const duplicates: Record<string, number> = {};
    for (const r of await this.rows(duplicatesSelect('contacts', 'checked_contacts'))) {
      add(duplicates, String(r.dt), Number(r.n));
    }
    const excluded: Record<string, Record<string, number>> = {};
    for (const r of await this.rows(ctrExcludedSelect('checked_contacts'))) {
      const own = excluded[String(r.dt)] ?? {};
      own[String(r.reason)] = (own[String(r.reason)] ?? 0) + Number(r.n);
      excluded[String(r.dt)] = own;
    }
    await this.connection.run(`CREATE OR REPLACE TABLE contacts AS ${ctrContactsSelect('checked_contacts')}`);
    await this.connection.run('DROP TABLE checked_contacts');
    return {
      files: objects.map((o) => ctrFileInfo(o, ctr.deliveryDays)),
      rejects,
      records,
      duplicates,
      excluded,
    };
  }

  /**
   * Lists export files: a kind's window partitions, or every partition up to the window's end for history
   * kinds. A link is followed only to a file inside the exports root; a broken or looping link, one that
   * leads out of the root, or a partition folder that cannot be listed is kept with its problem.
   */
  private async listFiles(
    partitions: readonly string[],
    kinds: readonly ExportKind[],
    options: { readonly exact?: boolean } = {},
  ): Promise<ExportFile[]> {
    const root = this.options.exportsRoot;
    const rootStat = await stat(root).catch(() => null);
    if (!rootStat?.isDirectory()) throw new ExportsRootError(`exports root not found: ${root}`);
    const realRoot = await realpath(root);
    const last = [...partitions].sort().at(-1) ?? '';
    const window = new Set(partitions);
    const files: ExportFile[] = [];
    for (const kind of kinds) {
      const reach = EXPORT_SCHEMA[kind].reach;
      const dirs = await readdir(join(root, kind)).catch(() => [] as string[]);
      for (const dir of dirs.sort()) {
        const dt = PARTITION.exec(dir)?.[1];
        if (dt === undefined) continue;
        if (reach === 'window' || options.exact ? !window.has(dt) : dt > last) continue;
        const folder = join(root, kind, dir);
        const broken = (path: string, problem: string): ExportFile => ({
          kind,
          dt,
          path,
          format: exportFormatOf(path),
          size: 0,
          version: '',
          problem,
        });
        let names: string[];
        try {
          names = await readdir(folder);
        } catch (error) {
          // A partition that is not a folder (a stray file named dt=…) holds nothing; one that cannot be listed is lost.
          if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR')
            files.push(broken(folder, `the partition cannot be listed: ${firstLineOf(error)}`));
          continue;
        }
        for (const name of names.sort()) {
          // Markers such as _SUCCESS and hidden files are not data.
          if (name.startsWith('_') || name.startsWith('.')) continue;
          const path = join(folder, name);
          let real: string;
          try {
            real = await realpath(path);
          } catch (error) {
            const link = await lstat(path).catch(() => null);
            const code = (error as NodeJS.ErrnoException).code;
            files.push(
              broken(
                path,
                link === null
                  ? 'removed while the exports were listed'
                  : code === 'ELOOP'
                    ? 'a link that loops'
                    : `a link to a file that does not exist (${code ?? firstLineOf(error)})`,
              ),
            );
            continue;
          }
          if (!isWithin(realRoot, real)) {
            files.push(broken(path, `a link that leads out of the exports root, to ${real}`));
            continue;
          }
          const info = await stat(real).catch(() => null);
          if (info === null) {
            files.push(broken(path, 'removed while the exports were listed'));
            continue;
          }
          if (!info.isFile()) continue;
          files.push({
            kind,
            dt,
            path,
            format: exportFormatOf(name),
            size: info.size,
            version: String(Math.floor(info.mtimeMs)),
          });
        }
      }
    }
    return files;
  }

  /** A reject of one of a file's records, or of the whole file (line 0). */
  private rejectOf(file: ExportFile, line: number, reason: string, raw = ''): Reject {
    return {
      kind: file.kind,
      dt: file.dt,
      file: relative(this.options.exportsRoot, file.path),
      line,
      reason,
      raw: raw.slice(0, this.options.rawCharsKept),
    };
  }

  /**
   * The files among `files` that cannot be read whole, with why: listed with a problem, or gzipped and cut
   * or corrupt (DuckDB would read a cut gzip up to the cut without a word).
   */
  private async unreadableFiles(files: readonly ExportFile[]): Promise<Map<ExportFile, string>> {
    const found = new Map<ExportFile, string>();
    for (const f of files) if (f.problem !== undefined) found.set(f, f.problem);
    // CSV files are checked as they are read (their blank lines are counted on the way).
    const queue = files.filter(
      (f) => f.problem === undefined && f.size > 0 && f.format === 'ndjson' && f.path.endsWith('.gz'),
    );
    const workers = Array.from({ length: GZIP_CHECKS }, async () => {
      for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
        const problem = await gzipProblem(f.path);
        if (problem !== null) found.set(f, problem);
      }
    });
    await Promise.all(workers);
    return found;
  }

  /** Read options shared by every export file: DuckDB's reader stores the rows it cannot split instead of failing. */
  private readOptions(): string {
    return `store_rejects = true, rejects_table = 'file_rejects', rejects_scan = 'file_scans', max_line_size = ${this.options.maxLineBytes}, hive_partitioning = false`;
  }

  private ndjsonRead(paths: readonly string[]): string {
    return `read_csv([${paths.map(sqlString).join(', ')}], columns = {'raw': 'VARCHAR'}, header = false, auto_detect = false, delim = E'\\x01', quote = '', escape = '', ${this.readOptions()})`;
  }

  /**
   * Checks the non-blank lines of `rows` (a SELECT with `file, dt, line, raw`, `file` the path) as records
   * of `kind` into `checked_<kind>`.
   */
  private async checkNdjson(kind: ExportKind, rows: string, now: number): Promise<void> {
    // A line of spaces, tabs or CRs is not a record (docs/spec.md §1).
    const lines = `SELECT file, dt, line, raw FROM (${rows}) numbered WHERE raw IS NOT NULL AND (starts_with(raw, '{') OR trim(raw, ' ' || chr(9) || chr(13)) <> '')`;
    await this.connection.run(
      `INSERT INTO checked_${kind} ${checkedSelect(kind, now, 'duckdb', duckdbNdjsonSource(kind, `(${lines})`))}`,
    );
  }

  /**
   * Reads a kind's NDJSON files in one scan (DuckDB reads files in parallel, and keeps their order: each
   * file's rows are one run of row ids, in line order) and checks them into `checked_<kind>`. Returns the
   * files done; a file with rows DuckDB could not split, or every file when the scan fails, is left to
   * `loadFile`, which says which lines or which file.
   */
  private async loadNdjsonFiles(files: readonly ExportFile[], now: number): Promise<Set<ExportFile>> {
    const done = new Set<ExportFile>();
    if (files.length === 0) return done;
    try {
      await this.connection.run('DROP TABLE IF EXISTS file_rejects; DROP TABLE IF EXISTS file_scans;');
      await this.connection.run(
        `CREATE OR REPLACE TEMP TABLE file_rows AS SELECT filename, raw FROM ${this.ndjsonRead(files.map((f) => f.path))}`,
      );
    } catch {
      return done;
    }
    const unsplit = new Set(
      (
        await this.rows(
          'SELECT DISTINCT s.file_path FROM file_rejects r JOIN file_scans s ON r.scan_id = s.scan_id AND r.file_id = s.file_id',
        ).catch(() => [] as Row[])
      ).map((r) => String(r.file_path)),
    );
    const runs = new Map(
      (
        await this.rows(
          'SELECT filename, min(rowid) AS first, max(rowid) AS last, count(*) AS n FROM file_rows GROUP BY filename',
        )
      ).map((r) => [String(r.filename), { first: Number(r.first), last: Number(r.last), n: Number(r.n) }]),
    );
    const first = new Map<ExportFile, number>();
    for (const file of files) {
      if (unsplit.has(file.path)) continue;
      const run = runs.get(file.path) ?? { first: 0, last: -1, n: 0 };
      // A file's rows not in one run of row ids would not be numbered by them: read it alone.
      if (run.last - run.first + 1 !== run.n) continue;
      if (run.n > 0) first.set(file, run.first);
      done.add(file);
    }
    if (first.size > 0) {
      // One statement for all the files: as parallel as DuckDB can make it (one per file was slower).
      const each = (value: (f: ExportFile) => string | number): string =>
        `CASE filename ${[...first.keys()].map((f) => `WHEN ${sqlString(f.path)} THEN ${value(f)}`).join(' ')} END`;
      const kind = files[0]?.kind as ExportKind;
      await this.checkNdjson(
        kind,
        `SELECT filename AS file, ${each((f) => sqlString(f.dt))} AS dt, rowid - ${each((f) => first.get(f) ?? 0)} + 1 AS line, raw FROM file_rows WHERE filename IN (${[...first.keys()].map((f) => sqlString(f.path)).join(', ')})`,
        now,
      );
    }
    return done;
  }

  /** Reads one file's records into `checked_<kind>`; returns the records DuckDB could not even split. */
  private async loadFile(file: ExportFile, now: number): Promise<Reject[]> {
    if (file.format === null) return [this.rejectOf(file, 0, 'unsupported_file')];
    if (file.size === 0) return [];
    if (file.format === 'csv') {
      // What Athena's OpenCSVSerDe would read otherwise is refused on both engines, so both report the same.
      const refusal = await objectRefusal(createReadStream(file.path), file.path);
      // A header split by `;` is read by loadCsv, which rejects each row as `wrong_delimiter`.
      if (refusal !== null && refusal !== SEMICOLON_HEADER) return [this.rejectOf(file, 0, 'unreadable_file', refusal)];
      return this.loadCsv(file, now);
    }
    try {
      await this.connection.run('DROP TABLE IF EXISTS file_rejects; DROP TABLE IF EXISTS file_scans;');
      await this.connection.run(
        `CREATE OR REPLACE TEMP TABLE file_rows AS SELECT raw FROM ${this.ndjsonRead([file.path])}`,
      );
    } catch {
      // DuckDB's reader could not split it (a lone CR inside a line): read its lines as docs/spec.md §1 splits them.
      return this.loadLines(file, now);
    }
    const { lineOf, structural } = await this.structuralRows(1);
    await this.checkNdjson(
      file.kind,
      `SELECT ${sqlString(file.path)} AS file, ${sqlString(file.dt)} AS dt, ${lineOf} AS line, raw FROM file_rows`,
      now,
    );
    return structural.map((r) =>
      this.rejectOf(file, Number(r.line), structuralReason(String(r.error_type), 'ndjson'), String(r.csv_line ?? '')),
    );
  }

  /**
   * The rows DuckDB's reader could not split from `file_rows`' file (in `file_rejects`), and the physical
   * line of each row it did split (`file_rows` lacks the others, so its row ids skip them), the first
   * record being on line `firstLine`. Blank lines are not records: they are left out of the rejects.
   */
  private async structuralRows(
    firstLine: number,
    blank: readonly number[] = [],
  ): Promise<{ readonly lineOf: string; readonly structural: Row[] }> {
    const all = await this.rows(
      'SELECT line, min(error_type) AS error_type, min(csv_line) AS csv_line FROM file_rejects GROUP BY line ORDER BY line',
    ).catch(() => [] as Row[]);
    // Lines with no row: those DuckDB could not split, and blank ones (which it may skip without a word).
    const skipped = [...new Set([...all.map((r) => Number(r.line)), ...blank.filter((l) => l >= firstLine)])];
    const lineOf =
      skipped.length === 0
        ? `rowid + ${firstLine}`
        : `(SELECT l FROM (SELECT l, row_number() OVER (ORDER BY l) - 1 AS k FROM range(${firstLine}, ${firstLine} + (SELECT count(*) FROM file_rows) + ${skipped.length}) t(l) WHERE l NOT IN (${skipped.join(', ')})) m WHERE m.k = file_rows.rowid)`;
    return { lineOf, structural: all.filter((r) => !isBlank(String(r.csv_line ?? '').replaceAll('\n', ''))) };
  }

  /**
   * Reads an NDJSON file DuckDB's reader could not split, line by line (LF ends a line, a CR before it is
   * part of the line end, any other CR part of the line), into `checked_<kind>`. A file that cannot be
   * read to its end is one `unreadable_file`, none of its lines used.
   */
  private async loadLines(file: ExportFile, now: number): Promise<Reject[]> {
    await this.connection.run(
      'CREATE OR REPLACE TABLE file_lines (file VARCHAR, dt VARCHAR, line BIGINT, raw VARCHAR)',
    );
    const appender = await this.connection.createAppender('file_lines');
    const found: Reject[] = [];
    try {
      for await (const l of this.linesOf(file)) {
        if (l.problem !== null) {
          found.push(this.rejectOf(file, l.line, l.problem, l.text));
          continue;
        }
        appender.appendVarchar(file.path);
        appender.appendVarchar(file.dt);
        appender.appendBigInt(BigInt(l.line));
        appender.appendVarchar(l.text);
        appender.endRow();
      }
    } catch (error) {
      appender.closeSync();
      await this.connection.run('DROP TABLE file_lines');
      return [this.rejectOf(file, 0, 'unreadable_file', firstLineOf(error))];
    }
    appender.closeSync();
    await this.checkNdjson(file.kind, 'SELECT file, dt, line, raw FROM file_lines', now);
    await this.connection.run('DROP TABLE file_lines');
    return found;
  }

  /**
   * Reads one CSV file into `checked_<kind>`, its header read first (so DuckDB sniffs nothing: a row over
   * the line limit is one `line_too_long`, not a failed file). A header split by `;` (what spreadsheets
   * write in French) makes every row a `wrong_delimiter`, saying so, instead of a missing `id`.
   */
  private async loadCsv(file: ExportFile, now: number): Promise<Reject[]> {
    const gzipped = file.path.endsWith('.gz');
    let header: Awaited<ReturnType<typeof firstLine>>;
    try {
      header = await firstLine(file.path, gzipped, this.options.maxLineBytes);
    } catch (error) {
      return [this.rejectOf(file, 0, 'unreadable_file', firstLineOf(error))];
    }
    if (header === null) return [];
    if (header.problem !== null) {
      const why = header.problem === 'bad_encoding' ? 'is not UTF-8' : 'is over the line limit';
      return [this.rejectOf(file, 0, 'unreadable_file', `its header ${why}: ${header.text.slice(0, 200)}`)];
    }
    const names = headerNames(header.text);
    if (names.length === 1 && names[0]?.includes(';')) return this.wrongDelimiter(file, header.line);
    const columns = uniqueColumns(names);
    const read = (path: string) =>
      `SELECT * FROM read_csv(${sqlString(path)}, header = false, skip = ${header.line}, auto_detect = false, columns = {${columns.map((c) => `${sqlString(c)}: 'VARCHAR'`).join(', ')}}, delim = ',', quote = '"', escape = '"', ${this.readOptions()})`;
    const load = async (path: string): Promise<void> => {
      await this.connection.run('DROP TABLE IF EXISTS file_rejects; DROP TABLE IF EXISTS file_scans;');
      await this.connection.run(`CREATE OR REPLACE TEMP TABLE file_rows AS ${read(path)}`);
    };
    let blank: number[];
    try {
      // Inflates a gzip to its end: a cut or corrupt one throws here, before any of its rows is read.
      blank = await blankLines(file.path, gzipped);
    } catch (error) {
      return [this.rejectOf(file, 0, 'unreadable_file', `${gzipped ? 'gzip: ' : ''}${firstLineOf(error)}`)];
    }
    try {
      await load(file.path);
    } catch {
      // Line ends DuckDB cannot split (a CR-only line in an LF file): read a copy ended by LF alone.
      const copy = join(this.scratch, `lines-${randomBytes(4).toString('hex')}.csv`);
      try {
        await copyWithLineFeeds(file.path, gzipped, copy);
        await load(copy);
      } catch (error) {
        return [this.rejectOf(file, 0, 'unreadable_file', firstLineOf(error))];
      } finally {
        await rm(copy, { force: true });
      }
    }
    const { lineOf, structural } = await this.structuralRows(header.line + 1, blank);
    const source = duckdbCsvSource(file.kind, 'file_rows', columns, {
      file: sqlString(file.path),
      dt: sqlString(file.dt),
      line: lineOf,
    });
    await this.connection.run(`INSERT INTO checked_${file.kind} ${checkedSelect(file.kind, now, 'duckdb', source)}`);
    return structural.map((r) =>
      this.rejectOf(file, Number(r.line), structuralReason(String(r.error_type), 'csv'), String(r.csv_line ?? '')),
    );
  }

  /** A file's lines as docs/spec.md §1 splits them, under this engine's limits. */
  private linesOf(file: ExportFile): AsyncGenerator<ExportLine> {
    return exportLines(file.path, {
      gzipped: file.path.endsWith('.gz'),
      maxLineBytes: this.options.maxLineBytes,
      keptChars: this.options.rawCharsKept,
    });
  }

  /** Every row of a CSV file separated by `;`: one `wrong_delimiter` each (the rows are records, none readable). */
  private async wrongDelimiter(file: ExportFile, headerLine: number): Promise<Reject[]> {
    const found: Reject[] = [];
    try {
      for await (const l of this.linesOf(file))
        if (l.line > headerLine) found.push(this.rejectOf(file, l.line, 'wrong_delimiter', l.text));
    } catch (error) {
      return [this.rejectOf(file, 0, 'unreadable_file', firstLineOf(error))];
    }
    return found;
  }
}
