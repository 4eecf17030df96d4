/**
 * How the embedded engine reads export files into `checked_<kind>`: NDJSON by the typed read first
 * (functions/adapters/typed-ndjson.ts), then the exact path — a kind's NDJSON files as raw lines in one scan,
 * a file DuckDB cannot split line by line, CSV files one by one with their header read first — with the
 * rejects DuckDB's readers cannot put in the table (lines it could not split, files it could not read).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Reject, Row } from '../pipeline/ports.js';
import type { ExportKind } from '../sql/exports-schema.js';
import { checkedSelect } from '../sql/record-checks.js';
import { duckdbCsvRaw, duckdbCsvSource, duckdbCsvTieKey, duckdbNdjsonSource } from '../sql/record-sources.js';
import { sqlString } from '../sql/values.js';
import { appendLine, type DuckDbSession } from './duckdb-session.js';
import { firstLineOf } from './errors.js';
import {
  copyWithLineFeeds,
  type ExportLine,
  exportLines,
  firstLine,
  gzipProblem,
  headerNames,
  isBlank,
} from './export-files.js';
import type { ExportFile } from './export-listing.js';
import { csvObjectProfile, SEMICOLON_HEADER } from './export-objects.js';
import type { TypedReadContext } from './typed-ndjson.js';

/** DuckDB error types of its CSV reader, mapped to Vigie's reject reasons. */
function structuralReason(errorType: string, format: 'ndjson' | 'csv'): string {
  if (errorType === 'LINE SIZE OVER MAXIMUM') return 'line_too_long';
  if (errorType === 'INVALID ENCODING' || errorType === 'INVALID UNICODE') return 'bad_encoding';
  return format === 'csv' ? 'wrong_column_count' : 'bad_json';
}

/** Gzip files checked at once (each inflates on a thread of the pool while DuckDB reads). */
const GZIP_CHECKS = 4;

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

/** Reads export files into the checked tables of a session. */
export class ExportLoader {
  constructor(
    private readonly session: DuckDbSession,
    /** `exact`: CSV rows as the exact path checks them, every row's text and digest computed. */
    private readonly staging: 'typed' | 'exact' = 'typed',
  ) {}

  /** What the typed path's CSV check did since `takeCsvTally` (docs/decisions/0007-typed-read.md). */
  private csvTally = { files: 0, digested: 0, rejected: 0 };

  /** The CSV files the typed path checked since the last call, the rows it digested and those it rejected. */
  takeCsvTally(): { readonly files: number; readonly digested: number; readonly rejected: number } {
    const tally = this.csvTally;
    this.csvTally = { files: 0, digested: 0, rejected: 0 };
    return tally;
  }

  /** A reject of one of a file's records, or of the whole file (line 0). */
  rejectOf(file: ExportFile, line: number, reason: string, raw = ''): Reject {
    return {
      kind: file.kind,
      dt: file.dt,
      file: relative(this.session.options.exportsRoot, file.path),
      line,
      reason,
      raw: raw.slice(0, this.session.options.rawCharsKept),
    };
  }

