/**
 * A generic Amazon Athena query runner: starts one SQL text with positional parameters, waits for
 * it with capped exponential backoff, pages its results into typed rows and accounts for the bytes
 * it scanned. It knows nothing of Vigie's tables; the Athena QueryEngine builds on it.
 */

import { setTimeout as delay } from 'node:timers/promises';
import {
  type AthenaClient,
  type ColumnInfo,
  type Datum,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  GetQueryResultsCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { Row, SqlParam } from '../pipeline/ports.js';
import type { TimeBudget } from '../pipeline/time-budget.js';
import { costOfBytes } from '../sql/athena-scan.js';

export { costOfBytes };

export interface AthenaRunnerOptions {
  /** Passed in so tests can use aws-sdk-client-mock or a client pointed at a local stand-in. */
  readonly client: AthenaClient;
  readonly workgroup: string;
  readonly database: string;
  /** @default 'AwsDataCatalog' */
  readonly catalog?: string;
  /** Only needed when the workgroup does not enforce its own result location. */
  readonly outputLocation?: string;
  /** Per query, from start to result; on expiry the query is stopped. @default 600_000 */
  readonly timeoutMs?: number;
  /** Capped exponential backoff between polls and retries. @default { initialMs: 250, maxMs: 5000 } */
  readonly poll?: { readonly initialMs: number; readonly maxMs: number };
  /** Attempts per `run` for throttled starts and transient failures, counted together. @default 4 */
  readonly maxAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Receives one entry per finished execution, failed ones included. */
  readonly log?: (entry: QueryStats & { readonly sql: string }) => void;
  /**
   * The run's time budget: no query starts that could not end in time, and a running one is stopped
   * (TimeBudgetError) when the run's finish time comes. @default - no budget
   */
  readonly budget?: TimeBudget;
}

export interface QueryStats {
  readonly queryId: string;
  readonly state: string;
  readonly bytesScanned: number;
  readonly costUsd: number;
  readonly engineMs: number;
  /** Wall-clock time of the whole `run`, retries included. */
  readonly elapsedMs: number;
  readonly rows: number;
}

export type AthenaFailureState = 'FAILED' | 'CANCELLED' | 'TIMEOUT';

/** A query that did not succeed; `transient` says whether running it again may help. */
export class AthenaQueryError extends Error {
  override readonly name = 'AthenaQueryError';
  /** Empty when the query never got an id (its start was refused). */
  readonly queryId: string;
  readonly state: AthenaFailureState;
  /** Athena's own words (AthenaError.ErrorMessage or StateChangeReason), or ours for timeouts. */
  readonly reason: string;
  readonly transient: boolean;

  constructor(
    details: { queryId: string; state: AthenaFailureState; reason: string; transient: boolean },
    options?: { cause?: unknown },
  ) {
    const subject = details.queryId === '' ? 'Athena query' : `Athena query ${details.queryId}`;
    super(`${subject} ${details.state}: ${details.reason}`, options);
    this.queryId = details.queryId;
    this.state = details.state;
    this.reason = details.reason;
    this.transient = details.transient;
  }
}

/** A value that has no SQL literal (NaN, ±Infinity), so it cannot be an execution parameter. */
export class AthenaParameterError extends Error {
  override readonly name = 'AthenaParameterError';
}

/**
 * The SQL literal text Athena substitutes for one `?`: Athena parses ExecutionParameters as
 * literals, so strings must arrive quoted with `'` doubled.
 * @example executionParameter("it's") // "'it''s'"
 */
export function executionParameter(value: SqlParam): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new AthenaParameterError(`${value} has no SQL literal`);
    return String(value);
  }
  return `'${value.replaceAll("'", "''")}'`;
}

const NUMERIC_TYPES = new Set([
  'tinyint',
  'smallint',
  'integer',
  'int',
  'bigint',
  'double',
  'float',
  'real',
  'decimal',
]);
const THROTTLING_ERRORS = new Set(['TooManyRequestsException', 'ThrottlingException']);
const TRANSIENT_REASON = /TOO_MANY_REQUESTS|ThrottlingException|SlowDown/i;

type Cell = string | number | boolean | null;

