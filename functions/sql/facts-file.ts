/**
 * The stored day file built by the engine itself (docs/decisions/0006-state-snapshot.md, "The
 * facts store written by the engine"): a day's bucket and breakdown rows kept in tables, folded as `foldDay` folds them, and
 * written by it as the lines of the same JSON the JavaScript writer gives, so 1M-contact days never cross
 * into JavaScript objects on their way to the store (JavaScript only gzips the text). DuckDB only: Athena's engine has no such capability and its
 * facts go through JavaScript as before.
 */
import { DIMENSIONS, MEASURES } from '../engine/facts.js';
import type { SqlText } from './facts.js';

/** Columns of a stored bucket table, in the order each row's values are stored. */
export const BUCKET_COLUMNS: readonly string[] = ['bucket', ...DIMENSIONS, ...MEASURES];
/** Columns of a stored breakdown table, in the order each row's values are stored. */
export const BREAKDOWN_COLUMNS: readonly string[] = ['bucket', ...DIMENSIONS, 'breakdown', 'key', 'count'];

const DIMS = DIMENSIONS.join(', ');

/**
 * A facts query's rows with the values JavaScript gives them when it reads them (`readPeriodFacts`): a
 * missing measure is 0, a breakdown other than a keyword is a reason, a missing key is empty.
 */
export function normalizedBucketsSql(facts: SqlText): SqlText {
  const measures = MEASURES.map((m) => `coalesce(${m}, 0) AS ${m}`).join(', ');
  return { sql: `SELECT bucket, ${DIMS}, ${measures} FROM (${facts.sql}) f`, params: facts.params };
}

/** Breakdown rows normalized as `normalizedBucketsSql` normalizes bucket rows. */
export function normalizedBreakdownsSql(facts: SqlText): SqlText {
  return {
    sql: `SELECT bucket, ${DIMS}, CASE WHEN breakdown = 'keyword' THEN 'keyword' ELSE 'reason' END AS breakdown,
  coalesce(CAST(key AS VARCHAR), '') AS key, coalesce(count, 0) AS count FROM (${facts.sql}) f`,
    params: facts.params,
  };
}

/** An integer list literal (bucket starts the caller computed, never user text), or a list that matches nothing. */
const bucketList = (buckets: readonly number[]): string =>
  buckets.length === 0 ? 'NULL' : buckets.map((b) => String(Math.trunc(b))).join(', ');

/**
 * `foldDay` in SQL over a table of bucket rows: rows of [start, end) with the same dimensions summed,
 * kept apart only by whether their bucket is one of `open`, each group keeping its earliest bucket; rows
 * outside the day kept as they are.
 */
export function foldedBucketsSql(table: string, start: number, end: number, open: readonly number[]): string {
  const sums = MEASURES.map((m) => `sum(${m}) AS ${m}`).join(', ');
  return `SELECT min(bucket) AS bucket, ${DIMS}, ${sums} FROM ${table}
WHERE bucket >= ${start} AND bucket < ${end}
GROUP BY ${DIMS}, coalesce(bucket IN (${bucketList(open)}), false)
UNION ALL
SELECT * FROM ${table} WHERE bucket < ${start} OR bucket >= ${end}`;
}

/** `foldDay` in SQL over a table of breakdown rows: each key's counts of the day summed, with its earliest bucket. */
export function foldedBreakdownsSql(table: string, start: number, end: number): string {
  return `SELECT min(bucket) AS bucket, ${DIMS}, breakdown, key, sum(count) AS count FROM ${table}
WHERE bucket >= ${start} AND bucket < ${end}
GROUP BY ${DIMS}, breakdown, key
UNION ALL
SELECT * FROM ${table} WHERE bucket < ${start} OR bucket >= ${end}`;
}

/**
 * One line per row of `table`, the JSON array of its values in `columns` order, each but the first led
 * by a comma: the rows of a stored table, to go between the parts `dayFileParts` gives. (A table made by
 * `CREATE TABLE … AS` numbers its rows from 0, so exactly one row has rowid 0, whatever the lines' order.)
 */
export function rowLinesSql(table: string, columns: readonly string[]): string {
  return `SELECT CASE WHEN rowid = 0 THEN '' ELSE ',' END || CAST(json_array(${columns.join(', ')}) AS VARCHAR) AS line FROM ${table}`;
}
