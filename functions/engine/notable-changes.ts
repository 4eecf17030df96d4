/**
 * The few moves a scorecard opens with ("Ce qui a changé"): for each scope a manager follows (the
 * centre, a team, a queue), the KPIs whose status changed, those that moved by more than their
 * warning band, then the largest relative moves — each as numbers, with whether the move is good or
 * bad for that KPI. Pure: a compared report and the targets in, changes out; `render/` words them.
 */
import { CATALOGUE } from './catalogue.js';
import type { Config } from './config.js';
import { changeQuality, compareKpi, shownDelta } from './delta.js';
import type { KpiDefinition, Unit } from './kpi.js';
import { dayPeriod, periodContaining, previousPeriod, sameWeekdayLastWeek } from './periods.js';
import type { KpiEntry, Report, ReportChange, ReportScope } from './report.js';
import { statusOf, targetFor } from './targets.js';

/** At most this many changes per scope: a manager reads a handful of sentences, not a table. */
export const MAX_CHANGES = 6;
/** Of which at most this many picked only for their size (status changes and band moves come first). */
export const MAX_MOVES = 3;
/** A move smaller than this share of the earlier value is not "among the largest". */
export const MIN_RELATIVE_MOVE = 0.05;
/** Rates computed from fewer contacts or answers than this move by chance: never picked. */
export const MIN_VOLUME = 30;
/** Counts below this on both sides (3 conversions instead of 2) are noise, whatever their percent. */
const MIN_COUNT = 20;

/**
 * What a relative move is measured against, per unit, so a rate near zero or an NPS near zero does not
 * make every wobble "the largest move": at least 5 points of a rate, 20 points of NPS.
 */
const RELATIVE_FLOOR: Readonly<Record<Unit, number>> = {
  '%': 0.05,
  pts: 20,
  s: 1,
  count: 1,
  currency: 0.01,
  score: 1,
};

const EPS = 1e-9;

/** Which earlier period a report's changes are read against; a day compares with the same weekday a week before. */
export function changesReference(report: Report): Pick<ReportChange, 'against' | 'against_start'> {
  const { kind, start, timezone } = report.period;
  const centre = report.scopes.find((s) => s.scope.dimension === 'all');
  const weekAgo =
    kind === 'day' && Object.values(centre?.kpis ?? {}).some((e) => e.same_weekday_last_week !== undefined);
  // A Monday is busier than the Sunday before it: days are compared with the same weekday, when stored.
  if (weekAgo) {
    return {
      against: 'same_weekday_last_week',
      against_start: sameWeekdayLastWeek(dayPeriod(start, timezone)).startDate,
    };
  }
  return { against: 'previous', against_start: previousPeriod(periodContaining(kind, start, timezone)).startDate };
}

const known = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n);

/** A rate computed from too few contacts, or a count too small on both sides, to read anything into. */
function tooThin(kpi: KpiDefinition, entry: KpiEntry, value: number, reference: number): boolean {
  if (entry.denominator !== null && entry.denominator < MIN_VOLUME) return true;
  return kpi.unit === 'count' && Math.max(Math.abs(value), Math.abs(reference)) < MIN_COUNT;
}

interface Candidate {
  readonly change: ReportChange;
  /** How large the move is relative to where it started. */
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
    const size = Math.abs(value - before) / Math.max(Math.abs(before), RELATIVE_FLOOR[kpi.unit]);
    const statusChanged = target !== null && kpi.better !== null && referenceStatus !== entry.status;
    const beyondBand = target !== null && target.warning > 0 && Math.abs(value - before) > target.warning + EPS;
    if (!statusChanged && !beyondBand && size < MIN_RELATIVE_MOVE) continue;
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
 * the warning band, then up to `MAX_MOVES` of the largest relative moves; at most `MAX_CHANGES`.
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
 * for every team and queue (the scopes a recipient can follow).
 * @example notableChanges(report, config).filter((c) => c.scope.dimension === 'all')
 */
export function notableChanges(report: Report, config: Pick<Config, 'targets'>): ReportChange[] {
  const reference = changesReference(report);
  return report.scopes
    .filter((s) => s.scope.dimension === 'all' || s.scope.dimension === 'team' || s.scope.dimension === 'queue')
    .flatMap((s) => scopeChanges(s, config, reference));
}
