/**
 * The few moves a scorecard opens with ("Ce qui a changé"): for each scope a manager follows (the
 * centre, a team, a queue), the KPIs whose status changed, those that moved by more than their
 * warning band, then the largest moves for their unit (points of a rate, percent of a count) — each as
 * numbers, with whether the move is good or bad for that KPI. Pure: a compared report and the targets
 * in, changes out; `render/` words them.
 */
import { CATALOGUE } from './catalogue.js';
import type { Config } from './config.js';
import { changeQuality, compareKpi, shownDelta } from './delta.js';
import type { KpiDefinition, Unit } from './kpi.js';
import { dayPeriod, periodContaining, previousPeriod, sameWeekdayLastWeek } from './periods.js';
import type { KpiEntry, Report, ReportChange, ReportScope } from './report-schema.js';
import { statusOf, targetFor } from './targets.js';
import { isBusinessDay } from './trends.js';

/** At most this many changes per scope: a manager reads a handful of sentences, not a table. */
export const MAX_CHANGES = 6;
/** Of which at most this many picked only for their size (status changes and band moves come first). */
export const MAX_MOVES = 3;
/** A move smaller than half of what counts as notable for its unit is not "among the largest". */
export const MIN_MOVE = 0.5;
/** Rates computed from fewer contacts or answers than this move by chance: never picked. */
export const MIN_VOLUME = 30;
/** Counts below this on both sides (3 conversions instead of 2) are noise, whatever their percent. */
const MIN_COUNT = 20;

/**
 * What counts as a notable move, per unit, so that moves of different KPIs can be ranked together: 2
 * points of a rate (the example `drop_points` rule), 5 points of NPS, 0.3 of a mean score, and 10 % of a
 * count, duration or amount (the example `rise_percent` rule). A move's size is its change over this.
 */
const NOTABLE: Readonly<Record<Unit, { readonly by: 'delta' | 'percent'; readonly size: number }>> = {
  '%': { by: 'delta', size: 2 },
  pts: { by: 'delta', size: 5 },
  score: { by: 'delta', size: 0.3 },
  s: { by: 'percent', size: 10 },
  count: { by: 'percent', size: 10 },
  currency: { by: 'percent', size: 10 },
};

/** How large a move is for its unit: 1 is as large as a notable move; `null` when it cannot tell (from 0). */
function sizeOf(unit: Unit, delta: number, deltaPercent: number | null): number | null {
  const notable = NOTABLE[unit];
  if (notable.by === 'delta') return Math.abs(delta) / notable.size;
  return deltaPercent === null ? null : Math.abs(deltaPercent) / notable.size;
}

const EPS = 1e-9;

/**
 * Which earlier period a report's changes are read against: the previous one, as its tables show, but
 * for a day that follows a closed day (outside the business days, or without a contact offered), the
 * same weekday a week before when it is stored: a Monday read against a closed Sunday would say volumes
 * rose by thousands of percent.
 */
export function changesReference(
  report: Report,
  config: Pick<Config, 'business_hours' | 'timezone'>,
): Pick<ReportChange, 'against' | 'against_start'> {
  const { kind, start, timezone } = report.period;
  const before = previousPeriod(periodContaining(kind, start, timezone));
  if (kind === 'day') {
    const centre = report.scopes.find((s) => s.scope.dimension === 'all')?.kpis ?? {};
    const weekAgo = Object.values(centre).some((e) => e.same_weekday_last_week !== undefined);
    const offered = centre.contacts_offered?.previous ?? null;
    const closed = !isBusinessDay(before.startDate, config) || offered === null || offered === 0;
    if (closed && weekAgo) {
      return {
        against: 'same_weekday_last_week',
        against_start: sameWeekdayLastWeek(dayPeriod(start, timezone)).startDate,
      };
    }
  }
  return { against: 'previous', against_start: before.startDate };
}

const known = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n);

