/**
 * Staging before and after a change, in one process: `tsx bench/experiments/staging-ab.ts <exports root>
 * <date> <base checkout> [reps]` stages the nightly partitions of `date` (its local day and the 3-day
 * look-back) with this checkout's `DuckDbQueryEngine` and with the one of `<base checkout>` (another
 * worktree, e.g. `git worktree add --detach /tmp/wt-base fce7691`), alternating which goes first, and
 * prints each one's seconds, medians and their ratio. It then checks both gave the same result: the same
 * StageResult (rejects with file, line, reason and raw, counts, duplicates) and the same rows in every
 * staged table (compared with EXCEPT ALL both ways, through Parquet copies).
 */
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { DuckDbQueryEngine } from '../../functions/adapters/duckdb.js';
import { dayPeriod, trailingPeriods, utcDatesBetween } from '../../functions/engine/periods.js';
import type { StageResult } from '../../functions/pipeline/ports.js';
import { EXPORT_KINDS } from '../../functions/sql/exports-schema.js';

type Engine = Pick<DuckDbQueryEngine, 'stageExports' | 'query' | 'close'>;
type Open = (options: { exportsRoot: string }) => Promise<Engine>;

const [root, date, base, repsText] = process.argv.slice(2);
if (!root || !date || !base) {
  throw new Error('usage: tsx bench/experiments/staging-ab.ts <exports root> <date> <base checkout> [reps]');
}
const reps = Number(repsText ?? 3);
const baseModule = (await import(pathToFileURL(resolve(base, 'functions/adapters/duckdb.ts')).href)) as {
  DuckDbQueryEngine: { open: Open };
};
const variants: Record<'base' | 'this', Open> = {
  base: (o) => baseModule.DuckDbQueryEngine.open(o),
  this: (o) => DuckDbQueryEngine.open(o),
};
const partitions = [
  ...new Set(trailingPeriods(dayPeriod(date, 'Europe/Paris'), 4).flatMap((d) => utcDatesBetween(d.start, d.end))),
].sort();
const now = Math.floor(Date.parse(`${date}T05:00:00Z`) / 1000) + 86400;
const scratch = '/tmp/staging-ab';
await rm(scratch, { recursive: true, force: true });

const times: Record<string, number[]> = { base: [], this: [] };
const results: Record<string, StageResult> = {};
for (let rep = 0; rep < reps; rep++) {
  const order = rep % 2 === 0 ? (['base', 'this'] as const) : (['this', 'base'] as const);
  for (const name of order) {
    const engine = await variants[name]({ exportsRoot: root });
    const t0 = performance.now();
    const result = await engine.stageExports({ partitions, now });
    const ms = performance.now() - t0;
    times[name]?.push(ms);
    const rss = Math.round(process.memoryUsage().rss / 1e6);
    process.stdout.write(`rep ${rep + 1} ${name.padEnd(4)} ${(ms / 1000).toFixed(2)} s (rss now ${rss} MB)\n`);
    if (rep === 0) {
      results[name] = result;
      const dir = join(scratch, name);
      await mkdir(dir, { recursive: true });
      for (const kind of EXPORT_KINDS) await engine.query(`COPY ${kind} TO '${join(dir, `${kind}.parquet`)}'`, []);
    }
    await engine.close();
  }
}
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const [b, t] = [median(times.base ?? []), median(times.this ?? [])];
process.stdout.write(
  `median base ${(b / 1000).toFixed(2)} s, this ${(t / 1000).toFixed(2)} s, this/base ${(t / b).toFixed(3)}\n`,
);

const same = isDeepStrictEqual(results.base, results.this);
process.stdout.write(`StageResult identical: ${same} (${results.this?.rejects.length} rejects)\n`);
if (!same) {
  for (const key of ['files', 'recordsByPartition', 'duplicatesByPartition', 'rejects'] as const) {
    if (!isDeepStrictEqual(results.base?.[key], results.this?.[key])) process.stdout.write(`  differs: ${key}\n`);
  }
}
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
let differing = 0;
for (const kind of EXPORT_KINDS) {
  const [x, y] = ['base', 'this'].map((n) => `read_parquet('${join(scratch, n, `${kind}.parquet`)}')`);
  const reader = await db.runAndReadAll(
    `SELECT (SELECT count(*) FROM (SELECT * FROM ${x} EXCEPT ALL SELECT * FROM ${y})) + (SELECT count(*) FROM (SELECT * FROM ${y} EXCEPT ALL SELECT * FROM ${x})) AS d, (SELECT count(*) FROM ${y}) AS n`,
  );
  const [d, n] = reader.getRowsJS()[0] ?? [];
  differing += Number(d);
  process.stdout.write(`  ${kind.padEnd(10)} ${String(n).padStart(9)} rows, ${d} differ\n`);
}
process.stdout.write(`staged rows identical: ${differing === 0}\n`);
db.closeSync();
instance.closeSync();
