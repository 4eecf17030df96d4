/**
 * Validation, typing and deduplication of raw export records, generated from the exports schema as
 * plain SELECTs that DuckDB and Athena (Trino) both run. Where the two engines spell a construct
 * differently, the difference lives in the small `DIALECTS` table below and nowhere else.
 *
 * A source relation gives, per record: `file, dt, line, raw, fmt` ('ndjson' | 'csv'), `rec_type`
 * (the JSON type of the whole record: 'OBJECT', another type, or NULL when it is not JSON) and, per
 * field, `t_<field>` (its text) and `jt_<field>` (its JSON type, for NDJSON records).
 */
import { fingerprint } from '../common/fingerprint.js';
import {
  CSV_COLUMNS,
  columnOf,
  EXPORT_SCHEMA,
  type ExportKind,
  type FieldSpec,
  SURVEY_SCALES,
} from './exports-schema.js';
import { sqlString } from './values.js';

/** The SQL engines Vigie runs on. */
export type Dialect = 'duckdb' | 'trino';

/**
 * ISO-8601 date-time that carries its offset (`Z` or ±hh[:mm]); a local time without offset is ambiguous.
 * Offsets are real ones (docs/spec.md §1): −12:00 to +14:00, minutes below 60.
 */
const ISO_TIMESTAMP = String.raw`^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|z|\+(0\d|1[0-3])(:?[0-5]\d)?|\+14(:?00)?|-(0\d|1[01])(:?[0-5]\d)?|-12(:?00)?)$`;
const ISO_DATE = String.raw`^\d{4}-\d{2}-\d{2}$`;
/** JSON types, named as DuckDB's `json_type` names them; the Trino spelling maps onto the same names. */
const NUMERIC_JSON = `('BIGINT', 'UBIGINT', 'DOUBLE')`;

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

const text = (f: FieldSpec): string => `t_${f.name}`;
const jsonTypeOf = (f: FieldSpec): string => `jt_${f.name}`;
/** A timestamp field's epoch seconds, or a numeric field's DOUBLE, computed once per record (see `parsedColumns`). */
const parsed = (f: FieldSpec): string => `p_${f.name}`;
const present = (f: FieldSpec): string => `(${text(f)} IS NOT NULL AND ${text(f)} <> '')`;
const memberPath = (dialect: Dialect, name: string): string =>
  // Trino's JSON path has no quoted member names; the schema's names are plain identifiers.
  sqlString(dialect === 'duckdb' ? `$."${name}"` : `$.${name}`);

/**
 * The text of a string field as written in the record. Both engines' JSON parsers rewrite a number
 * (`1e3` reads back `1000.0`, `1.50` as `1.5`: Trino's json_parse canonicalises, DuckDB's reader too),
 * so a string field given as a number that parsing may have rewritten — its `canonical` text has a
 * fraction or an exponent — is taken from `raw` as written, the first `"name": <number>` whose value
 * is the same number; anything else keeps its `canonical` text.
 */
function numberAsWritten(dialect: Dialect, raw: string, name: string, canonical: string): string {
  const d = DIALECTS[dialect];
  const written = d.extract(raw, sqlString(String.raw`(?:^|[^\\])"${name}"\s*:\s*(-?[0-9][0-9.eE+-]*)`));
  const rewritable = d.matches(canonical, sqlString('^-?[0-9]+[.eE].*$'));
  return `CASE WHEN ${rewritable} AND TRY_CAST(${written} AS DOUBLE) = TRY_CAST(${canonical} AS DOUBLE) THEN ${written} ELSE ${canonical} END`;
}

/**
 * The `rec_type, t_<field>, jt_<field>` columns of a source whose records are JSON values (`json`):
 * NDJSON lines, or CSV rows turned into objects. With `raw`, the record's text, a string field given as
 * a number keeps its text as written (`numberAsWritten`).
 */
