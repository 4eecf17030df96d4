/**
 * The time budget on a fake clock: the Lambda's deadline and the runner's sleeps move the same clock, so
 * when a query is refused or stopped is exact, whatever the machine's load.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  GetQueryResultsCommand,
  type QueryExecutionState,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AthenaQueryError, AthenaRunner } from '../../functions/adapters/athena-runner.js';
import { TimeBudget, TimeBudgetError } from '../../functions/pipeline/time-budget.js';

/** A clock in milliseconds and a Lambda invocation that ends at `endMs` on it. */
function fakeInvocation(endMs: number) {
  const clock = { now: 0 };
  return {
    clock,
    deadline: { remainingMs: () => endMs - clock.now },
    sleep: async (ms: number) => {
      clock.now += ms;
    },
  };
}

describe('TimeBudget', () => {
  it('lets a query start while the time left, less the finish time, holds the expected query', () => {
    const { clock, deadline } = fakeInvocation(600_000);
    const budget = new TimeBudget(deadline, { finishMs: 60_000, minQueryMs: 20_000 });

    // 600 s left − 60 s kept = 540 s of runway.
    expect(budget.runwayMs()).toBe(540_000);
    expect(budget.beforeQuery()).toBe(540_000);

    // 79 s left: 19 s of runway is less than the 20 s a query is expected to take.
    clock.now = 521_000;
    expect(() => budget.beforeQuery()).toThrow(TimeBudgetError);
    expect(() => budget.beforeQuery()).toThrow(
      'time budget: 79 s left, 60 s kept to finish, and a query takes up to 20 s: no new Athena query started; the retry resumes from the days already filed',
    );
    // 80 s left: exactly 20 s of runway is enough.
    clock.now = 520_000;
    expect(budget.beforeQuery()).toBe(20_000);
  });

  it('expects the next query to take as long as the longest one so far', () => {
    const { clock, deadline } = fakeInvocation(600_000);
    const budget = new TimeBudget(deadline, { finishMs: 60_000, minQueryMs: 20_000 });

    const started = budget.beforeQuery();
    clock.now += 90_000;
    budget.queryEnded(started);
    const quick = budget.beforeQuery();
    clock.now += 5_000;
    budget.queryEnded(quick);

    expect(budget.expectedQueryMs()).toBe(90_000);
    // 140 s left: 80 s of runway would do for a 20 s query, not for one like the 90 s one.
    clock.now = 460_000;
    expect(() => budget.beforeQuery()).toThrow(/a query takes up to 90 s/);
  });

  it('defaults to a minute kept to finish and 20 s per query', () => {
    const budget = new TimeBudget({ remainingMs: () => 80_000 });

    expect(budget.runwayMs()).toBe(20_000);
    expect(budget.beforeQuery()).toBe(20_000);
    expect(new TimeBudget({ remainingMs: () => 79_999 }).runwayMs()).toBe(19_999);
    expect(() => new TimeBudget({ remainingMs: () => 79_999 }).beforeQuery()).toThrow(TimeBudgetError);
  });
});

const athena = mockClient(AthenaClient);
const client = new AthenaClient({ region: 'eu-west-3' });

function execution(state: QueryExecutionState, id = 'q-1'): GetQueryExecutionCommandOutput {
  return {
    $metadata: {},
    QueryExecution: {
      QueryExecutionId: id,
      StatementType: 'DML',
      SubstatementType: 'SELECT',
      Status: { State: state },
      Statistics: { DataScannedInBytes: 0 },
    },
  };
}

const emptyResult = {
  ResultSet: {
    Rows: [{ Data: [{ VarCharValue: 'n' }] }],
    ResultSetMetadata: { ColumnInfo: [{ Name: 'n', Type: 'integer' }] },
  },
};

beforeEach(() => {
  athena.reset();
});

/** A runner on the invocation's fake clock, keeping 60 s to finish and expecting 20 s per query at first. */
function budgeted(lambda: ReturnType<typeof fakeInvocation>, poll?: { initialMs: number; maxMs: number }) {
  return new AthenaRunner({
    client,
    workgroup: 'vigie',
    database: 'vigie',
    ...(poll === undefined ? {} : { poll }),
    sleep: lambda.sleep,
    budget: new TimeBudget(lambda.deadline, { finishMs: 60_000, minQueryMs: 20_000 }),
  });
}

