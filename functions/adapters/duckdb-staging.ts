/**
 * Validation and typing of raw export records in DuckDB's dialect, generated from the exports schema.
 * Raw records arrive as one JSON object per record (NDJSON lines as read, CSV rows turned into
 * objects of strings); this SQL names the first problem of each record or types its fields.
 */
import { columnOf, EXPORT_SCHEMA, type ExportKind, type FieldSpec, SURVEY_SCALES } from '../sql/exports-schema.js';

/** ISO-8601 date-time that carries its offset (`Z` or ±hh[:mm]); a local time without offset is ambiguous. */
const ISO_TIMESTAMP = String.raw`^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|z|[+-]\d{2}(:?\d{2})?)$`;
const ISO_DATE = String.raw`^\d{4}-\d{2}-\d{2}$`;
const NUMERIC_JSON = `('BIGINT', 'UBIGINT', 'DOUBLE')`;

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const text = (f: FieldSpec): string => `t_${f.name}`;
const jsonType = (f: FieldSpec): string => `jt_${f.name}`;
const present = (f: FieldSpec): string => `(${text(f)} IS NOT NULL AND ${text(f)} <> '')`;

/** The condition under which a present field has the right type. */
function typeOk(f: FieldSpec): string {
  const t = text(f);
  const jt = jsonType(f);
  const numeric = `CASE WHEN fmt = 'csv' THEN isfinite(TRY_CAST(${t} AS DOUBLE)) ELSE ${jt} IN ${NUMERIC_JSON} END`;
  switch (f.field.type) {
    case 'string':
      return `(fmt = 'csv' OR ${jt} IN ('VARCHAR', ${NUMERIC_JSON.slice(1, -1)}))`;
    case 'enum':
      return `(fmt = 'csv' OR ${jt} = 'VARCHAR')`;
    case 'timestamp':
      return `((fmt = 'csv' OR ${jt} = 'VARCHAR') AND regexp_full_match(${t}, ${sqlString(ISO_TIMESTAMP)}) AND TRY_CAST(${t} AS TIMESTAMPTZ) IS NOT NULL)`;
    case 'date':
      return `((fmt = 'csv' OR ${jt} = 'VARCHAR') AND regexp_full_match(${t}, ${sqlString(ISO_DATE)}) AND TRY_CAST(${t} AS DATE) IS NOT NULL)`;
    case 'boolean':
      return `CASE WHEN fmt = 'csv' THEN ${t} IN ('true', 'false') ELSE ${jt} = 'BOOLEAN' END`;
    case 'count':
      return `(${numeric} AND TRY_CAST(${t} AS DOUBLE) = floor(TRY_CAST(${t} AS DOUBLE)))`;
    case 'duration':
    case 'number':
      return numeric;
  }
}

/** The reason a present field of the right type is still unacceptable, as CASE branches. */
function rangeChecks(f: FieldSpec, now: number): string[] {
  const t = text(f);
  switch (f.field.type) {
    case 'enum':
      return [
        `WHEN ${present(f)} AND ${t} NOT IN (${f.field.values.map(sqlString).join(', ')}) THEN 'unknown_value:${f.name}'`,
      ];
    case 'timestamp':
      return [
        `WHEN ${present(f)} AND (epoch(TRY_CAST(${t} AS TIMESTAMPTZ)) < 946684800 OR epoch(TRY_CAST(${t} AS TIMESTAMPTZ)) > ${now + 86400}) THEN 'timestamp_out_of_range:${f.name}'`,
      ];
    case 'duration':
    case 'count':
      return [`WHEN ${present(f)} AND TRY_CAST(${t} AS DOUBLE) < 0 THEN 'negative_duration:${f.name}'`];
    default:
      return [];
  }
}

