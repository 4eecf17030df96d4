/**
 * An Amazon Athena stand-in for tests: a loopback HTTP server speaking Athena's JSON 1.1 protocol
 * (StartQueryExecution, GetQueryExecution, GetQueryResults, StopQueryExecution) so the real
 * AthenaClient can drive it. Each query runs on an in-process DuckDB where macros make the Trino
 * functions Vigie's SQL uses behave as on Athena, so the same SQL text runs unchanged. It refuses what
 * Athena refuses, with Athena's words (local-aws/athena-rules.ts, glue-on-duckdb.ts):
 *
 * - a QueryString over 262,144 bytes: StartQueryExecution answers 400 InvalidRequestException;
 * - a `?` parameter outside a WHERE clause (documented, not its runtime text: ours cites the rule);
 * - a statement Trino's grammar refuses (dt-sql-parser's TrinoSQL, not Athena's own parser), or an
 *   UNLOAD not of the documented form `UNLOAD (SELECT …) TO 's3://…/' WITH (…)`;
 * - a scan over the workgroup's bytes-scanned cutoff: CANCELLED, "Bytes scanned limit was exceeded";
 * - a damaged `.gz` object read by a query: FAILED, HIVE_CURSOR_ERROR (Athena fails the same way);
 * - an object a query names by `"$path"` that is gone: FAILED, HIVE_FILE_NOT_FOUND (Athena may also
 *   just read nothing: stricter here);
 * - partition projection as the stack's template declares it (range from 2000-01-01, injected values).
 *
 * Where it emulates rather than runs Trino, one line each:
 * - bytes scanned are whole objects, once per table reference (a CTE named twice scans twice); Athena
 *   reads only the columns a query names from Parquet, so Parquet is billed above Athena's figure;
 * - OpenCSVSerde is re-implemented (opencsv 2.3's parser over each physical line), not run;
 * - from_iso8601_timestamp keeps milliseconds (timestamp(3)) and drops finer digits, as Joda does;
 * - json_parse canonicalises numbers through DuckDB's JSON (1e3 → 1000.0, 1.50 → 1.5), close to
 *   Jackson's but not identical for huge or tiny exponents (1e21: Java writes 1.0E21);
 * - regexp_extract gives '' where Trino gives NULL for no match; integer division by zero gives NULL
 *   where Trino fails (and doubles give NULL where Trino gives ±Infinity);
 * - to_hex(sha256(to_utf8(x))) is defined for the one use the engine makes (the hex digest of a text);
 * - queries run one at a time, without Athena's queueing, concurrency quotas or result reuse.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DuckDBConnection,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
} from '@duckdb/node-api';
import {
  AthenaRuleError,
  checkGrammar,
  checkPlaceholders,
  checkQueryStringSize,
  tokenize,
  unloadParts,
} from './athena-rules.js';

export type AthenaOperation = 'StartQueryExecution' | 'GetQueryExecution' | 'GetQueryResults' | 'StopQueryExecution';

/** A fault injected into the stand-in; `times` counts how often it fires (default: every time). */
export type AthenaFault =
  | {
      /** The API call refuses with an AWS error of this type, e.g. TooManyRequestsException. */
      readonly on: AthenaOperation;
      readonly error: string;
      readonly message?: string;
      /** @default 400 */
      readonly status?: number;
      readonly times?: number;
    }
  | {
      /** A query whose SQL (after parameter substitution) matches ends in this state. */
      readonly match: RegExp;
      readonly state: 'FAILED' | 'CANCELLED';
      readonly reason: string;
      /** 1 SYSTEM, 2 USER, 3 OTHER. @default 2 */
      readonly errorCategory?: 1 | 2 | 3;
      readonly errorType?: number;
      readonly retryable?: boolean;
      readonly times?: number;
    }
  | {
      /**
       * A query whose SQL matches stays RUNNING until it is stopped (StopQueryExecution), as a scan too big
       * for the caller's time would: what a caller that must stop its queries is tested against.
       */
      readonly match: RegExp;
      readonly hold: true;
      readonly times?: number;
    };

