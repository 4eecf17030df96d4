import type { Measures } from './facts.js';
import type { Scope } from './scope.js';

/** How a KPI's value is expressed; decides how deltas are worded (points for `%` and `pts`). */
export type Unit = 'count' | '%' | 's' | 'pts' | 'score' | 'currency';

/** Which way is better; `null` for volumes that are neither good nor bad. */
export type Better = 'higher' | 'lower' | null;

/** Groups KPIs into the tables of a scorecard, in the order the tables appear. */
export const FAMILIES = [
  'volume',
  'service',
  'handling',
  'sales',
  'resolution',
  'digital',
  'satisfaction',
  'workforce',
  'finance',
  'customers',
] as const;
export type Family = (typeof FAMILIES)[number];

/** One line of a breakdown KPI (`contacts_by_channel`, `top_reasons`, `keyword_mentions`). */
export interface BreakdownItem {
  readonly key: string;
  readonly count: number;
  /** count ÷ the total over every key (before any top-N cut), between 0 and 1. */
  readonly share: number;
}

/** A computed KPI. Ratios carry numerator and denominator; breakdowns carry items. */
export interface KpiValue {
  readonly value: number | null;
  readonly numerator: number | null;
  readonly denominator: number | null;
  readonly items?: readonly BreakdownItem[];
}

/** Agent-day sums for a period and scope. */
export interface AgentDayTotals {
  readonly scheduled_s: number;
  readonly absent_s: number;
  readonly days_worked: number;
  readonly days: number;
}

/** Everything a KPI computation may look at, already restricted to one period and one scope. */
export interface KpiInput {
  readonly scope: Scope;
  /** Measures summed over the period's buckets in scope. */
  readonly totals: Measures;
  /** Inbound contacts in buckets that start outside business hours (local time). */
  readonly afterHoursInbound: number;
  /** Inbound contacts per channel. */
  readonly inboundByChannel: ReadonlyMap<string, number>;
  /** Breakdown counts summed over the period, per key. */
  readonly reasons: ReadonlyMap<string, number>;
  readonly keywords: ReadonlyMap<string, number>;
  /** Agent-day sums, or `null` when the scope's dimension does not apply to workforce data (queue, channel). */
  readonly agentDays: AgentDayTotals | null;
  /** Costs prorated onto the period, or `null` when costs cannot be attributed to the scope. */
  readonly costs: number | null;
  /** Open tickets at the end of the period in scope. */
  readonly backlog: number;
  /**
   * The export kinds that delivered any record (in the window or the history read): a count of a kind
   * that never delivered one is unknown, not 0 (docs/spec.md §3). `null`: not known, every kind delivered.
   */
  readonly kindsDelivered: ReadonlySet<string> | null;
  /** Customer-base figures; `null` outside the centre scope (customers carry no team or queue). */
  readonly customers: {
    readonly atStart: number;
    readonly atEnd: number;
    readonly acquired: number;
    readonly lost: number;
    readonly buyers: number;
    readonly repeatBuyers: number;
  } | null;
  readonly options: KpiOptions;
}

/** Catalogue options that change a definition (config keys in parentheses). */
export interface KpiOptions {
  /** Amazon Connect's service level: abandons within T count as met (`service_level.count_abandons_within_t`). */
  readonly serviceLevelCountsAbandonsWithinT: boolean;
  /** How many reasons `top_reasons` lists (`top_reasons.limit`). */
  readonly topReasons: number;
}

/** A KPI of the catalogue (docs/spec.md §3): what it is called, how it reads, how it is computed. */
export interface KpiDefinition {
  readonly id: string;
  readonly name: { readonly fr: string; readonly en: string };
  readonly unit: Unit;
  readonly better: Better;
  readonly family: Family;
  readonly breakdown?: true;
  compute(input: KpiInput): KpiValue;
}

/** Whether an export kind delivered any record for this input (see `KpiInput.kindsDelivered`). */
export function delivered(input: Pick<KpiInput, 'kindsDelivered'>, kind: string): boolean {
  return input.kindsDelivered === null || input.kindsDelivered.has(kind);
}

/** A ratio KPI value; `null` when the denominator is zero ("pas de données"). */
export function ratio(numerator: number, denominator: number): KpiValue {
  return { value: denominator > 0 ? numerator / denominator : null, numerator, denominator };
}

/** A KPI that does not apply to the scope (no workforce, cost or customer data): every part `null`. */
export const NO_DATA: KpiValue = { value: null, numerator: null, denominator: null };

/** A count KPI value: the count itself, no ratio parts. */
export function count(value: number): KpiValue {
  return { value, numerator: null, denominator: null };
}

/** A breakdown KPI value: items sorted by count (then key), shares of the grand total, top `limit`. */
export function breakdown(counts: ReadonlyMap<string, number>, limit = Number.POSITIVE_INFINITY): KpiValue {
  let total = 0;
  for (const n of counts.values()) total += n;
  const items = [...counts.entries()]
    .filter(([, n]) => n > 0)
    .sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : ka > kb ? 1 : 0)) // code-point order: the same on every machine
    .slice(0, limit)
    .map(([key, n]) => ({ key, count: n, share: n / total }));
  return { value: total, numerator: null, denominator: null, items };
}
