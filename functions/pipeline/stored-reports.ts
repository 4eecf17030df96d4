/**
 * Reports of any period from the facts store: stored days are rolled up, compared with the previous
 * period and the same period last year, and given a trailing series for sparklines.
 */
import { centreSeries, withComparisons } from '../engine/comparisons.js';
import type { Config } from '../engine/config.js';
import type { PeriodFacts } from '../engine/facts.js';
import { type LateDay, reportPeriod } from '../engine/period-kpis.js';
import {
  daysOf,
  type Period,
  periodId,
  previousPeriod,
  samePeriodLastYear,
  sameWeekdayLastWeek,
  trailingPeriods,
} from '../engine/periods.js';
import type { Report } from '../engine/report-schema.js';
import { combineDays, type PeriodDistinct } from '../engine/rollup.js';
import type { NoteDamage } from './damage.js';
import { factsFingerprint, foldedDay, loadDayFacts, loadFoldedDay, type StoredDayFacts } from './facts-store.js';
import { hasUnreadable, mergeInputs } from './inputs.js';
import type { ObjectStore } from './ports.js';

/**
 * Whether any event of the day arrived: a contact, a survey answer or an agent day. A day without one
 * is missing (a feed stopped), even if it read a neighbour's partition or older history exports.
 */
export function hasEvents(facts: PeriodFacts): boolean {
  return (
    facts.agentDays.length > 0 ||
    facts.buckets.some((b) => b.inbound + b.outbound + b.csat_n + b.nps_n + b.ces_n + b.esat_n > 0)
  );
}

/**
 * What reports of one run share: the archive, the config, and the days already loaded — folded
 * (`foldDay`), so that holding the days of a month and its trailing series costs kilobytes a day,
 * not the hundreds of megabytes of a 1M-contact day's bucket rows. Days are read from their folded
 * file; one filed before it existed, or under other business hours, is folded from its full facts.
 */
export class FactsReader {
  private readonly cache = new Map<string, StoredDayFacts | null>();
  private readonly damaged = new Set<string>();

  constructor(
    private readonly archive: ObjectStore,
    private readonly config: Config,
    /** Told of a damaged facts file: the day reads as missing, and a job that needs it files it again. */
    private readonly note?: NoteDamage,
  ) {}

  /** A stored day, folded, or `null` when absent, stale, damaged, or filed from no export file at all. */
  async day(date: string): Promise<StoredDayFacts | null> {
    if (!this.cache.has(date)) {
      const note: NoteDamage = (d) => {
        this.damaged.add(date);
        this.note?.(d);
      };
      const folded = await loadFoldedDay(this.archive, date, this.config, note);
      const full = folded === null ? await loadDayFacts(this.archive, date, factsFingerprint(this.config), note) : null;
      this.hold(date, folded ?? (full === null ? null : foldedDay(full, this.config)));
    }
    return this.cache.get(date) ?? null;
  }

  /** Holds a day just filed, folded (`foldedDay`), as a later read of the archive would return it. */
  remember(stored: StoredDayFacts): void {
    this.hold(stored.date, stored);
  }

  private hold(date: string, stored: StoredDayFacts | null): void {
    this.cache.set(date, stored !== null && hasEvents(stored.facts) ? stored : null);
  }

  /** Forgets a day, after it was filed again. */
  forget(date: string): void {
    this.cache.delete(date);
    this.damaged.delete(date);
  }

  /** Days of a period whose stored files were found damaged (read from another of their files, or missing). */
  async damagedDays(period: Period): Promise<string[]> {
    const found: string[] = [];
    for (const date of daysOf(period)) {
      await this.day(date);
      if (this.damaged.has(date)) found.push(date);
    }
    return found;
  }

  /** The local days of a period that have no usable facts. */
  async missingDays(period: Period): Promise<string[]> {
    const missing: string[] = [];
    for (const date of daysOf(period)) if ((await this.day(date)) === null) missing.push(date);
    return missing;
  }
}

/**
 * A period's report from stored days alone, or `null` when none of its days is stored. A day carries
 * its own distinct buyers; a longer period needs them from `distinct` (one targeted query).
 */
export async function reportFromStore(
  reader: FactsReader,
  args: {
    readonly period: Period;
    readonly config: Config;
    readonly now: Date;
    readonly distinct: PeriodDistinct | null;
    /** Only the centre's figures (a point of the trailing series). */
    readonly centreOnly?: boolean;
    /** The local days the run files: records of other days are outside its window. Default: the period's. */
    readonly covered?: readonly string[];
    /** Days before the look-back whose exports changed after they were filed. */
    readonly lateDays?: readonly LateDay[];
  },
): Promise<Report | null> {
  const { period } = args;
  const days: StoredDayFacts[] = [];
  const missing: string[] = [];
  for (const date of daysOf(period)) {
    const stored = await reader.day(date);
    if (stored === null) missing.push(date);
    else days.push(stored);
  }
  if (days.length === 0) return null;
  const own = period.kind === 'day' ? days[0]?.facts.state : undefined;
  const distinct = own ? { buyers: own.buyers, repeatBuyers: own.repeatBuyers } : args.distinct;
  return reportPeriod({
    facts: combineDays(
      days.map((d) => ({ date: d.date, facts: d.facts })),
      distinct,
    ),
    period,
    config: args.config,
    inputs: {
      ...mergeInputs(
        days.map((d) => d.inputs),
        new Set(args.covered ?? daysOf(period)),
      ),
      incompleteDays: days.filter((d) => hasUnreadable(d.inputs)).map((d) => d.date),
      lateDays: args.lateDays ?? [],
    },
    generatedAt: args.now,
    missingDays: missing,
    centreOnly: args.centreOnly ?? false,
  });
}

/**
 * The full report of a period: its figures, the comparisons and the centre's trailing series.
 * Throws when the period itself has no stored day (the caller files days first).
 */
export async function composeReport(
  reader: FactsReader,
  args: {
    readonly period: Period;
    readonly config: Config;
    readonly now: Date;
    readonly distinct: (period: Period) => Promise<PeriodDistinct | null>;
    readonly revised?: readonly string[];
    /** The local days the run files (its ledger's window); default: the period's days. */
    readonly covered?: readonly string[];
    readonly lateDays?: readonly LateDay[];
  },
): Promise<Report> {
  const { period, config, now } = args;
  const of = async (p: Period, distinct: PeriodDistinct | null, centreOnly = false) =>
    reportFromStore(reader, { period: p, config, now, distinct, centreOnly });
  const current = await reportFromStore(reader, {
    period,
    config,
    now,
    distinct: await args.distinct(period),
    ...(args.covered === undefined ? {} : { covered: args.covered }),
    ...(args.lateDays === undefined ? {} : { lateDays: args.lateDays }),
  });
  if (current === null) throw new Error(`no facts are stored for ${periodId(period)}`);
  const before = previousPeriod(period);
  const previous = await of(before, await args.distinct(before));
  const yearAgo = samePeriodLastYear(period);
  const lastYear = yearAgo === null ? null : await of(yearAgo, null);
  const weekAgo = period.kind === 'day' ? await of(sameWeekdayLastWeek(period), null) : null;
  const trailing = [];
  for (const p of trailingPeriods(period)) {
    const id = periodId(p);
    // The last two points are the reports just built; older ones need no distinct counts for a sparkline.
    const report = id === periodId(period) ? current : id === periodId(before) ? previous : await of(p, null, true);
    trailing.push({ period: id, report });
  }
  return {
    ...withComparisons(current, previous, lastYear, weekAgo),
    revised: [...(args.revised ?? [])],
    series: centreSeries(trailing),
  };
}
