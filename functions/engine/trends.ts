/**
 * The centre's trends: one value per trailing period (28 days, 12 weeks or 13 months), taken only from
 * the facts store. A period the store lacks is a gap (`null`), never a zero; a closed day (outside the
 * business days, or without a single offered contact) is left off a daily line rather than drawn as a
 * drop to zero. Pure: the pipeline reads the store and says which periods are complete.
 */
import { CATALOGUE } from './catalogue.js';
import type { Config } from './config.js';
import { localDate } from './periods.js';
import type { Report } from './report-schema.js';

/** One trailing period: its id, its report (`null`: not in the store, a gap), and whether the centre was closed. */
export interface TrendPoint {
  readonly period: string;
  readonly report: Report | null;
  /** A closed day: left off the line, neither a gap nor a zero. */
  readonly closed?: boolean;
}

/** Whether a local date (YYYY-MM-DD) is one of the configured business days. */
export function isBusinessDay(date: string, config: Pick<Config, 'business_hours' | 'timezone'>): boolean {
  return config.business_hours.days.includes(localDate(date, config.timezone).weekday);
}

/** Whether a day's report shows the centre closed: no contact was offered to a queue. */
export function noContactOffered(report: Report): boolean {
  const offered = report.scopes.find((s) => s.scope.dimension === 'all')?.kpis.contacts_offered?.value ?? null;
  return offered === null || offered === 0;
}

/** The centre's value of every non-breakdown KPI across trailing periods (oldest first); closed days left off. */
export function centreSeries(points: readonly TrendPoint[]): Report['series'] {
  const centres = points
    .filter((p) => p.closed !== true)
    .map(({ period, report }) => ({
      period,
      kpis: report?.scopes.find((s) => s.scope.dimension === 'all')?.kpis ?? {},
    }));
  const series: Report['series'] = {};
  for (const kpi of CATALOGUE) {
    if (kpi.breakdown) continue;
    series[kpi.id] = centres.map(({ period, kpis }) => ({ period, value: kpis[kpi.id]?.value ?? null }));
  }
  return series;
}

/**
 * The trend's gaps as the report names them: the periods drawn as gaps, and the first and last of the
 * days missing from the store, with the command that would file them. `null` without gaps.
 */
export function trendGaps(
  gaps: readonly { readonly period: string; readonly missingDays: readonly string[] }[],
  command: (from: string, to: string) => string,
): NonNullable<Report['trend_gaps']> | null {
  const days = gaps.flatMap((g) => g.missingDays).sort();
  const from = days[0];
  const to = days.at(-1);
  if (gaps.length === 0 || from === undefined || to === undefined) return null;
  return { periods: gaps.map((g) => g.period), from, to, command: command(from, to) };
}
