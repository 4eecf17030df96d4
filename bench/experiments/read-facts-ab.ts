/**
 * A day's facts read through a QueryEngine and filed, this checkout's code against another checkout's:
 * `tsx bench/experiments/read-facts-ab.ts <exports root> <date> <base checkout> [reps]` stages the
 * nightly partitions of `date` once with this checkout's DuckDB engine and keeps the rows of the day's
 * facts queries, then maps those same rows to facts alternately with both `readPeriodFacts` (the SQL is
 * not run again: only the mapping is timed), prints the times and checks both gave the same facts. Then
 * files those facts (`saveDayFacts`: the day file and its folded file, into memory) alternately with
 * both checkouts' facts store, prints the times and checks both wrote the same bytes.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { configFrom } from '../../functions/adapters/config-file.js';
import { DuckDbQueryEngine } from '../../functions/adapters/duckdb.js';
import { dayPeriod, trailingPeriods, utcDatesBetween } from '../../functions/engine/periods.js';
import {
  FACTS_FORMAT,
  foldedDay,
  hoursFingerprint,
  type StoredDayFacts,
  saveDayFacts,
} from '../../functions/pipeline/facts-store.js';
import { factsOptions } from '../../functions/pipeline/nightly.js';
import type { ObjectStore, QueryEngine, Row } from '../../functions/pipeline/ports.js';
import { factsQueries, readPeriodFacts } from '../../functions/pipeline/read-facts.js';

const [root, date, base, repsText] = process.argv.slice(2);
if (!root || !date || !base) {
  throw new Error('usage: tsx bench/experiments/read-facts-ab.ts <exports root> <date> <base checkout> [reps]');
}
const reps = Number(repsText ?? 5);
const baseStore = (await import(pathToFileURL(resolve(base, 'functions/pipeline/facts-store.ts')).href)) as {
  saveDayFacts: typeof saveDayFacts;
};
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

// Filing the same day with both facts stores.
const facts = await readPeriodFacts(replay, period, factsOptions(config));
const day: StoredDayFacts = {
  format: FACTS_FORMAT,
  date,
  timezone: period.timezone,
  fingerprint: 'f',
  sources: 's',
  inputs: {},
  facts,
};
const folded = { hours: hoursFingerprint(config), facts: foldedDay(day, config).facts };
const saves = { base: baseStore.saveDayFacts, this: saveDayFacts };
const saveTimes: Record<keyof typeof saves, number[]> = { base: [], this: [] };
const written: Partial<Record<keyof typeof saves, Map<string, Uint8Array>>> = {};
for (let rep = 0; rep < reps; rep++) {
  const order = rep % 2 === 0 ? (['base', 'this'] as const) : (['this', 'base'] as const);
  for (const name of order) {
    const files = new Map<string, Uint8Array>();
    const memory: ObjectStore = {
      put: async (key, body) => void files.set(key, typeof body === 'string' ? Buffer.from(body) : body),
      putIfAbsent: async () => false,
      get: async (key) => files.get(key) ?? null,
      list: async () => [...files.keys()],
      locate: (key) => key,
    };
    const t0 = performance.now();
    await saves[name](memory, day, folded);
    saveTimes[name].push(performance.now() - t0);
    written[name] = files;
  }
}
const sameBytes = [...(written.base ?? new Map()).entries()].every(([k, v]) =>
  Buffer.from(v).equals(Buffer.from(written.this?.get(k) ?? new Uint8Array())),
);
process.stdout.write(
  `saveDayFacts ${date}: base ${saveTimes.base.map((x) => x.toFixed(0)).join(' ')} ms, this ${saveTimes.this.map((x) => x.toFixed(0)).join(' ')} ms; medians ${median(saveTimes.base).toFixed(0)} -> ${median(saveTimes.this).toFixed(0)} ms; same bytes: ${sameBytes} (${written.this?.size} files)\n`,
);
