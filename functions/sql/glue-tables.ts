/**
 * The Glue tables Athena reads the exports through, as data (for the stack's `CfnTable`s) and as the
 * equivalent `CREATE EXTERNAL TABLE` text (for a reader, a snapshot test, or a manual re-creation).
 *
 * Each export kind has two tables over the same location, and the Athena query engine relies on exactly
 * these names and columns:
 * - `<kind>_lines`: one `line` column, one row per physical line. The `\u0001` field delimiter never occurs
 *   in text, so a line is never split; the engine parses the JSON in SQL, so a bad record becomes a reject
 *   with its reason instead of failing the query.
 * - `<kind>_csv`: `c01`…`c40`, one string per cell (OpenCSVSerde), header row skipped.
 * - `<kind>_checked` (when the layout has a compacted location): the checked records of compacted
 *   partitions (functions/pipeline/compacted-partitions.ts), Parquet, typed; written by the engine's UNLOAD queries.
 * - `<kind>_state` (history kinds, when the layout has a compacted location): the kind's state — one row
 *   per record, its latest version — under `state/<kind>/<snapshot>/` (functions/sql/state.ts,
 *   docs/decisions/0006-state-snapshot.md), Parquet, written by UNLOAD; `snapshot` is injected by each query.
 *
 * Partitions are projected (no crawler, no `MSCK REPAIR`): `dt` is a date from 2000-01-01 — the oldest a
 * record may carry (docs/spec.md §1) — to tomorrow.
 * Pure: no AWS import, so it is tested without the CDK.
 */
import { CSV_COLUMNS, EXPORT_KINDS, EXPORT_SCHEMA, type ExportKind } from './exports-schema.js';
import { type CheckedColumn, checkedColumns } from './staging.js';
import { STATE_KINDS, stateColumns } from './state.js';

/**
 * Table of Amazon Connect contact trace records as staged for Athena, one record per line under
 * `dt=<delivery date>/` (functions/adapters/connect-ctr-staging.ts), when CTRs are configured.
 */
export const CTR_TABLE = 'connect_ctr_lines';

export { CSV_COLUMNS };

export type TableShape = 'lines' | 'csv' | 'checked' | 'state';

/** The first partition date projected: docs/spec.md §1 rejects a timestamp before 2000-01-01. */
export const OLDEST_PARTITION = '2000-01-01';

/** The Glue table of one export kind in one shape: `contacts_lines`, `contacts_csv`… */
export function glueTableName(kind: ExportKind, shape: TableShape): string {
  return `${kind}_${shape}`;
}

export interface GlueColumn {
  readonly name: string;
  readonly type: 'string' | 'bigint' | 'double' | 'boolean';
}

/** One table, in the terms of Glue's `TableInput` (and of Hive DDL). */
export interface GlueTableSpec {
  readonly name: string;
  readonly description: string;
  readonly columns: readonly GlueColumn[];
  readonly partitionKeys: readonly GlueColumn[];
  /** `s3://bucket/prefix/`, with its trailing slash. */
  readonly location: string;
  readonly inputFormat: string;
  readonly outputFormat: string;
  readonly serde: { readonly library: string; readonly parameters: Readonly<Record<string, string>> };
  /** Table properties: partition projection, header skipping. */
  readonly parameters: Readonly<Record<string, string>>;
}

/** Where the exports (and optionally the CTRs) are. Bucket names may be CDK tokens. */
export interface GlueLayout {
  readonly exportsBucket: string;
  /** `""` or ending with `/`. */
  readonly exportsPrefix: string;
  /** Where CTR objects are staged as NDJSON (`prefix`: `""` or ending with `/`), when CTRs are the contacts. */
  readonly ctr?: { readonly bucket: string; readonly prefix: string } | undefined;
  /** Where compacted partitions are kept (`prefix`: `""` or ending with `/`). */
  readonly compacted?: { readonly bucket: string; readonly prefix: string } | undefined;
}

export const TEXT_INPUT_FORMAT = 'org.apache.hadoop.mapred.TextInputFormat';
export const TEXT_OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';
export const LAZY_SIMPLE_SERDE = 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe';
export const OPEN_CSV_SERDE = 'org.apache.hadoop.hive.serde2.OpenCSVSerde';
export const PARQUET_INPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat';
export const PARQUET_OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat';
export const PARQUET_SERDE = 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe';

