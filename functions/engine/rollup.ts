/**
 * Rolls stored daily facts up into a longer period. Additive facts are simply concatenated (the
 * report sums them per scope); state figures come from the period's boundaries: the customer base at
 * the first day's start and the last day's end, the backlog at the last day's end.
 */
import {
  addMeasures,
  type BreakdownFact,
  type BucketFact,
  type CostSpan,
  type PeriodFacts,
  type StateFacts,
  type Verbatim,
} from './facts.js';
import type { BusinessHoursOf } from './period-kpis.js';
import type { Period } from './periods.js';

/** One local day's facts as the nightly run stores them. */
export interface DayFacts {
  readonly date: string; // YYYY-MM-DD, local
  readonly facts: PeriodFacts;
}

/** Distinct figures over a whole period, which no sum of days can give (a buyer of Monday and Friday is one buyer). */
export interface PeriodDistinct {
  readonly buyers: number;
  readonly repeatBuyers: number;
}

/** Where a score sits on its scale, 0 (worst) to 1 (best), so a 2/5 CSAT and a 4/10 NPS compare. */
const relativeScore = (v: Verbatim): number =>
  v.scaleMax > v.scaleMin ? (v.score - v.scaleMin) / (v.scaleMax - v.scaleMin) : 0;

const costKey = (c: CostSpan): string => `${c.start}|${c.end}|${c.amount}|${c.team ?? ''}`;

/**
 * Combines consecutive days (in date order) into one period's facts. `distinct` supplies the
 * period-wide distinct counts; without it they are unknown and reported as zero buyers.
 */
export function combineDays(days: readonly DayFacts[], distinct: PeriodDistinct | null): PeriodFacts {
  const sorted = [...days].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const first = sorted[0]?.facts.state;
  const last = sorted.at(-1)?.facts.state;
  // The same cost line overlaps many days; it must be prorated once over the whole period.
  const costs = new Map<string, CostSpan>();
  for (const d of sorted) for (const c of d.facts.costs) costs.set(costKey(c), c);
  const state: StateFacts = {
    backlogAtEnd: last?.backlogAtEnd ?? [],
    customersAtStart: first?.customersAtStart ?? 0,
    customersAtEnd: last?.customersAtEnd ?? 0,
    buyers: distinct?.buyers ?? 0,
    repeatBuyers: distinct?.repeatBuyers ?? 0,
    ...kindsOf(sorted),
  };
  return {
    buckets: sorted.flatMap((d) => d.facts.buckets),
    breakdowns: sorted.flatMap((d) => d.facts.breakdowns),
    agentDays: sorted.flatMap((d) => d.facts.agentDays),
    // Sorted: prorated costs are summed in floating point, and the SQL returns spans in no fixed order.
    costs: [...costs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c),
    state,
    verbatims: sorted
      .flatMap((d) => d.facts.verbatims)
      .sort((a, b) => relativeScore(a) - relativeScore(b) || b.answeredAt - a.answeredAt),
  };
}

/** The kinds any day delivered records of; unknown if a day does not say. */
function kindsOf(days: readonly DayFacts[]): Pick<StateFacts, 'kindsWithRecords'> {
  const kinds = new Set<string>();
  for (const d of days) {
    const own = d.facts.state.kindsWithRecords;
    if (own === undefined) return {};
    for (const k of own) kinds.add(k);
  }
  return { kindsWithRecords: [...kinds].sort() };
}

const dimensionsKey = (r: BucketFact | BreakdownFact): string =>
  `${r.team ?? '\u0000'}\u0001${r.queue ?? '\u0000'}\u0001${r.channel ?? '\u0000'}\u0001${r.agent ?? '\u0000'}`;

/**
 * A stored day's facts folded for reporting: bucket rows with the same dimensions are summed over the
 * day, kept apart only by whether their bucket is within business hours (the one thing a report reads
 * from a bucket), and breakdown rows are summed over the day. Each folded row keeps a bucket of its own
 * day, so any period made of whole days reports exactly as from the unfolded rows, while a day of 1M
 * contacts shrinks from ~180k bucket and ~500k breakdown rows to a few thousand each: what lets a
 * digest hold a month of such days. Rows outside `day` are kept as they are.
 */
export function foldDay(facts: PeriodFacts, day: Period, isOpen: BusinessHoursOf): PeriodFacts {
  return {
    ...facts,
    buckets: foldRows(
      facts.buckets,
      day,
      (row) => `${dimensionsKey(row)}\u0001${isOpen(row.bucket) ? 1 : 0}`,
      addMeasures,
    ),
    breakdowns: foldRows(
      facts.breakdowns,
      day,
      (row) => `${dimensionsKey(row)}\u0001${row.breakdown}\u0001${row.key}`,
      (into, row) => {
        into.count += row.count;
      },
    ),
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Rows of `day` summed by key into a copy of each key's first row, which keeps the earliest bucket of
 * its rows (the SQL returns rows in no fixed order: the same exports must fold to the same rows); rows
 * outside `day` kept as they are.
 */
function foldRows<T extends { readonly bucket: number }>(
  rows: readonly T[],
  day: Period,
  keyOf: (row: T) => string,
  add: (into: Mutable<T>, row: T) => void,
): T[] {
  const folded = new Map<string, Mutable<T>>();
  const outside: T[] = [];
  for (const row of rows) {
    if (row.bucket < day.start || row.bucket >= day.end) {
      outside.push(row);
      continue;
    }
    const key = keyOf(row);
    const into = folded.get(key);
    if (into === undefined) folded.set(key, { ...row });
    else {
      add(into, row);
      if (row.bucket < into.bucket) into.bucket = row.bucket;
    }
  }
  return [...folded.values(), ...outside];
}
