/**
 * Reports of any period from the facts store: stored days are rolled up, compared with the previous
 * period and the same period last year, and given the centre's trends and the moves worth a sentence.
 */
import { withComparisons } from '../engine/comparisons.js';
import type { Config } from '../engine/config.js';
import type { PeriodFacts } from '../engine/facts.js';
import { notableChanges } from '../engine/notable-changes.js';
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
import { centreSeries, isBusinessDay, noContactOffered, type TrendPoint, trendGaps } from '../engine/trends.js';
import type { NoteDamage } from './damage.js';
import { factsFingerprint, foldedDay, loadDayFacts, loadFoldedDay, type StoredDayFacts } from './facts-store.js';
import { hasUnreadable, mergeInputs } from './inputs.js';
import type { ObjectStore } from './ports.js';

/** The command a report names to file the days of [from, to]; the CLI passes one with its own flags. */
export type BackfillCommand = (from: string, to: string) => string;

/** The backfill command when the caller names none: the flags it needs, as placeholders. */
export const DEFAULT_BACKFILL_COMMAND: BackfillCommand = (from, to) =>
  `vigie backfill --exports <exports> --from ${from} --to ${to}`;

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
  /** Days the store holds, events or not (a closed day is filed, with nothing in it). */
  private readonly stored = new Set<string>();
  /** The days the store's listing names, read once: most days a trend lacks are not there at all. */
  private listing: Promise<ReadonlySet<string>> | undefined;
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
    if (stored !== null) this.stored.add(date);
    else this.stored.delete(date);
  }

  /**
   * Whether the store holds a day at all, even one without a single event. A day the store's listing
   * does not name is not read: a 13-month trend over a young store would otherwise try hundreds of keys.
   */
  async filed(date: string): Promise<boolean> {
    if (this.stored.has(date)) return true;
    this.listing ??= this.archive.list('facts/').then((keys) => {
      const dates = new Set<string>();
      for (const key of keys) {
        const match = /^facts\/dt=(\d{4}-\d{2}-\d{2})\//.exec(key);
        if (match?.[1] !== undefined) dates.add(match[1]);
      }
      return dates;
    });
    if (!(await this.listing).has(date)) return false;
    await this.day(date);
    return this.stored.has(date);
  }

  /** Forgets a day, after it was filed again. */
  forget(date: string): void {
    this.cache.delete(date);
    this.stored.delete(date);
    this.listing = undefined;
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
 * A period's report from stored days alone, or `null` when none of its days is stored (a trend's gap,
 * no comparison). A day carries its own distinct buyers; a longer period needs them from `distinct`.
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
  const stored = await storedDays(reader, args.period);
  return stored.days.length === 0 ? null : reportOfDays(stored, args);
}

/** A period's stored days, and the days it lacks. */
async function storedDays(
  reader: FactsReader,
  period: Period,
): Promise<{ readonly days: StoredDayFacts[]; readonly missing: string[] }> {
  const days: StoredDayFacts[] = [];
  const missing: string[] = [];
  for (const date of daysOf(period)) {
    const stored = await reader.day(date);
    if (stored === null) missing.push(date);
    else days.push(stored);
  }
  return { days, missing };
}

/** The report of a period's stored days; with none, every figure reads "no data" and every day is missing. */
function reportOfDays(
  { days, missing }: { readonly days: readonly StoredDayFacts[]; readonly missing: readonly string[] },
  args: Parameters<typeof reportFromStore>[1],
): Report {
  const { period } = args;
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
    missingDays: [...missing],
    centreOnly: args.centreOnly ?? false,
  });
}

/**
 * The centre's trend over the trailing periods, from the store alone. A past period is a gap when one of
 * its business days is not filed (its figures would be partial); a day outside the business days, or
 * without a contact offered, is left off a daily line.
 */
async function trend(
  reader: FactsReader,
  args: {
    readonly period: Period;
    readonly config: Config;
    readonly known: ReadonlyMap<string, Report | null>;
    readonly point: (p: Period) => Promise<Report | null>;
  },
): Promise<{ points: TrendPoint[]; gaps: { period: string; missingDays: string[] }[] }> {
  const { period, config } = args;
  const points: TrendPoint[] = [];
  const gaps: { period: string; missingDays: string[] }[] = [];
  for (const p of trailingPeriods(period)) {
    const id = periodId(p);
    const businessDays = daysOf(p).filter((d) => isBusinessDay(d, config));
    if (p.kind === 'day' && businessDays.length === 0) {
      points.push({ period: id, report: null, closed: true });
      continue;
    }
    const missingDays: string[] = [];
    for (const d of businessDays) if (!(await reader.filed(d))) missingDays.push(d);
    const own = args.known.get(id);
    if (own === undefined && missingDays.length > 0) {
      gaps.push({ period: id, missingDays });
      points.push({ period: id, report: null });
      continue;
    }
    const report = own === undefined ? await args.point(p) : own;
    // A filed day without events, or without a contact offered, is a day the centre was closed.
    const closed = p.kind === 'day' && id !== periodId(period) && (report === null || noContactOffered(report));
    points.push({ period: id, report, ...(closed ? { closed } : {}) });
  }
  return { points, gaps };
}

/**
 * The full report of a period: its figures, the comparisons, the centre's trends and the notable
 * changes. A period none of whose days could be filed (no exports at all) still gets its report: every
 * day missing, every figure "no data" — the reader learns the week was empty, and the run goes on.
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
    /** The command the report names to fill the trend's gaps. */
    readonly backfillCommand?: BackfillCommand;
  },
): Promise<Report> {
  const { period, config, now } = args;
  const of = async (p: Period, distinct: PeriodDistinct | null, centreOnly = false) =>
    reportFromStore(reader, { period: p, config, now, distinct, centreOnly });
  const current = reportOfDays(await storedDays(reader, period), {
    period,
    config,
    now,
    distinct: await args.distinct(period),
    ...(args.covered === undefined ? {} : { covered: args.covered }),
    ...(args.lateDays === undefined ? {} : { lateDays: args.lateDays }),
  });
  const before = previousPeriod(period);
  const previous = await of(before, await args.distinct(before));
  const yearAgo = samePeriodLastYear(period);
  const lastYear = yearAgo === null ? null : await of(yearAgo, null);
  const weekAgo = period.kind === 'day' ? await of(sameWeekdayLastWeek(period), null) : null;
  // The period's own point is always drawn; the previous one was just built; older ones need no distinct counts.
  const known = new Map<string, Report | null>([[periodId(period), current]]);
  if (previous !== null) known.set(periodId(before), previous);
  const { points, gaps } = await trend(reader, { period, config, known, point: (p) => of(p, null, true) });
  const compared = withComparisons(current, previous, lastYear, weekAgo);
  const missing = trendGaps(gaps, args.backfillCommand ?? DEFAULT_BACKFILL_COMMAND);
  return {
    ...compared,
    revised: [...(args.revised ?? [])],
    series: centreSeries(points),
    ...(missing === null ? {} : { trend_gaps: missing }),
    changes: notableChanges(compared, config),
  };
}