export function jsonRecordColumns(kind: ExportKind, dialect: Dialect, json: string, raw?: string): string {
  const d = DIALECTS[dialect];
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
function duckdbFieldColumns(f: FieldSpec, value: string, path: string): { text: string; type: string } {
  const asked = `json_type(raw, ${path})`;
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
        text: numberAsWritten('duckdb', 'raw', f.name, value),
        type: `CASE WHEN ${value} IS NULL THEN NULL WHEN ${value} IN ('true', 'false') OR starts_with(${value}, '{') OR starts_with(${value}, '[') THEN ${asked} ELSE 'VARCHAR' END`,
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
 * DuckDB: the source columns of `checkedSelect` for NDJSON lines, over `relation` (with `file, dt, line,
 * raw`, the line's text). DuckDB's JSON functions parse their text argument on every call, so a record
 * is parsed by `json_valid` (the others never see a line that is not JSON) and by one `json_transform`
 * giving every field's text as `json_extract_string` gives it (booleans and numbers as their JSON text,
 * which also tells their type); see `duckdbFieldColumns` for the types. A valid line that starts with
 * `{` is an object; only other lines need `json_type` of the whole.
 */
export function duckdbNdjsonSource(kind: ExportKind, relation: string): string {
  const fields = EXPORT_SCHEMA[kind].fields;
  const structure = sqlString(
    JSON.stringify(Object.fromEntries(fields.map((f) => [f.name, readsJson(f) ? 'JSON' : 'VARCHAR']))),
  );
  const columns = fields.map((f) => {
    // A JSON member is compared as text: against the JSON type, '' would be cast to JSON (and fail).
    const member = readsJson(f) ? `CAST(texts."${f.name}" AS VARCHAR)` : `texts."${f.name}"`;
    const c = duckdbFieldColumns(f, member, memberPath('duckdb', f.name));
    return `${c.text} AS ${text(f)}, ${c.type} AS ${jsonTypeOf(f)}`;
  });
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
): string {
  const header = new Set(columns);
  const cells = EXPORT_SCHEMA[kind].fields.map((f) => {
    // The JSON path that read the object named its member exactly: a column is the field only by its exact name.
    const cell = header.has(f.name) ? `"${f.name}"` : 'CAST(NULL AS VARCHAR)';
    return `${cell} AS ${text(f)}, CAST(NULL AS VARCHAR) AS ${jsonTypeOf(f)}`;
  });
  const digested = csvRecordText(columns.slice(0, CSV_COLUMNS).map((c) => `"${c.replaceAll('"', '""')}"`));
  return `SELECT ${at.file} AS file, ${at.dt} AS dt, ${at.line} AS line, to_json(${table})::VARCHAR AS raw, ${recordDigest('duckdb', digested)} AS raw_sha, 'csv' AS fmt, 'OBJECT' AS rec_type,
  ${cells.join(', ')}
FROM ${table}`;
}

/** DuckDB: an empty source with the column types of the two above, to create a checked table before any file. */
export function duckdbEmptySource(kind: ExportKind): string {
  const fields = EXPORT_SCHEMA[kind].fields;
  const nulls = fields.map((f) => `CAST(NULL AS VARCHAR) AS ${text(f)}, CAST(NULL AS VARCHAR) AS ${jsonTypeOf(f)}`);
  return `SELECT CAST(NULL AS VARCHAR) AS file, CAST(NULL AS VARCHAR) AS dt, CAST(NULL AS BIGINT) AS line, CAST(NULL AS VARCHAR) AS raw, CAST(NULL AS VARCHAR) AS raw_sha, CAST(NULL AS VARCHAR) AS fmt, CAST(NULL AS VARCHAR) AS rec_type, ${nulls.join(', ')} WHERE false`;
}

/** The JSON value of a raw record in this dialect (NULL when it is not JSON). */
export function parseJson(dialect: Dialect, raw: string): string {
  return DIALECTS[dialect].parseJson(raw);
}

/**
 * The digest that breaks a tie between two versions of a record (docs/spec.md §1: same `updated_at`, same
 * file): the SHA-256 of its text, without byte-order mark or carriage return (one engine's line reader
 * keeps them where the other's drops them). `text` is an NDJSON line, or `csvRecordText` of a CSV row.
 */
export function recordDigest(dialect: Dialect, text: string): string {
  return DIALECTS[dialect].sha256(`replace(replace(${text}, chr(65279), ''), chr(13), '')`);
}

/**
 * The text a CSV row is digested as, the same on both engines whatever their CSV reader keeps of the
 * quoting: its first `cells` (at most the `_csv` table's width) in header order, an empty or missing
 * cell as '', joined by U+001F (a character no export holds).
 */
export function csvRecordText(cells: readonly string[]): string {
  return `concat_ws(chr(31), ${cells.map((c) => `COALESCE(${c}, '')`).join(', ')})`;
}

/** The condition under which a present field has the right type. */
function typeOk(f: FieldSpec, d: DialectFunctions): string {
  const t = text(f);
  const jt = jsonTypeOf(f);
  // Numbers are finite (docs/spec.md §1): NaN, Infinity and 1e309 (no double holds it) are a wrong type.
  const numeric = `CASE WHEN fmt = 'csv' THEN ${d.isFinite(parsed(f))} ELSE ${jt} IN ${NUMERIC_JSON} AND ${d.isFinite(parsed(f))} END`;
  switch (f.field.type) {
    case 'string':
      return `(fmt = 'csv' OR ${jt} IN ('VARCHAR', ${NUMERIC_JSON.slice(1, -1)}))`;
    case 'enum':
      return `(fmt = 'csv' OR ${jt} = 'VARCHAR')`;
    case 'timestamp':
      return `((fmt = 'csv' OR ${jt} = 'VARCHAR') AND ${d.matches(t, sqlString(ISO_TIMESTAMP))} AND ${parsed(f)} IS NOT NULL)`;
    case 'date':
      return `((fmt = 'csv' OR ${jt} = 'VARCHAR') AND ${d.matches(t, sqlString(ISO_DATE))} AND TRY_CAST(${t} AS DATE) IS NOT NULL)`;
    case 'boolean':
      return `CASE WHEN fmt = 'csv' THEN ${t} IN ('true', 'false') ELSE ${jt} = 'BOOLEAN' END`;
    case 'count':
      return `(${numeric} AND ${parsed(f)} = floor(${parsed(f)}))`;
    case 'duration':
    case 'number':
      return numeric;
  }
}

/** Timestamps that may lie in the future: a cost's end (a monthly cost booked on the 1st, docs/spec.md §1). */
const FUTURE_ALLOWED: ReadonlySet<string> = new Set(['costs.end']);

/** The reason a present field of the right type is still unacceptable, as CASE branches. */
function rangeChecks(kind: ExportKind, f: FieldSpec, now: number): string[] {
  const t = text(f);
  switch (f.field.type) {
    case 'enum':
      return [
        `WHEN ${present(f)} AND ${t} NOT IN (${f.field.values.map(sqlString).join(', ')}) THEN 'unknown_value:${f.name}'`,
      ];
    case 'timestamp': {
      const future = FUTURE_ALLOWED.has(`${kind}.${f.name}`) ? '' : ` OR ${parsed(f)} > ${now + 86400}`;
      return [`WHEN ${present(f)} AND (${parsed(f)} < 946684800${future}) THEN 'timestamp_out_of_range:${f.name}'`];
    }
    case 'duration':
    case 'count':
      return [`WHEN ${present(f)} AND ${parsed(f)} < 0 THEN 'negative_duration:${f.name}'`];
    default:
      return [];
  }
}

/** The parse a field's checks and value share, or `null` for a field kept as text. */
function parsedExpression(f: FieldSpec, d: DialectFunctions): string | null {
  switch (f.field.type) {
    case 'timestamp':
      return d.epochOf(text(f));
    case 'duration':
    case 'number':
    case 'count':
      return `TRY_CAST(${text(f)} AS DOUBLE)`;
    default:
      return null;
  }
}

function typedValue(f: FieldSpec): string {
  const t = text(f);
  switch (f.field.type) {
    case 'timestamp':
    case 'duration':
    case 'number':
    case 'count':
      return `CASE WHEN ${present(f)} THEN ${parsed(f)} END`;
    case 'boolean':
      return `CASE WHEN ${present(f)} THEN ${t} = 'true' END`;
    default:
      return `NULLIF(${t}, '')`;
  }
}

/** Checks between fields of one record, per kind (after each field is known to be well typed). */
const CONSISTENCY: Readonly<Partial<Record<ExportKind, readonly string[]>>> = {
  contacts: [
    `WHEN v_answered_at < v_offered_at THEN 'inconsistent:answered_at'`,
    `WHEN v_first_response_at < v_offered_at THEN 'inconsistent:first_response_at'`,
    `WHEN v_ended_at < v_offered_at THEN 'inconsistent:ended_at'`,
  ],
  tickets: [
    `WHEN v_resolved_at < v_created_at THEN 'inconsistent:resolved_at'`,
    `WHEN v_first_response_at < v_created_at THEN 'inconsistent:first_response_at'`,
  ],
  surveys: [
    `WHEN scale_lo >= scale_hi THEN 'out_of_range:scale'`,
    `WHEN v_score < scale_lo OR v_score > scale_hi THEN 'out_of_range:score'`,
  ],
  agent_days: [`WHEN v_absent_s > v_scheduled_s THEN 'inconsistent:absent_s'`],
  costs: [`WHEN v_end <= v_start THEN 'inconsistent:end'`],
};

const surveyScaleDefault = (bound: 'min' | 'max'): string =>
  `CASE v_kind ${Object.entries(SURVEY_SCALES)
    .map(([kind, scale]) => `WHEN '${kind}' THEN ${scale[bound]}`)
    .join(' ')} END`;

/**
 * A SELECT over `source` giving every record with `file, dt, line, raw, reason` (NULL when the record
 * is good) and its typed `v_<field>` columns (plus `scale_lo`/`scale_hi` for surveys, and the `carried`
 * columns). `now` is epoch seconds: a timestamp later than a day after it is out of range.
 */
export function checkedSelect(
  kind: ExportKind,
  now: number,
  dialect: Dialect,
  source: string,
  /** Columns of the source kept as they are beside the checked ones (a CTR's initiation method, previous contact). */
  carried: readonly string[] = [],
): string {
  if (!Number.isFinite(now)) throw new RangeError(`now must be finite, got ${now}`);
  const d = DIALECTS[dialect];
  const fields = EXPORT_SCHEMA[kind].fields;
  const reasons = [
    // A CSV row whose cell count differs from its header, as a source that cannot split rows itself marks it.
    `WHEN rec_type = 'WRONG_COLUMN_COUNT' THEN 'wrong_column_count'`,
    `WHEN rec_type IS NULL THEN 'bad_json'`,
    `WHEN rec_type <> 'OBJECT' THEN 'not_an_object'`,
    ...fields.filter((f) => f.required).map((f) => `WHEN NOT ${present(f)} THEN 'missing_field:${f.name}'`),
    ...fields.map((f) => {
      const reason = f.field.type === 'timestamp' || f.field.type === 'date' ? 'bad_timestamp' : 'wrong_type';
      // COALESCE: a NULL check (a failed cast) must read as "wrong", never skip the branch.
      return `WHEN ${present(f)} AND NOT COALESCE(${typeOk(f, d)}, false) THEN '${reason}:${f.name}'`;
    }),
    ...fields.flatMap((f) => rangeChecks(kind, f, now)),
  ];
  // A timestamp or number is checked for its type, its range and then kept: parsing it once per record
  // instead of at each step saves most of the staging time of a large day.
  const parsing = fields.flatMap((f) => {
    const expression = parsedExpression(f, d);
    return expression === null ? [] : [{ name: parsed(f), expression }];
  });
  const parsedColumns = parsing.map((p) => `, ${p.expression} AS ${p.name}`).join('');
  const parsedNames = parsing.map((p) => `, ${p.name}`).join('');
  const typed = fields.map((f) => `CASE WHEN reason IS NULL THEN ${typedValue(f)} END AS v_${f.name}`);
  const values = fields.map((f) => `v_${f.name}`).join(', ');
  const scales = kind === 'surveys' ? `, ${scaleColumns}` : '';
  const consistency = CONSISTENCY[kind] ?? [];
  const finalReason =
    consistency.length > 0 ? `CASE WHEN reason IS NOT NULL THEN reason ${consistency.join(' ')} END` : 'reason';
  const extra = carried.map((c) => `, ${c}`).join('');
  const kept = `${values}${kind === 'surveys' ? ', scale_lo, scale_hi' : ''}${extra}`;
  // Only a rejected record's raw text is needed later: good ones drop it, which halves the table.
  return `SELECT file, dt, line, CASE WHEN reason IS NOT NULL THEN raw END AS raw, reason, CASE WHEN reason IS NULL THEN raw_sha END AS raw_sha, ${kept}
FROM (
SELECT file, dt, line, raw, raw_sha, ${finalReason} AS reason, ${kept}
FROM (
  SELECT file, dt, line, raw, raw_sha, reason, ${values}${scales}${extra}
  FROM (
    SELECT file, dt, line, raw, raw_sha, reason,
    ${typed.join(',\n    ')}${extra}
    FROM (
      SELECT file, dt, line, raw, raw_sha, fmt, ${fields.map((f) => `${text(f)}, ${jsonTypeOf(f)}`).join(', ')}${parsedNames}${extra},
        CASE ${reasons.join('\n        ')} END AS reason
      FROM (SELECT s0.*${parsedColumns} FROM (${source}) s0) source
    ) reasoned
  ) typed
) scaled
) checked`;
}

/** A column of a checked record and its SQL type, as both engines store it in a compacted partition. */
export interface CheckedColumn {
  readonly name: string;
  readonly type: 'varchar' | 'bigint' | 'double' | 'boolean';
}

function valueType(f: FieldSpec): CheckedColumn['type'] {
  switch (f.field.type) {
    case 'timestamp':
    case 'duration':
    case 'number':
    case 'count':
      return 'double';
    case 'boolean':
      return 'boolean';
    default:
      return 'varchar';
  }
}

/**
 * The columns `checkedSelect` gives after `file, dt`, with their types: what a compacted partition holds
 * per record (its partition date is its folder), so that reading it back gives the same relation.
 */
export function checkedColumns(kind: ExportKind): CheckedColumn[] {
  const scales: CheckedColumn[] =
    kind === 'surveys'
      ? [
          { name: 'scale_lo', type: 'double' },
          { name: 'scale_hi', type: 'double' },
        ]
      : [];
  return [
    { name: 'line', type: 'bigint' },
    { name: 'raw', type: 'varchar' },
    { name: 'reason', type: 'varchar' },
    { name: 'raw_sha', type: 'varchar' },
    ...EXPORT_SCHEMA[kind].fields.map((f) => ({ name: `v_${f.name}`, type: valueType(f) })),
    ...scales,
  ];
}

/**
 * What the checks of a kind are, as a short hash of their SQL and of its readers' (how the fields are
 * taken from a line or a CSV row): a partition compacted under other checks
 * (a schema or rule change) is read from its exports again, never trusted.
 */
export function checksFingerprint(kind: ExportKind, dialect: Dialect): string {
  // How a record's fields are read belongs to its checks: a changed reader is a changed check.
  const names = EXPORT_SCHEMA[kind].fields.map((f) => f.name);
  const readers =
    dialect === 'duckdb'
      ? [duckdbNdjsonSource(kind, 'lines'), duckdbCsvSource(kind, 'rows', names, { file: 'f', dt: 'd', line: 'l' })]
      : [jsonRecordColumns(kind, dialect, 'j')];
  const text = [checkedSelect(kind, 0, dialect, 'source'), ...readers, JSON.stringify(checkedColumns(kind))].join('\n');
  return fingerprint(text);
}

const scaleColumns = `COALESCE(v_scale_min, ${surveyScaleDefault('min')}) AS scale_lo, COALESCE(v_scale_max, ${surveyScaleDefault('max')}) AS scale_hi`;

/** Derivations docs/spec.md §1 asks for, applied to good contacts: outcome first, then the wait it implies. */
const CONTACT_OUTCOME = `COALESCE(v_outcome, CASE WHEN v_answered_at IS NOT NULL THEN 'handled' WHEN v_direction = 'inbound' AND v_channel IN ('voice', 'chat') THEN 'abandoned' END)`;

const DERIVED: Readonly<Partial<Record<ExportKind, Readonly<Record<string, string>>>>> = {
  contacts: {
    outcome: CONTACT_OUTCOME,
    wait_s: `COALESCE(v_wait_s, CASE ${CONTACT_OUTCOME} WHEN 'handled' THEN v_answered_at - v_offered_at WHEN 'abandoned' THEN v_ended_at - v_offered_at END)`,
  },
  surveys: { scale_min: 'scale_lo', scale_max: 'scale_hi' },
};

/**
 * Rank of a good record among those sharing its identity: 1 for the one kept (docs/spec.md §1): the latest
 * `updated_at`; on a tie or without one, the later file key, then the greater SHA-256 of its text — never
 * the line, which Athena does not know, so that both engines keep the same version.
 */
export function versionRank(kind: ExportKind): string {
  const identity = EXPORT_SCHEMA[kind].identity.map((name) => `v_${name}`).join(', ');
  return `row_number() OVER (PARTITION BY ${identity} ORDER BY v_updated_at DESC NULLS LAST, file DESC, raw_sha DESC)`;
}

/**
 * A SELECT over the checked relation keeping the good records, one per identity (`versionRank`), as the
 * typed columns the portable aggregation SQL queries.
 */
export function stagedSelect(kind: ExportKind, checked: string): string {
  const derived = DERIVED[kind] ?? {};
  const columns = EXPORT_SCHEMA[kind].fields.map((f) => `${derived[f.name] ?? `v_${f.name}`} AS ${columnOf(f)}`);
  const scales = kind === 'surveys' ? ', scale_lo, scale_hi' : '';
  const values = EXPORT_SCHEMA[kind].fields.map((f) => `v_${f.name}`).join(', ');
  // `dt`, the partition the kept record came from, is what the ledger of docs/spec.md §1 counts by.
  return `SELECT
  ${columns.join(',\n  ')},
  dt
FROM (
  SELECT file, dt, line, raw_sha, ${values}${scales}, ${versionRank(kind)} AS version_rank
  FROM ${checked}
  WHERE reason IS NULL
) ranked
WHERE version_rank = 1`;
}

/** A SELECT counting, per partition, the good records merged into a later version of themselves. */
export function duplicatesSelect(kind: ExportKind, checked: string): string {
  const identity = EXPORT_SCHEMA[kind].identity.map((name) => `v_${name}`).join(', ');
  return `SELECT dt, count(*) AS n FROM (SELECT dt, ${versionRank(kind)} AS version_rank FROM (SELECT dt, file, raw_sha, v_updated_at, ${identity} FROM ${checked} WHERE reason IS NULL) good) ranked WHERE version_rank > 1 GROUP BY dt`;
}