const HIVE_TYPES: Readonly<Record<CheckedColumn['type'], GlueColumn['type']>> = {
  varchar: 'string',
  bigint: 'bigint',
  double: 'double',
  boolean: 'boolean',
};

/** A character that never occurs in text: each physical line is one field. */
const LINE_DELIMITER = '\u0001';

const stringColumn = (name: string): GlueColumn => ({ name, type: 'string' });
const DT = stringColumn('dt');

const csvColumnName = (i: number): string => `c${String(i).padStart(2, '0')}`;

const linesSerde = {
  library: LAZY_SIMPLE_SERDE,
  parameters: { 'field.delim': LINE_DELIMITER, 'serialization.format': LINE_DELIMITER },
} as const;

/**
 * Projection of `dt` as a date. `NOW+1DAYS`: a UTC partition of "today" exists for most of a local day
 * east of Greenwich, and records may be timestamped up to a day ahead.
 */
function dateProjection(format: string, start: string, template: string): Record<string, string> {
  return {
    'projection.enabled': 'true',
    'projection.dt.type': 'date',
    'projection.dt.format': format,
    'projection.dt.range': `${start},NOW+1DAYS`,
    'projection.dt.interval': '1',
    'projection.dt.interval.unit': 'DAYS',
    'storage.location.template': template,
  };
}

/** A table of Parquet objects Athena's UNLOAD writes, projected as `projection` says. */
function parquetTable(table: {
  readonly name: string;
  readonly description: string;
  readonly columns: readonly GlueColumn[];
  readonly partitionKeys: readonly GlueColumn[];
  readonly location: string;
  readonly projection: Readonly<Record<string, string>>;
}): GlueTableSpec {
  const { projection, ...rest } = table;
  return {
    ...rest,
    inputFormat: PARQUET_INPUT_FORMAT,
    outputFormat: PARQUET_OUTPUT_FORMAT,
    serde: { library: PARQUET_SERDE, parameters: { 'serialization.format': '1' } },
    parameters: { EXTERNAL: 'TRUE', classification: 'parquet', ...projection },
  };
}

