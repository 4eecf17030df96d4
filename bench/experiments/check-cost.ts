/**
 * What the contacts check costs, piece by piece: `tsx bench/experiments/check-cost.ts <exports root>`.
 * Loads the contact lines as the engine does, then times the field extraction alone, the full check, and
 * the check with the timestamp pattern test left out.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { checkedSelect, jsonRecordSource } from '../../functions/sql/staging.js';

const [root] = process.argv.slice(2);
if (!root) throw new Error('usage: tsx bench/experiments/check-cost.ts <exports root>');
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
  'read raw lines',
  `CREATE TABLE file_rows AS SELECT raw FROM read_csv([${list}], columns = {'raw': 'VARCHAR'}, header = false, auto_detect = false, delim = E'\\x01', quote = '', escape = '', max_line_size = 2097152)`,
);
await time(
  'lines: json_valid + ::JSON',
  `CREATE TABLE lines_contacts AS SELECT 'f' AS file, '2026-11-18' AS dt, rowid + 1 AS line, raw, 'ndjson' AS fmt, CASE WHEN json_valid(raw) THEN raw::JSON END AS j FROM file_rows WHERE raw IS NOT NULL AND trim(raw) <> ''`,
);
await time(
  'lines: TRY_CAST(raw AS JSON)',
  `CREATE TABLE lines_try AS SELECT 'f' AS file, '2026-11-18' AS dt, rowid + 1 AS line, raw, 'ndjson' AS fmt, TRY_CAST(raw AS JSON) AS j FROM file_rows WHERE raw IS NOT NULL AND trim(raw) <> ''`,
);
const source = jsonRecordSource('contacts', 'duckdb', 'lines_contacts');
const now = Math.floor(Date.parse('2026-11-19T05:00:00Z') / 1000);
await time('extraction only (jsonRecordSource)', `CREATE TABLE extracted AS ${source}`);
const check = checkedSelect('contacts', now, 'duckdb', source);
await time('full check', `CREATE TABLE c1 AS ${check}`);
const noRegex = check.replace(/regexp_full_match\([^,]+, '[^']+'\)/g, 'true');
await time('check without the timestamp pattern', `CREATE TABLE c2 AS ${noRegex}`);
const fromExtracted = checkedSelect('contacts', now, 'duckdb', 'SELECT * FROM extracted');
await time('check over extracted columns', `CREATE TABLE c3 AS ${fromExtracted}`);
db.closeSync();
instance.closeSync();
