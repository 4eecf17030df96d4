/**
 * The optimistic typed read of a kind's NDJSON files (docs/decisions/0007-typed-read.md): every file read
 * in one `read_json` scan and checked by the same generated SQL as the exact path, then each file's bytes
 * profiled (`lineProfile`): a file whose lines are plain and as many as its rows keeps its typed records,
 * and only its rejected lines are checked again from their text; any other file is left to the exact path.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Row } from '../pipeline/ports.js';
import { EXPORT_SCHEMA, type ExportKind } from '../sql/exports-schema.js';
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
  // Versions of a record tied on updated_at in one file are told apart by the digest of their text
  // (versionRank), which the typed read has not: they are checked again from their text too.
  const identity = EXPORT_SCHEMA[kind].identity.map((name) => `v_${name}`);
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE typed_ties AS SELECT c.file, c.line FROM checked_${kind} c JOIN (SELECT ${identity.join(', ')}, file, v_updated_at FROM checked_${kind} WHERE reason IS NULL GROUP BY ALL HAVING count(*) > 1) t ON c.file = t.file AND ${identity.map((v) => `c.${v} = t.${v}`).join(' AND ')} AND c.v_updated_at IS NOT DISTINCT FROM t.v_updated_at WHERE c.reason IS NULL`,
  );
  const rejected = new Map<string, Set<number>>();
  for (const r of await context.rows(
    `SELECT file, line FROM checked_${kind} WHERE reason IS NOT NULL UNION ALL SELECT file, line FROM typed_ties`,
  )) {
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
  await connection.run(
    `DELETE FROM checked_${kind} USING typed_ties t WHERE checked_${kind}.file = t.file AND checked_${kind}.line = t.line; DROP TABLE typed_ties`,
  );
  let rechecked = await recheck(context, kind, accepted, (f) => profiles.get(f)?.texts ?? new Map(), now);
  // A record the typed read rejected may be good after all and tie with one it kept: the kept one is
  // checked again from its text too (a second read of its file, only when this happens).
  const late = await tiedWithoutDigest(context, kind, accepted);
  if (late.size > 0) {
    const files = accepted.filter((f) => late.has(f.path));
    const texts = new Map<F, ReadonlyMap<number, string>>();
    for (const f of files) {
      const profile = await lineProfile(f.path, {
        gzipped: f.path.endsWith('.gz'),
        maxLineBytes: context.maxLineBytes,
        wanted: late.get(f.path) ?? new Set(),
      });
      if (profile.kind === 'irregular') throw new Error(`${f.path} changed while it was read: ${profile.why}`);
      texts.set(f, profile.texts);
    }
    await connection.run(
      `DELETE FROM checked_${kind} WHERE raw_sha IS NULL AND (${files.map((f) => `(file = ${sqlString(f.path)} AND line IN (${[...(late.get(f.path) ?? [])].join(', ')}))`).join(' OR ')})`,
    );
    rechecked += await recheck(context, kind, files, (f) => texts.get(f) ?? new Map(), now);
  }
  for (const f of accepted) read.add(f);
  return { read, left, rechecked };
}

/** Checks lines of `files` (`texts` of each, by line number) exactly into `checked_<kind>`; returns how many. */
async function recheck<F extends TypedFile>(
  context: TypedReadContext,
  kind: ExportKind,
  files: readonly F[],
  texts: (file: F) => ReadonlyMap<number, string>,
  now: number,
): Promise<number> {
  if (!files.some((f) => texts(f).size > 0)) return 0;
  const { connection } = context;
  await connection.run('CREATE OR REPLACE TEMP TABLE typed_lines (file VARCHAR, dt VARCHAR, line BIGINT, raw VARCHAR)');
  let n = 0;
  const appender = await connection.createAppender('typed_lines');
  try {
    for (const f of files) {
      for (const [line, text] of texts(f)) {
        appendLine(appender, f.path, f.dt, line, text);
        n += 1;
      }
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  await context.checkLines(kind, 'SELECT file, dt, line, raw FROM typed_lines', now);
  await connection.run('DROP TABLE typed_lines');
  return n;
}

/**
 * The typed records (no digest) of `files` that tie with another good record of their file on identity and
 * `updated_at`: their rank needs the digest of their text (versionRank). By file, their line numbers.
 */
async function tiedWithoutDigest(
  context: TypedReadContext,
  kind: ExportKind,
  files: readonly TypedFile[],
): Promise<Map<string, Set<number>>> {
  const found = new Map<string, Set<number>>();
  if (files.length === 0) return found;
  const identity = EXPORT_SCHEMA[kind].identity.map((name) => `v_${name}`);
  const rows = await context.rows(
    `SELECT c.file, c.line FROM checked_${kind} c JOIN (SELECT ${identity.join(', ')}, file, v_updated_at FROM checked_${kind} WHERE reason IS NULL AND file IN (${files.map((f) => sqlString(f.path)).join(', ')}) GROUP BY ALL HAVING count(*) > 1 AND count(*) > count(raw_sha)) t ON c.file = t.file AND ${identity.map((v) => `c.${v} = t.${v}`).join(' AND ')} AND c.v_updated_at IS NOT DISTINCT FROM t.v_updated_at WHERE c.reason IS NULL AND c.raw_sha IS NULL`,
  );
  for (const r of rows) {
    const lines = found.get(String(r.file)) ?? new Set<number>();
    lines.add(Number(r.line));
    found.set(String(r.file), lines);
  }
  return found;
}
