/**
 * The Athena stand-in refuses what Athena refuses, with Athena's words, and reads as Athena reads: one
 * test per rule (local-aws/athena-standin.ts lists them), each with a query that breaks it. The
 * expectations come from AWS's documentation (docs/aws.md cites each page), not from the stand-in.
 */

import { gzipSync } from 'node:zlib';
import { AthenaClient } from '@aws-sdk/client-athena';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaQueryError, AthenaRunner } from '../../functions/adapters/athena-runner.js';
import { QUERY_STRING_MAX_BYTES } from '../../local-aws/athena-rules.js';
import { ARCHIVE_BUCKET, EXPORTS_BUCKET, type LocalAws, startLocalAws } from '../../local-aws/aws-local.js';
import { stackCatalog } from '../../local-aws/glue-catalog.js';

const CUTOFF = 1000;

let aws: LocalAws;
let runner: AthenaRunner;
let s3: S3Client;

beforeAll(async () => {
  aws = await startLocalAws({ bytesScannedCutoffPerQuery: CUTOFF });
  s3 = aws.admin;
  runner = new AthenaRunner({
    client: new AthenaClient({
      endpoint: aws.endpoints.athena,
      region: 'eu-west-3',
      credentials: { accessKeyId: 'LOCAL', secretAccessKey: 'LOCAL' },
      maxAttempts: 1,
    }),
    workgroup: 'vigie',
    database: 'vigie',
    poll: { initialMs: 5, maxMs: 50 },
    maxAttempts: 1,
  });
}, 120_000);

afterAll(async () => {
  await aws?.stop();
});

const put = async (key: string, body: string | Buffer, bucket = EXPORTS_BUCKET): Promise<string> => {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return `s3://${bucket}/${key}`;
};

const failure = async (sql: string, params: (string | number)[] = []): Promise<AthenaQueryError> => {
  const error = await runner.run(sql, params).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AthenaQueryError);
  return error as AthenaQueryError;
};

describe('what Athena refuses before reading', () => {
  it('takes a ? parameter in WHERE only ("Use parameterized queries")', async () => {
    const { rows } = await runner.run('SELECT x FROM (VALUES (1), (2)) AS t (x) WHERE x > ?', [1]);
    expect(rows).toEqual([{ x: 2 }]);

    for (const sql of [
      'SELECT ? AS x',
      'SELECT x FROM (VALUES (?)) AS t (x)',
      'SELECT sum(CASE WHEN x < ? THEN 1 ELSE 0 END) AS n FROM (VALUES (1)) AS t (x)',
      'SELECT x FROM (VALUES (1)) AS t (x) GROUP BY x HAVING max(x) = ?',
    ]) {
      const error = await failure(sql, [1]);
      expect(error.state).toBe('FAILED');
      expect(error.reason).toMatch(/\? parameters can be placed only in the WHERE clause/);
    }
  });

  it(`refuses a QueryString over ${QUERY_STRING_MAX_BYTES} bytes at StartQueryExecution`, async () => {
    const long = `SELECT 1 AS x -- ${'é'.repeat(QUERY_STRING_MAX_BYTES / 2)}`;
    // Under the cap in characters, over it in bytes: the quota is in bytes.
    expect(long.length).toBeLessThan(QUERY_STRING_MAX_BYTES);

    const error = await failure(long);

    expect(error.queryId).toBe('');
    expect(error.reason).toMatch(
      /InvalidRequestException: .*'queryString' failed to satisfy constraint: Member must have length less than or equal to 262144/,
    );
  });

  it("refuses what Trino's grammar refuses, and an UNLOAD that is not of the documented form", async () => {
    expect((await failure('SELEC 1')).reason).toMatch(/^SYNTAX_ERROR: line 1:1/);
    expect((await failure("UNLOAD SELECT 1 TO 's3://acme-archive/x/'")).reason).toMatch(/UNLOAD: the SELECT must be/);
    expect(
      (await failure("UNLOAD (SELECT 1 AS x) TO 's3://acme-archive/x/' WITH (format = 'PARQUET', size = 3)")).reason,
    ).toMatch(/unknown property size/);
  });
});