export interface AthenaStandInOptions {
  /** Called before each query with the DuckDB connection and the SQL (after parameter substitution); creates the views the query reads (e.g. over files downloaded from local S3) and returns the bytes it "scanned". */
  // biome-ignore lint/suspicious/noConfusingVoidType: lets a prepare that only creates views return nothing.
  readonly prepare?: (connection: DuckDBConnection, sql: string) => Promise<{ readonly bytesScanned?: number } | void>;
  /**
   * Runs an UNLOAD (after `prepare`): writes its SELECT's rows where it says. Without it, UNLOAD fails
   * as an unsupported statement.
   */
  readonly unload?: (connection: DuckDBConnection, statement: UnloadStatement) => Promise<void>;
  /** Time a query stays RUNNING before its outcome. @default 0 */
  readonly latencyMs?: number;
  /** Rows per GetQueryResults page at most, header row included, like MaxResults. @default 1000 */
  readonly pageSize?: number;
  readonly faults?: readonly AthenaFault[];
  /** The workgroup's BytesScannedCutoffPerQuery: a query scanning more is cancelled. Unset: no cutoff. */
  readonly bytesScannedCutoffPerQuery?: number;
}

/** An UNLOAD statement taken apart: `UNLOAD (<select>) TO '<location>' WITH (…, partitioned_by = ARRAY[…])`. */
export interface UnloadStatement {
  readonly select: string;
  readonly location: string;
  readonly format: string;
  readonly partitionedBy: readonly string[];
}

/** Parses an UNLOAD statement, or `undefined` when the SQL is not one (throws on one Athena would refuse). */
export function parseUnload(sql: string): UnloadStatement | undefined {
  const parts = unloadParts(sql);
  if (parts === undefined) return undefined;
  const unquote = (v: string | undefined): string | undefined => v?.trim().replace(/^'(.*)'$/s, '$1');
  const format = unquote(parts.properties.format)?.toUpperCase() ?? 'PARQUET';
  const partitioned = /ARRAY\s*\[([^\]]*)\]/i.exec(parts.properties.partitioned_by ?? '')?.[1] ?? '';
  const partitionedBy = [...partitioned.matchAll(/'([^']+)'/g)].map((m) => m[1] ?? '');
  return { select: parts.select, location: parts.location, format, partitionedBy };
}

export type StandInState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** One query the stand-in received, as it stands now. */
export interface StandInExecution {
  readonly id: string;
  /** The QueryString as sent. */
  readonly query: string;
  readonly parameters: readonly string[];
  /** The SQL that ran, parameters substituted. */
  readonly sql: string;
  readonly workgroup: string | undefined;
  readonly database: string | undefined;
  readonly catalog: string | undefined;
  readonly outputLocation: string | undefined;
  readonly state: StandInState;
  readonly reason: string | undefined;
  readonly bytesScanned: number;
}

export interface AthenaStandIn {
  /** `http://127.0.0.1:<port>`, for `new AthenaClient({ endpoint })`. */
  readonly endpoint: string;
  readonly executions: readonly StandInExecution[];
  stop(): Promise<void>;
}

interface Column {
  readonly name: string;
  readonly type: string;
}

type Execution = { -readonly [K in keyof StandInExecution]: StandInExecution[K] };

interface Run extends Execution {
  statementType: 'DML' | 'DDL' | 'UTILITY';
  substatementType: string;
  submittedAt: number;
  completedAt: number | undefined;
  engineMs: number;
  athenaError: { ErrorCategory: number; ErrorType: number; Retryable: boolean; ErrorMessage: string } | undefined;
  columns: Column[];
  rows: (string | null)[][];
  /** Wakes the RUNNING wait early when the query is stopped. */
  wake: (() => void) | undefined;
}

