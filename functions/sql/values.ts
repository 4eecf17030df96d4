/** How values reach SQL text: bound to a `?` placeholder, or quoted as a literal. */

/** A value bound to a `?` placeholder of a query. */
export type SqlParam = string | number | boolean | null;

/** Quotes a text as an SQL string literal (the same in DuckDB and Trino). */
export const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;
