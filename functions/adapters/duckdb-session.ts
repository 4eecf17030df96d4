/**
 * What the parts of the embedded engine share: its DuckDB connection, scratch folder and settings, and
 * results read as plain rows.
 */
import type { DuckDBAppender, DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { DuckDBTypeId, JSDuckDBValueConverter } from '@duckdb/node-api';
import type { Row, SqlParam } from '../pipeline/ports.js';

/** The embedded engine's settings every part reads. */
export interface DuckDbSettings {
  /** Folder holding `<kind>/dt=YYYY-MM-DD/<file>`. */
  readonly exportsRoot: string;
  /** Longest accepted record line in bytes; longer lines are rejected as `line_too_long`. */
  readonly maxLineBytes: number;
  /** Reject rows keep at most this many characters of the raw record. */
  readonly rawCharsKept: number;
  /** Folder of compacted partitions, if any. */
  readonly compactedRoot?: string;
}

/** A DuckDB connection and what goes with it. */
export interface DuckDbSession {
  readonly connection: DuckDBConnection;
  /** A private temp folder, removed when the engine closes. */
  readonly scratch: string;
  readonly options: DuckDbSettings;
  rows(sql: string, params?: readonly SqlParam[]): Promise<Row[]>;
}

/** A result row as it is filled. */
type Plain = Record<string, string | number | boolean | null>;

function toPlain(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}

/** Column types whose vector items are already plain values (a bigint is made a number). */
const DIRECT_TYPES: ReadonlySet<DuckDBTypeId> = new Set([
  DuckDBTypeId.BOOLEAN,
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.VARCHAR,
]);

/** The rows of a query as plain objects (numbers, strings, booleans, null), read vector by vector. */
export async function readRows(
  connection: DuckDBConnection,
  sql: string,
  params: readonly SqlParam[] = [],
): Promise<Row[]> {
  const result = await connection.run(sql, params.length > 0 ? (params as DuckDBValue[]) : undefined);
  const names = result.columnNames();
  const types = result.columnTypes();
  // Copies of one parsed template share a hidden class; rows filled key by key from {} would fall into
  // V8's dictionary mode past a dozen columns (facts rows have fifty), slower for every later read.
  const template: Plain = JSON.parse(JSON.stringify(Object.fromEntries(names.map((n) => [n, null]))));
  const out: Plain[] = [];
  // Column by column, chunk by chunk, reading each vector's items directly: the values are those of
  // getColumnsJS + toPlain (numbers, bigints as numbers, strings, booleans, null) without its per-value
  // callbacks and converter dispatch, which cost more than the read itself on facts results.
  for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const count = chunk.rowCount;
    const first = out.length;
    for (let r = 0; r < count; r++) out.push({ ...template });
    for (let c = 0; c < names.length; c++) {
      const name = names[c] as string;
      const type = types[c] as DuckDBType;
      const vector = chunk.getColumnVector(c);
      if (DIRECT_TYPES.has(type.typeId)) {
        for (let r = 0; r < count; r++) {
          const value = vector.getItem(r);
          (out[first + r] as Plain)[name] = typeof value === 'bigint' ? Number(value) : (value as Plain[string]);
        }
      } else {
        for (let r = 0; r < count; r++) {
          (out[first + r] as Plain)[name] = toPlain(
            JSDuckDBValueConverter(vector.getItem(r), type, JSDuckDBValueConverter),
          );
        }
      }
    }
  }
  return out;
}

/** Appends one `(file VARCHAR, dt VARCHAR, line BIGINT, raw VARCHAR)` row: the shape of every table of lines to check. */
export function appendLine(appender: DuckDBAppender, file: string, dt: string, line: number, raw: string): void {
  appender.appendVarchar(file);
  appender.appendVarchar(dt);
  appender.appendBigInt(BigInt(line));
  appender.appendVarchar(raw);
  appender.endRow();
}