/** Every table of the layout: two per export kind, plus the CTR table when a CTR location is set. */
export function glueTables(layout: GlueLayout): GlueTableSpec[] {
  for (const kind of EXPORT_KINDS) {
    const fields = EXPORT_SCHEMA[kind].fields.length;
    if (fields > CSV_COLUMNS) throw new Error(`${kind}: ${fields} fields do not fit in ${CSV_COLUMNS} CSV columns`);
  }
  const tables = EXPORT_KINDS.flatMap((kind): GlueTableSpec[] => {
    const location = `s3://${layout.exportsBucket}/${layout.exportsPrefix}${kind}/`;
    const projection = dateProjection('yyyy-MM-dd', OLDEST_PARTITION, `${location}dt=\${dt}/`);
    return [
      {
        name: glueTableName(kind, 'lines'),
        description: `${kind} exports, one row per physical line (NDJSON records, or CSV rows)`,
        columns: [stringColumn('line')],
        partitionKeys: [DT],
        location,
        inputFormat: TEXT_INPUT_FORMAT,
        outputFormat: TEXT_OUTPUT_FORMAT,
        serde: linesSerde,
        parameters: { EXTERNAL: 'TRUE', classification: 'text', ...projection },
      },
      {
        name: glueTableName(kind, 'csv'),
        description: `${kind} CSV exports, one row per record, cells c01..c${CSV_COLUMNS} in header order`,
        columns: Array.from({ length: CSV_COLUMNS }, (_, i) => stringColumn(csvColumnName(i + 1))),
        partitionKeys: [DT],
        location,
        inputFormat: TEXT_INPUT_FORMAT,
        outputFormat: TEXT_OUTPUT_FORMAT,
        serde: { library: OPEN_CSV_SERDE, parameters: { separatorChar: ',', quoteChar: '"', escapeChar: '\\' } },
        parameters: { EXTERNAL: 'TRUE', classification: 'csv', 'skip.header.line.count': '1', ...projection },
      },
    ];
  });
  if (layout.compacted !== undefined) {
    const root = `s3://${layout.compacted.bucket}/${layout.compacted.prefix}`;
    for (const kind of EXPORT_KINDS) {
      const location = `${root}${kind}/`;
      tables.push(
        parquetTable({
          name: glueTableName(kind, 'checked'),
          description: `${kind} checked records of compacted partitions (typed values, rejects with reasons)`,
          columns: [
            stringColumn('file'),
            ...checkedColumns(kind).map((c) => ({ name: c.name, type: HIVE_TYPES[c.type] })),
          ],
          partitionKeys: [DT],
          location,
          projection: dateProjection('yyyy-MM-dd', OLDEST_PARTITION, `${location}dt=\${dt}/`),
        }),
      );
    }
    for (const kind of STATE_KINDS) {
      const location = `${root}state/${kind}/`;
      tables.push(
        parquetTable({
          name: glueTableName(kind, 'state'),
          description: `${kind} state: the latest version of each record later nights need, one folder per snapshot`,
          columns: stateColumns(kind).map((c) => ({ name: c.name, type: HIVE_TYPES[c.type] })),
          partitionKeys: [stringColumn('snapshot')],
          location,
          // Each query names its snapshot (WHERE snapshot = '…'): Athena lists that folder alone.
          projection: {
            'projection.enabled': 'true',
            'projection.snapshot.type': 'injected',
            'storage.location.template': `${location}\${snapshot}/`,
          },
        }),
      );
    }
  }
  if (layout.ctr !== undefined) {
    const location = `s3://${layout.ctr.bucket}/${layout.ctr.prefix}`;
    tables.push({
      name: CTR_TABLE,
      description: 'Amazon Connect contact trace records, each Firehose object staged as NDJSON, one row per line',
      columns: [stringColumn('line')],
      partitionKeys: [DT],
      location,
      inputFormat: TEXT_INPUT_FORMAT,
      outputFormat: TEXT_OUTPUT_FORMAT,
      serde: linesSerde,
      // One partition per delivery date (UTC); Athena reads the objects under it, whatever their depth.
      parameters: {
        EXTERNAL: 'TRUE',
        classification: 'text',
        ...dateProjection('yyyy-MM-dd', OLDEST_PARTITION, `${location}dt=\${dt}/`),
      },
    });
  }
  return tables;
}

/** A Hive string literal: quotes and backslashes escaped, control characters as `\uXXXX`. */
function literal(value: string): string {
  const escaped = [...value]
    .map((c) => {
      if (c === '\\' || c === "'") return `\\${c}`;
      const code = c.charCodeAt(0);
      return code < 0x20 ? `\\u${code.toString(16).padStart(4, '0')}` : c;
    })
    .join('');
  return `'${escaped}'`;
}

const properties = (entries: Readonly<Record<string, string>>): string =>
  Object.entries(entries)
    .map(([k, v]) => `  ${literal(k)} = ${literal(v)}`)
    .join(',\n');

/** The `CREATE EXTERNAL TABLE` statement (Athena DDL) equivalent to a spec. */
export function createTableDdl(spec: GlueTableSpec, database: string): string {
  const columns = spec.columns.map((c) => `  \`${c.name}\` ${c.type}`).join(',\n');
  const partitions = spec.partitionKeys.map((c) => `\`${c.name}\` ${c.type}`).join(', ');
  const { EXTERNAL: _external, ...tblProperties } = spec.parameters;
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS \`${database}\`.\`${spec.name}\` (`,
    columns,
    ')',
    `COMMENT ${literal(spec.description)}`,
    `PARTITIONED BY (${partitions})`,
    `ROW FORMAT SERDE ${literal(spec.serde.library)}`,
    'WITH SERDEPROPERTIES (',
    properties(spec.serde.parameters),
    ')',
    `STORED AS INPUTFORMAT ${literal(spec.inputFormat)}`,
    `OUTPUTFORMAT ${literal(spec.outputFormat)}`,
    `LOCATION ${literal(spec.location)}`,
    'TBLPROPERTIES (',
    properties(tblProperties),
    ');',
  ].join('\n');
}

/** The DDL of every table of the layout, separated by blank lines. */
export function glueDdl(layout: GlueLayout, database: string): string {
  return glueTables(layout)
    .map((spec) => createTableDdl(spec, database))
    .join('\n\n');
}