describe('what Athena reads, and bills', () => {
  it('cancels a query that scans more than the workgroup cutoff, "Bytes scanned limit was exceeded"', async () => {
    const small = await put('agent_days/dt=2026-03-01/small.ndjson', '{"a":1}\n');
    const big = await put('agent_days/dt=2026-03-02/big.ndjson', `${'{"a":1}\n'.repeat(200)}`);

    const { rows } = await runner.run(
      `SELECT count(*) AS n FROM agent_days_lines WHERE dt = '2026-03-01' AND "$path" IN ('${small}')`,
      [],
    );
    expect(rows).toEqual([{ n: 1 }]);
    const error = await failure(
      `SELECT count(*) AS n FROM agent_days_lines WHERE dt = '2026-03-02' AND "$path" IN ('${big}')`,
    );
    expect(error.state).toBe('CANCELLED');
    expect(error.reason).toBe('Bytes scanned limit was exceeded');
  });

  it('fails a query that reads a truncated gzip (HIVE_CURSOR_ERROR), not one that names only sound files', async () => {
    const sound = await put('surveys/dt=2026-03-01/a.ndjson.gz', gzipSync('{"id":"s1"}\n'));
    const whole = gzipSync(`${'{"id":"s2"}\n'.repeat(50)}`);
    const cut = await put('surveys/dt=2026-03-01/b.ndjson.gz', whole.subarray(0, whole.length - 12));
    const read = (paths: string[]) =>
      `SELECT line FROM surveys_lines WHERE dt = '2026-03-01' AND "$path" IN (${paths.map((p) => `'${p}'`).join(', ')})`;

    expect((await runner.run(read([sound]), [])).rows).toEqual([{ line: '{"id":"s1"}' }]);
    const error = await failure(read([sound, cut]));
    expect(error.state).toBe('FAILED');
    expect(error.reason).toMatch(/^HIVE_CURSOR_ERROR: Unexpected end of input stream/);
  });

  it('fails a query naming a file that is gone (HIVE_FILE_NOT_FOUND)', async () => {
    const gone = await put('surveys/dt=2026-03-03/gone.ndjson', '{"id":"s1"}\n');
    await s3.send(new DeleteObjectCommand({ Bucket: EXPORTS_BUCKET, Key: 'surveys/dt=2026-03-03/gone.ndjson' }));

    const error = await failure(`SELECT line FROM surveys_lines WHERE dt = '2026-03-03' AND "$path" IN ('${gone}')`);

    expect(error.reason).toMatch(/^HIVE_FILE_NOT_FOUND: .*gone\.ndjson/);
  });

  it('bills each reference to a common table expression as a scan of its own', async () => {
    const file = await put('orders/dt=2026-03-04/a.ndjson', '{"id":"o1"}\n{"id":"o2"}\n');
    const size = 24;
    const cte = `WITH o AS (SELECT line FROM orders_lines WHERE dt = '2026-03-04' AND "$path" IN ('${file}'))`;

    const once = await runner.run(`${cte} SELECT count(*) AS n FROM o`, []);
    const twice = await runner.run(`${cte} SELECT count(*) AS n FROM o a JOIN o b ON a.line = b.line`, []);

    expect(once.stats.bytesScanned).toBe(size);
    expect(twice.rows).toEqual([{ n: 2 }]);
    expect(twice.stats.bytesScanned).toBe(2 * size);
  });

  it('projects partitions exactly as the stack declares them: from 2000-01-01 to tomorrow', async () => {
    const range = stackCatalog().tables.find((t) => t.name === 'costs_lines')?.parameters['projection.dt.range'];
    expect(range).toBe('2000-01-01,NOW+1DAYS');
    await put('costs/dt=1999-12-31/a.ndjson', '{"id":"before"}\n');
    await put('costs/dt=2000-01-01/a.ndjson', '{"id":"first"}\n');
    await put('costs/dt=2999-01-01/a.ndjson', '{"id":"future"}\n');
    await put('costs/dt=2000-1-2/a.ndjson', '{"id":"not a date"}\n');

    const { rows } = await runner.run(
      "SELECT dt, line FROM costs_lines WHERE dt < '2026-01-01' OR dt > '2998-01-01' ORDER BY dt",
      [],
    );

    expect(rows).toEqual([{ dt: '2000-01-01', line: '{"id":"first"}' }]);
  });

  it('reads CSV as OpenCSVSerDe does: backslash escapes, one row per physical line, strings only', async () => {
    const file = await put(
      'tickets/dt=2026-03-05/a.csv',
      ['id,team,note', 't1,C:\\temp,"say ""hi"""', 't2,,"two', 'lines",x', '', 't3,007,1e3'].join('\n'),
    );

    const { rows } = await runner.run(
      `SELECT c01, c02, c03, c04 FROM tickets_csv WHERE dt = '2026-03-05' AND "$path" IN ('${file}')`,
      [],
    );

    expect(rows).toEqual([
      // The backslash is OpenCSVSerDe's escape: dropped.
      { c01: 't1', c02: 'C:temp', c03: 'say "hi"', c04: null },
      // A quoted cell spanning lines: its first line loses the open cell; its second line is a row of its
      // own, where the closing quote opens a cell that never closes (opencsv drops it): a row of NULLs.
      { c01: 't2', c02: '', c03: null, c04: null },
      { c01: null, c02: null, c03: null, c04: null },
      // An empty line: a row of NULLs.
      { c01: null, c02: null, c03: null, c04: null },
      // Every column a string, as written.
      { c01: 't3', c02: '007', c03: '1e3', c04: null },
    ]);
  });

  it('keeps milliseconds of an ISO-8601 timestamp, not microseconds (timestamp(3))', async () => {
    const { rows } = await runner.run(
      "SELECT to_unixtime(from_iso8601_timestamp('2026-03-29T08:00:00.123999Z')) AS t",
      [],
    );
    expect(rows).toEqual([{ t: 1774771200.123 }]);
  });

  it("canonicalises numbers in json_parse, as Trino's JSON does", async () => {
    const { rows } = await runner.run(
      `SELECT json_format(json_parse('{"id":1e3,"n":1.50,"k":7}')) AS j, json_extract_scalar(json_parse('{"id":1e3}'), '$.id') AS id`,
      [],
    );
    expect(rows).toEqual([{ j: '{"id":1000.0,"n":1.5,"k":7}', id: '1000.0' }]);
  });

  it('reads a state snapshot by its injected partition only', async () => {
    const error = await failure('SELECT count(*) AS n FROM tickets_state');
    expect(error.reason).toMatch(/CONSTRAINT_VIOLATION: For the injected projected partition column snapshot/);
    const { rows } = await runner.run("SELECT count(*) AS n FROM tickets_state WHERE snapshot = 'none'", []);
    expect(rows).toEqual([{ n: 0 }]);
    expect(ARCHIVE_BUCKET).toBe('acme-archive');
  });
});
