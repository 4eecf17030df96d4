/**
 * What a digest pays per stored day, before and after folded days were stored: for each day filed in
 * `--out`, reads its full facts and folds them (the old path), saves the full and folded files as a
 * filing does now, then reads the day as reports do (`FactsReader.day`, from the folded file). Rewrites
 * the folded file of each day it reads.
 *
 * `npx tsx bench/folded-read.ts --out /tmp/week-out --from 2026-11-16 --to 2026-11-22`
 * (days filed by `vigie backfill` from bench/generate.ts exports).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { configFromText } from '../functions/adapters/config-file.js';
import { LocalFolderStore } from '../functions/adapters/local-fs.js';
import { businessHoursOf } from '../functions/engine/period-kpis.js';
import { dayPeriod, daysOf } from '../functions/engine/periods.js';
import { foldDay } from '../functions/engine/rollup.js';
import { factsFingerprint, hoursFingerprint, loadDayFacts, saveDayFacts } from '../functions/pipeline/facts-store.js';
import { FactsReader } from '../functions/pipeline/stored-reports.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    config: { type: 'string', default: 'config/vigie.example.yaml' },
  },
});
if (!values.out || !values.from || !values.to) throw new Error('--out, --from and --to are required');
const config = configFromText(await readFile(values.config, 'utf8'), values.config);
const store = new LocalFolderStore(values.out);
const ms = (since: number): string => `${(performance.now() - since).toFixed(0)} ms`;

for (const date of daysOf({ startDate: values.from, endDate: values.to })) {
  const day = dayPeriod(date, config.timezone);
  const isOpen = businessHoursOf(day, config);
  let t = performance.now();
  const full = await loadDayFacts(store, date, factsFingerprint(config));
  if (full === null) throw new Error(`${date} is not filed in ${values.out} under this config`);
  const readFull = ms(t);
  t = performance.now();
  const folded = foldDay(full.facts, day, isOpen);
  const foldFull = ms(t);
  await saveDayFacts(store, full, { hours: hoursFingerprint(config), facts: folded });
  t = performance.now();
  const read = await new FactsReader(store, config).day(date);
  const readFolded = ms(t);
  console.log(
    `${date}  full: read ${readFull} + fold ${foldFull} (${full.facts.buckets.length} bucket rows)`,
    ` folded: read ${readFolded} (${read?.facts.buckets.length ?? 0} bucket rows)`,
  );
}