describe('AthenaRunner with a time budget', () => {
  it('stops the running query when the finish time comes, not a poll later, and fails with TimeBudgetError', async () => {
    // A query that never ends; 200 s left, 60 s kept: the query may run 140 s.
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-long' });
    athena.on(GetQueryExecutionCommand).resolves(execution('RUNNING', 'q-long'));
    athena.on(StopQueryExecutionCommand).resolves({});
    const lambda = fakeInvocation(200_000);
    const runner = budgeted(lambda, { initialMs: 1_000, maxMs: 30_000 });

    const run = runner.run('SELECT count(*) AS n FROM contacts', []);

    await expect(run).rejects.toThrow(TimeBudgetError);
    await expect(run).rejects.toThrow(/Athena query q-long stopped; the retry resumes/);
    expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: 'q-long' },
    ]);
    // Stopped at 140 s exactly: the last wait was cut to the runway instead of a 30 s backoff step.
    expect(lambda.clock.now).toBe(140_000);
    // Nothing is left running, and nothing new starts.
    expect(await runner.stopAll('the run has ended')).toEqual([]);
  });

  it('starts no query when the time left cannot hold one, and sends nothing to Athena', async () => {
    const runner = budgeted(fakeInvocation(75_000));

    await expect(runner.run('SELECT 1', [])).rejects.toThrow(/no new Athena query started/);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toEqual([]);
  });

  it('refuses the next query once the last one shows queries take longer than the time left', async () => {
    // Each query runs 40 s on the fake clock (polls at 10 s steps).
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    const polls = athena.on(GetQueryExecutionCommand);
    for (let i = 0; i < 4; i += 1) polls.resolvesOnce(execution('RUNNING'));
    polls.resolves(execution('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves(emptyResult);
    // 130 s left, 60 s kept: 70 s of runway for the first query; 30 s after it, less than its 40 s.
    const lambda = fakeInvocation(130_000);
    const runner = budgeted(lambda, { initialMs: 10_000, maxMs: 10_000 });

    await runner.run('SELECT 1 AS n', []);
    expect(lambda.clock.now).toBe(40_000);

    await expect(runner.run('SELECT 2 AS n', [])).rejects.toThrow(/a query takes up to 40 s/);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
  });
});

describe('AthenaRunner.stopAll', () => {
  it('stops every query still running and refuses new ones', async () => {
    let started = 0;
    athena.on(StartQueryExecutionCommand).callsFake(async () => ({ QueryExecutionId: `q-${++started}` }));
    athena.on(GetQueryExecutionCommand).callsFake(async (input: { QueryExecutionId: string }) => {
      const stopped = athena
        .commandCalls(StopQueryExecutionCommand)
        .some((c) => c.args[0].input.QueryExecutionId === input.QueryExecutionId);
      return execution(stopped ? 'CANCELLED' : 'RUNNING', input.QueryExecutionId);
    });
    athena.on(StopQueryExecutionCommand).resolves({});
    // Real (short) sleeps: the two runs poll while the test calls stopAll.
    const runner = new AthenaRunner({
      client,
      workgroup: 'vigie',
      database: 'vigie',
      poll: { initialMs: 5, maxMs: 5 },
    });

    const runs = [runner.run('SELECT 1', []), runner.run('SELECT 2', [])].map((r) => r.catch((e: unknown) => e));
    while (athena.commandCalls(GetQueryExecutionCommand).length < 2) await new Promise((r) => setTimeout(r, 5));
    const stopped = await runner.stopAll('the run has ended');

    expect(stopped.sort()).toEqual(['q-1', 'q-2']);
    for (const error of await Promise.all(runs))
      expect(error).toMatchObject({ name: 'AthenaQueryError', state: 'CANCELLED' });
    await expect(runner.run('SELECT 3', [])).rejects.toThrow(AthenaQueryError);
    await expect(runner.run('SELECT 3', [])).rejects.toThrow('the run has ended');
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(2);
  });
});