/** An AWS-shaped error answer: status, `__type` and message. */
class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * Trino functions that DuckDB lacks or names differently. Native in DuckDB with Trino's meaning, so
 * absent here: try, try_cast, json_extract (JSONPath on varchar or JSON → JSON), starts_with,
 * strpos, lower, floor, row_number() OVER, CAST(x AS VARCHAR|BIGINT).
 * A user macro shadows a built-in of the same name, which is how element_at and cardinality get
 * Trino's array meaning (DuckDB's take maps only).
 */
export const TRINO_COMPAT_MACROS: readonly string[] = [
  // json() minifies as Trino's json_parse canonicalises: json_format(json_parse(' {"a" : 1}')) = '{"a":1}'.
  'CREATE OR REPLACE MACRO json_parse(s) AS json(s)',
  'CREATE OR REPLACE MACRO json_format(j) AS CAST(j AS VARCHAR)',
  // Trino returns NULL when the path leads to an object or array; DuckDB would return its text.
  `CREATE OR REPLACE MACRO json_extract_scalar(j, p) AS
     CASE WHEN json_type(json_extract(j, p)) IN ('OBJECT', 'ARRAY') THEN NULL ELSE json_extract_string(j, p) END`,
  // Both search anywhere in the string (find, not full match).
  'CREATE OR REPLACE MACRO regexp_like(s, pattern) AS regexp_matches(s, pattern)',
  // timestamp(3) with time zone: Joda keeps milliseconds and drops finer digits.
  "CREATE OR REPLACE MACRO from_iso8601_timestamp(s) AS date_trunc('millisecond', CAST(s AS TIMESTAMPTZ))",
  'CREATE OR REPLACE MACRO from_iso8601_date(s) AS CAST(s AS DATE)',
  'CREATE OR REPLACE MACRO to_unixtime(ts) AS epoch(ts)',
  'CREATE OR REPLACE MACRO is_finite(x) AS isfinite(x)',
  "CREATE OR REPLACE MACRO infinity() AS CAST('Infinity' AS DOUBLE)",
  "CREATE OR REPLACE MACRO nan() AS CAST('NaN' AS DOUBLE)",
  // 1-based, negative from the end, NULL out of range — as Trino's element_at on arrays.
  'CREATE OR REPLACE MACRO element_at(a, i) AS a[i]',
  // Arrays only: a map's cardinality is not available in the stand-in.
  'CREATE OR REPLACE MACRO cardinality(a) AS len(a)',
  // Integers from a to b, both included (Trino's sequence without a step).
  'CREATE OR REPLACE MACRO sequence(a, b) AS generate_series(a, b)',
  // The hex digest of a text, as lower(to_hex(sha256(to_utf8(x)))) gives it: DuckDB's sha256 already hexes.
  'CREATE OR REPLACE MACRO to_utf8(s) AS s',
  'CREATE OR REPLACE MACRO to_hex(h) AS upper(h)',
];

/** Session settings that make DuckDB's arithmetic and clock read as Athena's. */
const TRINO_SESSION: readonly string[] = [
  // Trino divides integers as integers (7 / 2 = 3); DuckDB's default `/` would give 3.5. The price:
  // any division by zero is NULL here, where Trino fails on integers and gives ±Infinity on doubles.
  'SET integer_division = true',
  // Athena runs in UTC.
  "SET TimeZone = 'UTC'",
];

/**
 * Substitutes each `?` outside quoted strings, quoted identifiers and comments with the next
 * parameter's literal text, as Athena does with ExecutionParameters.
 */
