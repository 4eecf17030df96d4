/**
 * The aggregation SQL: one portable text for DuckDB and Athena (Trino) over the staged export tables,
 * whose timestamps are epoch seconds. Only arithmetic, CASE, SUM/COUNT, floor, strpos and lower are
 * used. Athena takes `?` parameters only in WHERE clauses ("Use parameterized queries", Athena user
 * guide), so the window's bounds are `?` parameters there, and every other value — thresholds from the
 * validated configuration, keywords — is a literal built by `sqlNumber` or `sqlString`. Each staged
 * table is named once per query: Athena (Trino) evaluates a common table expression once per reference,
 * and bills each evaluation's scan.
 */
import { MEASURES, type Measure } from '../engine/facts.js';
import { type SqlParam, sqlNumber, sqlString } from './values.js';

/** An SQL text with its positional parameters, in order. */
export interface SqlText {
  readonly sql: string;
  readonly params: readonly SqlParam[];
}

/** Thresholds of the catalogue, in seconds (docs/spec.md §3: T, S, D). */
export interface Thresholds {
  /** T: a contact answered within T meets the service level. */
  readonly serviceLevelSeconds: number;
  /** S: an abandon within S is a short abandon, left out of the abandon rate. */
  readonly shortAbandonSeconds: number;
  /** D: a social message answered within D counts for social responsiveness. */
  readonly socialReplySeconds: number;
}

/** A time window [start, end) in epoch seconds. */
export interface Window {
  readonly start: number;
  readonly end: number;
}

/** Collects parameters in the order their `?` appear in the text being built. */
class Binder {
  readonly params: SqlParam[] = [];
  bind(value: SqlParam): string {
    this.params.push(value);
    return '?';
  }
}

const DIMENSIONS_SQL = 'team, queue, channel, agent';
const NO_DIMENSIONS =
  'CAST(NULL AS VARCHAR) AS team, CAST(NULL AS VARCHAR) AS queue, CAST(NULL AS VARCHAR) AS channel, CAST(NULL AS VARCHAR) AS agent';
const bucketOf = (time: string): string => `CAST(floor(${time} / 900) AS BIGINT) * 900`;
const when = (condition: string, value = '1'): string => `CASE WHEN ${condition} THEN ${value} ELSE 0 END`;

/** One timestamp of a table that places some of its measures in a bucket (a ticket's creation, its resolution). */
interface Role {
  readonly name: string;
  readonly time: string;
  readonly measures: Partial<Record<Measure, string>>;
}

interface Source {
  readonly table: string;
  readonly dimensions: string;
  readonly roles: readonly Role[];
}

