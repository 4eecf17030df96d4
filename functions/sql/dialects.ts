/**
 * How the two SQL engines Vigie runs on spell what the record checks need: DuckDB and Athena (Trino) run
 * the same generated SELECTs, and where they differ, the difference lives in the `DIALECTS` table here
 * and nowhere else.
 */
import { sqlString } from './values.js';

/** The SQL engines Vigie runs on. */
export type Dialect = 'duckdb' | 'trino';

/** How a dialect spells what the checks need; see `DIALECTS`. */
export interface DialectFunctions {
  /** JSON value of a record's raw text, or NULL when it is not JSON. */
  parseJson(raw: string): string;
  /** Type of a JSON value or of one of its members (`path` is a JSON path literal), with DuckDB's names. */
  jsonType(json: string, path?: string): string;
  /** Text of a member: the string itself, a number's or boolean's literal, NULL for absent or null. */
  jsonText(json: string, path: string): string;
  /** Whole-text regular-expression match (patterns here are anchored). */
  matches(text: string, pattern: string): string;
  /** The first capture group of a pattern's first match, NULL or '' when none. */
  extract(text: string, pattern: string): string;
  /** Epoch seconds of an ISO-8601 timestamp with offset, NULL when it does not parse. */
  epochOf(text: string): string;
  /** True when a DOUBLE is finite. */
  isFinite(number: string): string;
  /** The SHA-256 of a text's UTF-8 bytes, as lower-case hex. */
  sha256(text: string): string;
}

/** Trino has no json_type: the serialised value's first character tells the type. */
function trinoJsonType(value: string): string {
  const text = `json_format(${value})`;
  return `CASE WHEN ${value} IS NULL THEN NULL WHEN ${text} = 'null' THEN 'NULL' WHEN ${text} IN ('true', 'false') THEN 'BOOLEAN' WHEN starts_with(${text}, '"') THEN 'VARCHAR' WHEN starts_with(${text}, '{') THEN 'OBJECT' WHEN starts_with(${text}, '[') THEN 'ARRAY' ELSE 'DOUBLE' END`;
}

const DIALECTS: Readonly<Record<Dialect, DialectFunctions>> = {
  duckdb: {
    parseJson: (raw) => `CASE WHEN json_valid(${raw}) THEN ${raw}::JSON END`,
    jsonType: (json, path) => (path === undefined ? `json_type(${json})` : `json_type(${json}, ${path})`),
    jsonText: (json, path) => `json_extract_string(${json}, ${path})`,
    matches: (text, pattern) => `regexp_full_match(${text}, ${pattern})`,
    extract: (text, pattern) => `regexp_extract(${text}, ${pattern}, 1)`,
    // Milliseconds, as Athena keeps them (from_iso8601_timestamp gives a timestamp(3)): a finer fraction is cut.
    epochOf: (text) => `epoch(date_trunc('millisecond', TRY_CAST(${text} AS TIMESTAMPTZ)))`,
    isFinite: (number) => `isfinite(${number})`,
    sha256: (text) => `sha256(${text})`,
  },
  trino: {
    // A byte-order mark before the first record is not part of it. Trino's parser refuses a bare NaN or
    // Infinity, which docs/spec.md §1 makes a wrong type, not bad JSON: a line that fails is parsed again
    // with them quoted, so a number field holding one is rejected as `wrong_type`, as on DuckDB.
    parseJson: (raw) => {
      const text = `replace(${raw}, chr(65279), '')`;
      return `COALESCE(try(json_parse(${text})), try(json_parse(regexp_replace(${text}, '([:\\[,]\\s*)(-?(NaN|Infinity))(\\s*[,}\\]])', '$1"$2"$4'))))`;
    },
    jsonType: (json, path) => trinoJsonType(path === undefined ? json : `json_extract(${json}, ${path})`),
    jsonText: (json, path) =>
      `CASE WHEN json_format(json_extract(${json}, ${path})) = 'null' THEN NULL WHEN starts_with(json_format(json_extract(${json}, ${path})), '"') THEN json_extract_scalar(${json}, ${path}) ELSE json_format(json_extract(${json}, ${path})) END`,
    matches: (text, pattern) => `regexp_like(${text}, ${pattern})`,
    extract: (text, pattern) => `regexp_extract(${text}, ${pattern}, 1)`,
    // from_iso8601_timestamp wants the `T` separator that SPEC's timestamps may replace by a space.
    epochOf: (text) => `to_unixtime(try(from_iso8601_timestamp(replace(${text}, ' ', 'T'))))`,
    isFinite: (number) => `is_finite(${number})`,
    sha256: (text) => `lower(to_hex(sha256(to_utf8(${text}))))`,
  },
};

/** The spellings of a dialect, for readers of other record shapes (functions/sql/connect-ctr.ts). */
export function dialectFunctions(dialect: Dialect): DialectFunctions {
  return DIALECTS[dialect];
}

/** The JSON value of a raw record in this dialect (NULL when it is not JSON). */
export function parseJson(dialect: Dialect, raw: string): string {
  return DIALECTS[dialect].parseJson(raw);
}

/** A JSON path literal naming one member of a record. */
export const memberPath = (dialect: Dialect, name: string): string =>
  // Trino's JSON path has no quoted member names; the schema's names are plain identifiers.
  sqlString(dialect === 'duckdb' ? `$."${name}"` : `$.${name}`);