function typedValue(f: FieldSpec): string {
  const t = text(f);
  switch (f.field.type) {
    case 'timestamp':
      return `CASE WHEN ${present(f)} THEN epoch(TRY_CAST(${t} AS TIMESTAMPTZ)) END`;
    case 'duration':
    case 'number':
    case 'count':
      return `CASE WHEN ${present(f)} THEN TRY_CAST(${t} AS DOUBLE) END`;
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
 * SQL that turns `lines_<kind>` (file, dt, line, raw, fmt, j) into `checked_<kind>`: every record with
 * its typed columns and `reason` (NULL when the record is good). `now` is epoch seconds.
 */
export function checkSql(kind: ExportKind, now: number): string {
  if (!Number.isFinite(now)) throw new RangeError(`now must be finite, got ${now}`);
  const spec = EXPORT_SCHEMA[kind];
  const fields = spec.fields;
  const extract = fields
    .map(
      (f) =>
        `json_extract_string(j, ${sqlString(`$."${f.name}"`)}) AS ${text(f)}, json_type(j, ${sqlString(`$."${f.name}"`)}) AS ${jsonType(f)}`,
    )
    .join(',\n      ');
  const reasons = [
    `WHEN j IS NULL THEN 'bad_json'`,
    `WHEN json_type(j) <> 'OBJECT' THEN 'not_an_object'`,
    ...fields.filter((f) => f.required).map((f) => `WHEN NOT ${present(f)} THEN 'missing_field:${f.name}'`),
    ...fields.map((f) => {
      const reason = f.field.type === 'timestamp' || f.field.type === 'date' ? 'bad_timestamp' : 'wrong_type';
      // COALESCE: a NULL check (a failed TRY_CAST) must read as "wrong", never skip the branch.
      return `WHEN ${present(f)} AND NOT COALESCE(${typeOk(f)}, false) THEN '${reason}:${f.name}'`;
    }),
    ...fields.flatMap((f) => rangeChecks(f, now)),
  ];
  const typed = fields.map((f) => `CASE WHEN reason IS NULL THEN ${typedValue(f)} END AS v_${f.name}`).join(',\n    ');
  const scales =
    kind === 'surveys'
      ? `, COALESCE(v_scale_min, ${surveyScaleDefault('min')}) AS scale_lo, COALESCE(v_scale_max, ${surveyScaleDefault('max')}) AS scale_hi`
      : '';
  const consistency = CONSISTENCY[kind] ?? [];
  const finalReason =
    consistency.length > 0 ? `CASE WHEN reason IS NOT NULL THEN reason ${consistency.join(' ')} END` : 'reason';
  return `CREATE OR REPLACE TEMP TABLE checked_${kind} AS
SELECT file, dt, line, raw, ${finalReason} AS reason, * EXCLUDE (file, dt, line, raw, reason) FROM (
  SELECT *${scales} FROM (
    SELECT file, dt, line, raw, reason,
    ${typed}
    FROM (
      SELECT file, dt, line, raw, CASE ${reasons.join('\n        ')} END AS reason, *  EXCLUDE (file, dt, line, raw)
      FROM (SELECT file, dt, line, raw, fmt, j,
      ${extract}
      FROM lines_${kind})
    )
  )
)`;
}

/** Derivations SPEC §1 asks for, applied to good contacts: outcome first, then the wait it implies. */
const CONTACT_OUTCOME = `COALESCE(v_outcome, CASE WHEN v_answered_at IS NOT NULL THEN 'handled' WHEN v_direction = 'inbound' AND v_channel IN ('voice', 'chat') THEN 'abandoned' END)`;

/** Derivations SPEC §1 asks for: the outcome a contact implies, then the wait that outcome implies. */
const DERIVED: Readonly<Partial<Record<ExportKind, Readonly<Record<string, string>>>>> = {
  contacts: {
    outcome: CONTACT_OUTCOME,
    wait_s: `COALESCE(v_wait_s, CASE ${CONTACT_OUTCOME} WHEN 'handled' THEN v_answered_at - v_offered_at WHEN 'abandoned' THEN v_ended_at - v_offered_at END)`,
  },
  surveys: { scale_min: 'scale_lo', scale_max: 'scale_hi' },
};

/**
 * SQL that keeps the good records of `checked_<kind>`, one per identity (the latest `updated_at`,
 * else the last read), as the typed table `<kind>` the portable SQL queries.
 */
export function stagedTableSql(kind: ExportKind): string {
  const spec = EXPORT_SCHEMA[kind];
  const derived = DERIVED[kind] ?? {};
  const columns = spec.fields.map((f) => `${derived[f.name] ?? `v_${f.name}`} AS ${columnOf(f)}`).join(',\n  ');
  return `CREATE OR REPLACE TABLE ${kind} AS
SELECT
  ${columns}
FROM checked_${kind}
WHERE reason IS NULL
QUALIFY ${versionRank(kind)} = 1`;
}

/** Rank of a good record among those sharing its identity: 1 for the one kept. */
function versionRank(kind: ExportKind): string {
  const identity = EXPORT_SCHEMA[kind].identity.map((name) => `v_${name}`).join(', ');
  return `row_number() OVER (PARTITION BY ${identity} ORDER BY v_updated_at DESC NULLS LAST, file DESC, line DESC)`;
}

/** SQL counting, per partition, the good records merged into a later version of themselves. */
export function duplicatesSql(kind: ExportKind): string {
  return `SELECT dt, count(*) AS n FROM (SELECT dt, ${versionRank(kind)} AS rank FROM checked_${kind} WHERE reason IS NULL) WHERE rank > 1 GROUP BY dt`;
}
