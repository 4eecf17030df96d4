/**
 * The sources the record checks read (`checkedSelect`, functions/sql/record-checks.ts): a relation giving,
 * per record, `file, dt, line, raw, fmt` ('ndjson' | 'csv'), `rec_type` (the JSON type of the whole record:
 * 'OBJECT', another type, or NULL when it is not JSON) and, per field, `t_<field>` (its text) and
 * `jt_<field>` (its JSON type, for NDJSON records) — from NDJSON lines, CSV rows, or any JSON value.
 */
import { type Dialect, dialectFunctions, memberPath } from './dialects.js';
import { CSV_COLUMNS, EXPORT_SCHEMA, type ExportKind, type FieldSpec } from './exports-schema.js';
import { sqlString } from './values.js';

/** A field's text in a source. */
export const text = (f: FieldSpec): string => `t_${f.name}`;
/** A field's JSON type in a source (NULL for CSV cells). */
export const jsonTypeOf = (f: FieldSpec): string => `jt_${f.name}`;

/**
 * The text of a string field as written in the record. Both engines' JSON parsers rewrite a number
 * (`1e3` reads back `1000.0`, `1.50` as `1.5`: Trino's json_parse canonicalises, DuckDB's reader too),
 * so a string field given as a number that parsing may have rewritten — its `canonical` text has a
 * fraction or an exponent — is taken from `raw` as written, the first `"name": <number>` whose value
 * is the same number; anything else keeps its `canonical` text.
 */
function numberAsWritten(dialect: Dialect, raw: string, name: string, canonical: string): string {
  const d = dialectFunctions(dialect);
  const written = d.extract(raw, sqlString(String.raw`(?:^|[^\\])"${name}"\s*:\s*(-?[0-9][0-9.eE+-]*)`));
  return `CASE WHEN ${rewritable(dialect, canonical)} AND TRY_CAST(${written} AS DOUBLE) = TRY_CAST(${canonical} AS DOUBLE) THEN ${written} ELSE ${canonical} END`;
}

/** Whether a canonical number text has a fraction or an exponent: its text as written may differ. */
const rewritable = (dialect: Dialect, canonical: string): string =>
  dialectFunctions(dialect).matches(canonical, sqlString('^-?[0-9]+[.eE].*$'));

/**
 * The `rec_type, t_<field>, jt_<field>` columns of a source whose records are JSON values (`json`):
 * NDJSON lines, or CSV rows turned into objects. With `raw`, the record's text, a string field given as
 * a number keeps its text as written (`numberAsWritten`).
 */
export function jsonRecordColumns(kind: ExportKind, dialect: Dialect, json: string, raw?: string): string {
  const d = dialectFunctions(dialect);
  return [
    `${d.jsonType(json)} AS rec_type`,
    ...EXPORT_SCHEMA[kind].fields.map((f) => {
      const path = memberPath(dialect, f.name);
      const canonical = d.jsonText(json, path);
      const value =
        raw !== undefined && f.field.type === 'string' ? numberAsWritten(dialect, raw, f.name, canonical) : canonical;
      return `${value} AS ${text(f)}, ${d.jsonType(json, path)} AS ${jsonTypeOf(f)}`;
    }),
  ].join(',\n  ');
}

/** A text no JSON value but a string has when DuckDB writes it (numbers, `true`, `NaN`, objects do not look so). */
const WORD = /^[A-Za-z][A-Za-z0-9_ -]*$/;
const NOT_WORDS = new Set(['true', 'false', 'null', 'NaN', 'Infinity']);

/**
 * DuckDB: a field's `t_<field>` and `jt_<field>` from `value`, its member of the record's one
 * `json_transform`: the text itself for a field read as VARCHAR, the member's JSON text for one read as
 * JSON (`readsJson`). `json_type` parses its argument each call, and a type for every field of every
 * record cost a third of a large check, so the type is told from the text where the text tells it, and
 * asked of DuckDB only where it does not (rare records: those the check rejects or looks at twice).
 * `jt` matters only where `typeOk` reads it, for a field that is present (`t` neither NULL nor '').
 */
