/**
 * Experiment behind a proposed fix in functions/engine/period-report.ts: `kpiInput` scans every fact row
 * of the period once per scope (centre + teams + queues + channels + agents), O(scopes × rows). Indexing
 * the rows by scope once and handing each scope only its own rows gives the same KPI inputs in O(rows).
 *
 * `tsx bench/experiments/scope-index.ts <archive folder> <YYYY-MM-DD>` loads that day's stored facts and
 * times both, checking that the inputs are identical.
 */
import { isDeepStrictEqual } from 'node:util';
import { configFrom } from '../../functions/adapters/config-file.js';
import { LocalFolderStore } from '../../functions/adapters/local-fs.js';
import type { DimensionValues, PeriodFacts } from '../../functions/engine/facts.js';
import { kpiInput, scopesOf } from '../../functions/engine/period-report.js';
import { dayPeriod } from '../../functions/engine/periods.js';
import { type Scope, scopeKey } from '../../functions/engine/scope.js';
import { factsFingerprint, loadDayFacts } from '../../functions/pipeline/facts-store.js';

/** Rows per scope key, in one pass: each row belongs to the centre and to one value of each dimension. */
function byScope<T extends DimensionValues>(rows: readonly T[]): Map<string, T[]> {
  const index = new Map<string, T[]>([['all', rows as T[]]]);
  for (const row of rows) {
    for (const d of ['team', 'queue', 'channel', 'agent'] as const) {
      const v = row[d];
      if (v === null) continue;
      const key = `${d}:${v}`;
      const list = index.get(key);
      if (list) list.push(row);
      else index.set(key, [row]);
    }
  }
  return index;
}

const [root, date] = process.argv.slice(2);
if (!root || !date) throw new Error('usage: tsx bench/experiments/scope-index.ts <archive folder> <YYYY-MM-DD>');
const config = configFrom(undefined);
const stored = await loadDayFacts(new LocalFolderStore(root), date, factsFingerprint(config));
if (stored === null) throw new Error(`no facts for ${date} under ${root}`);
const facts: PeriodFacts = stored.facts;
const period = dayPeriod(date, config.timezone);
const scopes: Scope[] = scopesOf(facts);

let t0 = performance.now();
const before = scopes.map((s) => kpiInput(facts, period, s, config));
const scanMs = performance.now() - t0;

t0 = performance.now();
const buckets = byScope(facts.buckets);
const breakdowns = byScope(facts.breakdowns);
const backlog = byScope(facts.state.backlogAtEnd);
const after = scopes.map((s) => {
  const key = scopeKey(s);
  const own: PeriodFacts = {
    ...facts,
    buckets: buckets.get(key) ?? [],
    breakdowns: breakdowns.get(key) ?? [],
    state: { ...facts.state, backlogAtEnd: backlog.get(key) ?? [] },
  };
  return kpiInput(own, period, s, config);
});
const indexedMs = performance.now() - t0;

process.stdout.write(
  `${JSON.stringify({
    scopes: scopes.length,
    bucketRows: facts.buckets.length,
    breakdownRows: facts.breakdowns.length,
    scanMs: Math.round(scanMs),
    indexedMs: Math.round(indexedMs),
    identical: isDeepStrictEqual(before, after),
  })}\n`,
);
