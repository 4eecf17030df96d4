/**
 * Where the staging time goes, and an experiment behind a proposed fix in functions/sql/staging.ts.
 *
 * `jsonRecordColumns` (DuckDB dialect) extracts each field with its own `json_extract_string(j, '$."f"')` and `json_type(j, '$."f"')`:
 * two JSON parses per field, 46 for a contact. DuckDB's list form `json_extract_string(j, [paths])` parses
 * the document once for all paths. This loads the contacts of an export set into `lines_contacts` exactly as
 * the engine does (raw lines, `json_valid`, `::JSON`), then times the current check SQL and the one-parse
 * variant, checks they give the same rows, and prints `EXPLAIN ANALYZE` of the current one.
 *
 * Since `1dc0dfb` the engine stages with the one-parse form (`jsonRecordSource`); the per-field form timed first
 * here is what it used before (and what the Trino dialect still uses, where Athena bills bytes, not parses).
 *
 * `tsx bench/experiments/staging-explain.ts <exports root> [--explain]`
 */
import { EXPORT_SCHEMA } from '../../functions/sql/exports-schema.js';
import { checkedSelect, jsonRecordColumns } from '../../functions/sql/staging.js';
import { loadContactLines } from './contact-lines.js';

const [root] = process.argv.slice(2);
if (!root) throw new Error('usage: tsx bench/experiments/staging-explain.ts <exports root> [--explain]');
const { instance, db, list, time } = await loadContactLines(root);
await time(
  'reference: read_json typed (no checks)',
  `CREATE TABLE typed AS SELECT * FROM read_json([${list}], format = 'newline_delimited', ignore_errors = true)`,
);
const now = Math.floor(Date.parse('2026-11-19T05:00:00Z') / 1000);
const currentSource = `SELECT file, dt, line, raw, fmt, ${jsonRecordColumns('contacts', 'duckdb', 'j')} FROM lines_contacts`;
// The one-parse variant: every t_/jt_ column read from two list extractions.
const fields = EXPORT_SCHEMA.contacts.fields;
const paths = `[${fields.map((f) => `'$."${f.name}"'`).join(', ')}]`;
const columns = fields.map((f, i) => `ts[${i + 1}] AS t_${f.name}, jts[${i + 1}] AS jt_${f.name}`).join(', ');
const onePassSource = `SELECT file, dt, line, raw, fmt, json_type(j) AS rec_type, ${columns} FROM (SELECT *, json_extract_string(j, ${paths}) AS ts, json_type(j, ${paths}) AS jts FROM lines_contacts)`;
const current = `CREATE OR REPLACE TABLE checked_contacts AS ${checkedSelect('contacts', now, 'duckdb', currentSource)}`;
const onePass = `CREATE OR REPLACE TABLE checked_contacts AS ${checkedSelect('contacts', now, 'duckdb', onePassSource)}`;
const a = await time('checked_contacts: current checkSql', current);
await db.run('ALTER TABLE checked_contacts RENAME TO checked_current');
const b = await time('checked_contacts: one JSON parse per record', onePass);
const diff = await db.runAndReadAll(
  'SELECT (SELECT count(*) FROM (SELECT * FROM checked_current EXCEPT ALL SELECT * FROM checked_contacts)) + (SELECT count(*) FROM (SELECT * FROM checked_contacts EXCEPT ALL SELECT * FROM checked_current)) AS d, (SELECT count(*) FROM checked_current) AS n',
);
const [d, n] = diff.getRows()[0] ?? [];
process.stdout.write(`rows ${n}, rows that differ ${d}, check speed-up ${(a / b).toFixed(2)}×\n`);
if (process.argv.includes('--explain')) {
  await db.run('DROP TABLE checked_contacts');
  const plan = await db.runAndReadAll(`EXPLAIN ANALYZE ${current}`);
  for (const row of plan.getRows()) process.stdout.write(`${String(row[1])}\n`);
}
db.closeSync();
instance.closeSync();
