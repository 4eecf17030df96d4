/**
 * Filing a day inside an engine that can keep tables and write files (DuckDB): its bucket and breakdown
 * rows — 190k and 520k on a 1M-contact day — are kept in the engine, folded there (`foldDay` in SQL) and
 * written by it as the lines of the store's JSON, which JavaScript only gzips; JavaScript reads back only
 * the folded day, a few thousand rows. The files are those `saveDayFacts` writes from the same facts (a test compares them), so either
 * writer's files are read by the other's runs (docs/decisions/0006-state-snapshot.md, "The facts store written by the engine").
 */
import type { Config } from '../engine/config.js';
import type { PeriodFacts } from '../engine/facts.js';
import { businessHoursOf } from '../engine/period-kpis.js';
import type { Period } from '../engine/periods.js';
import {
  BREAKDOWN_COLUMNS,
  BUCKET_COLUMNS,
  foldedBreakdownsSql,
  foldedBucketsSql,
  normalizedBreakdownsSql,
  normalizedBucketsSql,
  rowLinesSql,
} from '../sql/facts-file.js';
import { dayFileParts, gzipDayFile, hoursFingerprint, type StoredDayFacts, saveDayFiles } from './facts-store.js';
import type { ObjectStore, QueryEngine, Row } from './ports.js';
import { type FactsOptions, factsFromRows, factsQueries } from './read-facts.js';

/** An engine that files days itself. */
export type FilingEngine = QueryEngine & Required<Pick<QueryEngine, 'keep' | 'forget' | 'writeLines'>>;

/** Whether the engine can file days itself (else `saveDayFacts` writes what JavaScript read). */
export function filesInEngine(engine: QueryEngine): engine is FilingEngine {
  return engine.keep !== undefined && engine.forget !== undefined && engine.writeLines !== undefined;
}

const BUCKETS = 'filing_buckets';
const BREAKDOWNS = 'filing_breakdowns';
const FOLDED_BUCKETS = 'filing_folded_buckets';
const FOLDED_BREAKDOWNS = 'filing_folded_breakdowns';

/** The 15-minute buckets of a day that are within business hours. */
function openBuckets(day: Period, config: Config): number[] {
  const isOpen = businessHoursOf(day, config);
  const open: number[] = [];
  for (let b = day.start - (day.start % 900); b < day.end; b += 900) if (isOpen(b)) open.push(b);
  return open;
}

/**
 * Files a day's facts and its folded twin, both written by the engine, in `saveDayFacts`'s order; returns
 * the day as reports read it (folded). `finish` completes the facts read (the kinds with records).
 */
export async function fileDayInEngine(
  engine: FilingEngine,
  archive: ObjectStore,
  args: {
    readonly day: Period;
    readonly stored: Omit<StoredDayFacts, 'facts'>;
    readonly config: Config;
    readonly options: FactsOptions;
    readonly finish: (facts: PeriodFacts) => PeriodFacts;
  },
): Promise<StoredDayFacts> {
  const { day, config } = args;
  const [buckets, breakdowns, ...others] = factsQueries(day, args.options);
  if (buckets === undefined || breakdowns === undefined) throw new Error('facts queries without their tables');
  try {
    const bucketRows = normalizedBucketsSql(buckets);
    await engine.keep(BUCKETS, bucketRows.sql, bucketRows.params);
    const breakdownRows = normalizedBreakdownsSql(breakdowns);
    await engine.keep(BREAKDOWNS, breakdownRows.sql, breakdownRows.params);
    const small: Row[][] = [];
    for (const text of others) small.push(await engine.query(text.sql, text.params));
    await engine.keep(FOLDED_BUCKETS, foldedBucketsSql(BUCKETS, day.start, day.end, openBuckets(day, config)), []);
    await engine.keep(FOLDED_BREAKDOWNS, foldedBreakdownsSql(BREAKDOWNS, day.start, day.end), []);
    const folded: StoredDayFacts = {
      ...args.stored,
      facts: args.finish(
        factsFromRows([
          await engine.query(`SELECT * FROM ${FOLDED_BUCKETS}`, []),
          await engine.query(`SELECT * FROM ${FOLDED_BREAKDOWNS}`, []),
          ...small,
        ]),
      ),
    };
    // Both files share all but their tables' rows, which the engine writes.
    const file = async (parts: readonly [string, string, string], buckets: string, breakdowns: string) =>
      gzipDayFile([
        parts[0],
        await engine.writeLines(rowLinesSql(buckets, BUCKET_COLUMNS), []),
        parts[1],
        await engine.writeLines(rowLinesSql(breakdowns, BREAKDOWN_COLUMNS), []),
        parts[2],
      ]);
    const full = await file(dayFileParts(folded), BUCKETS, BREAKDOWNS);
    const twin = await file(
      dayFileParts(folded, { hours: hoursFingerprint(config) }),
      FOLDED_BUCKETS,
      FOLDED_BREAKDOWNS,
    );
    await saveDayFiles(archive, folded.date, full, twin);
    return folded;
  } finally {
    for (const table of [BUCKETS, BREAKDOWNS, FOLDED_BUCKETS, FOLDED_BREAKDOWNS]) await engine.forget(table);
  }
}
