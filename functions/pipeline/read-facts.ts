/**
 * Reads a period's facts through a QueryEngine: the portable SQL texts, run in turn, their rows
 * mapped to the engine's fact types. The same code serves DuckDB and Athena.
 */
import type { AgentDayFact, BacklogFact, BreakdownFact, BucketFact, PeriodFacts, Verbatim } from '../engine/facts.js';
import type { Period } from '../engine/periods.js';
import {
  agentDaysSql,
  backlogSql,
  breakdownFactsSql,
  bucketFactsSql,
  costSpansSql,
  customerBaseSql,
  repeatBuyersSql,
  type SqlText,
  type Thresholds,
  verbatimsSql,
} from '../sql/facts.js';
import type { QueryEngine, Row } from './ports.js';

/** Parameters of the facts SQL that come from configuration. */
export interface FactsOptions {
  readonly thresholds: Thresholds;
  readonly keywords: readonly string[];
  /** How many verbatims to fetch (the scorecard shows a few of them). */
  readonly verbatims: number;
}

const num = (v: Row[string] | undefined): number =>
  typeof v === 'number' ? v : v === null || v === undefined ? 0 : Number(v);
const str = (v: Row[string] | undefined): string | null => (v === null || v === undefined ? null : String(v));
const dims = (r: Row) => ({ team: str(r.team), queue: str(r.queue), channel: str(r.channel), agent: str(r.agent) });

/**
 * A bucket row as the engine sums it. Spelled out as one object literal: every row gets one hidden class
 * with its fifty fields in place, and each field is read by name. A row filled field by field would
 * fall into V8's slow dictionary mode past a dozen properties, and a loop over MEASURES makes one keyed
 * access site see fifty names (V8's slow generic path). The BucketFact type makes a missing measure a
 * compile error.
 */
function bucketFact(r: Row): BucketFact {
  return {
    bucket: num(r.bucket),
    team: str(r.team),
    queue: str(r.queue),
    channel: str(r.channel),
    agent: str(r.agent),
    inbound: num(r.inbound),
    offered: num(r.offered),
    handled: num(r.handled),
    abandoned: num(r.abandoned),
    short_abandoned: num(r.short_abandoned),
    handled_within_t: num(r.handled_within_t),
    abandoned_within_t: num(r.abandoned_within_t),
    handled_wait_sum: num(r.handled_wait_sum),
    handled_wait_n: num(r.handled_wait_n),
    offered_wait_sum: num(r.offered_wait_sum),
    offered_wait_n: num(r.offered_wait_n),
    talk_sum: num(r.talk_sum),
    hold_sum: num(r.hold_sum),
    acw_sum: num(r.acw_sum),
    outbound: num(r.outbound),
    converted: num(r.converted),
    converted_known: num(r.converted_known),
    conversion_hits: num(r.conversion_hits),
    fcr_resolved: num(r.fcr_resolved),
    fcr_set: num(r.fcr_set),
    reply_delay_sum: num(r.reply_delay_sum),
    reply_delay_n: num(r.reply_delay_n),
    social_inbound: num(r.social_inbound),
    social_within_d: num(r.social_within_d),
    selfcare: num(r.selfcare),
    selfcare_known: num(r.selfcare_known),
    tickets_created: num(r.tickets_created),
    ticket_reply_delay_sum: num(r.ticket_reply_delay_sum),
    ticket_reply_delay_n: num(r.ticket_reply_delay_n),
    tickets_resolved: num(r.tickets_resolved),
    tickets_resolved_one_touch: num(r.tickets_resolved_one_touch),
    resolution_time_sum: num(r.resolution_time_sum),
    csat_n: num(r.csat_n),
    csat_top2: num(r.csat_top2),
    nps_n: num(r.nps_n),
    nps_promoters: num(r.nps_promoters),
    nps_detractors: num(r.nps_detractors),
    ces_n: num(r.ces_n),
    ces_sum: num(r.ces_sum),
    esat_n: num(r.esat_n),
    esat_top2: num(r.esat_top2),
    customers_acquired: num(r.customers_acquired),
    customers_lost: num(r.customers_lost),
  };
}

async function run(engine: QueryEngine, text: SqlText): Promise<Row[]> {
  return engine.query(text.sql, text.params);
}

/** The facts SQL texts of a period, in the order they run. */
export function factsQueries(period: Period, options: FactsOptions): SqlText[] {
  const window = { start: period.start, end: period.end };
  return [
    bucketFactsSql(window, options.thresholds),
    breakdownFactsSql(window, options.keywords),
    agentDaysSql(period.startDate, period.endDate),
    costSpansSql(window),
    backlogSql(period.end),
    customerBaseSql(window),
    repeatBuyersSql(window),
    verbatimsSql(window, Math.max(options.verbatims * 4, 20)),
  ];
}

/** All facts of a period, from the exports the engine has staged. */
export async function readPeriodFacts(
  engine: QueryEngine,
  period: Period,
  options: FactsOptions,
): Promise<PeriodFacts> {
  // One query at a time: an embedded engine has one connection, and Athena queues them anyway.
  const texts = factsQueries(period, options);
  const results: Row[][] = [];
  for (const text of texts) results.push(await run(engine, text));
  return factsFromRows(results);
}

/** Facts from the rows of `factsQueries`'s texts, in their order. */
export function factsFromRows(results: readonly Row[][]): PeriodFacts {
  const [
    bucketRows = [],
    breakdownRows = [],
    agentRows = [],
    costRows = [],
    backlogRows = [],
    baseRows = [],
    buyerRows = [],
    verbatimRows = [],
  ] = results;
  const buckets: BucketFact[] = bucketRows.map(bucketFact);
  const breakdowns: BreakdownFact[] = breakdownRows.map((r) => ({
    bucket: num(r.bucket),
    team: str(r.team),
    queue: str(r.queue),
    channel: str(r.channel),
    agent: str(r.agent),
    breakdown: r.breakdown === 'keyword' ? 'keyword' : 'reason',
    key: str(r.key) ?? '',
    count: num(r.count),
  }));
  const agentDays: AgentDayFact[] = agentRows.map((r) => ({
    date: str(r.date) ?? '',
    team: str(r.team),
    agent: str(r.agent) ?? '',
    scheduled_s: num(r.scheduled_s),
    absent_s: num(r.absent_s),
    days_worked: num(r.days_worked),
    days: num(r.days),
  }));
  const backlogAtEnd: BacklogFact[] = backlogRows.map((r) => ({ ...dims(r), open: num(r.open) }));
  const verbatims: Verbatim[] = verbatimRows.map((r) => ({
    answeredAt: num(r.answered_at),
    kind: (str(r.kind) ?? 'csat') as Verbatim['kind'],
    score: num(r.score),
    scaleMin: num(r.scale_min),
    scaleMax: num(r.scale_max),
    comment: str(r.comment) ?? '',
    ...dims(r),
  }));
  return {
    buckets,
    breakdowns,
    agentDays,
    costs: costRows.map((r) => ({
      start: num(r.start_at),
      end: num(r.end_at),
      amount: num(r.amount),
      team: str(r.team),
    })),
    state: {
      backlogAtEnd,
      customersAtStart: num(baseRows[0]?.at_start),
      customersAtEnd: num(baseRows[0]?.at_end),
      buyers: num(buyerRows[0]?.buyers),
      repeatBuyers: num(buyerRows[0]?.repeat_buyers),
    },
    verbatims,
  };
}
