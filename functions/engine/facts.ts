/**
 * Facts: what the aggregation SQL produces from raw exports, and all the engine ever sees.
 *
 * Bucket facts are additive sums and counts per 15-minute UTC bucket × team × queue × channel × agent.
 * Because every IANA offset is a multiple of 15 minutes, a bucket always lies inside exactly one local
 * day, so any local period is a set of buckets and any period's KPI is a ratio of summed facts.
 */

/** Dimensions a scope can select on, in the order the facts are keyed. */
export const DIMENSIONS = ['team', 'queue', 'channel', 'agent'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Every additive measure of a bucket row; the SQL emits one column per name. */
export const MEASURES = [
  // contacts, bucketed by offered_at
  'inbound', // inbound contacts, any channel
  'offered', // inbound voice/chat contacts that reached a queue: outcome handled or abandoned
  'handled', // offered and handled by an agent
  'abandoned', // offered and abandoned in queue
  'short_abandoned', // abandoned with wait ≤ S
  'handled_within_t', // handled with wait ≤ T
  'abandoned_within_t', // abandoned with wait ≤ T (Amazon Connect's service level variant)
  'handled_wait_sum', // seconds of wait over handled contacts whose wait is known
  'handled_wait_n',
  'offered_wait_sum', // seconds of wait over handled and abandoned contacts whose wait is known
  'offered_wait_n',
  'talk_sum', // over handled contacts; a missing duration counts 0
  'hold_sum',
  'acw_sum',
  'outbound', // outbound contacts, any channel
  'converted', // contacts with converted = true, any kind
  'converted_known', // contacts where converted is set (true or false): none means conversions are unknown
  'conversion_hits', // converted among handled and outbound contacts (conversion_rate numerator)
  'fcr_resolved', // resolved_first_contact = true, any contact
  'fcr_set', // resolved_first_contact set, any contact
  'reply_delay_sum', // first_response_at − offered_at over inbound email/social/sms that got a reply
  'reply_delay_n',
  'social_inbound',
  'social_within_d', // inbound social answered within D
  'selfcare', // inbound redirected to self-care, or bot sessions not abandoned/missed
  'selfcare_known', // inbound contacts where selfcare_redirect is set, or bot sessions: none means self-care is unknown
  // tickets, bucketed by created_at
  'tickets_created',
  'ticket_reply_delay_sum',
  'ticket_reply_delay_n',
  // tickets, bucketed by resolved_at
  'tickets_resolved',
  'tickets_resolved_one_touch',
  'resolution_time_sum',
  // surveys, bucketed by answered_at
  'csat_n',
  'csat_top2',
  'nps_n',
  'nps_promoters',
  'nps_detractors',
  'ces_n',
  'ces_sum',
  'esat_n',
  'esat_top2',
  // customers, bucketed by acquired_at / churned_at (no dimensions)
  'customers_acquired',
  'customers_lost',
] as const;
export type Measure = (typeof MEASURES)[number];
export type Measures = Record<Measure, number>;

/** The dimension values of a fact row; `null` where the source record had none. */
export type DimensionValues = Record<Dimension, string | null>;

/** One additive row: a 15-minute UTC bucket × dimensions, with every measure. */
export interface BucketFact extends DimensionValues, Measures {
  /** Epoch seconds of the bucket start (a multiple of 900). */
  readonly bucket: number;
}

/** One agent's planned day, keyed by the centre's local date (workforce exports carry local dates). */
export interface AgentDayFact {
  readonly date: string; // YYYY-MM-DD
  readonly team: string | null;
  readonly agent: string;
  readonly scheduled_s: number;
  readonly absent_s: number;
  readonly days_worked: number;
  readonly days: number;
}

/** Breakdown counts (contact reasons, keyword mentions) per bucket × dimensions. */
export interface BreakdownFact extends DimensionValues {
  readonly bucket: number;
  readonly breakdown: 'reason' | 'keyword';
  readonly key: string;
  readonly count: number;
}

/** An operating cost over a span; prorated by time onto periods by the engine. */
export interface CostSpan {
  readonly start: number; // epoch seconds, inclusive
  readonly end: number; // epoch seconds, exclusive
  readonly amount: number;
  readonly team: string | null;
}

/** Open tickets at a boundary instant, per dimension values. */
export interface BacklogFact extends DimensionValues {
  readonly open: number;
}

/**
 * Figures that are not sums over buckets: states at a period's boundaries and distinct counts.
 * Each is computed by one targeted query for the exact period.
 */
export interface StateFacts {
  readonly backlogAtEnd: readonly BacklogFact[];
  readonly customersAtStart: number;
  readonly customersAtEnd: number;
  /** Distinct customers with an order in the period. */
  readonly buyers: number;
  /** Of those, customers with an order before the period. */
  readonly repeatBuyers: number;
  /**
   * Export kinds that delivered at least one accepted record in the run's window or in the history it
   * read: a KPI of a kind absent from both is `null`, not 0 (docs/spec.md §3). Absent: not known (facts
   * built before the rule), every kind taken as delivered.
   */
  readonly kindsWithRecords?: readonly string[];
}

/** A survey comment kept to explain a score ("une note mesure, un verbatim explique"). */
export interface Verbatim extends DimensionValues {
  readonly answeredAt: number; // epoch seconds
  readonly kind: 'csat' | 'nps' | 'ces' | 'esat';
  readonly score: number;
  readonly scaleMin: number;
  readonly scaleMax: number;
  readonly comment: string;
}

/** Everything the engine needs to report one period. */
export interface PeriodFacts {
  readonly buckets: readonly BucketFact[];
  readonly agentDays: readonly AgentDayFact[];
  readonly breakdowns: readonly BreakdownFact[];
  readonly costs: readonly CostSpan[];
  readonly state: StateFacts;
  readonly verbatims: readonly Verbatim[];
}

/** A measures record with every measure at zero. */
export function zeroMeasures(): Measures {
  return Object.fromEntries(MEASURES.map((m) => [m, 0])) as Measures;
}

/** Adds `row`'s measures into `into` (mutates `into`; used in hot rollup loops). */
export function addMeasures(into: Measures, row: Measures): void {
  // Spelled out: a loop over MEASURES makes one keyed access site see 43 names, which V8 serves from its
  // slow generic path — 45 times slower here, and every scope of every period sums every row through it.
  // The test "addMeasures adds every measure" fails if a measure is missing below.
  into.inbound += row.inbound;
  into.offered += row.offered;
  into.handled += row.handled;
  into.abandoned += row.abandoned;
  into.short_abandoned += row.short_abandoned;
  into.handled_within_t += row.handled_within_t;
  into.abandoned_within_t += row.abandoned_within_t;
  into.handled_wait_sum += row.handled_wait_sum;
  into.handled_wait_n += row.handled_wait_n;
  into.offered_wait_sum += row.offered_wait_sum;
  into.offered_wait_n += row.offered_wait_n;
  into.talk_sum += row.talk_sum;
  into.hold_sum += row.hold_sum;
  into.acw_sum += row.acw_sum;
  into.outbound += row.outbound;
  into.converted += row.converted;
  into.converted_known += row.converted_known;
  into.conversion_hits += row.conversion_hits;
  into.fcr_resolved += row.fcr_resolved;
  into.fcr_set += row.fcr_set;
  into.reply_delay_sum += row.reply_delay_sum;
  into.reply_delay_n += row.reply_delay_n;
  into.social_inbound += row.social_inbound;
  into.social_within_d += row.social_within_d;
  into.selfcare += row.selfcare;
  into.selfcare_known += row.selfcare_known;
  into.tickets_created += row.tickets_created;
  into.ticket_reply_delay_sum += row.ticket_reply_delay_sum;
  into.ticket_reply_delay_n += row.ticket_reply_delay_n;
  into.tickets_resolved += row.tickets_resolved;
  into.tickets_resolved_one_touch += row.tickets_resolved_one_touch;
  into.resolution_time_sum += row.resolution_time_sum;
  into.csat_n += row.csat_n;
  into.csat_top2 += row.csat_top2;
  into.nps_n += row.nps_n;
  into.nps_promoters += row.nps_promoters;
  into.nps_detractors += row.nps_detractors;
  into.ces_n += row.ces_n;
  into.ces_sum += row.ces_sum;
  into.esat_n += row.esat_n;
  into.esat_top2 += row.esat_top2;
  into.customers_acquired += row.customers_acquired;
  into.customers_lost += row.customers_lost;
}
