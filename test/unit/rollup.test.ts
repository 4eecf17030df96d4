import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../functions/engine/catalogue.js';
import { parseConfig } from '../../functions/engine/config.js';
import { type BreakdownFact, type BucketFact, type PeriodFacts, zeroMeasures } from '../../functions/engine/facts.js';
import { businessHoursOf, reportPeriod } from '../../functions/engine/period-kpis.js';
import { dayPeriod, weekPeriod } from '../../functions/engine/periods.js';
import { combineDays, foldDay } from '../../functions/engine/rollup.js';

const parsed = parseConfig({}, new Map(CATALOGUE.map((k) => [k.id, { unit: k.unit }])));
if (!parsed.ok) throw new Error(parsed.errors.join('; '));
const config = parsed.config;
const TZ = 'Europe/Paris';

const dayFacts = (
  date: string,
  offered: number,
  handled: number,
  extra: Partial<PeriodFacts['state']> = {},
): PeriodFacts => {
  const bucket: BucketFact = {
    ...zeroMeasures(),
    bucket: dayPeriod(date, TZ).start + 10 * 3600, // 10:00 or 11:00 local, inside the day
    team: 'Nord',
    queue: null,
    channel: 'voice',
    agent: null,
    inbound: offered,
    offered,
    handled,
  };
  return {
    buckets: [bucket],
    agentDays: [],
    breakdowns: [],
    costs: [{ start: 0, end: 10, amount: 5, team: null }],
    state: { backlogAtEnd: [], customersAtStart: 100, customersAtEnd: 100, buyers: 1, repeatBuyers: 1, ...extra },
    verbatims: [],
  };
};

describe('rolling days up into a week', () => {
  it("computes a week's rate as the ratio of summed facts, not the mean of daily rates", () => {
    // Monday 90 of 100 answered (90 %), Tuesday 1 of 10 (10 %). Mean of daily rates = 50 %;
    // the week's answer rate is (90 + 1) ÷ (100 + 10) = 91/110 ≈ 82.7 %.
    const week = weekPeriod('2026-W48', TZ);
    const facts = combineDays(
      [
        { date: '2026-11-23', facts: dayFacts('2026-11-23', 100, 90, { customersAtStart: 100, customersAtEnd: 101 }) },
        { date: '2026-11-24', facts: dayFacts('2026-11-24', 10, 1, { customersAtStart: 101, customersAtEnd: 104 }) },
      ],
      { buyers: 7, repeatBuyers: 3 },
    );
    const report = reportPeriod({
      facts,
      period: week,
      config,
      inputs: { files: 2, records: 110, duplicates: 0, rejectsByReason: {} },
      generatedAt: new Date('2026-11-30T06:00:00Z'),
    });
    const centre = report.scopes[0]?.kpis;
    expect(centre?.answer_rate).toMatchObject({ value: 91 / 110, numerator: 91, denominator: 110 });
    expect(centre?.answer_rate?.value).not.toBeCloseTo(0.5, 2);
    // Boundary states: the base at the first day's start and the last day's end; distinct buyers from the query.
    expect(centre?.churn_rate?.denominator).toBe(100);
    expect(centre?.contact_rate?.denominator).toBe(104);
    expect(centre?.repeat_customer_rate).toMatchObject({ numerator: 3, denominator: 7 });
  });

  it('prorates a cost line once, even though every day carries it', () => {
    const facts = combineDays(
      [
        { date: '2026-11-23', facts: dayFacts('2026-11-23', 1, 1) },
        { date: '2026-11-24', facts: dayFacts('2026-11-24', 1, 1) },
      ],
      null,
    );
    expect(facts.costs).toHaveLength(1);
    expect(facts.buckets).toHaveLength(2);
  });
});

describe('prorated costs', () => {
  it('sum to the same figure whatever order the SQL returned the spans in', () => {
    // 0.1 + 0.2 + 0.3 is 0.6000000000000001 in one order and 0.6 in another.
    const span = (amount: number) => ({ start: 0, end: 10, amount, team: null });
    const withCosts = (costs: PeriodFacts['costs']): PeriodFacts => ({ ...dayFacts('2026-11-23', 1, 1), costs });
    const day = dayPeriod('2026-11-23', TZ);
    const costOf = (costs: PeriodFacts['costs']) =>
      reportPeriod({
        facts: { ...combineDays([{ date: '2026-11-23', facts: withCosts(costs) }], null) },
        period: { ...day, start: 0, end: 10 },
        config,
        inputs: { files: 1, records: 1, duplicates: 0, rejectsByReason: {} },
        generatedAt: new Date('2026-11-24T06:00:00Z'),
      }).scopes[0]?.kpis.cost_per_contact?.numerator;
    const forward = costOf([span(0.1), span(0.2), span(0.3)]);
    const backward = costOf([span(0.3), span(0.2), span(0.1)]);
    expect(forward).toBeCloseTo(0.6, 12);
    expect(backward).toBe(forward);
  });
});

