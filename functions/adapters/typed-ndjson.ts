/**
 * The optimistic typed read of a kind's NDJSON files (docs/decisions/0007-typed-read.md): every file read
 * in one `read_json` scan and checked by the same generated SQL as the exact path, then each file's bytes
 * profiled (`lineProfile`): a file whose lines are plain and as many as its rows keeps its typed records,
 * and only its rejected lines are checked again from their text; any other file is left to the exact path.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Row } from '../pipeline/ports.js';
import type { ExportKind } from '../sql/exports-schema.js';
import { checkedSelect } from '../sql/record-checks.js';
import { duckdbTypedSource, typedNdjsonRead } from '../sql/typed-read.js';
import { sqlString } from '../sql/values.js';
import { appendLine } from './duckdb-session.js';
import { lineProfile, type PlainLines } from './line-profile.js';

/** An NDJSON export file as the typed read needs it. */
export interface TypedFile {
  readonly kind: ExportKind;
  readonly dt: string;
  readonly path: string;
}

/** What the typed read needs of the engine. */
export interface TypedReadContext {
  readonly connection: DuckDBConnection;
  rows(sql: string): Promise<Row[]>;
  readonly maxLineBytes: number;
  /** Checks lines (a SELECT with `file, dt, line, raw`) exactly, as the exact path does, into `checked_<kind>`. */
  checkLines(kind: ExportKind, lines: string, now: number): Promise<void>;
}

/** Files profiled at once (each inflates on a thread of the pool). */
const PROFILES = 4;

/** How the typed read went: the files it read (their records now in `checked_<kind>`), and the lines it checked again. */
export interface TypedReadResult<F extends TypedFile> {
  readonly read: ReadonlySet<F>;
  /** Why each other file is left to the exact path. */
  readonly left: ReadonlyMap<F, string>;
  /** Lines of the files read that the typed read rejected, checked again from their text. */
  readonly rechecked: number;
}

/**
 * Reads `files` (NDJSON, not empty, all of `kind`) with the typed reader into `checked_<kind>`, which
 * exists and is empty. A file it does not read is in `left`, none of its records in the table.
 */
export async function readTypedNdjson<F extends TypedFile>(
  context: TypedReadContext,
  kind: ExportKind,
  files: readonly F[],
  now: number,
): Promise<TypedReadResult<F>> {
  const left = new Map<F, string>();
  const read = new Set<F>();
  if (files.length === 0) return { read, left, rechecked: 0 };
  const { connection } = context;
  try {
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE typed_rows AS SELECT * FROM ${typedNdjsonRead(
        kind,
        files.map((f) => f.path),
        context.maxLineBytes + 1024,
      )}`,
    );
  } catch (error) {
    for (const f of files) left.set(f, `the typed read failed: ${String(error).split('\n')[0]}`);
    return { read, left, rechecked: 0 };
  }
  // Rows keep the scan's order, each file one run of row ids in line order (as the exact path's scan).
  const runs = new Map(
    (
      await context.rows(
        'SELECT filename, min(rowid) AS first, max(rowid) AS last, count(*) AS n FROM typed_rows GROUP BY filename',
      )
    ).map((r) => [String(r.filename), { first: Number(r.first), last: Number(r.last), n: Number(r.n) }]),
  );
  const numbered = files.filter((f) => {
    const run = runs.get(f.path);
    if (run !== undefined && run.last - run.first + 1 === run.n) return true;
    left.set(f, run === undefined ? 'the typed read gave no row' : 'its rows are not one run');
    return false;
  });
  const each = (value: (f: F) => string): string =>
    `CASE filename ${numbered.map((f) => `WHEN ${sqlString(f.path)} THEN ${value(f)}`).join(' ')} END`;
  if (numbered.length > 0) {
    const rows = `(SELECT filename AS file, ${each((f) => sqlString(f.dt))} AS dt, rowid - ${each((f) => String(runs.get(f.path)?.first ?? 0))} + 1 AS line, * EXCLUDE (filename) FROM typed_rows WHERE filename IN (${numbered.map((f) => sqlString(f.path)).join(', ')}))`;
    // Straight into the checked table, which holds nothing else yet: what is not kept is deleted below,
    // cheaper than copying what is.
    await connection.run(
      `INSERT INTO checked_${kind} ${checkedSelect(kind, now, 'duckdb', duckdbTypedSource(kind, rows))}`,
    );
  }
  await connection.run('DROP TABLE typed_rows');
  if (numbered.length === 0) return { read, left, rechecked: 0 };
  const rejected = new Map<string, Set<number>>();
  for (const r of await context.rows(`SELECT file, line FROM checked_${kind} WHERE reason IS NOT NULL`)) {
    const lines = rejected.get(String(r.file)) ?? new Set<number>();
    lines.add(Number(r.line));
    rejected.set(String(r.file), lines);
  }
  // Each file read to its end: whole, plain, as many lines as rows, and the rejected lines' text.
  const profiles = new Map<F, PlainLines>();
  const queue = [...numbered];
  const workers = Array.from({ length: PROFILES }, async () => {
    for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
      const profile = await lineProfile(f.path, {
        gzipped: f.path.endsWith('.gz'),
        maxLineBytes: context.maxLineBytes,
        wanted: rejected.get(f.path) ?? new Set(),
      });
      const rows = runs.get(f.path)?.n ?? 0;
      if (profile.kind === 'irregular') left.set(f, profile.why);
      else if (profile.lines !== rows) left.set(f, `${profile.lines} lines but ${rows} rows`);
      else profiles.set(f, profile);
    }
  });
  await Promise.all(workers);
  const accepted = numbered.filter((f) => profiles.has(f));
  const dropped = numbered.filter((f) => !profiles.has(f)).map((f) => sqlString(f.path));
  // The typed read's rejects are checked again from their text; the files left go to the exact path whole.
  await connection.run(
    `DELETE FROM checked_${kind} WHERE reason IS NOT NULL${dropped.length > 0 ? ` OR file IN (${dropped.join(', ')})` : ''}`,
  );
  let rechecked = 0;
  if (accepted.some((f) => (profiles.get(f)?.texts.size ?? 0) > 0)) {
    await connection.run(
      'CREATE OR REPLACE TEMP TABLE typed_lines (file VARCHAR, dt VARCHAR, line BIGINT, raw VARCHAR)',
    );
    const appender = await connection.createAppender('typed_lines');
    try {
      for (const f of accepted) {
        for (const [line, text] of profiles.get(f)?.texts ?? []) {
          appendLine(appender, f.path, f.dt, line, text);
          rechecked += 1;
        }
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    await context.checkLines(kind, 'SELECT file, dt, line, raw FROM typed_lines', now);
    await connection.run('DROP TABLE typed_lines');
  }
  for (const f of accepted) read.add(f);
  return { read, left, rechecked };
}