export function substituteParameters(sql: string, parameters: readonly string[]): string {
  // Placeholders as Athena sees them: not in strings, quoted identifiers or comments.
  const marks = tokenize(sql).filter((t) => t.kind === 'param');
  if (marks.length > parameters.length) {
    throw new ApiError(
      'InvalidRequestException',
      `The query has more ? placeholders than the ${parameters.length} ExecutionParameters`,
    );
  }
  if (marks.length < parameters.length) {
    throw new ApiError(
      'InvalidRequestException',
      `${parameters.length} ExecutionParameters for ${marks.length} ? placeholders`,
    );
  }
  let out = '';
  let from = 0;
  marks.forEach((mark, i) => {
    const literal = parameters[i] ?? '';
    // A negative literal after `-` would start a comment (`x --3`).
    out += `${sql.slice(from, mark.at)}${literal.startsWith('-') ? `(${literal})` : literal}`;
    from = mark.at + 1;
  });
  return out + sql.slice(from);
}

/** Athena's statement classes, from the first keyword. SELECT results alone carry a header row. */
function statementOf(sql: string): { type: 'DML' | 'DDL' | 'UTILITY'; sub: string } {
  const keyword = sql
    .replace(/^(\s|--[^\n]*\n?|\/\*[\s\S]*?\*\/|\()*/, '')
    .split(/[\s(]/, 1)[0]
    ?.toUpperCase();
  switch (keyword) {
    case 'SELECT':
    case 'WITH':
    case 'VALUES':
    case 'TABLE':
      return { type: 'DML', sub: 'SELECT' };
    case 'UNLOAD':
    case 'INSERT':
    case 'UPDATE':
    case 'DELETE':
    case 'MERGE':
      return { type: 'DML', sub: keyword };
    case 'SHOW':
    case 'DESCRIBE':
    case 'EXPLAIN':
      return { type: 'UTILITY', sub: keyword };
    default:
      return { type: 'DDL', sub: keyword ?? 'UNKNOWN' };
  }
}

/** Athena's type name for a DuckDB result type. */
function athenaType(type: DuckDBType): string {
  if (type.alias?.toUpperCase() === 'JSON') return 'json';
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return 'boolean';
    case DuckDBTypeId.TINYINT:
      return 'tinyint';
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.UTINYINT:
      return 'smallint';
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.USMALLINT:
      return 'integer';
    // DuckDB widens sum(bigint) to HUGEINT where Trino keeps bigint.
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return 'bigint';
    case DuckDBTypeId.FLOAT:
      return 'real';
    case DuckDBTypeId.DOUBLE:
      return 'double';
    case DuckDBTypeId.DECIMAL:
      return 'decimal';
    case DuckDBTypeId.DATE:
      return 'date';
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return 'timestamp';
    case DuckDBTypeId.TIMESTAMP_TZ:
      return 'timestamp with time zone';
    case DuckDBTypeId.TIME:
      return 'time';
    case DuckDBTypeId.INTERVAL:
      return 'interval day to second';
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return 'array';
    case DuckDBTypeId.MAP:
      return 'map';
    case DuckDBTypeId.STRUCT:
      return 'row';
    case DuckDBTypeId.BLOB:
      return 'varbinary';
    default:
      return 'varchar';
  }
}

/** Athena's text for a timestamp: `2026-03-29 08:00:00.000`, milliseconds always shown. */
function timestampText(micros: bigint): string {
  const iso = new Date(Number(micros / 1000n)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** Athena's VarCharValue for one DuckDB value; null stays null (a Datum without VarCharValue). */
function cellText(value: DuckDBValue): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof DuckDBTimestampTZValue) return `${timestampText(value.micros)} UTC`;
  if (value instanceof DuckDBTimestampValue) return timestampText(value.micros);
  if (value instanceof DuckDBDecimalValue) return value.toString();
  return String(value);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const AMZ_JSON = 'application/x-amz-json-1.1';

function send(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': AMZ_JSON,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(text);
}

const stringField = (input: Record<string, unknown>, key: string): string | undefined => {
  const value = input[key];
  return typeof value === 'string' ? value : undefined;
};

const objectField = (input: Record<string, unknown>, key: string): Record<string, unknown> => {
  const value = input[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
};

/** Starts the stand-in on 127.0.0.1 with a fresh in-memory DuckDB. */
export async function startAthenaStandIn(options: AthenaStandInOptions = {}): Promise<AthenaStandIn> {
  const scratch = await mkdtemp(join(tmpdir(), 'vigie-athena-standin-'));
  const instance = await DuckDBInstance.create(':memory:', {
    extension_directory: join(scratch, 'extensions'),
    autoinstall_known_extensions: 'false',
  });
  const connection = await instance.connect();
  for (const statement of [...TRINO_SESSION, ...TRINO_COMPAT_MACROS]) await connection.run(statement);

  const pageSize = Math.min(1000, Math.max(1, options.pageSize ?? 1000));
  const latencyMs = options.latencyMs ?? 0;
  const faults = (options.faults ?? []).map((fault) => ({ fault, left: fault.times ?? Number.POSITIVE_INFINITY }));
  const runs: Run[] = [];
  const byId = new Map<string, Run>();
  const pending = new Set<Promise<void>>();
  // One DuckDB connection runs one statement at a time; queries queue behind each other.
  let engine: Promise<void> = Promise.resolve();

  function apiFault(operation: AthenaOperation): void {
    for (const entry of faults) {
      if ('on' in entry.fault && entry.fault.on === operation && entry.left > 0) {
        entry.left -= 1;
        throw new ApiError(
          entry.fault.error,
          entry.fault.message ?? `${entry.fault.error} (injected)`,
          entry.fault.status,
        );
      }
    }
  }

  function sqlFault(sql: string) {
    for (const entry of faults) {
      if ('match' in entry.fault && entry.fault.match.test(sql) && entry.left > 0) {
        entry.left -= 1;
        return entry.fault;
      }
    }
    return undefined;
  }

  function finish(run: Run, state: 'SUCCEEDED' | 'FAILED' | 'CANCELLED', reason?: string): void {
    if (run.state === 'SUCCEEDED' || run.state === 'FAILED' || run.state === 'CANCELLED') return;
    run.state = state;
    run.reason = reason;
    run.completedAt = Date.now();
    run.engineMs = run.completedAt - run.submittedAt;
  }

  async function execute(run: Run): Promise<void> {
    run.state = 'RUNNING';
    if (latencyMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, latencyMs);
        run.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    if (run.state !== 'RUNNING') return;
    const fault = sqlFault(run.sql);
    if (fault && 'hold' in fault) {
      // Until StopQueryExecution (or the stand-in's stop) cancels it.
      await new Promise<void>((resolve) => {
        run.wake = resolve;
      });
      return;
    }
    if (fault && 'match' in fault) {
      run.athenaError = {
        ErrorCategory: fault.errorCategory ?? 2,
        ErrorType: fault.errorType ?? (fault.errorCategory === 1 ? 401 : 1006),
        Retryable: fault.retryable ?? false,
        ErrorMessage: fault.reason,
      };
      finish(run, fault.state, fault.reason);
      return;
    }
    const turn = engine.then(async () => {
      if (run.state !== 'RUNNING') return;
      try {
        // What Athena refuses before reading: the grammar, and `?` outside WHERE (in the text as sent).
        checkGrammar(run.query);
        checkPlaceholders(run.query);
        const prepared = await options.prepare?.(connection, run.sql);
        run.bytesScanned = prepared?.bytesScanned ?? 0;
        const cutoff = options.bytesScannedCutoffPerQuery;
        if (cutoff !== undefined && run.bytesScanned > cutoff) {
          run.athenaError = {
            ErrorCategory: 2,
            ErrorType: 1205,
            Retryable: false,
            ErrorMessage: 'Bytes scanned limit was exceeded',
          };
          run.bytesScanned = cutoff;
          finish(run, 'CANCELLED', 'Bytes scanned limit was exceeded');
          return;
        }
        const unload = run.substatementType === 'UNLOAD' ? parseUnload(run.sql) : undefined;
        if (unload !== undefined) {
          if (options.unload === undefined) throw new Error('UNLOAD is not supported by this stand-in');
          if (unload.format !== 'PARQUET') throw new Error(`UNLOAD format ${unload.format} is not supported here`);
          await options.unload(connection, unload);
          finish(run, 'SUCCEEDED');
          return;
        }
        const reader = await connection.runAndReadAll(run.sql);
        // Athena (Trino) reports unquoted names in lower case.
        const names = reader.columnNames().map((name) => name.toLowerCase());
        const types = reader.columnTypes();
        run.columns = names.map((name, i) => ({ name, type: types[i] ? athenaType(types[i]) : 'varchar' }));
        run.rows = reader.getRows().map((row) => row.map(cellText));
        finish(run, 'SUCCEEDED');
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        run.athenaError = { ErrorCategory: 2, ErrorType: 1006, Retryable: false, ErrorMessage: message };
        finish(run, 'FAILED', message);
      }
    });
    engine = turn.catch(() => undefined);
    await turn;
  }

  function startQuery(input: Record<string, unknown>): unknown {
    const query = stringField(input, 'QueryString');
    if (!query) throw new ApiError('InvalidRequestException', 'QueryString is required');
    try {
      checkQueryStringSize(query);
    } catch (error) {
      if (error instanceof AthenaRuleError) throw new ApiError('InvalidRequestException', error.message);
      throw error;
    }
    const raw = input.ExecutionParameters;
    if (raw !== undefined && (!Array.isArray(raw) || raw.length === 0)) {
      throw new ApiError('InvalidRequestException', 'ExecutionParameters must be a non-empty list');
    }
    const parameters = (raw ?? []) as unknown[];
    if (!parameters.every((p): p is string => typeof p === 'string')) {
      throw new ApiError('InvalidRequestException', 'ExecutionParameters must be strings');
    }
    const sql = substituteParameters(query, parameters);
    const context = objectField(input, 'QueryExecutionContext');
    const statement = statementOf(sql);
    const run: Run = {
      id: randomUUID(),
      query,
      parameters,
      sql,
      workgroup: stringField(input, 'WorkGroup'),
      database: stringField(context, 'Database'),
      catalog: stringField(context, 'Catalog'),
      outputLocation: stringField(objectField(input, 'ResultConfiguration'), 'OutputLocation'),
      state: 'QUEUED',
      reason: undefined,
      bytesScanned: 0,
      statementType: statement.type,
      substatementType: statement.sub,
      submittedAt: Date.now(),
      completedAt: undefined,
      engineMs: 0,
      athenaError: undefined,
      columns: [],
      rows: [],
      wake: undefined,
    };
    runs.push(run);
    byId.set(run.id, run);
    // QUEUED until the next turn of the event loop, so a first poll can see it.
    const task = new Promise<void>((resolve) => setImmediate(resolve)).then(() => execute(run));
    pending.add(task);
    void task.finally(() => pending.delete(task));
    return { QueryExecutionId: run.id };
  }

  function lookup(input: Record<string, unknown>): Run {
    const id = stringField(input, 'QueryExecutionId');
    const run = id === undefined ? undefined : byId.get(id);
    if (!run) throw new ApiError('InvalidRequestException', `QueryExecution ${id ?? '(none)'} was not found`);
    return run;
  }

  function describe(run: Run): unknown {
    const seconds = (ms: number) => ms / 1000;
    return {
      QueryExecution: {
        QueryExecutionId: run.id,
        Query: run.query,
        StatementType: run.statementType,
        SubstatementType: run.substatementType,
        WorkGroup: run.workgroup,
        QueryExecutionContext: { Database: run.database, Catalog: run.catalog },
        ...(run.parameters.length > 0 ? { ExecutionParameters: run.parameters } : {}),
        ResultConfiguration: { OutputLocation: `${run.outputLocation ?? 's3://standin-results/'}${run.id}.csv` },
        Status: {
          State: run.state,
          ...(run.reason ? { StateChangeReason: run.reason } : {}),
          SubmissionDateTime: seconds(run.submittedAt),
          ...(run.completedAt ? { CompletionDateTime: seconds(run.completedAt) } : {}),
          ...(run.athenaError && run.state !== 'SUCCEEDED' ? { AthenaError: run.athenaError } : {}),
        },
        Statistics: {
          DataScannedInBytes: run.bytesScanned,
          EngineExecutionTimeInMillis: run.engineMs,
          TotalExecutionTimeInMillis: run.engineMs,
        },
        EngineVersion: { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' },
      },
    };
  }

  function results(input: Record<string, unknown>): unknown {
    const run = lookup(input);
    if (run.state !== 'SUCCEEDED') {
      throw new ApiError('InvalidRequestException', `Query has not yet finished. Current state: ${run.state}`);
    }
    const maxResults = input.MaxResults ?? 1000;
    if (typeof maxResults !== 'number' || maxResults < 1 || maxResults > 1000) {
      throw new ApiError('InvalidRequestException', 'MaxResults must be between 1 and 1000');
    }
    const header = run.statementType === 'DML' && run.substatementType === 'SELECT';
    const all = header ? [run.columns.map((c) => c.name), ...run.rows] : run.rows;
    const token = stringField(input, 'NextToken');
    const offset = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8').split(':')[1]);
    if (!Number.isInteger(offset) || offset < 0 || offset > all.length) {
      throw new ApiError('InvalidRequestException', 'NextToken is not valid for this query');
    }
    const end = offset + Math.min(maxResults, pageSize);
    return {
      UpdateCount: 0,
      ResultSet: {
        Rows: all.slice(offset, end).map((row) => ({ Data: row.map((v) => (v === null ? {} : { VarCharValue: v })) })),
        ResultSetMetadata: {
          ColumnInfo: run.columns.map((c) => ({
            CatalogName: 'hive',
            SchemaName: '',
            TableName: '',
            Name: c.name,
            Label: c.name,
            Type: c.type,
            Precision: 0,
            Scale: 0,
            Nullable: 'UNKNOWN',
            CaseSensitive: c.type === 'varchar',
          })),
        },
      },
      ...(end < all.length ? { NextToken: Buffer.from(`${run.id}:${end}`).toString('base64url') } : {}),
    };
  }

  function stopQuery(input: Record<string, unknown>): unknown {
    const run = lookup(input);
    if (run.state === 'QUEUED' || run.state === 'RUNNING') {
      finish(run, 'CANCELLED', 'Query was cancelled by user');
      run.wake?.();
    }
    return {};
  }

  const handlers: Record<AthenaOperation, (input: Record<string, unknown>) => unknown> = {
    StartQueryExecution: startQuery,
    GetQueryExecution: (input) => describe(lookup(input)),
    GetQueryResults: results,
    StopQueryExecution: stopQuery,
  };

  const server = createServer((request, response) => {
    void (async () => {
      try {
        const target = request.headers['x-amz-target'];
        const operation = typeof target === 'string' ? target.replace(/^AmazonAthena\./, '') : '';
        if (request.method !== 'POST' || !(operation in handlers)) {
          throw new ApiError('UnknownOperationException', `Not supported by the stand-in: ${String(target)}`);
        }
        const body = await readBody(request);
        const input = body === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
        apiFault(operation as AthenaOperation);
        send(response, 200, handlers[operation as AthenaOperation](input));
      } catch (error) {
        const apiError =
          error instanceof ApiError ? error : new ApiError('InternalServerException', String(error), 500);
        send(response, apiError.status, { __type: apiError.type, message: apiError.message }, apiError.type);
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    executions: runs,
    async stop() {
      for (const run of runs) stopQuery({ QueryExecutionId: run.id });
      await Promise.allSettled([...pending]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      connection.closeSync();
      instance.closeSync();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