describe('folding a stored day for reporting', () => {
  // Monday 2026-11-23 in Paris; business hours are Monday–Friday 08:00–19:00 by default.
  const day = dayPeriod('2026-11-23', TZ);
  const at = (hour: number, minute = 0): number => day.start + hour * 3600 + minute * 60;
  const row = (bucket: number, team: string, agent: string, channel: string, inbound: number): BucketFact => ({
    ...zeroMeasures(),
    bucket,
    team,
    queue: `${team}-q`,
    channel,
    agent,
    inbound,
    offered: inbound,
    handled: inbound - 1,
    talk_sum: 100 * inbound,
  });
  const mention = (
    bucket: number,
    team: string,
    agent: string,
    breakdown: 'reason' | 'keyword',
    key: string,
    count: number,
  ): BreakdownFact => ({ bucket, team, queue: `${team}-q`, channel: 'voice', agent, breakdown, key, count });
  const facts: PeriodFacts = {
    buckets: [
      row(at(7, 45), 'Nord', 'a1', 'voice', 3), // before opening
      row(at(8), 'Nord', 'a1', 'voice', 5),
      row(at(8, 15), 'Nord', 'a1', 'voice', 7),
      row(at(8, 15), 'Nord', 'a1', 'chat', 2),
      row(at(8, 15), 'Sud', 'a2', 'voice', 4),
      row(at(19), 'Nord', 'a1', 'voice', 6), // after closing
      row(at(21, 30), 'Sud', 'a2', 'voice', 8),
      row(day.end + 900, 'Sud', 'a2', 'voice', 9), // the next day: kept apart
    ],
    breakdowns: [
      mention(at(8), 'Nord', 'a1', 'reason', 'retard', 2),
      mention(at(9), 'Nord', 'a1', 'reason', 'retard', 3),
      mention(at(9), 'Nord', 'a1', 'keyword', 'retard', 1),
      mention(at(20), 'Sud', 'a2', 'reason', 'facture', 4),
    ],
    agentDays: [],
    costs: [],
    state: { backlogAtEnd: [], customersAtStart: 0, customersAtEnd: 0, buyers: 0, repeatBuyers: 0 },
    verbatims: [],
  };
  const isOpen = businessHoursOf(day, config);
  const folded = foldDay(facts, day, isOpen);
  const report = (f: PeriodFacts) =>
    reportPeriod({
      facts: combineDays([{ date: '2026-11-23', facts: f }], null),
      period: weekPeriod('2026-W48', TZ),
      config,
      inputs: { files: 1, records: 44, duplicates: 0, rejectsByReason: {} },
      generatedAt: new Date('2026-11-30T06:00:00Z'),
    });

  it('sums rows of the same dimensions, apart only by business hours, and keeps other days apart', () => {
    // Nord/a1/voice: open (08:00 + 08:15 = 12) and closed (07:45 + 19:00 = 9); Nord/a1/chat; Sud/a2/voice
    // open and closed; the next day's row as it was.
    expect(folded.buckets.map((b) => [b.team, b.channel, isOpen(b.bucket), b.inbound])).toEqual([
      ['Nord', 'voice', false, 9],
      ['Nord', 'voice', true, 12],
      ['Nord', 'chat', true, 2],
      ['Sud', 'voice', true, 4],
      ['Sud', 'voice', false, 8],
      ['Sud', 'voice', false, 9],
    ]);
    expect(folded.buckets[1]?.talk_sum).toBe(1200);
    expect(folded.buckets[5]?.bucket).toBe(day.end + 900);
    expect(folded.breakdowns.map((b) => [b.team, b.breakdown, b.key, b.count])).toEqual([
      ['Nord', 'reason', 'retard', 5],
      ['Nord', 'keyword', 'retard', 1],
      ['Sud', 'reason', 'facture', 4],
    ]);
  });

  it('folds to the same rows whatever order the SQL returned them in', () => {
    const reversed = foldDay(
      { ...facts, buckets: [...facts.buckets].reverse(), breakdowns: [...facts.breakdowns].reverse() },
      day,
      isOpen,
    );
    const unordered = (rows: readonly object[]) => rows.map((r) => JSON.stringify(r)).sort();
    expect(unordered(reversed.buckets)).toEqual(unordered(folded.buckets));
    expect(unordered(reversed.breakdowns)).toEqual(unordered(folded.breakdowns));
    // Each folded row keeps the earliest bucket of its rows.
    expect(folded.buckets[1]?.bucket).toBe(at(8));
  });

  it("reports exactly as the day's bucket rows do, for every scope", () => {
    const before = report(facts);
    expect(before.scopes.length).toBeGreaterThan(5);
    // 07:45, 19:00 and 21:30 on Monday, 00:15 on Tuesday.
    expect(before.scopes[0]?.kpis.after_hours_contacts?.value).toBe(3 + 6 + 8 + 9);
    expect(report(folded)).toEqual(before);
  });
});
