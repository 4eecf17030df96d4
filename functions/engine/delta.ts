/**
 * A KPI's value beside an earlier one, as numbers: the change in the way its unit is read (points for
 * `%` and `pts` KPIs, unit and percent otherwise), and whether the change is good or bad for that KPI.
 * No words here: `functions/render/wording.ts` says it in the reader's language.
 */
import type { Better, Unit } from './kpi.js';

/** A value compared with an earlier one. */
export interface Comparison {
  /** The earlier value, `null` when unknown. */
  readonly previous: number | null;
  /**
   * value − previous: in points for `%` KPIs (ratios, so × 100) and `pts` KPIs, in the KPI's unit
   * otherwise (contacts, seconds, currency, score). `null` when either side is unknown.
   */
  readonly delta: number | null;
  /**
   * (value − previous) ÷ |previous| × 100, for counts, durations, scores and amounts; `null` for `%`
   * and `pts` KPIs (a change of a rate is read in points, never in percent of the rate), when either
   * side is unknown, or when previous is 0.
   */
  readonly deltaPercent: number | null;
}

const known = (n: number | null): n is number => n !== null && Number.isFinite(n);

/** Drops floating-point noise: (0.76 − 0.78) × 100 is −2, not −2.0000000000000018. */
const clean = (n: number): number => Number.parseFloat(n.toPrecision(12));

/**
 * Compares a KPI value with the previous one, in the way its unit is read.
 * @example compareKpi('%', 0.76, 0.78) // { previous: 0.78, delta: -2, deltaPercent: null }
 * @example compareKpi('s', 336, 300) // { previous: 300, delta: 36, deltaPercent: 12 }
 */
export function compareKpi(unit: Unit, value: number | null, previous: number | null): Comparison {
  const prev = known(previous) ? previous : null;
  if (!known(value) || prev === null) return { previous: prev, delta: null, deltaPercent: null };
  const diff = value - prev;
  if (unit === '%') return { previous: prev, delta: clean(diff * 100), deltaPercent: null };
  if (unit === 'pts') return { previous: prev, delta: clean(diff), deltaPercent: null };
  return { previous: prev, delta: clean(diff), deltaPercent: prev === 0 ? null : clean((diff / Math.abs(prev)) * 100) };
}

/**
 * The smallest change a scorecard shows for a unit (in the unit of `Comparison.delta`): a tenth of a
 * point, a second, one contact, a cent, a tenth of a score. A smaller change reads as none.
 */
export const SHOWN_STEP: Readonly<Record<Unit, number>> = {
  '%': 0.1,
  pts: 1,
  s: 1,
  count: 1,
  currency: 0.01,
  score: 0.1,
};

/** A delta rounded to what a scorecard shows, so "no change" means "reads as no change". */
export function shownDelta(unit: Unit, delta: number): number {
  const step = SHOWN_STEP[unit];
  return clean(Math.round(delta / step) * step);
}

/** Whether a change is good or bad for the KPI, the direction coming from the catalogue. */
export type Quality = 'better' | 'worse' | 'neutral';

/**
 * Whether a change is an improvement, a deterioration, or neither (no direction, or no change as shown):
 * a fall of a lower-is-better KPI (handling time, abandon rate) is `better`.
 * @example changeQuality('lower', -12) // 'better'
 */
export function changeQuality(better: Better, delta: number | null, unit?: Unit): Quality {
  if (better === null || delta === null || !Number.isFinite(delta)) return 'neutral';
  const d = unit === undefined ? delta : shownDelta(unit, delta);
  if (d === 0) return 'neutral';
  return d > 0 === (better === 'higher') ? 'better' : 'worse';
}