/** A rate computed from too few contacts, or a count too small on both sides, to read anything into. */
function tooThin(kpi: KpiDefinition, entry: KpiEntry, value: number, reference: number): boolean {
  if (entry.denominator !== null && entry.denominator < MIN_VOLUME) return true;
  return kpi.unit === 'count' && Math.max(Math.abs(value), Math.abs(reference)) < MIN_COUNT;
}

interface Candidate {
  readonly change: ReportChange;
  /** How large the move is for its unit (1: a notable move). */
  readonly size: number;
}

function candidatesOf(
  scope: ReportScope,
  config: Pick<Config, 'targets'>,
  reference: Pick<ReportChange, 'against' | 'against_start'>,
): Candidate[] {
  const out: Candidate[] = [];
  for (const kpi of CATALOGUE) {
    const entry = scope.kpis[kpi.id];
    if (kpi.breakdown || entry === undefined) continue;
    const value = entry.value;
    const before = reference.against === 'previous' ? entry.previous : entry.same_weekday_last_week;
    if (!known(value) || !known(before) || tooThin(kpi, entry, value, before)) continue;
    const { delta, deltaPercent } = compareKpi(kpi.unit, value, before);
    if (delta === null || shownDelta(kpi.unit, delta) === 0) continue;
    const target = targetFor(config, kpi.id, scope.scope);
    const referenceStatus = statusOf(before, target, kpi.better);
    const size = sizeOf(kpi.unit, delta, deltaPercent) ?? 0;
    const statusChanged = target !== null && kpi.better !== null && referenceStatus !== entry.status;
    const beyondBand = target !== null && target.warning > 0 && Math.abs(value - before) > target.warning + EPS;
    if (!statusChanged && !beyondBand && size < MIN_MOVE) continue;
    const lastYear = known(entry.last_year) ? entry.last_year : null;
    out.push({
      size,
      change: {
        kpi: kpi.id,
        scope: scope.scope,
        reason: statusChanged ? 'status' : beyondBand ? 'band' : 'move',
        ...reference,
        value,
        reference: before,
        delta,
        delta_percent: deltaPercent,
        quality: changeQuality(kpi.better, delta, kpi.unit),
        target: entry.target,
        status: entry.status,
        reference_status: referenceStatus,
        last_year: lastYear,
        last_year_delta: lastYear === null ? null : compareKpi(kpi.unit, value, lastYear).delta,
      },
    });
  }
  return out;
}

const RANK: Readonly<Record<ReportChange['reason'], number>> = { status: 0, band: 1, move: 2 };

/**
 * The moves worth a sentence in one scope, most telling first: status changes, then moves wider than
 * the warning band, then up to `MAX_MOVES` of the largest moves; at most `MAX_CHANGES`.
 */
export function scopeChanges(
  scope: ReportScope,
  config: Pick<Config, 'targets'>,
  reference: Pick<ReportChange, 'against' | 'against_start'>,
): ReportChange[] {
  const ranked = candidatesOf(scope, config, reference).sort(
    (a, b) => RANK[a.change.reason] - RANK[b.change.reason] || b.size - a.size,
  );
  let moves = 0;
  const kept: ReportChange[] = [];
  for (const { change } of ranked) {
    if (kept.length === MAX_CHANGES) break;
    if (change.reason === 'move' && ++moves > MAX_MOVES) continue;
    kept.push(change);
  }
  return kept;
}

/**
 * The notable changes of a report that carries its comparisons (`withComparisons`), for the centre and
 * for every team and queue (the scopes a recipient can follow), against `changesReference`.
 * @example notableChanges(report, config).filter((c) => c.scope.dimension === 'all')
 */
export function notableChanges(
  report: Report,
  config: Pick<Config, 'targets' | 'business_hours' | 'timezone'>,
): ReportChange[] {
  const reference = changesReference(report, config);
  return report.scopes
    .filter((s) => s.scope.dimension === 'all' || s.scope.dimension === 'team' || s.scope.dimension === 'queue')
    .flatMap((s) => scopeChanges(s, config, reference));
}