function cellOf(datum: Datum | undefined, type: string): Cell {
  const text = datum?.VarCharValue;
  if (text === undefined) return null;
  // Athena may spell parameterised types in full ("decimal(10,2)"); the base name decides.
  const base = type.toLowerCase().replace(/\(.*$/, '').trim();
  if (NUMERIC_TYPES.has(base)) return Number(text);
  if (base === 'boolean') return text === 'true';
  return text;
}

/** SELECT results begin with a row of column names; DDL, UTILITY and INSERT results do not. */
function hasHeaderRow(
  execution: QueryExecution | undefined,
  firstRow: readonly Datum[],
  columns: ColumnInfo[],
): boolean {
  const statementType = execution?.StatementType;
  if (statementType !== undefined) {
    const sub = execution?.SubstatementType;
    return statementType === 'DML' && (sub === undefined || sub.toUpperCase() === 'SELECT');
  }
  return columns.length > 0 && columns.every((column, i) => firstRow[i]?.VarCharValue === column.Name);
}

const isThrottling = (error: unknown): boolean => error instanceof Error && THROTTLING_ERRORS.has(error.name);

/** Runs SQL on Athena and keeps the running totals of what it scanned. */
export class AthenaRunner {
  private readonly client: AthenaClient;
  private readonly catalog: string;
  private readonly timeoutMs: number;
  private readonly poll: { readonly initialMs: number; readonly maxMs: number };
  private readonly maxAttempts: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly sum = { queries: 0, bytesScanned: 0, costUsd: 0 };
  private readonly budget: TimeBudget | undefined;
  /** Queries started and not yet ended, so a run that fails can stop them all. */
  private readonly running = new Set<string>();
  /** Why this runner refuses new queries (set by `stopAll`). */
  private closed: string | undefined;

  constructor(private readonly options: AthenaRunnerOptions) {
    this.client = options.client;
    this.catalog = options.catalog ?? 'AwsDataCatalog';
    this.timeoutMs = options.timeoutMs ?? 600_000;
    this.poll = options.poll ?? { initialMs: 250, maxMs: 5000 };
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.budget = options.budget;
    // The default sleep ends with the signal, so an aborted run leaves no timer behind.
    this.sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
  }

  /** Queries run to success so far, with the bytes they scanned and what that cost. */
  get totals(): { queries: number; bytesScanned: number; costUsd: number } {
    return { ...this.sum };
  }

  /**
   * Stops every query this runner started that has not ended, and refuses any new one; returns the ids
   * stopped. A run that fails calls it before returning: Lambda freezes the process as soon as the
   * handler returns, and a query still running would bill until the workgroup's limit.
   */
  async stopAll(reason: string): Promise<string[]> {
    this.closed ??= reason;
    const ids = [...this.running];
    await Promise.all(ids.map((id) => this.stop(id)));
    return ids;
  }

  /**
   * Runs one SQL text with positional `?` parameters and returns its typed rows.
   * Throttled starts and transient failures are retried; anything else throws AthenaQueryError.
   */
  async run(
    sql: string,
    params: readonly SqlParam[],
    signal?: AbortSignal,
  ): Promise<{ rows: Row[]; stats: QueryStats }> {
    const clock = { started: Date.now(), slept: 0 };
    const parameters = params.map(executionParameter);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.attempt(sql, parameters, clock, signal);
      } catch (error) {
        const retry = error instanceof AthenaQueryError && error.transient && attempt < this.maxAttempts;
        if (!retry) throw error;
        await this.pause(this.backoff(attempt - 1), clock, signal, '');
      }
    }
  }

  private backoff(step: number): number {
    return Math.min(this.poll.maxMs, this.poll.initialMs * 2 ** step);
  }

  // Time is the larger of the wall clock and the total slept, so a test's instant `sleep` still
  // walks towards the timeout while a real one is measured as it is.
  private elapsed(clock: { started: number; slept: number }): number {
    return Math.max(Date.now() - clock.started, clock.slept);
  }

  private async pause(
    ms: number,
    clock: { started: number; slept: number },
    signal: AbortSignal | undefined,
    queryId: string,
  ): Promise<void> {
    this.throwIfAborted(signal, queryId);
    if (signal === undefined) {
      await this.sleep(ms);
    } else {
      let onAbort: (() => void) | undefined;
      const aborted = new Promise<void>((resolve) => {
        onAbort = resolve;
        signal.addEventListener('abort', onAbort, { once: true });
      });
      try {
        await Promise.race([this.sleep(ms, signal), aborted]);
      } catch (error) {
        if (!signal.aborted) throw error;
      } finally {
        if (onAbort) signal.removeEventListener('abort', onAbort);
      }
    }
    clock.slept += ms;
    this.throwIfAborted(signal, queryId);
  }

  private throwIfAborted(signal: AbortSignal | undefined, queryId: string): void {
    if (signal?.aborted) {
      throw new AthenaQueryError(
        { queryId, state: 'CANCELLED', reason: 'aborted by the caller', transient: false },
        { cause: signal.reason },
      );
    }
  }

  private async attempt(
    sql: string,
    parameters: readonly string[],
    clock: { started: number; slept: number },
    signal: AbortSignal | undefined,
  ): Promise<{ rows: Row[]; stats: QueryStats }> {
    if (this.closed !== undefined)
      throw new AthenaQueryError({ queryId: '', state: 'CANCELLED', reason: this.closed, transient: false });
    const runwayAtStart = this.budget?.beforeQuery();
    const queryId = await this.start(sql, parameters, clock, signal);
    this.running.add(queryId);
    let execution: QueryExecution;
    let rows: Row[];
    try {
      execution = await this.wait(sql, queryId, clock, signal);
      rows = await this.results(queryId, execution, clock, signal);
    } finally {
      this.running.delete(queryId);
    }
    if (runwayAtStart !== undefined) this.budget?.queryEnded(runwayAtStart);
    const statistics = execution.Statistics;
    const bytesScanned = statistics?.DataScannedInBytes ?? 0;
    const stats: QueryStats = {
      queryId,
      state: 'SUCCEEDED',
      bytesScanned,
      costUsd: costOfBytes(bytesScanned),
      engineMs: statistics?.EngineExecutionTimeInMillis ?? 0,
      elapsedMs: Date.now() - clock.started,
      rows: rows.length,
    };
    this.sum.queries += 1;
    this.sum.bytesScanned += stats.bytesScanned;
    this.sum.costUsd += stats.costUsd;
    this.options.log?.({ ...stats, sql });
    return { rows, stats };
  }

  private async start(
    sql: string,
    parameters: readonly string[],
    clock: { started: number; slept: number },
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const command = new StartQueryExecutionCommand({
      QueryString: sql,
      WorkGroup: this.options.workgroup,
      QueryExecutionContext: { Database: this.options.database, Catalog: this.catalog },
      // Athena rejects an empty ExecutionParameters list, so it is sent only when there is one.
      ...(parameters.length > 0 ? { ExecutionParameters: [...parameters] } : {}),
      ...(this.options.outputLocation ? { ResultConfiguration: { OutputLocation: this.options.outputLocation } } : {}),
    });
    for (let attempt = 1; ; attempt += 1) {
      this.throwIfAborted(signal, '');
      try {
        const output = await this.client.send(command, { abortSignal: signal });
        if (!output.QueryExecutionId) {
          throw new AthenaQueryError({
            queryId: '',
            state: 'FAILED',
            reason: 'StartQueryExecution returned no QueryExecutionId',
            transient: false,
          });
        }
        return output.QueryExecutionId;
      } catch (error) {
        if (error instanceof AthenaQueryError) throw error;
        this.throwIfAborted(signal, '');
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        if (!isThrottling(error)) {
          throw new AthenaQueryError(
            { queryId: '', state: 'FAILED', reason: message, transient: false },
            { cause: error },
          );
        }
        if (attempt >= this.maxAttempts) {
          // Not transient: the throttling budget is spent, and `run` must not multiply it.
          throw new AthenaQueryError(
            {
              queryId: '',
              state: 'FAILED',
              reason: `still throttled after ${attempt} attempts: ${message}`,
              transient: false,
            },
            { cause: error },
          );
        }
        await this.pause(this.backoff(attempt - 1), clock, signal, '');
      }
    }
  }

  private async wait(
    sql: string,
    queryId: string,
    clock: { started: number; slept: number },
    signal: AbortSignal | undefined,
  ): Promise<QueryExecution> {
    for (let step = 0; ; step += 1) {
      let output: GetQueryExecutionCommandOutput | undefined;
      try {
        this.throwIfAborted(signal, queryId);
        output = await this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryId }));
      } catch (error) {
        if (error instanceof AthenaQueryError) {
          await this.stop(queryId);
          this.logFailure(sql, queryId, 'CANCELLED', clock);
          throw error;
        }
        // A throttled poll says nothing about the query: poll again later, within the timeout.
        if (!isThrottling(error)) {
          throw new AthenaQueryError(
            { queryId, state: 'FAILED', reason: `GetQueryExecution failed: ${String(error)}`, transient: false },
            { cause: error },
          );
        }
      }
      const execution = output?.QueryExecution;
      const status = execution?.Status;
      const state = status?.State;
      if (state === 'SUCCEEDED' && execution) return execution;
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason = status?.AthenaError?.ErrorMessage ?? status?.StateChangeReason ?? 'no reason given';
        const everyReason = `${reason} ${status?.StateChangeReason ?? ''}`;
        const transient =
          state === 'FAILED' &&
          (status?.AthenaError?.ErrorCategory === 1 ||
            status?.AthenaError?.Retryable === true ||
            TRANSIENT_REASON.test(everyReason));
        this.logFailure(sql, queryId, state, clock, execution);
        throw new AthenaQueryError({ queryId, state, reason, transient });
      }
      let delay = this.backoff(step);
      if (this.budget !== undefined) {
        const runway = this.budget.runwayMs();
        if (runway <= 0) {
          await this.stop(queryId);
          this.logFailure(sql, queryId, 'CANCELLED', clock, execution);
          throw this.budget.stopped(queryId);
        }
        // Wake up when the finish time comes, not a backoff step later.
        delay = Math.min(delay, runway);
      }
      if (this.elapsed(clock) + delay > this.timeoutMs) {
        await this.stop(queryId);
        this.logFailure(sql, queryId, 'TIMEOUT', clock, execution);
        throw new AthenaQueryError({
          queryId,
          state: 'TIMEOUT',
          reason: `not finished after ${this.timeoutMs} ms (last state ${state ?? 'unknown'}); stopped`,
          transient: false,
        });
      }
      try {
        await this.pause(delay, clock, signal, queryId);
      } catch (error) {
        await this.stop(queryId);
        this.logFailure(sql, queryId, 'CANCELLED', clock, execution);
        throw error;
      }
    }
  }

  /** Best effort: the caller's error matters more than a failure to stop. */
  private async stop(queryId: string): Promise<void> {
    try {
      await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: queryId }));
    } catch {
      // The query may already have ended; Athena then stops it by itself or it cost nothing more.
    }
  }

  private logFailure(
    sql: string,
    queryId: string,
    state: string,
    clock: { started: number },
    execution?: QueryExecution,
  ): void {
    const bytesScanned = execution?.Statistics?.DataScannedInBytes ?? 0;
    this.options.log?.({
      sql,
      queryId,
      state,
      bytesScanned,
      costUsd: state === 'FAILED' ? 0 : costOfBytes(bytesScanned),
      engineMs: execution?.Statistics?.EngineExecutionTimeInMillis ?? 0,
      elapsedMs: Date.now() - clock.started,
      rows: 0,
    });
  }

  private async results(
    queryId: string,
    execution: QueryExecution,
    clock: { started: number; slept: number },
    signal: AbortSignal | undefined,
  ): Promise<Row[]> {
    const rows: Row[] = [];
    let columns: ColumnInfo[] | undefined;
    let nextToken: string | undefined;
    let first = true;
    do {
      this.throwIfAborted(signal, queryId);
      const page = await this.page(queryId, nextToken, clock, signal);
      columns ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      let pageRows = page.ResultSet?.Rows ?? [];
      if (first && pageRows.length > 0 && hasHeaderRow(execution, pageRows[0]?.Data ?? [], columns)) {
        pageRows = pageRows.slice(1);
      }
      first = false;
      for (const row of pageRows) {
        const data = row.Data ?? [];
        const record: Record<string, Cell> = {};
        columns.forEach((column, i) => {
          record[column.Name ?? `_col${i}`] = cellOf(data[i], column.Type ?? 'varchar');
        });
        rows.push(record);
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return rows;
  }

  private async page(
    queryId: string,
    nextToken: string | undefined,
    clock: { started: number; slept: number },
    signal: AbortSignal | undefined,
  ) {
    const command = new GetQueryResultsCommand({ QueryExecutionId: queryId, MaxResults: 1000, NextToken: nextToken });
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.client.send(command);
      } catch (error) {
        if (!isThrottling(error) || attempt >= this.maxAttempts) {
          throw new AthenaQueryError(
            { queryId, state: 'FAILED', reason: `GetQueryResults failed: ${String(error)}`, transient: false },
            { cause: error },
          );
        }
        await this.pause(this.backoff(attempt - 1), clock, signal, queryId);
      }
    }
  }
}