function duckdbFieldColumns(
  f: FieldSpec,
  value: string,
  asked: string,
  raw: string | null,
): { text: string; type: string } {
  switch (f.field.type) {
    case 'timestamp':
    case 'date':
      // Only a string's text can match ISO_TIMESTAMP or ISO_DATE, and a text that does not is a bad
      // timestamp whatever its type: the type decides nothing here.
      return { text: value, type: `'VARCHAR'` };
    case 'enum':
      // A text among the values is a string's when no value looks like a number's, a boolean's or NaN's.
      return f.field.values.every((v) => WORD.test(v) && !NOT_WORDS.has(v))
        ? {
            text: value,
            type: `CASE WHEN ${value} IS NULL THEN NULL WHEN ${value} IN (${f.field.values.map(sqlString).join(', ')}) THEN 'VARCHAR' ELSE ${asked} END`,
          }
        : { text: value, type: asked };
    case 'string':
      // Strings and numbers are both accepted; only booleans, objects and arrays are not, and only texts
      // like theirs need the type (a string may read "true" or start with a brace).
      return {
        // Without the text, a number as written is unknown: its type is left NULL, a reject of the typed read.
        text: raw === null ? value : numberAsWritten('duckdb', raw, f.name, value),
        type: `CASE WHEN ${value} IS NULL THEN NULL WHEN ${value} IN ('true', 'false') OR starts_with(${value}, '{') OR starts_with(${value}, '[') THEN ${asked}${raw === null ? ` WHEN ${rewritable('duckdb', value)} THEN NULL` : ''} ELSE 'VARCHAR' END`,
      };
    case 'boolean':
      // Read as JSON: `true` and `false` are booleans, "true" (quoted) is a string.
      return {
        text: `CASE WHEN ${value} IS NULL THEN NULL WHEN ${value} IN ('true', 'false') THEN ${value} ELSE json_extract_string(${value}, '$') END`,
        type: `CASE WHEN ${value} IS NULL THEN NULL WHEN ${value} IN ('true', 'false') THEN 'BOOLEAN' ELSE json_type(${value}) END`,
      };
    case 'duration':
    case 'number':
    case 'count':
      // Read as JSON: a text that starts with a digit is a number (every number type is numeric to the
      // check); a string's text is unquoted as json_extract_string would give it.
      return {
        text: `CASE WHEN ${value} IS NULL THEN NULL WHEN starts_with(${value}, '"') THEN json_extract_string(${value}, '$') ELSE ${value} END`,
        type: `CASE WHEN ${value} IS NULL THEN NULL WHEN ascii(${value}) BETWEEN 48 AND 57 THEN 'DOUBLE' ELSE json_type(${value}) END`,
      };
  }
}

const readsJson = (f: FieldSpec): boolean =>
  f.field.type === 'boolean' || f.field.type === 'duration' || f.field.type === 'number' || f.field.type === 'count';

/**
 * DuckDB: how one `json_transform` (or a typed `read_json`) reads a kind's fields: JSON where the member's
 * JSON text tells its type (booleans, numbers), VARCHAR elsewhere.
 */
export function ndjsonReadStructure(kind: ExportKind): Record<string, 'JSON' | 'VARCHAR'> {
  return Object.fromEntries(EXPORT_SCHEMA[kind].fields.map((f) => [f.name, readsJson(f) ? 'JSON' : 'VARCHAR']));
}

/**
 * DuckDB: the `t_<field>, jt_<field>` columns of a kind from `member(name)`, a field's value as
 * `ndjsonReadStructure` reads it. `raw` is the record's text, asked for the JSON type of a member whose
 * text does not tell it; without it (a typed read keeps no text) that type is NULL, which the checks
 * read as a wrong type: such a record is a reject of the typed read, checked again from its text.
 */
export function duckdbFieldTexts(kind: ExportKind, member: (name: string) => string, raw: string | null): string[] {
  return EXPORT_SCHEMA[kind].fields.map((f) => {
    // A JSON member is compared as text: against the JSON type, '' would be cast to JSON (and fail).
    const value = readsJson(f) ? `CAST(${member(f.name)} AS VARCHAR)` : member(f.name);
    const asked = raw === null ? 'CAST(NULL AS VARCHAR)' : `json_type(${raw}, ${memberPath('duckdb', f.name)})`;
    const c = duckdbFieldColumns(f, value, asked, raw);
    return `${c.text} AS ${text(f)}, ${c.type} AS ${jsonTypeOf(f)}`;
  });
}

/**
 * DuckDB: the source columns of `checkedSelect` for NDJSON lines, over `relation` (with `file, dt, line,
 * raw`, the line's text). DuckDB's JSON functions parse their text argument on every call, so a record
 * is parsed by `json_valid` (the others never see a line that is not JSON) and by one `json_transform`
 * giving every field's text as `json_extract_string` gives it (booleans and numbers as their JSON text,
 * which also tells their type); see `duckdbFieldColumns` for the types. A valid line that starts with
 * `{` is an object; only other lines need `json_type` of the whole.
 */
export function duckdbNdjsonSource(kind: ExportKind, relation: string): string {
  const structure = sqlString(JSON.stringify(ndjsonReadStructure(kind)));
  const columns = duckdbFieldTexts(kind, (name) => `texts."${name}"`, 'raw');
  return `SELECT file, dt, line, raw, ${recordDigest('duckdb', 'raw')} AS raw_sha, 'ndjson' AS fmt,
  CASE WHEN valid THEN CASE WHEN starts_with(raw, '{') THEN 'OBJECT' ELSE json_type(raw) END END AS rec_type,
  ${columns.join(',\n  ')}
FROM (
  SELECT file, dt, line, raw, valid, CASE WHEN valid THEN json_transform(raw, ${structure}) END AS texts
  FROM (SELECT file, dt, line, raw, json_valid(raw) AS valid FROM ${relation}) validated
) extracted`;
}

