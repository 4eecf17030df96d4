/**
 * A day's facts read through a QueryEngine, this checkout's `readPeriodFacts` against another checkout's:
 * `tsx bench/experiments/read-facts-ab.ts <exports root> <date> <base checkout> [reps]` stages the
 * nightly partitions of `date` once with this checkout's DuckDB engine and keeps the rows of the day's
 * facts queries, then maps those same rows to facts alternately with both `readPeriodFacts` (the SQL is
 * not run again: only the mapping is timed), prints the times and checks both gave the same facts.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { configFrom } from '../../functions/adapters/config-file.js';
import { DuckDbQueryEngine } from '../../functions/adapters/duckdb.js';
import { dayPeriod, trailingPeriods, utcDatesBetween } from '../../functions/engine/periods.js';
import { factsOptions } from '../../functions/pipeline/nightly.js';
import type { QueryEngine, Row } from '../../functions/pipeline/ports.js';
import { factsQueries, readPeriodFacts } from '../../functions/pipeline/read-facts.js';

const [root, date, base, repsText] = process.argv.slice(2);
if (!root || !date || !base) {
  throw new Error('usage: tsx bench/experiments/read-facts-ab.ts <exports root> <date> <base checkout> [reps]');
}
const reps = Number(repsText ?? 5);
const baseRead = (
  (await import(pathToFileURL(resolve(base, 'functions/pipeline/read-facts.ts')).href)) as {
    readPeriodFacts: typeof readPeriodFacts;
  }
).readPeriodFacts;
const config = configFrom(undefined);
const period = dayPeriod(date, config.timezone);
const partitions = [
  ...new Set(trailingPeriods(period, config.lookback_days + 1).flatMap((d) => utcDatesBetween(d.start, d.end))),
].sort();
const engine = await DuckDbQueryEngine.open({ exportsRoot: root });
await engine.stageExports({ partitions, now: Math.floor(Date.parse(`${date}T05:00:00Z`) / 1000) + 86400 });
// The rows of each facts query, kept: both mappings read the same row objects.
const kept = new Map<string, Row[]>();
for (const text of factsQueries(period, factsOptions(config))) {
  kept.set(JSON.stringify(text), await engine.query(text.sql, text.params));
}
await engine.close();
const replay: QueryEngine = {
  stageExports: () => Promise.reject(new Error('not staged here')),
  query: async (sql, params) => kept.get(JSON.stringify({ sql, params })) ?? [],
  close: async () => undefined,
};
const variants = { base: baseRead, this: readPeriodFacts };
const times: Record<keyof typeof variants, number[]> = { base: [], this: [] };
let same = true;
for (let rep = 0; rep < reps; rep++) {
  const order = rep % 2 === 0 ? (['base', 'this'] as const) : (['this', 'base'] as const);
  const got: Partial<Record<keyof typeof variants, unknown>> = {};
  for (const name of order) {
    const t0 = performance.now();
    got[name] = await variants[name](replay, period, factsOptions(config));
    times[name].push(performance.now() - t0);
  }
  // Facts rows come in the order DuckDB returns them, which varies run to run: compare them sorted.
  const sorted = (x: unknown) =>
    JSON.stringify(x, (_k, v) =>
      Array.isArray(v) ? [...v].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) : v,
    );
  same &&= isDeepStrictEqual(sorted(got.base), sorted(got.this));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
process.stdout.write(
  `readPeriodFacts ${date}: base ${times.base.map((x) => x.toFixed(0)).join(' ')} ms, this ${times.this.map((x) => x.toFixed(0)).join(' ')} ms; medians ${median(times.base).toFixed(0)} -> ${median(times.this).toFixed(0)} ms; same facts: ${same}\n`,
);