function sources(t: Thresholds): Source[] {
  const inbound = `direction = 'inbound'`;
  // docs/spec.md §1/§3 (amended 2026-12-05): only handled and abandoned contacts reached a queue; a
  // deflected (IVR, bot) or missed (closed, no queue) contact was never offered, as in Amazon Connect,
  // where abandoned, answered and callback-queued contacts are what left a queue.
  const offered = `${inbound} AND channel IN ('voice', 'chat') AND outcome IN ('handled', 'abandoned')`;
  const handled = `${offered} AND outcome = 'handled'`;
  const abandoned = `${offered} AND outcome = 'abandoned'`;
  const replied = `${inbound} AND channel IN ('email', 'social', 'sms') AND first_response_at IS NOT NULL`;
  const social = `${inbound} AND channel = 'social'`;
  // The top two points of the scale; on a scale of fewer than four points (yes/no, 1–3) only the top one,
  // or every "non" of a yes/no question would count as satisfied (docs/spec.md §3).
  const top2 = `score >= scale_max - CASE WHEN scale_max - scale_min < 3 THEN 0 ELSE 1 END`;
  const S = sqlNumber(t.shortAbandonSeconds);
  const T = sqlNumber(t.serviceLevelSeconds);
  const D = sqlNumber(t.socialReplySeconds);
  return [
    {
      table: 'contacts',
      dimensions: DIMENSIONS_SQL,
      roles: [
        {
          name: 'offered',
          time: 'offered_at',
          measures: {
            inbound: when(inbound),
            offered: when(offered),
            handled: when(handled),
            abandoned: when(abandoned),
            short_abandoned: when(`${abandoned} AND wait_s <= ${S}`),
            handled_within_t: when(`${handled} AND wait_s <= ${T}`),
            abandoned_within_t: when(`${abandoned} AND wait_s <= ${T}`),
            handled_wait_sum: when(`${handled} AND wait_s IS NOT NULL`, 'wait_s'),
            handled_wait_n: when(`${handled} AND wait_s IS NOT NULL`),
            offered_wait_sum: when(`${offered} AND wait_s IS NOT NULL`, 'wait_s'),
            offered_wait_n: when(`${offered} AND wait_s IS NOT NULL`),
            talk_sum: when(handled, 'COALESCE(talk_s, 0)'),
            hold_sum: when(handled, 'COALESCE(hold_s, 0)'),
            acw_sum: when(handled, 'COALESCE(acw_s, 0)'),
            outbound: when(`direction = 'outbound'`),
            converted: when('converted'),
            converted_known: when('converted IS NOT NULL'),
            conversion_hits: when(`converted AND ((${handled}) OR direction = 'outbound')`),
            fcr_resolved: when('resolved_first_contact'),
            fcr_set: when('resolved_first_contact IS NOT NULL'),
            reply_delay_sum: when(replied, 'first_response_at - offered_at'),
            reply_delay_n: when(replied),
            social_inbound: when(social),
            social_within_d: when(`${social} AND COALESCE(first_response_at, answered_at) - offered_at <= ${D}`),
            selfcare: when(
              `${inbound} AND (selfcare_redirect OR (channel = 'bot' AND COALESCE(outcome, 'handled') NOT IN ('abandoned', 'missed')))`,
            ),
            selfcare_known: when(`${inbound} AND (selfcare_redirect IS NOT NULL OR channel = 'bot')`),
          },
        },
      ],
    },
    {
      table: 'tickets',
      dimensions: DIMENSIONS_SQL,
      roles: [
        {
          name: 'created',
          time: 'created_at',
          measures: {
            tickets_created: '1',
            ticket_reply_delay_sum: when('first_response_at IS NOT NULL', 'first_response_at - created_at'),
            ticket_reply_delay_n: when('first_response_at IS NOT NULL'),
          },
        },
        {
          name: 'resolved',
          time: 'resolved_at',
          measures: {
            tickets_resolved: '1',
            tickets_resolved_one_touch: when('contacts_count = 1'),
            resolution_time_sum: 'resolved_at - created_at',
          },
        },
      ],
    },
    {
      table: 'surveys',
      dimensions: DIMENSIONS_SQL,
      roles: [
        {
          name: 'answered',
          time: 'answered_at',
          measures: {
            csat_n: when(`kind = 'csat'`),
            csat_top2: when(`kind = 'csat' AND ${top2}`),
            nps_n: when(`kind = 'nps'`),
            nps_promoters: when(`kind = 'nps' AND score >= 9`),
            nps_detractors: when(`kind = 'nps' AND score <= 6`),
            ces_n: when(`kind = 'ces'`),
            ces_sum: when(`kind = 'ces'`, 'score'),
            esat_n: when(`kind = 'esat'`),
            esat_top2: when(`kind = 'esat' AND ${top2}`),
          },
        },
      ],
    },
    {
      table: 'customers',
      dimensions: NO_DIMENSIONS,
      roles: [
        { name: 'acquired', time: 'acquired_at', measures: { customers_acquired: '1' } },
        { name: 'churned', time: 'churned_at', measures: { customers_lost: '1' } },
      ],
    },
  ];
}

