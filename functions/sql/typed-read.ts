/**
 * DuckDB's typed read of NDJSON exports (docs/decisions/0007-typed-read.md): `read_json` with the columns
 * and types of `ndjsonReadStructure`, the very reading the exact path's one `json_transform` per line does,
 * so that a record the typed read accepts has the values the exact path gives it. What the typed read
 * cannot tell (a line that is not a JSON object, a member whose type its text does not say) comes out as a
 * reject of it, and such a line is checked again, exactly, from its text.
 */
import { EXPORT_KINDS, EXPORT_SCHEMA, type ExportKind } from './exports-schema.js';
import { duckdbFieldTexts, ndjsonReadStructure } from './record-sources.js';
import { sqlString } from './values.js';

// A line that is not a JSON object reads as a row of NULLs: a kind with no required field would take it as
// a record where the exact path rejects it.
for (const kind of EXPORT_KINDS) {
  if (!EXPORT_SCHEMA[kind].fields.some((f) => f.required))
    throw new Error(`the typed read needs a required field in ${kind}`);
}

/**
 * `read_json` over NDJSON files with a kind's fields as columns, plus `filename`: one row per non-blank
 * line, in file and line order, a line that is not a JSON object (or not JSON) a row of NULLs.
 */
export function typedNdjsonRead(kind: ExportKind, paths: readonly string[], maxObjectBytes: number): string {
  const columns = Object.entries(ndjsonReadStructure(kind))
    .map(([name, type]) => `${sqlString(name)}: '${type}'`)
    .join(', ');
  return `read_json([${paths.map(sqlString).join(', ')}], format = 'newline_delimited', columns = {${columns}}, auto_detect = false, ignore_errors = true, filename = true, maximum_object_size = ${maxObjectBytes})`;
}

/**
 * The source columns of `checkedSelect` over `relation`: `file, dt, line` and the fields as
 * `typedNdjsonRead` gives them. The record's text is not kept (`raw` NULL): only a rejected record needs
 * it, and a record rejected here is checked again from its text.
 */
export function duckdbTypedSource(kind: ExportKind, relation: string): string {
  const columns = duckdbFieldTexts(kind, (name) => `typed."${name}"`, null);
  return `SELECT file, dt, line, CAST(NULL AS VARCHAR) AS raw, CAST(NULL AS VARCHAR) AS raw_sha, 'ndjson' AS fmt, 'OBJECT' AS rec_type,
  ${columns.join(',\n  ')}
FROM ${relation} typed`;
}
