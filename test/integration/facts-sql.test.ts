import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbQueryEngine } from '../../functions/adapters/duckdb.js';
import { dayPeriod } from '../../functions/engine/periods.js';
import {
  agentDaysSql,
  backlogSql,
  breakdownFactsSql,
  bucketFactsSql,
  costSpansSql,
  customerBaseSql,
  repeatBuyersSql,
  verbatimsSql,
} from '../../functions/sql/facts.js';
import { csv, exportsDir, ndjson } from '../support/exports.js';

// 2026-03-29 in Paris is the spring DST day: 23 hours, from 2026-03-28T23:00Z to 2026-03-29T22:00Z.
const period = dayPeriod('2026-03-29', 'Europe/Paris');
const window = { start: period.start, end: period.end };
const thresholds = { serviceLevelSeconds: 20, shortAbandonSeconds: 5, socialReplySeconds: 3600 };
const at = (hhmm: string, date = '2026-03-29') => `${date}T${hhmm}:00Z`;
const plus = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();
const voice = (id: string, offered: string, extra: object = {}) => ({
  id,
  channel: 'voice',
  direction: 'inbound',
  team: 'Nord',
  queue: 'facturation',
  agent: 'a1',
  offered_at: offered,
  ...extra,
});

let engine: DuckDbQueryEngine;
beforeAll(async () => {
  const t = at('08:00');
  const root = await exportsDir({
    'contacts/dt=2026-03-29/a.ndjson': ndjson(
      // Four voice calls in the 08:00 bucket: two handled (12 s and 30 s wait), one short abandon (3 s), one abandon (50 s).
      voice('h1', t, {
        answered_at: plus(t, 12),
        talk_s: 200,
        hold_s: 20,
        acw_s: 40,
        resolved_first_contact: true,
        converted: true,
        reason: 'Facture',
      }),
      voice('h2', plus(t, 60), {
        answered_at: plus(t, 90),
        talk_s: 100,
        resolved_first_contact: false,
        reason: 'Facture',
        transcript: 'Je veux une RÉSILIATION',
      }),
      voice('s1', plus(t, 120), { ended_at: plus(t, 123), agent: undefined }),
      voice('ab', plus(t, 180), { wait_s: 50, outcome: 'abandoned', agent: undefined, reason: 'Panne' }),
      // Two calls that never reached a queue (IVR, closed hours): inbound, never offered (docs/spec.md §1, §3).
      voice('dv', plus(t, 240), { outcome: 'deflected', agent: undefined, queue: undefined }),
      voice('mi', plus(t, 300), { outcome: 'missed', agent: undefined, queue: undefined }),
      // An outbound converted call, an email answered in 2 h, a social message answered in 30 min, a bot session.
      { id: 'o1', channel: 'voice', direction: 'outbound', team: 'Nord', offered_at: t, converted: true },
      {
        id: 'e1',
        channel: 'email',
        direction: 'inbound',
        team: 'Sud',
        offered_at: t,
        first_response_at: plus(t, 7200),
      },
      {
        id: 'so',
        channel: 'social',
        direction: 'inbound',
        team: 'Sud',
        offered_at: t,
        first_response_at: plus(t, 1800),
      },
      { id: 'b1', channel: 'bot', direction: 'inbound', offered_at: t, outcome: 'deflected' },
      // Outside the local day (the evening of the 29th UTC after 22:00 is the 30th in Paris).
      voice('late', at('22:30'), { answered_at: at('22:31') }),
    ),
    'contacts/dt=2026-03-28/a.ndjson': ndjson(
      voice('early', at('23:30', '2026-03-28'), { answered_at: at('23:30', '2026-03-28') }),
    ),
    'tickets/dt=2026-03-01/t.ndjson': ndjson(
      { id: 't1', created_at: at('08:00', '2026-03-01'), resolved_at: at('10:00'), contacts_count: 1, team: 'Nord' },
      { id: 't2', created_at: at('08:00', '2026-03-01'), team: 'Nord' },
    ),
    'tickets/dt=2026-03-29/t.ndjson': ndjson(
      {
        id: 't3',
        created_at: at('09:00'),
        first_response_at: at('09:30'),
        resolved_at: at('11:00'),
        contacts_count: 3,
        team: 'Sud',
      },
      { id: 't4', created_at: at('09:00'), team: 'Sud' },
    ),
    'surveys/dt=2026-03-29/s.csv': csv(
      { id: 'q1', kind: 'csat', score: 5, answered_at: at('10:00'), team: 'Nord', comment: 'Parfait' },
      {
        id: 'q2',
        kind: 'csat',
        score: 2,
        answered_at: at('10:05'),
        team: 'Nord',
        comment: 'Trop long, je pense à un concurrent',
      },
      { id: 'q3', kind: 'csat', score: 9, scale_min: 0, scale_max: 10, answered_at: at('10:10'), team: 'Nord' },
      { id: 'q4', kind: 'nps', score: 10, answered_at: at('10:00') },
      { id: 'q5', kind: 'nps', score: 6, answered_at: at('10:00') },
      { id: 'q6', kind: 'ces', score: 6, answered_at: at('10:00') },
      { id: 'q7', kind: 'esat', score: 4, answered_at: at('10:00') },
    ),
    'agent_days/dt=2026-03-29/d.csv': csv(
      { agent: 'a1', date: '2026-03-29', scheduled_s: 25200, absent_s: 0, team: 'Nord' },
      { agent: 'a2', date: '2026-03-29', scheduled_s: 25200, absent_s: 25200, team: 'Nord' },
    ),
    'customers/dt=2025-01-01/c.ndjson': ndjson(
      { id: 'k1', acquired_at: '2025-01-01T00:00:00Z' },
      { id: 'k2', acquired_at: '2025-01-01T00:00:00Z', churned_at: at('12:00') },
    ),
    'customers/dt=2026-03-29/c.ndjson': ndjson({ id: 'k3', acquired_at: at('12:00') }),
    'orders/dt=2026-02-01/o.ndjson': ndjson({ id: 'o1', customer: 'k1', at: '2026-02-01T10:00:00Z' }),
    'orders/dt=2026-03-29/o.ndjson': ndjson(
      { id: 'o2', customer: 'k1', at: at('10:00') },
      { id: 'o3', customer: 'k3', at: at('13:00') },
      { id: 'o4', customer: 'k3', at: at('14:00') },
    ),
    'costs/dt=2026-02-28/c.ndjson': ndjson({
      id: 'm',
      start: '2026-02-28T23:00:00Z',
      end: '2026-03-31T22:00:00Z',
      amount: 74400,
      team: 'Nord',
    }),
  });
  engine = await DuckDbQueryEngine.open({ exportsRoot: root });
  await engine.stageExports({ partitions: ['2026-03-28', '2026-03-29'], now: Date.parse('2026-04-01') / 1000 });
});
afterAll(async () => engine.close());

