/**
 * The bucket facts query of this checkout against another's, on the same staged day:
 * `tsx bench/experiments/bucket-sums-ab.ts <exports root> <date> <base checkout>` stages the nightly
 * partitions of `date` once, then runs both checkouts' bucketFactsSql for the day through the engine
 * (query and rows), alternating, 5 reps; prints the times and checks both gave the same rows.
 */

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { configFrom } from '../../functions/adapters/config-file.js';
import { DuckDbQueryEngine } from '../../functions/adapters/duckdb.js';
import { dayPeriod, trailingPeriods, utcDatesBetween } from '../../functions/engine/periods.js';
import { factsOptions } from '../../functions/pipeline/nightly.js';
import type { Row } from '../../functions/pipeline/ports.js';
import { factsQueries } from '../../functions/pipeline/read-facts.js';

const [root, date, base] = process.argv.slice(2);
if (!root || !date || !base)
  throw new Error('usage: tsx bench/experiments/bucket-sums-ab.ts <exports root> <date> <base checkout>');
const baseQueries = (
  (await import(pathToFileURL(resolve(base, 'functions/pipeline/read-facts.ts')).href)) as {
    factsQueries: typeof factsQueries;
  }
).factsQueries;
const config = configFrom(undefined);
const period = dayPeriod(date, config.timezone);
const partitions = [...new Set(trailingPeriods(period, 4).flatMap((d) => utcDatesBetween(d.start, d.end)))].sort();
const e = await DuckDbQueryEngine.open({ exportsRoot: root });
await e.stageExports({ partitions, now: Date.parse(`${date}T05:00:00Z`) / 1000 + 86400 });
const [q] = factsQueries(period, factsOptions(config));
const [b] = baseQueries(period, factsOptions(config));
const key = (r: Row) => `${r.bucket}|${r.team}|${r.queue}|${r.channel}|${r.agent}`;
const sort = (rows: Row[]) => [...rows].sort((x, y) => (key(x) < key(y) ? -1 : 1));
const times: Record<string, number[]> = { base: [], this: [] };
let same = true;
for (let rep = 0; rep < 5; rep++) {
  const got: Record<string, Row[]> = {};
  for (const [k, t] of rep % 2
    ? ([
        ['this', q],
        ['base', b],
      ] as const)
    : ([
        ['base', b],
        ['this', q],
      ] as const)) {
    const t0 = performance.now();
    if (!t) throw new Error('no bucket query');
    got[k] = await e.query(t.sql, t.params);
    times[k]?.push(performance.now() - t0);
  }
  same &&= isDeepStrictEqual(sort(got.base ?? []), sort(got.this ?? []));
  if (rep === 0) console.log('rows', got.this?.length);
}
for (const [k, v] of Object.entries(times)) console.log(k, v.map((x) => x.toFixed(0)).join(' '));
console.log('same', same);
await e.close();