/**
 * One SELECT per table. A table with several roles is read once, crossed with its roles (a row per
 * role its record plays in the window), rather than once per role: each reference would be a scan.
 */
function branchOf(source: Source, window: Window, b: Binder): string {
  const [only] = source.roles;
  if (source.roles.length === 1 && only !== undefined) {
    const measures = MEASURES.map((m) => `${only.measures[m] ?? '0'} AS ${m}`).join(', ');
    return `SELECT ${bucketOf(only.time)} AS bucket, ${source.dimensions}, ${measures}
  FROM ${source.table} WHERE ${only.time} >= ${b.bind(window.start)} AND ${only.time} < ${b.bind(window.end)}`;
  }
  const role = (r: Role): string => `role = ${sqlString(r.name)}`;
  const time = `CASE ${source.roles.map((r) => `WHEN ${role(r)} THEN ${r.time}`).join(' ')} END`;
  const measures = MEASURES.map((m) => {
    const cases = source.roles.flatMap((r) => {
      const value = r.measures[m];
      return value === undefined ? [] : [`WHEN ${role(r)} THEN ${value}`];
    });
    return `${cases.length === 0 ? '0' : `CASE ${cases.join(' ')} ELSE 0 END`} AS ${m}`;
  }).join(', ');
  const roles = source.roles.map((r) => `(${sqlString(r.name)})`).join(', ');
  const within = source.roles
    .map((r) => `(${role(r)} AND ${r.time} >= ${b.bind(window.start)} AND ${r.time} < ${b.bind(window.end)})`)
    .join(' OR ');
  return `SELECT ${bucketOf(time)} AS bucket, ${source.dimensions}, ${measures}
  FROM ${source.table} CROSS JOIN (VALUES ${roles}) AS roles (role) WHERE ${within}`;
}

/**
 * Additive facts per 15-minute UTC bucket × team × queue × channel × agent for the window:
 * one row per key with every measure of `MEASURES`.
 */
export function bucketFactsSql(window: Window, thresholds: Thresholds): SqlText {
  const b = new Binder();
  const branches = sources(thresholds).map((source) => branchOf(source, window, b));
  // Summed as DOUBLE: DuckDB sums integers into 128-bit integers, a third slower on a 1M-contact day and
  // slower to read out; every measure is a count or a sum of seconds, exact as a double below 2^53.
  const sums = MEASURES.map((m) => `SUM(CAST(${m} AS DOUBLE)) AS ${m}`).join(', ');
  return {
    sql: `SELECT bucket, team, queue, channel, agent, ${sums}
FROM (
  ${branches.join('\n  UNION ALL\n  ')}
) facts
GROUP BY bucket, team, queue, channel, agent`,
    params: b.params,
  };
}

/**
 * Contact reasons and keyword mentions per bucket × dimensions (keywords match case-insensitively).
 * Contacts are read once, crossed with what each record may count for: its reason, and each keyword.
 */
export function breakdownFactsSql(window: Window, keywords: readonly string[]): SqlText {
  const b = new Binder();
  const entries = [`('reason', CAST(NULL AS VARCHAR))`, ...keywords.map((k) => `('keyword', ${sqlString(k)})`)].join(
    ', ',
  );
  const mentions = (text: string): string =>
    `(e.breakdown = 'keyword' AND strpos(lower(${text}), lower(e.keyword)) > 0)`;
  const branches = [
    `SELECT ${bucketOf('offered_at')} AS bucket, ${DIMENSIONS_SQL}, e.breakdown, CASE e.breakdown WHEN 'reason' THEN reason ELSE e.keyword END AS key
  FROM contacts CROSS JOIN (VALUES ${entries}) AS e (breakdown, keyword)
  WHERE offered_at >= ${b.bind(window.start)} AND offered_at < ${b.bind(window.end)} AND ((e.breakdown = 'reason' AND direction = 'inbound' AND reason IS NOT NULL) OR ${mentions('transcript')})`,
  ];
  if (keywords.length > 0) {
    const values = keywords.map((k) => `('keyword', ${sqlString(k)})`).join(', ');
    branches.push(`SELECT ${bucketOf('answered_at')} AS bucket, ${DIMENSIONS_SQL}, e.breakdown, e.keyword AS key
  FROM surveys CROSS JOIN (VALUES ${values}) AS e (breakdown, keyword)
  WHERE answered_at >= ${b.bind(window.start)} AND answered_at < ${b.bind(window.end)} AND ${mentions('comment')}`);
  }
  return {
    sql: `SELECT bucket, team, queue, channel, agent, breakdown, key, COUNT(*) AS count
FROM (
  ${branches.join('\n  UNION ALL\n  ')}
) mentions
GROUP BY bucket, team, queue, channel, agent, breakdown, key`,
    params: b.params,
  };
}