const run = async (text: { sql: string; params: readonly (string | number | boolean | null)[] }) =>
  engine.query(text.sql, text.params);

describe('the aggregation SQL over staged exports', () => {
  it('sums contact measures per 15-minute bucket and dimensions, inside the local day only', async () => {
    const rows = await run(bucketFactsSql(window, thresholds));
    const bucket = Date.parse(at('08:00')) / 1000;
    const nord = rows.filter((r) => r.bucket === bucket && r.team === 'Nord' && r.channel === 'voice');
    const sum = (m: string) => nord.reduce((a, r) => a + Number(r[m]), 0);
    // Offered: handled and abandoned only (docs/spec.md §3, amended 2026-12-05); the deflected and the
    // missed call are inbound but were never offered.
    expect(sum('offered')).toBe(4);
    expect(sum('inbound')).toBe(6);
    expect(sum('handled')).toBe(2);
    expect(sum('abandoned')).toBe(2);
    expect(sum('short_abandoned')).toBe(1); // 3 s ≤ S = 5 s
    expect(sum('handled_within_t')).toBe(1); // 12 s ≤ 20 s; 30 s is not
    expect(sum('abandoned_within_t')).toBe(1); // the 3 s abandon
    expect(sum('handled_wait_sum')).toBe(42); // 12 + 30
    expect(sum('offered_wait_sum')).toBe(95); // 12 + 30 + 3 + 50
    expect(sum('offered_wait_n')).toBe(4);
    expect(sum('talk_sum')).toBe(300);
    expect(sum('hold_sum')).toBe(20);
    expect(sum('acw_sum')).toBe(40);
    expect(sum('outbound')).toBe(1);
    expect(sum('converted')).toBe(2);
    expect(sum('conversion_hits')).toBe(2); // h1 handled and o1 outbound
    expect(sum('fcr_resolved')).toBe(1);
    expect(sum('fcr_set')).toBe(2);
    const all = (m: string) => rows.reduce((a, r) => a + Number(r[m]), 0);
    expect(all('inbound')).toBe(10); // 6 voice + early (23:30Z on the 28th is 00:30 on the 29th in Paris) + email + social + bot
    expect(all('offered')).toBe(5);
    expect(all('reply_delay_sum')).toBe(9000); // email 7200 + social 1800
    expect(all('reply_delay_n')).toBe(2);
    expect(all('social_inbound')).toBe(1);
    expect(all('social_within_d')).toBe(1);
    expect(all('selfcare')).toBe(1);
    expect(rows.every((r) => Number(r.bucket) % 900 === 0)).toBe(true);
    expect(rows.some((r) => Number(r.bucket) >= period.end)).toBe(false);
  });

  it('places ticket, survey and customer measures by their own timestamps', async () => {
    const rows = await run(bucketFactsSql(window, thresholds));
    const all = (m: string) => rows.reduce((a, r) => a + Number(r[m]), 0);
    expect(all('tickets_created')).toBe(2); // t3, t4
    expect(all('ticket_reply_delay_sum')).toBe(1800);
    expect(all('tickets_resolved')).toBe(2); // t1 (created 1 March) and t3
    expect(all('tickets_resolved_one_touch')).toBe(1);
    expect(all('resolution_time_sum')).toBe(
      Date.parse(at('10:00')) / 1000 - Date.parse(at('08:00', '2026-03-01')) / 1000 + 7200,
    );
    expect([all('csat_n'), all('csat_top2')]).toEqual([3, 2]); // 5 of 5 and 9 of 10 are top-two; 2 of 5 is not
    expect([all('nps_n'), all('nps_promoters'), all('nps_detractors')]).toEqual([2, 1, 1]);
    expect([all('ces_n'), all('ces_sum'), all('esat_n'), all('esat_top2')]).toEqual([1, 6, 1, 1]);
    expect([all('customers_acquired'), all('customers_lost')]).toEqual([1, 1]);
  });

  it('counts reasons and keyword mentions, case-insensitively, in transcripts and comments', async () => {
    const rows = await run(breakdownFactsSql(window, ['résiliation', 'concurrent', 'absent']));
    const total = (breakdown: string, key: string) =>
      rows.filter((r) => r.breakdown === breakdown && r.key === key).reduce((a, r) => a + Number(r.count), 0);
    expect(total('reason', 'Facture')).toBe(2);
    expect(total('reason', 'Panne')).toBe(1);
    expect(total('keyword', 'résiliation')).toBe(1);
    expect(total('keyword', 'concurrent')).toBe(1);
    expect(total('keyword', 'absent')).toBe(0);
  });

  it('reads state at the boundaries: backlog, customer base, repeat buyers', async () => {
    const backlog = await run(backlogSql(period.end));
    expect(backlog.reduce((a, r) => a + Number(r.open), 0)).toBe(2); // t2 and t4 are open
    expect(await run(customerBaseSql(window))).toEqual([{ at_start: 2, at_end: 2 }]); // k1,k2 → k1,k3
    expect(await run(repeatBuyersSql(window))).toEqual([{ buyers: 2, repeat_buyers: 1 }]); // k1 had ordered in February
  });

  it('returns agent days, overlapping costs and the lowest-scored verbatims first', async () => {
    const days = await run(agentDaysSql('2026-03-29', '2026-03-29'));
    expect(days.reduce((a, r) => a + Number(r.days_worked), 0)).toBe(1); // a2 was absent all day
    expect(await run(costSpansSql(window))).toHaveLength(1);
    const verbatims = await run(verbatimsSql(window, 5));
    expect(verbatims.map((v) => v.comment)).toEqual(['Trop long, je pense à un concurrent', 'Parfait']);
  });
});
