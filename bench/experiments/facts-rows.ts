/**
 * What turning DuckDB results into JS rows costs: `tsx bench/experiments/facts-rows.ts <exports root> <date> [reps]`
 * stages the nightly partitions of `date`, keeps the day's two large facts results (buckets, breakdowns) in
 * temp tables, then reads each back alternately with the conversion the engine used before (`getColumnsJS`,
 * then one object per row filled key by key) and with `DuckDbQueryEngine.query` now (vector items read
 * column by column into copies of one row template), checks both give the same rows, and prints the times.
 */
import { isDeepStrictEqual } from 'node:util';
import type { DuckDBConnection } from '@duckdb/node-api';
import { configFrom } from '../../functions/adapters/config-file.js';
import { DuckDbQueryEngine } from '../../functions/adapters/duckdb.js';
import { dayPeriod, trailingPeriods, utcDatesBetween } from '../../functions/engine/periods.js';
import { factsOptions } from '../../functions/pipeline/nightly.js';
import type { Row } from '../../functions/pipeline/ports.js';
import { factsQueries } from '../../functions/pipeline/read-facts.js';

const [root, date, repsText] = process.argv.slice(2);
if (!root || !date) throw new Error('usage: tsx bench/experiments/facts-rows.ts <exports root> <date> [reps]');
const reps = Number(repsText ?? 4);

/** The engine's conversion before: getColumnsJS, bigints made numbers, one object per row built key by key. */
async function columnsJsRows(connection: DuckDBConnection, sql: string): Promise<Row[]> {
  const reader = await connection.runAndReadAll(sql);
  const names = reader.columnNames();
  const columns = reader.getColumnsJS();
  const count = columns[0]?.length ?? 0;
  const out = new Array<Row>(count);
  for (let r = 0; r < count; r++) {
    const plain: Record<string, string | number | boolean | null> = {};
    for (let c = 0; c < names.length; c++) {
      const v = columns[c]?.[r];
      plain[names[c] as string] =
        v === null || v === undefined
          ? null
          : typeof v === 'bigint'
            ? Number(v)
            : typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean'
              ? v
              : String(v);
    }
    out[r] = plain;
  }
  return out;
}

const config = configFrom(undefined);
const period = dayPeriod(date, config.timezone);
const days = trailingPeriods(period, config.lookback_days + 1);
const partitions = [...new Set(days.flatMap((d) => utcDatesBetween(d.start, d.end)))].sort();
const engine = await DuckDbQueryEngine.open({ exportsRoot: root });
await engine.stageExports({ partitions, now: Math.floor(Date.parse(`${date}T05:00:00Z`) / 1000) + 86400 });
// Runtime access to the engine's connection, for the old conversion only.
const connection = (engine as unknown as { connection: DuckDBConnection }).connection;
const [buckets, breakdowns] = factsQueries(period, factsOptions(config));
for (const [label, text] of [
  ['buckets', buckets],
  ['breakdowns', breakdowns],
] as const) {
  if (!text) continue;
  await connection.run(`CREATE OR REPLACE TEMP TABLE result_rows AS ${text.sql}`, text.params as never);
  const times: Record<'getColumnsJS' | 'query', number[]> = { getColumnsJS: [], query: [] };
  let same = true;
  let count = 0;
  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 === 0 ? (['getColumnsJS', 'query'] as const) : (['query', 'getColumnsJS'] as const);
    const got: Partial<Record<'getColumnsJS' | 'query', Row[]>> = {};
    for (const name of order) {
      const t0 = performance.now();
      got[name] =
        name === 'query'
          ? await engine.query('SELECT * FROM result_rows', [])
          : await columnsJsRows(connection, 'SELECT * FROM result_rows');
      times[name].push(performance.now() - t0);
    }
    same &&= isDeepStrictEqual(got.getColumnsJS, got.query);
    count = got.query?.length ?? 0;
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  process.stdout.write(
    `${label}: ${count} rows; getColumnsJS ${times.getColumnsJS.map((x) => x.toFixed(0)).join(' ')} ms, query ${times.query.map((x) => x.toFixed(0)).join(' ')} ms; medians ${median(times.getColumnsJS).toFixed(0)} -> ${median(times.query).toFixed(0)} ms; same rows: ${same}\n`,
  );
}
await engine.close();
