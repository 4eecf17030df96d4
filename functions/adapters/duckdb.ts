/**
 * The embedded default QueryEngine: DuckDB in-process, reading exports from a local folder.
 * Every raw record is read once and checked as it is read (validated and typed by generated SQL) into a
 * checked table, or taken from its partition's compacted copy, then deduplicated into one table per
 * export kind, which the portable aggregation SQL then queries.
 */
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  JSDuckDBValueConverter,
} from '@duckdb/node-api';
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
import type {
  CompactedPartitionInfo,
  QueryEngine,
  Reject,
  Row,
  SqlParam,
  StageRequest,
  StageResult,
} from '../pipeline/ports.js';
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
import { sqlString } from '../sql/values.js';
import { firstLineOf, UsageError } from './errors.js';
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
}

interface ExportFile {
  readonly kind: ExportKind;
  readonly dt: string;
  readonly path: string;
  readonly format: 'ndjson' | 'csv' | null;
  readonly size: number;
  /** Changes when the file is rewritten. */
  readonly version: string;
}

const PARTITION = /^dt=(\d{4}-\d{2}-\d{2})$/;

/** DuckDB error types of its CSV reader, mapped to Vigie's reject reasons. */
function structuralReason(errorType: string, format: 'ndjson' | 'csv'): string {
  if (errorType === 'LINE SIZE OVER MAXIMUM') return 'line_too_long';
  if (errorType === 'INVALID UNICODE') return 'bad_encoding';
  return format === 'csv' ? 'wrong_column_count' : 'bad_json';
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
    private readonly options: Required<Omit<DuckDbOptions, 'compactedRoot'>> & Pick<DuckDbOptions, 'compactedRoot'>,
  ) {}

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
    const files = await this.listFiles(request.partitions, kinds);
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
    const compaction = {
      read: [] as CompactedPartitionInfo[],
      written: [] as CompactedPartitionInfo[],
      failed: [] as { kind: string; reason: string }[],
    };
    // The previous stage's tables are not read again: freed first, they do not sit beside this stage's.
    for (const kind of kinds) await this.connection.run(`DROP TABLE IF EXISTS ${kind}`);
    for (const kind of kinds) {
      const kindFiles = files.filter((f) => f.kind === kind);
      const listing = listingByPartition(kindFiles, (f) => ({
        file: relative(this.options.exportsRoot, f.path),
        size: f.size,
        version: f.version,
      }));
      const manifest = await this.readManifest(kind);
      const checks = checksFingerprint(kind, 'duckdb');
      const compacted = usablePartitions(manifest, listing, checks);
      const fromExports = kindFiles.filter((f) => !compacted.has(f.dt));
      // Each file's records are checked as they are read: a kind's checked table is the only one that grows.
      await this.connection.run(
        `CREATE OR REPLACE TEMP TABLE checked_${kind} AS ${checkedSelect(kind, request.now, 'duckdb', duckdbEmptySource(kind))}`,
      );
      const read = await this.loadNdjsonFiles(
        fromExports.filter((f) => f.format === 'ndjson' && f.size > 0),
        request.now,
      );
      // Records DuckDB could not split (or files it could not read) never reach the checked table.
      const unsplitByPartition = new Map<string, Reject[]>();
      for (const file of fromExports) {
        const found = read.has(file) ? [] : await this.loadFile(file, request.now);
        const ofPartition = unsplitByPartition.get(file.dt) ?? [];
        ofPartition.push(...found);
        unsplitByPartition.set(file.dt, ofPartition);
        rejects.push(...found);
        // Records DuckDB could not split never reach the checked table but were read all the same.
        count(file.dt, found.filter((r) => r.line > 0).length, kind);
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
      await this.connection.run(`CREATE OR REPLACE TABLE ${kind} AS ${stagedSelect(kind, `checked_${kind}`)}`);
      // A compacted partition holds its unreadable files as line-0 rows: rejected, but not records.
      for (const r of await this.rows(
        `SELECT dt, count(*) FILTER (WHERE line > 0) AS n FROM checked_${kind} GROUP BY dt`,
      )) {
        count(String(r.dt), Number(r.n), kind);
      }
      for (const r of await this.rows(duplicatesSelect(kind, `checked_${kind}`))) {
        duplicatesByPartition[String(r.dt)] = (duplicatesByPartition[String(r.dt)] ?? 0) + Number(r.n);
      }
      await this.connection.run(`DROP TABLE checked_${kind}`);
    }
    return {
      files: files.map((f) => ({
        kind: f.kind,
        dt: f.dt,
        file: relative(this.options.exportsRoot, f.path),
        size: f.size,
      })),
      recordsByPartition,
      recordsByPartitionKind,
      duplicatesByPartition,
      // One order whichever way a partition was read: kind, then file, then line.
      rejects: sortRejects(rejects),
      ...(this.options.compactedRoot === undefined ? {} : { compaction }),
    };
  }

  async query(sql: string, params: readonly SqlParam[]): Promise<Row[]> {
    return this.rows(sql, params);
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

  /** The manifest of a kind's compacted partitions (empty when there is no compacted root or none yet). */
  private async readManifest(kind: ExportKind): Promise<CompactionManifest> {
    const root = this.options.compactedRoot;
    const text = root === undefined ? null : await readFile(join(root, manifestKey(kind)), 'utf8').catch(() => null);
    return parseManifest(text, kind);
  }

  private async writeManifest(root: string, manifest: CompactionManifest): Promise<void> {
    const path = join(root, manifestKey(manifest.kind));
    await mkdir(dirname(path), { recursive: true });
    // Written aside, then renamed: a reader sees the old manifest or the new one, never half of one.
    await writeFile(`${path}.tmp`, `${JSON.stringify(manifest)}\n`);
    await rename(`${path}.tmp`, path);
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
      await this.connection.run(
        `COPY (SELECT CAST(file AS VARCHAR) AS file, ${typed} FROM (${records})) TO ${sqlString(`${path}.tmp`)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      await rename(`${path}.tmp`, path);
      const [counts] = await this.rows(
        `SELECT count(*) FILTER (WHERE line > 0) AS records, count(*) FILTER (WHERE reason IS NOT NULL) AS rejects FROM read_parquet(${sqlString(path)})`,
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

  /** Lists export files: a kind's window partitions, or every partition up to the window's end for history kinds. */
  private async listFiles(partitions: readonly string[], kinds: readonly ExportKind[]): Promise<ExportFile[]> {
    const root = this.options.exportsRoot;
    const rootStat = await stat(root).catch(() => null);
    if (!rootStat?.isDirectory()) throw new ExportsRootError(`exports root not found: ${root}`);
    const last = [...partitions].sort().at(-1) ?? '';
    const window = new Set(partitions);
    const files: ExportFile[] = [];
    for (const kind of kinds) {
      const reach = EXPORT_SCHEMA[kind].reach;
      const dirs = await readdir(join(root, kind)).catch(() => [] as string[]);
      for (const dir of dirs.sort()) {
        const dt = PARTITION.exec(dir)?.[1];
        if (dt === undefined) continue;
        if (reach === 'window' ? !window.has(dt) : dt > last) continue;
        const names = await readdir(join(root, kind, dir)).catch(() => [] as string[]);
        for (const name of names.sort()) {
          // Markers such as _SUCCESS and hidden files are not data.
          if (name.startsWith('_') || name.startsWith('.')) continue;
          const path = join(root, kind, dir, name);
          const info = await stat(path);
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
    const lines = `SELECT file, dt, line, raw FROM (${rows}) numbered WHERE raw IS NOT NULL AND (starts_with(raw, '{') OR trim(raw) <> '')`;
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
    const reject = (line: number, reason: string, raw = ''): Reject => ({
      kind: file.kind,
      dt: file.dt,
      file: relative(this.options.exportsRoot, file.path),
      line,
      reason,
      raw: raw.slice(0, this.options.rawCharsKept),
    });
    if (file.format === null) return [reject(0, 'unsupported_file')];
    if (file.size === 0) return [];
    const path = sqlString(file.path);
    const read =
      file.format === 'ndjson'
        ? `SELECT raw FROM ${this.ndjsonRead([file.path])}`
        : `SELECT * FROM read_csv(${path}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', ${this.readOptions()})`;
    try {
      await this.connection.run('DROP TABLE IF EXISTS file_rejects; DROP TABLE IF EXISTS file_scans;');
      await this.connection.run(`CREATE OR REPLACE TEMP TABLE file_rows AS ${read}`);
    } catch (error) {
      return [reject(0, 'unreadable_file', firstLineOf(error))];
    }
    const structural = await this.rows(
      `SELECT line, min(error_type) AS error_type, min(csv_line) AS csv_line FROM file_rejects GROUP BY line ORDER BY line`,
    ).catch(() => [] as Row[]);
    const firstLine = file.format === 'csv' ? 2 : 1;
    // Rows DuckDB could not split are missing from file_rows, so physical line numbers skip them.
    const lineOf =
      structural.length === 0
        ? `rowid + ${firstLine}`
        : `(SELECT l FROM (SELECT l, row_number() OVER (ORDER BY l) - 1 AS k FROM range(${firstLine}, ${firstLine} + (SELECT count(*) FROM file_rows) + ${structural.length}) t(l) WHERE l NOT IN (SELECT line FROM file_rejects)) m WHERE m.k = file_rows.rowid)`;
    if (file.format === 'ndjson') {
      await this.checkNdjson(
        file.kind,
        `SELECT ${path} AS file, ${sqlString(file.dt)} AS dt, ${lineOf} AS line, raw FROM file_rows`,
        now,
      );
    } else {
      const columns = (await this.connection.runAndReadAll('SELECT * FROM file_rows LIMIT 0')).columnNames();
      const source = duckdbCsvSource(file.kind, 'file_rows', columns, {
        file: path,
        dt: sqlString(file.dt),
        line: lineOf,
      });
      await this.connection.run(`INSERT INTO checked_${file.kind} ${checkedSelect(file.kind, now, 'duckdb', source)}`);
    }
    return structural.map((r) =>
      reject(Number(r.line), structuralReason(String(r.error_type), file.format ?? 'ndjson'), String(r.csv_line ?? '')),
    );
  }
}
