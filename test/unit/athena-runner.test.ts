import {
  AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  GetQueryResultsCommand,
  InvalidRequestException,
  type QueryExecutionState,
  type Row as ResultRow,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  AthenaParameterError,
  AthenaQueryError,
  AthenaRunner,
  type AthenaRunnerOptions,
  costOfBytes,
  executionParameter,
  type QueryStats,
} from '../../functions/adapters/athena-runner.js';

const athena = mockClient(AthenaClient);
const client = new AthenaClient({ region: 'eu-west-3' });

let slept: number[];
beforeEach(() => {
  athena.reset();
  slept = [];
});

function runner(options: Partial<AthenaRunnerOptions> = {}): AthenaRunner {
  return new AthenaRunner({
    client,
    workgroup: 'vigie',
    database: 'vigie_db',
    poll: { initialMs: 100, maxMs: 1000 },
    sleep: async (ms) => {
      slept.push(ms);
    },
    ...options,
  });
}

function execution(
  state: QueryExecutionState,
  extra: { bytes?: number; engineMs?: number; reason?: string; category?: number; retryable?: boolean } = {},
): GetQueryExecutionCommandOutput {
  return {
    $metadata: {},
    QueryExecution: {
      QueryExecutionId: 'q-1',
      StatementType: 'DML',
      SubstatementType: 'SELECT',
      Status: {
        State: state,
        ...(extra.reason ? { StateChangeReason: extra.reason } : {}),
        ...(extra.category
          ? { AthenaError: { ErrorCategory: extra.category, ErrorMessage: extra.reason, Retryable: extra.retryable } }
          : {}),
      },
      Statistics: { DataScannedInBytes: extra.bytes ?? 0, EngineExecutionTimeInMillis: extra.engineMs ?? 0 },
    },
  };
}

const column = (Name: string, Type: string): ColumnInfo => ({ Name, Type });
const row = (...cells: (string | undefined)[]): ResultRow => ({
  Data: cells.map((c) => (c === undefined ? {} : { VarCharValue: c })),
});

/** A one-column SELECT result: header `n`, then the given values. */
function singlePage(values: string[]) {
  return {
    ResultSet: {
      Rows: [row('n'), ...values.map((v) => row(v))],
      ResultSetMetadata: { ColumnInfo: [column('n', 'integer')] },
    },
  };
}

describe('costOfBytes', () => {
  it('bills 10 MB for a small scan, and nothing for a scan of nothing', () => {
    // $5 per 2^20 MB: 10 MB → 50 / 1,048,576 = 0.00004768371582031250
    expect(costOfBytes(1)).toBe(0.0000476837158203125);
    expect(costOfBytes(10 * 2 ** 20)).toBe(0.0000476837158203125);
    expect(costOfBytes(0)).toBe(0);
  });

  it('bills 3 GB as 3072 MB, rounding a started megabyte up', () => {
    // 3 × 1024 MB × 5 / 1,048,576 = 15,360 / 1,048,576 = 0.0146484375
    expect(costOfBytes(3 * 2 ** 30)).toBe(0.0146484375);
    // One byte more is one more megabyte: 3073 × 5 / 1,048,576
    expect(costOfBytes(3 * 2 ** 30 + 1)).toBeCloseTo(0.01465320587158203, 15);
  });
});

describe('executionParameter', () => {
  it('writes each value as the SQL literal Athena substitutes', () => {
    expect(executionParameter("it's")).toBe("'it''s'");
    expect(executionParameter('')).toBe("''");
    expect(executionParameter(12.5)).toBe('12.5');
    expect(executionParameter(-3)).toBe('-3');
    expect(executionParameter(true)).toBe('true');
    expect(executionParameter(false)).toBe('false');
    expect(executionParameter(null)).toBe('NULL');
  });

  it('refuses numbers that have no literal', () => {
    expect(() => executionParameter(Number.NaN)).toThrow(AthenaParameterError);
    expect(() => executionParameter(Number.POSITIVE_INFINITY)).toThrow(AthenaParameterError);
  });
});

