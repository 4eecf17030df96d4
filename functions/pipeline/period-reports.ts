/**
 * Reports of any period from the facts store: stored days are rolled up, compared with the previous
 * period and the same period last year, given a trailing series for sparklines, and checked against
 * the alert rules (whose state lives in the archive between runs).
 */
import { type AlertState, alertStateSchema, EMPTY_ALERT_STATE, evaluateAlerts } from '../engine/alerts.js';
import { centreSeries, withComparisons } from '../engine/comparisons.js';
import type { Config } from '../engine/config.js';
import type { PeriodFacts } from '../engine/facts.js';
import { reportPeriod } from '../engine/period-kpis.js';
import {
  daysOf,
  type Period,
  type PeriodKind,
  periodId,
  previousPeriod,
  samePeriodLastYear,
  sameWeekdayLastWeek,
  trailingPeriods,
} from '../engine/periods.js';
import type { Report } from '../engine/report-schema.js';
import { combineDays, type PeriodDistinct } from '../engine/rollup.js';
import { factsFingerprint, foldedDay, loadDayFacts, loadFoldedDay, type StoredDayFacts } from './facts-store.js';
import { mergeInputs } from './inputs.js';
import type { ObjectStore } from './ports.js';

/** Archive key of the alert rules' state for days (and, before weeks and months had their own, for every kind). */
export const ALERT_STATE_KEY = 'state/alerts.json';

/**
 * Archive key of a period kind's alert state: days in ALERT_STATE_KEY, weeks and months each in a file
 * of their own, so the digest function writes none of the nightly's state (on AWS its role cannot).
 */
export function alertStateKey(kind: PeriodKind): string {
  return kind === 'day' ? ALERT_STATE_KEY : `state/alerts-${kind}.json`;
}

/** A stored alert state, or `null` when absent; one that no longer parses is reset (at worst one repeated alert). */
async function readAlertState(archive: ObjectStore, key: string): Promise<AlertState | null> {
  const bytes = await archive.get(key);
  if (bytes === null) return null;
  const parsed = alertStateSchema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
  return parsed.success ? parsed.data : EMPTY_ALERT_STATE;
}

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

  constructor(
    private readonly archive: ObjectStore,
    private readonly config: Config,
  ) {}

  /** A stored day, folded, or `null` when absent, stale, or filed from no export file at all. */
  async day(date: string): Promise<StoredDayFacts | null> {
    if (!this.cache.has(date)) {
      const folded = await loadFoldedDay(this.archive, date, this.config);
      const full = folded === null ? await loadDayFacts(this.archive, date, factsFingerprint(this.config)) : null;
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
    inputs: mergeInputs(days.map((d) => d.inputs)),
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
  },
): Promise<Report> {
  const { period, config, now } = args;
  const of = async (p: Period, distinct: PeriodDistinct | null, centreOnly = false) =>
    reportFromStore(reader, { period: p, config, now, distinct, centreOnly });
  const current = await of(period, await args.distinct(period));
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

/** The entries of one period kind (keyed `rule|kind|scope`) of a state. */
function ofKind(state: AlertState | null, kind: PeriodKind): AlertState | null {
  if (state === null) return null;
  const entries = Object.entries(state.entries).filter(([entryKey]) => entryKey.split('|')[1] === kind);
  return { ...state, entries: Object.fromEntries(entries) };
}

/** Evaluates the alert rules on a report, persisting their state; the report gains its alerts. */
export async function applyAlerts(archive: ObjectStore, report: Report, config: Config): Promise<Report> {
  const key = alertStateKey(report.period.kind);
  // Weeks and months found no file of their own yet: their entries are in the shared file of earlier versions.
  const state =
    (await readAlertState(archive, key)) ??
    (key === ALERT_STATE_KEY ? null : ofKind(await readAlertState(archive, ALERT_STATE_KEY), report.period.kind)) ??
    EMPTY_ALERT_STATE;
  const period = { kind: report.period.kind, start: report.period.start };
  const observations = report.scopes.flatMap((s) =>
    Object.entries(s.kpis).map(([kpi, e]) => ({
      kpi,
      scope: s.scope,
      period,
      value: e.value,
      previous: e.previous,
      target: e.target,
      status: e.status,
      denominator: e.denominator,
    })),
  );
  const result = evaluateAlerts({
    rules: config.alerts,
    observations,
    state,
    locale: config.mail.recipients[0]?.locale ?? 'fr',
    currency: config.currency,
  });
  await archive.put(key, `${JSON.stringify(result.state, null, 2)}\n`, 'application/json');
  return {
    ...report,
    alerts: result.alerts.map((a) => ({ kpi: a.kpi, scope: a.scope, rule: a.rule, message: a.message })),
  };
}