/** Agent days of the local dates [first, last] (workforce exports carry local dates). */
export function agentDaysSql(first: string, last: string): SqlText {
  return {
    sql: `SELECT local_date AS date, team, agent, SUM(scheduled_s) AS scheduled_s, SUM(COALESCE(absent_s, 0)) AS absent_s,
  SUM(CASE WHEN COALESCE(worked, COALESCE(absent_s, 0) < scheduled_s) THEN 1 ELSE 0 END) AS days_worked, COUNT(*) AS days
FROM agent_days WHERE local_date >= ? AND local_date <= ?
GROUP BY local_date, team, agent`,
    params: [first, last],
  };
}

/** Cost spans that overlap the window; the engine prorates them by time. */
export function costSpansSql(window: Window): SqlText {
  return {
    sql: 'SELECT start_at, end_at, amount, team FROM costs WHERE start_at < ? AND end_at > ?',
    params: [window.end, window.start],
  };
}

/** Tickets open at an instant (created before it, not resolved by it), per dimensions. */
export function backlogSql(at: number): SqlText {
  return {
    sql: `SELECT team, queue, channel, agent, COUNT(*) AS open
FROM tickets WHERE created_at < ? AND (resolved_at IS NULL OR resolved_at >= ?)
GROUP BY team, queue, channel, agent`,
    params: [at, at],
  };
}

/** Customers active at the window's start and at its end (acquired before, not churned by then). */
export function customerBaseSql(window: Window): SqlText {
  const active = (at: number): string =>
    `SUM(CASE WHEN acquired_at < ${sqlNumber(at)} AND (churned_at IS NULL OR churned_at >= ${sqlNumber(at)}) THEN 1 ELSE 0 END)`;
  return {
    sql: `SELECT
  ${active(window.start)} AS at_start,
  ${active(window.end)} AS at_end
FROM customers`,
    params: [],
  };
}

/** Distinct customers who ordered in the window, and how many of them had ordered before it. */
export function repeatBuyersSql(window: Window): SqlText {
  const start = sqlNumber(window.start);
  return {
    sql: `SELECT COUNT(*) AS buyers, SUM(CASE WHEN first_order < ${start} THEN 1 ELSE 0 END) AS repeat_buyers
FROM (
  SELECT customer, MIN(ordered_at) AS first_order
  FROM orders WHERE ordered_at < ?
  GROUP BY customer
  HAVING MAX(CASE WHEN ordered_at >= ${start} THEN 1 ELSE 0 END) = 1
) buyers`,
    params: [window.end],
  };
}

/** Survey comments of the window, lowest relative score first, then most recent. */
export function verbatimsSql(window: Window, limit: number): SqlText {
  return {
    sql: `SELECT answered_at, kind, score, scale_min, scale_max, comment, team, queue, channel, agent
FROM surveys WHERE comment IS NOT NULL AND answered_at >= ? AND answered_at < ?
ORDER BY (score - scale_min) / (scale_max - scale_min), answered_at DESC, id
LIMIT ${sqlNumber(Math.max(0, Math.trunc(limit)))}`,
    params: [window.start, window.end],
  };
}
