import type { CostSpan } from './facts.js';

/**
 * The part of each cost that falls in [start, end), prorated by time: a cost is spread evenly over
 * its span, so a 25-hour local day carries 25 hours' worth of a monthly cost.
 */
export function prorate(spans: readonly CostSpan[], start: number, end: number): number {
  let total = 0;
  for (const span of spans) {
    const length = span.end - span.start;
    if (length <= 0) continue;
    const overlap = Math.min(span.end, end) - Math.max(span.start, start);
    if (overlap > 0) total += (span.amount * overlap) / length;
  }
  return total;
}
