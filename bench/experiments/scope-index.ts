/**
 * Evidence for `factsByScope` in functions/engine/period-report.ts: scanning every fact row of the period
 * once per scope (centre + teams + queues + channels + agents) is O(scopes × rows); cutting the rows by
 * scope once and handing each scope only its own rows gives the same KPI inputs in O(rows).
 *
 * `tsx bench/experiments/scope-index.ts <archive folder> <YYYY-MM-DD>` loads that day's stored facts and
 * times both, checking that the inputs are identical.
 */
import { isDeepStrictEqual } from 'node:util';
import { configFrom } from '../../functions/adapters/config-file.js';
import { LocalFolderStore } from '../../functions/adapters/local-fs.js';
import type { PeriodFacts } from '../../functions/engine/facts.js';
import { businessHoursOf, factsByScope, kpiInput, scopesOf } from '../../functions/engine/period-report.js';
import { dayPeriod } from '../../functions/engine/periods.js';
import type { Scope } from '../../functions/engine/scope.js';
import { factsFingerprint, loadDayFacts } from '../../functions/pipeline/facts-store.js';

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
const own = factsByScope(facts);
const isOpen = businessHoursOf(period, config);
const after = scopes.map((s) => kpiInput(own(s), period, s, config, isOpen));
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