describe('AthenaRunner', () => {
  it('starts in the workgroup and database, polls QUEUED → RUNNING → SUCCEEDED with backoff, and reports stats', async () => {
    // Prepare
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(execution('QUEUED'))
      .resolvesOnce(execution('RUNNING'))
      .resolvesOnce(execution('RUNNING'))
      .resolves(execution('SUCCEEDED', { bytes: 3 * 2 ** 30, engineMs: 1234 }));
    athena.on(GetQueryResultsCommand).resolves(singlePage(['7']));
    const logged: (QueryStats & { sql: string })[] = [];
    const r = runner({ log: (entry) => logged.push(entry) });
    // Act
    const { rows, stats } = await r.run('SELECT 7 AS n', []);
    // Assess
    expect(rows).toEqual([{ n: 7 }]);
    const start = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;
    expect(start).toEqual({
      QueryString: 'SELECT 7 AS n',
      WorkGroup: 'vigie',
      QueryExecutionContext: { Database: 'vigie_db', Catalog: 'AwsDataCatalog' },
    });
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(4);
    expect(slept).toEqual([100, 200, 400]);
    expect(stats).toMatchObject({
      queryId: 'q-1',
      state: 'SUCCEEDED',
      bytesScanned: 3 * 2 ** 30,
      costUsd: 0.0146484375,
      engineMs: 1234,
      rows: 1,
    });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ sql: 'SELECT 7 AS n', queryId: 'q-1', rows: 1 });
    expect(r.totals).toEqual({ queries: 1, bytesScanned: 3 * 2 ** 30, costUsd: 0.0146484375 });
  });

  it('caps the poll backoff at maxMs', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    const running = athena.on(GetQueryExecutionCommand);
    for (let i = 0; i < 6; i += 1) running.resolvesOnce(execution('RUNNING'));
    running.resolves(execution('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves(singlePage([]));

    await runner().run('SELECT 1', []);

    expect(slept).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('passes the catalog and output location when given', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves(singlePage([]));

    await runner({ catalog: 'other', outputLocation: 's3://results/vigie/' }).run('SELECT 1', []);

    expect(athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toMatchObject({
      QueryExecutionContext: { Database: 'vigie_db', Catalog: 'other' },
      ResultConfiguration: { OutputLocation: 's3://results/vigie/' },
    });
  });

  it('pages through three pages by NextToken and drops the header row only on the first', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
    const meta = { ColumnInfo: [column('id', 'varchar'), column('n', 'bigint')] };
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: undefined })
      .resolves({ NextToken: 't1', ResultSet: { ResultSetMetadata: meta, Rows: [row('id', 'n'), row('a', '1')] } })
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: 't1' })
      // A data row that happens to look like the header must be kept on later pages.
      .resolves({ NextToken: 't2', ResultSet: { ResultSetMetadata: meta, Rows: [row('id', '2'), row('b', '3')] } })
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: 't2' })
      .resolves({ ResultSet: { ResultSetMetadata: meta, Rows: [row('c', '4')] } });

    const { rows, stats } = await runner().run('SELECT id, n FROM t', []);

    expect(rows).toEqual([
      { id: 'a', n: 1 },
      { id: 'id', n: 2 },
      { id: 'b', n: 3 },
      { id: 'c', n: 4 },
    ]);
    expect(stats.rows).toBe(4);
    const calls = athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input);
    expect(calls.map((input) => input.NextToken)).toEqual([undefined, 't1', 't2']);
    expect(calls.every((input) => input.MaxResults === 1000)).toBe(true);
  });

  it('keeps the first row of a DDL result, which has no header', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    const ddl = execution('SUCCEEDED');
    athena.on(GetQueryExecutionCommand).resolves({
      ...ddl,
      QueryExecution: { ...ddl.QueryExecution, StatementType: 'UTILITY', SubstatementType: 'SHOW_TABLES' },
    });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: { ResultSetMetadata: { ColumnInfo: [column('tab_name', 'string')] }, Rows: [row('contacts')] },
    });

    const { rows } = await runner().run('SHOW TABLES', []);

    expect(rows).toEqual([{ tab_name: 'contacts' }]);
  });

  it('converts cells by column type, and a Datum without VarCharValue to null', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
    const types = ['tinyint', 'smallint', 'integer', 'bigint', 'double', 'float', 'real', 'decimal', 'boolean'];
    const others = ['varchar', 'date', 'timestamp', 'json'];
    const names = [...types, ...others].map((t) => `c_${t}`);
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: [...types, ...others].map((t, i) => column(names[i] ?? '', t)) },
        Rows: [
          row(...names),
          row(
            '1',
            '-2',
            '3',
            '9007199254740991',
            '2.5',
            '0.25',
            '1.5E2',
            '12.50',
            'true',
            '042',
            '2026-03-29',
            '2026-03-29 08:00:00.000',
            '{"a":1}',
          ),
          row('0', '0', '0', '0', 'NaN', '0', '0', '0', 'false', '', '2026-03-30', '2026-03-30 08:00:00.000', 'null'),
          row(...names.map(() => undefined)),
        ],
      },
    });

    const { rows } = await runner().run('SELECT …', []);

    expect(rows[0]).toEqual({
      c_tinyint: 1,
      c_smallint: -2,
      c_integer: 3,
      c_bigint: 9007199254740991,
      c_double: 2.5,
      c_float: 0.25,
      c_real: 150,
      c_decimal: 12.5,
      c_boolean: true,
      c_varchar: '042',
      c_date: '2026-03-29',
      c_timestamp: '2026-03-29 08:00:00.000',
      c_json: '{"a":1}',
    });
    expect(rows[1]).toMatchObject({ c_double: Number.NaN, c_boolean: false, c_varchar: '', c_json: 'null' });
    expect(Object.values(rows[2] ?? {})).toEqual(names.map(() => null));
  });

  it('sends parameters as escaped literals, and no ExecutionParameters at all when there are none', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves(singlePage([]));
    const r = runner();

    await r.run('SELECT * FROM t WHERE a = ? AND b = ? AND c = ? AND d IS ?', ["l'équipe", 12.5, true, null]);
    await r.run('SELECT 1', []);

    const [withParams, without] = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
    expect(withParams?.ExecutionParameters).toEqual(["'l''équipe'", '12.5', 'true', 'NULL']);
    expect(without).not.toHaveProperty('ExecutionParameters');
  });

  it('retries a throttled StartQueryExecution with backoff, then succeeds', async () => {
    const throttled = () => new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
    athena
      .on(StartQueryExecutionCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves(singlePage(['1']));

    const { rows } = await runner().run('SELECT 1 AS n', []);

    expect(rows).toEqual([{ n: 1 }]);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(3);
    expect(slept).toEqual([100, 200]);
  });

  it('gives up on throttling after maxAttempts starts', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));

    const error = await runner({ maxAttempts: 3 })
      .run('SELECT 1', [])
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AthenaQueryError);
    expect((error as AthenaQueryError).reason).toContain('still throttled after 3 attempts');
    expect((error as AthenaQueryError).cause).toBeInstanceOf(TooManyRequestsException);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(3);
  });

  it('does not retry a refused start, and keeps the SDK error as cause', async () => {
    const refused = new InvalidRequestException({ message: 'line 1:8: mismatched input', $metadata: {} });
    athena.on(StartQueryExecutionCommand).rejects(refused);

    const error = await runner()
      .run('SELEC 1', [])
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ state: 'FAILED', transient: false, queryId: '', cause: refused });
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
  });

  it("throws a clear error with Athena's reason for a non-retryable FAILED query, without retrying", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    const reason = "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved";
    athena
      .on(GetQueryExecutionCommand)
      .resolves(execution('FAILED', { reason, category: 2, retryable: false, bytes: 5 * 2 ** 20 }));
    const logged: string[] = [];
    const r = runner({ log: (entry) => logged.push(`${entry.state} ${entry.costUsd}`) });

    const error = await r.run('SELECT nope FROM t', []).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AthenaQueryError);
    expect(error).toMatchObject({ queryId: 'q-1', state: 'FAILED', reason, transient: false });
    expect((error as Error).message).toBe(`Athena query q-1 FAILED: ${reason}`);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
    // Failed queries are not billed.
    expect(logged).toEqual(['FAILED 0']);
    expect(r.totals).toEqual({ queries: 0, bytesScanned: 0, costUsd: 0 });
  });

  it.each([
    ['a SYSTEM error category', { category: 1, reason: 'INTERNAL_ERROR_QUERY_ENGINE' }],
    ['Retryable: true', { category: 3, retryable: true, reason: 'Query exhausted resources' }],
    ['a throttling reason', { reason: 'TOO_MANY_REQUESTS: Please reduce your request rate.' }],
    [
      'an S3 SlowDown reason',
      { reason: 'HIVE_CURSOR_ERROR: Please reduce your request rate. (Service: Amazon S3; Error Code: SlowDown)' },
    ],
  ])('runs the whole query again after a transient FAILED (%s), then succeeds', async (_name, failure) => {
    athena
      .on(StartQueryExecutionCommand)
      .resolvesOnce({ QueryExecutionId: 'q-1' })
      .resolves({ QueryExecutionId: 'q-2' });
    athena
      .on(GetQueryExecutionCommand, { QueryExecutionId: 'q-1' })
      .resolves(execution('FAILED', failure))
      .on(GetQueryExecutionCommand, { QueryExecutionId: 'q-2' })
      .resolves(execution('SUCCEEDED'));
    athena.on(GetQueryResultsCommand, { QueryExecutionId: 'q-2' }).resolves(singlePage(['5']));

    const { rows, stats } = await runner().run('SELECT 5 AS n', []);

    expect(rows).toEqual([{ n: 5 }]);
    expect(stats.queryId).toBe('q-2');
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(2);
  });

  it('stops retrying a transient failure after maxAttempts', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('FAILED', { category: 1, reason: 'INTERNAL_ERROR' }));

    const error = await runner({ maxAttempts: 2 })
      .run('SELECT 1', [])
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ state: 'FAILED', transient: true, reason: 'INTERNAL_ERROR' });
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(2);
  });

  it('does not retry a CANCELLED query', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolves(execution('CANCELLED', { reason: 'Query cancelled: bytes scanned limit was exceeded' }));

    const error = await runner()
      .run('SELECT 1', [])
      .catch((e: unknown) => e);

    expect(error).toMatchObject({
      state: 'CANCELLED',
      transient: false,
      reason: 'Query cancelled: bytes scanned limit was exceeded',
    });
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
    expect(athena.commandCalls(StopQueryExecutionCommand)).toHaveLength(0);
  });

  it('stops a query that outlives the timeout and throws TIMEOUT', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('RUNNING'));
    athena.on(StopQueryExecutionCommand).resolves({});

    const error = await runner({ timeoutMs: 1000 })
      .run('SELECT slow()', [])
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AthenaQueryError);
    expect(error).toMatchObject({ queryId: 'q-1', state: 'TIMEOUT', transient: false });
    // 100 + 200 + 400 = 700 ms slept; the next 800 ms pause would pass 1000 ms.
    expect(slept).toEqual([100, 200, 400]);
    expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: 'q-1' },
    ]);
  });

  it('stops the query when the caller aborts, and throws CANCELLED', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('RUNNING'));
    athena.on(StopQueryExecutionCommand).resolves({});
    const controller = new AbortController();
    const r = runner({
      sleep: async (ms) => {
        slept.push(ms);
        if (slept.length === 2) controller.abort(new Error('shutting down'));
      },
    });

    const error = await r.run('SELECT slow()', [], controller.signal).catch((e: unknown) => e);

    expect(error).toMatchObject({ queryId: 'q-1', state: 'CANCELLED', transient: false });
    expect((error as Error).cause).toEqual(new Error('shutting down'));
    expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: 'q-1' },
    ]);
  });

  it('interrupts a real sleep when the caller aborts', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(execution('RUNNING'));
    athena.on(StopQueryExecutionCommand).resolves({});
    const controller = new AbortController();
    const r = new AthenaRunner({ client, workgroup: 'w', database: 'd', poll: { initialMs: 60_000, maxMs: 60_000 } });

    const pending = r.run('SELECT slow()', [], controller.signal).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 20);
    const error = await pending;

    expect(error).toMatchObject({ state: 'CANCELLED' });
    expect(athena.commandCalls(StopQueryExecutionCommand)).toHaveLength(1);
  });

  it('accumulates totals over several queries', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(execution('SUCCEEDED', { bytes: 1000 }))
      .resolves(execution('SUCCEEDED', { bytes: 3 * 2 ** 30 }));
    athena.on(GetQueryResultsCommand).resolves(singlePage(['1']));
    const r = runner();

    await r.run('SELECT 1 AS n', []);
    await r.run('SELECT 1 AS n', []);

    // 10 MB minimum + 3072 MB = 3082 MB × 5 / 1,048,576
    expect(r.totals.queries).toBe(2);
    expect(r.totals.bytesScanned).toBe(1000 + 3 * 2 ** 30);
    expect(r.totals.costUsd).toBeCloseTo(0.01469612121582031, 15);
  });
});
