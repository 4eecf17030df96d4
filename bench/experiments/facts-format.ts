/**
 * The facts store's format, by measurement: a stored day's bucket rows as the store keeps them (JSON
 * table, gzip level 3) against Parquet (zstd, written and read by DuckDB), in bytes, write time and time
 * to get them back as JS rows the engine can sum.
 *
 * `tsx bench/experiments/facts-format.ts <facts.json.gz of a stored day>`
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';

const [path] = process.argv.slice(2);
if (!path) throw new Error('usage: tsx bench/experiments/facts-format.ts <facts.json.gz>');
const stored = JSON.parse(gunzipSync(await readFile(path)).toString('utf8'));
const table: { columns: string[]; rows: (string | number | null)[][] } = stored.facts.buckets;
const dir = await mkdtemp(join(tmpdir(), 'vigie-facts-format-'));
const ms = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(2)} s`;
const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;
process.stdout.write(`${table.rows.length} bucket rows × ${table.columns.length} columns\n`);

let t0 = performance.now();
const gz = gzipSync(JSON.stringify(table), { level: 3 });
process.stdout.write(`JSON table gz: ${mb(gz.byteLength)}, write ${ms(t0)}`);
t0 = performance.now();
const back = JSON.parse(gunzipSync(gz).toString('utf8')) as typeof table;
const template = JSON.parse(JSON.stringify(Object.fromEntries(back.columns.map((c) => [c, null]))));
const rows = back.rows.map((values) => {
  const row: Record<string, string | number | null> = { ...template };
  for (let i = 0; i < back.columns.length; i++) row[back.columns[i] as string] = values[i] ?? null;
  return row;
});
process.stdout.write(`, read ${ms(t0)} (${rows.length} rows)\n`);

// DuckDB writes Parquet from a plain NDJSON of the rows; that conversion is not timed.
const ndjson = join(dir, 'buckets.ndjson');
await writeFile(ndjson, rows.map((r) => JSON.stringify(r)).join('\n'));
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
const parquet = join(dir, 'buckets.parquet');
await db.run(`CREATE TABLE b AS SELECT * FROM read_json('${ndjson}', format = 'newline_delimited')`);
t0 = performance.now();
await db.run(`COPY b TO '${parquet}' (FORMAT parquet, COMPRESSION zstd)`);
process.stdout.write(`Parquet zstd: ${mb((await stat(parquet)).size)}, write ${ms(t0)}`);
t0 = performance.now();
const reader = await db.runAndReadAll(`SELECT * FROM read_parquet('${parquet}')`);
const names = reader.columnNames();
const columns = reader.getColumnsJS();
const count = columns[0]?.length ?? 0;
const fromParquet = [];
for (let r = 0; r < count; r++) {
  const row: Record<string, unknown> = { ...template };
  for (let c = 0; c < names.length; c++) row[names[c] as string] = columns[c]?.[r];
  fromParquet.push(row);
}
process.stdout.write(`, read ${ms(t0)} (${fromParquet.length} rows)\n`);
db.closeSync();
instance.closeSync();
await rm(dir, { recursive: true, force: true });
