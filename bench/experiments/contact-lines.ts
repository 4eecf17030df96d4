/**
 * What the staging experiments share: the NDJSON contact files of an export set, loaded into DuckDB as
 * the engine loads them (`file_rows` of raw lines, then `lines_contacts` with the parsed JSON), and a timer
 * that prints each statement's seconds.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

export interface ContactLines {
  readonly instance: DuckDBInstance;
  readonly db: DuckDBConnection;
  /** The contact files, quoted and comma-separated for a DuckDB list. */
  readonly list: string;
  /** Runs one statement, prints its label and seconds, returns milliseconds. */
  readonly time: (label: string, sql: string) => Promise<number>;
}

/** Opens DuckDB and loads the contact lines of `root` (an exports root), timing both steps. */
export async function loadContactLines(root: string): Promise<ContactLines> {
  const files: string[] = [];
  for (const dir of (await readdir(join(root, 'contacts'))).sort()) {
    for (const name of (await readdir(join(root, 'contacts', dir))).sort()) {
      if (/\.ndjson(\.gz)?$/.test(name)) files.push(join(root, 'contacts', dir, name));
    }
  }
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const time = async (label: string, sql: string): Promise<number> => {
    const t0 = performance.now();
    await db.run(sql);
    const ms = performance.now() - t0;
    process.stdout.write(`${label.padEnd(52)} ${(ms / 1000).toFixed(2)} s\n`);
    return ms;
  };
  const list = files.map((f) => `'${f}'`).join(', ');
  await time(
    'read raw lines (read_csv, one column)',
    `CREATE TABLE file_rows AS SELECT raw FROM read_csv([${list}], columns = {'raw': 'VARCHAR'}, header = false, auto_detect = false, delim = E'\\x01', quote = '', escape = '', max_line_size = 2097152)`,
  );
  await time(
    'lines: json_valid + ::JSON',
    `CREATE TABLE lines_contacts AS SELECT 'f' AS file, '2026-11-18' AS dt, rowid + 1 AS line, raw, 'ndjson' AS fmt, CASE WHEN json_valid(raw) THEN raw::JSON END AS j FROM file_rows WHERE raw IS NOT NULL AND trim(raw) <> ''`,
  );
  return { instance, db, list, time };
}
