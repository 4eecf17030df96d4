/**
 * What the contacts check costs, piece by piece: `tsx bench/experiments/check-cost.ts <exports root>`.
 * Loads the contact lines as the engine does, then times the field extraction alone, the full check, and
 * the check with the timestamp pattern test left out.
 */
import { checkedSelect, jsonRecordSource } from '../../functions/sql/staging.js';
import { loadContactLines } from './contact-lines.js';

const [root] = process.argv.slice(2);
if (!root) throw new Error('usage: tsx bench/experiments/check-cost.ts <exports root>');
const { instance, db, time } = await loadContactLines(root);
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
