/**
 * Reads a period's facts through a QueryEngine: the portable SQL texts, run in turn, their rows
 * mapped to the engine's fact types. The same code serves DuckDB and Athena.
 */
import {
  type AgentDayFact,
  type BacklogFact,
  type BreakdownFact,
  type BucketFact,
  MEASURES,
  type PeriodFacts,
  type Verbatim,
} from '../engine/facts.js';
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

// Filled field by field, a bucket row's fifty measures would put it in V8's slow dictionary mode (keyed
// stores past a dozen properties); copies of one parsed template share a fast hidden class, which the
// engine's sums over hundreds of thousands of rows feel.
const BUCKET_TEMPLATE: Readonly<Record<string, number | string | null>> = JSON.parse(
  JSON.stringify({
    bucket: 0,
    team: null,
    queue: null,
    channel: null,
    agent: null,
    ...Object.fromEntries(MEASURES.map((m) => [m, 0])),
  }),
);

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
  const buckets: BucketFact[] = bucketRows.map((r) => {
    const row: Record<string, number | string | null> = { ...BUCKET_TEMPLATE };
    row.bucket = num(r.bucket);
    row.team = str(r.team);
    row.queue = str(r.queue);
    row.channel = str(r.channel);
    row.agent = str(r.agent);
    for (const m of MEASURES) row[m] = num(r[m]);
    return row as unknown as BucketFact;
  });
  const breakdowns: BreakdownFact[] = breakdownRows.map((r) => ({
    bucket: num(r.bucket),
    ...dims(r),
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
