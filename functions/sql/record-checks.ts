/**
 * The checks of export records (docs/spec.md §1), generated from the exports schema as one plain SELECT
 * that DuckDB and Athena (Trino) both run over a source (functions/sql/record-sources.ts): each record's
 * reject reason, or its typed `v_<field>` values.
 */
import { fingerprint } from '../common/fingerprint.js';
import { type Dialect, type DialectFunctions, dialectFunctions } from './dialects.js';
import { EXPORT_SCHEMA, type ExportKind, type FieldSpec, SURVEY_SCALES } from './exports-schema.js';
import { duckdbCsvSource, duckdbNdjsonSource, jsonRecordColumns, jsonTypeOf, text } from './record-sources.js';
import { sqlString } from './values.js';

/**
 * ISO-8601 date-time that carries its offset (`Z` or ±hh[:mm]); a local time without offset is ambiguous.
 * Offsets are real ones (docs/spec.md §1): −12:00 to +14:00, minutes below 60.
 */
const ISO_TIMESTAMP = String.raw`^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|z|\+(0\d|1[0-3])(:?[0-5]\d)?|\+14(:?00)?|-(0\d|1[01])(:?[0-5]\d)?|-12(:?00)?)$`;
const ISO_DATE = String.raw`^\d{4}-\d{2}-\d{2}$`;
/** JSON types, named as DuckDB's `json_type` names them; the Trino spelling maps onto the same names. */
const NUMERIC_JSON = `('BIGINT', 'UBIGINT', 'DOUBLE')`;

/** A timestamp field's epoch seconds, or a numeric field's DOUBLE, computed once per record (see `parsedColumns`). */
const parsed = (f: FieldSpec): string => `p_${f.name}`;
const present = (f: FieldSpec): string => `(${text(f)} IS NOT NULL AND ${text(f)} <> '')`;

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
  const d = dialectFunctions(dialect);
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