  /**
   * The files among `files` that cannot be read whole, with why: listed with a problem, or gzipped and cut
   * or corrupt (DuckDB would read a cut gzip up to the cut without a word).
   */
  async unreadableFiles(files: readonly ExportFile[]): Promise<Map<ExportFile, string>> {
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
  readOptions(): string {
    return `store_rejects = true, rejects_table = 'file_rejects', rejects_scan = 'file_scans', max_line_size = ${this.session.options.maxLineBytes}, hive_partitioning = false`;
  }

  ndjsonRead(paths: readonly string[]): string {
    return `read_csv([${paths.map(sqlString).join(', ')}], columns = {'raw': 'VARCHAR'}, header = false, auto_detect = false, delim = E'\\x01', quote = '', escape = '', ${this.readOptions()})`;
  }

  /** What the typed read of NDJSON files needs of this engine. */
  typedReadContext(): TypedReadContext {
    return {
      connection: this.session.connection,
      rows: (sql) => this.session.rows(sql),
      maxLineBytes: this.session.options.maxLineBytes,
      checkLines: (kind, lines, now) => this.checkNdjson(kind, lines, now),
    };
  }

  /**
   * Checks the non-blank lines of `rows` (a SELECT with `file, dt, line, raw`, `file` the path) as records
   * of `kind` into `checked_<kind>`.
   */
  async checkNdjson(kind: ExportKind, rows: string, now: number): Promise<void> {
    // A line of spaces, tabs or CRs is not a record (docs/spec.md §1).
    const lines = `SELECT file, dt, line, raw FROM (${rows}) numbered WHERE raw IS NOT NULL AND (starts_with(raw, '{') OR trim(raw, ' ' || chr(9) || chr(13)) <> '')`;
    await this.session.connection.run(
      `INSERT INTO checked_${kind} ${checkedSelect(kind, now, 'duckdb', duckdbNdjsonSource(kind, `(${lines})`))}`,
    );
  }

  /**
   * Reads a kind's NDJSON files in one scan (DuckDB reads files in parallel, and keeps their order: each
   * file's rows are one run of row ids, in line order) and checks them into `checked_<kind>`. Returns the
   * files done; a file with rows DuckDB could not split, or every file when the scan fails, is left to
   * `loadFile`, which says which lines or which file.
   */
  async loadNdjsonFiles(files: readonly ExportFile[], now: number): Promise<Set<ExportFile>> {
    const done = new Set<ExportFile>();
    if (files.length === 0) return done;
    try {
      await this.session.connection.run('DROP TABLE IF EXISTS file_rejects; DROP TABLE IF EXISTS file_scans;');
      await this.session.connection.run(
        `CREATE OR REPLACE TEMP TABLE file_rows AS SELECT filename, raw FROM ${this.ndjsonRead(files.map((f) => f.path))}`,
      );
    } catch {
      return done;
    }
    const unsplit = new Set(
      (
        await this.session
          .rows(
            'SELECT DISTINCT s.file_path FROM file_rejects r JOIN file_scans s ON r.scan_id = s.scan_id AND r.file_id = s.file_id',
          )
          .catch(() => [] as Row[])
      ).map((r) => String(r.file_path)),
    );
    const runs = new Map(
      (
        await this.session.rows(
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
  async loadFile(file: ExportFile, now: number): Promise<Reject[]> {
    if (file.format === null) return [this.rejectOf(file, 0, 'unsupported_file')];
    if (file.size === 0) return [];
    if (file.format === 'csv') {
      // What Athena's OpenCSVSerDe would read otherwise is refused on both engines, so both report the same.
      // The same read (which inflates a gzip to its end, so a cut or corrupt one is refused here) finds the
      // blank lines.
      const { refusal, blank } = await csvObjectProfile(createReadStream(file.path), file.path);
      // A header split by `;` is read by loadCsv, which rejects each row as `wrong_delimiter`.
      if (refusal !== null && refusal !== SEMICOLON_HEADER) return [this.rejectOf(file, 0, 'unreadable_file', refusal)];
      return this.loadCsv(file, blank, now);
    }
    try {
      await this.session.connection.run('DROP TABLE IF EXISTS file_rejects; DROP TABLE IF EXISTS file_scans;');
      await this.session.connection.run(
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
  async structuralRows(
    firstLine: number,
    blank: readonly number[] = [],
  ): Promise<{ readonly lineOf: string; readonly structural: Row[] }> {
    const all = await this.session
      .rows(
        'SELECT line, min(error_type) AS error_type, min(csv_line) AS csv_line FROM file_rejects GROUP BY line ORDER BY line',
      )
      .catch(() => [] as Row[]);
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
  async loadLines(file: ExportFile, now: number): Promise<Reject[]> {
    await this.session.connection.run(
      'CREATE OR REPLACE TABLE file_lines (file VARCHAR, dt VARCHAR, line BIGINT, raw VARCHAR)',
    );
    const appender = await this.session.connection.createAppender('file_lines');
    const found: Reject[] = [];
    try {
      for await (const l of this.linesOf(file)) {
        if (l.problem !== null) {
          found.push(this.rejectOf(file, l.line, l.problem, l.text));
          continue;
        }
        appendLine(appender, file.path, file.dt, l.line, l.text);
      }
    } catch (error) {
      appender.closeSync();
      await this.session.connection.run('DROP TABLE file_lines');
      return [this.rejectOf(file, 0, 'unreadable_file', firstLineOf(error))];
    }
    appender.closeSync();
    await this.checkNdjson(file.kind, 'SELECT file, dt, line, raw FROM file_lines', now);
    await this.session.connection.run('DROP TABLE file_lines');
    return found;
  }

  /**
   * Reads one CSV file into `checked_<kind>`, its header read first (so DuckDB sniffs nothing: a row over
   * the line limit is one `line_too_long`, not a failed file). A header split by `;` (what spreadsheets
   * write in French) makes every row a `wrong_delimiter`, saying so, instead of a missing `id`.
   */
  async loadCsv(file: ExportFile, blank: readonly number[], now: number): Promise<Reject[]> {
    const gzipped = file.path.endsWith('.gz');
    let header: Awaited<ReturnType<typeof firstLine>>;
    try {
      header = await firstLine(file.path, gzipped, this.session.options.maxLineBytes);
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
      await this.session.connection.run('DROP TABLE IF EXISTS file_rejects; DROP TABLE IF EXISTS file_scans;');
      await this.session.connection.run(`CREATE OR REPLACE TEMP TABLE file_rows AS ${read(path)}`);
    };
    try {
      await load(file.path);
    } catch {
      // Line ends DuckDB cannot split (a CR-only line in an LF file): read a copy ended by LF alone.
      const copy = join(this.session.scratch, `lines-${randomBytes(4).toString('hex')}.csv`);
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
    const at = { file: sqlString(file.path), dt: sqlString(file.dt), line: lineOf };
    if (this.staging === 'exact') {
      const source = duckdbCsvSource(file.kind, 'file_rows', columns, at);
      await this.session.connection.run(
        `INSERT INTO checked_${file.kind} ${checkedSelect(file.kind, now, 'duckdb', source)}`,
      );
    } else await this.checkCsvRows(file, columns, at, now);
    return structural.map((r) =>
      this.rejectOf(file, Number(r.line), structuralReason(String(r.error_type), 'csv'), String(r.csv_line ?? '')),
    );
  }

  /**
   * The typed path's check of a CSV file's rows in `file_rows` (docs/decisions/0007-typed-read.md): the exact
   * path's checks over the same cells, but the two per-row costs that only some records need are paid only
   * by them: a row's JSON text (`raw`) by the rejected ones, the digest of its text (`raw_sha`, which breaks
   * ties between versions of a record in one file) by the rows whose identity cells another row repeats.
   */
  private async checkCsvRows(
    file: ExportFile,
    columns: readonly string[],
    at: { readonly file: string; readonly dt: string; readonly line: string },
    now: number,
  ): Promise<void> {
    const { connection } = this.session;
    const key = duckdbCsvTieKey(file.kind, columns);
    let digested = 'true';
    if (key !== null) {
      await connection.run(
        `CREATE OR REPLACE TEMP TABLE file_ties AS SELECT r FROM (SELECT rowid AS r, count(*) OVER (PARTITION BY ${key.join(', ')}) AS n FROM file_rows) t WHERE n > 1`,
      );
      const [ties] = await this.session.rows('SELECT count(*) AS n FROM file_ties');
      digested = Number(ties?.n ?? 0) === 0 ? 'false' : 'file_rows.rowid IN (SELECT r FROM file_ties)';
      this.csvTally.digested += Number(ties?.n ?? 0);
    } else
      this.csvTally.digested += Number((await this.session.rows('SELECT count(*) AS n FROM file_rows'))[0]?.n ?? 0);
    this.csvTally.files += 1;
    const source = duckdbCsvSource(file.kind, 'file_rows', columns, at, { raw: false, digested });
    await connection.run(`INSERT INTO checked_${file.kind} ${checkedSelect(file.kind, now, 'duckdb', source)}`);
    await connection.run('DROP TABLE IF EXISTS file_ties');
    const rejected = (
      await this.session.rows(
        `SELECT line FROM checked_${file.kind} WHERE file = ${at.file} AND reason IS NOT NULL AND raw IS NULL`,
      )
    ).map((r) => Number(r.line));
    this.csvTally.rejected += rejected.length;
    if (rejected.length === 0) return;
    // The rows rejected, and only they, get their text as the exact path gives it (read out, then written
    // by value: an UPDATE joined to file_rows scanned the whole checked table slower than this).
    const texts = await this.session.rows(
      `SELECT ${at.line} AS line, ${duckdbCsvRaw('file_rows')} AS raw FROM file_rows WHERE ${at.line} IN (${rejected.join(', ')})`,
    );
    if (texts.length === 0) return;
    await connection.run(
      `UPDATE checked_${file.kind} SET raw = CASE line ${texts.map((r) => `WHEN ${Number(r.line)} THEN ${sqlString(String(r.raw))}`).join(' ')} END WHERE file = ${at.file} AND line IN (${texts.map((r) => Number(r.line)).join(', ')}) AND reason IS NOT NULL`,
    );
  }

  /** A file's lines as docs/spec.md §1 splits them, under this engine's limits. */
  linesOf(file: ExportFile): AsyncGenerator<ExportLine> {
    return exportLines(file.path, {
      gzipped: file.path.endsWith('.gz'),
      maxLineBytes: this.session.options.maxLineBytes,
      keptChars: this.session.options.rawCharsKept,
    });
  }

  /** Every row of a CSV file separated by `;`: one `wrong_delimiter` each (the rows are records, none readable). */
  async wrongDelimiter(file: ExportFile, headerLine: number): Promise<Reject[]> {
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
