/** How values reach SQL text: bound to a `?` placeholder, or quoted as a literal. */

/** A value bound to a `?` placeholder of a query. */
export type SqlParam = string | number | boolean | null;

/** Quotes a text as an SQL string literal (the same in DuckDB and Trino). */
export const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/**
 * A finite number as an SQL literal (the same in DuckDB and Trino); a negative one in parentheses, so
 * that `x - ${n}` can never read as a `--` comment. Athena takes `?` parameters only in WHERE clauses:
 * numbers elsewhere (thresholds, window bounds) are literals built here, never spliced by hand.
 */
export function sqlNumber(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`an SQL number must be finite, got ${n}`);
  return n < 0 ? `(${String(n)})` : String(n);
}