/**
 * DuckDB: the source columns of `checkedSelect` for a CSV file read as text columns into `table` (whose
 * column names are `columns`, as read from the header), with `file, dt, line` given as expressions over
 * it. A cell is the field's text as it stands (no JSON round trip); `raw` is the row as a JSON object,
 * as a reject shows it.
 */
export function duckdbCsvSource(
  kind: ExportKind,
  table: string,
  columns: readonly string[],
  at: { readonly file: string; readonly dt: string; readonly line: string },
  /**
   * The typed path's savings: `raw: false` leaves `raw` NULL (the caller gives the rejected rows theirs,
   * `duckdbCsvRaw`); `digested`, a condition, computes the digest only where it holds (NULL elsewhere).
   */
  lazy: { readonly raw: boolean; readonly digested: string } = { raw: true, digested: 'true' },
): string {
  const header = new Set(columns);
  const cells = EXPORT_SCHEMA[kind].fields.map((f) => {
    // The JSON path that read the object named its member exactly: a column is the field only by its exact name.
    const cell = header.has(f.name) ? `"${f.name}"` : 'CAST(NULL AS VARCHAR)';
    return `${cell} AS ${text(f)}, CAST(NULL AS VARCHAR) AS ${jsonTypeOf(f)}`;
  });
  const digest = recordDigest(
    'duckdb',
    csvRecordText(columns.slice(0, CSV_COLUMNS).map((c) => `"${c.replaceAll('"', '""')}"`)),
  );
  const raw = lazy.raw ? duckdbCsvRaw(table) : 'CAST(NULL AS VARCHAR)';
  const sha = lazy.digested === 'true' ? digest : `CASE WHEN ${lazy.digested} THEN ${digest} END`;
  return `SELECT ${at.file} AS file, ${at.dt} AS dt, ${at.line} AS line, ${raw} AS raw, ${sha} AS raw_sha, 'csv' AS fmt, 'OBJECT' AS rec_type,
  ${cells.join(', ')}
FROM ${table}`;
}

/** DuckDB: a CSV row of `table` as a reject shows it, a JSON object of its cells named by the header. */
export const duckdbCsvRaw = (table: string): string => `to_json(${table})::VARCHAR`;

/**
 * DuckDB: the cells of a CSV file's header that hold a kind's identity fields, when each field's checked
 * value is its cell as written (strings, enums, dates): two good records tied on identity have the same
 * cells, so only rows whose cells another row repeats can need the digest. `null` when that does not hold
 * (a field missing from the header, or read as a number or timestamp, whose texts may differ for one value).
 */
export function duckdbCsvTieKey(kind: ExportKind, columns: readonly string[]): string[] | null {
  const header = new Set(columns);
  const key: string[] = [];
  for (const name of EXPORT_SCHEMA[kind].identity) {
    const field = EXPORT_SCHEMA[kind].fields.find((f) => f.name === name);
    const asWritten = field !== undefined && ['string', 'enum', 'date'].includes(field.field.type);
    if (!asWritten || !header.has(name)) return null;
    key.push(`"${name}"`);
  }
  return key;
}

/** DuckDB: an empty source with the column types of the two above, to create a checked table before any file. */
export function duckdbEmptySource(kind: ExportKind): string {
  const fields = EXPORT_SCHEMA[kind].fields;
  const nulls = fields.map((f) => `CAST(NULL AS VARCHAR) AS ${text(f)}, CAST(NULL AS VARCHAR) AS ${jsonTypeOf(f)}`);
  return `SELECT CAST(NULL AS VARCHAR) AS file, CAST(NULL AS VARCHAR) AS dt, CAST(NULL AS BIGINT) AS line, CAST(NULL AS VARCHAR) AS raw, CAST(NULL AS VARCHAR) AS raw_sha, CAST(NULL AS VARCHAR) AS fmt, CAST(NULL AS VARCHAR) AS rec_type, ${nulls.join(', ')} WHERE false`;
}

/**
 * The digest that breaks a tie between two versions of a record (docs/spec.md §1: same `updated_at`, same
 * file): the SHA-256 of its text, without byte-order mark or carriage return (one engine's line reader
 * keeps them where the other's drops them). `text` is an NDJSON line, or `csvRecordText` of a CSV row.
 */
export function recordDigest(dialect: Dialect, text: string): string {
  return dialectFunctions(dialect).sha256(`replace(replace(${text}, chr(65279), ''), chr(13), '')`);
}

/**
 * The text a CSV row is digested as, the same on both engines whatever their CSV reader keeps of the
 * quoting: its first `cells` (at most the `_csv` table's width) in header order, an empty or missing
 * cell as '', joined by U+001F (a character no export holds).
 */
export function csvRecordText(cells: readonly string[]): string {
  return `concat_ws(chr(31), ${cells.map((c) => `COALESCE(${c}, '')`).join(', ')})`;
}
