import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../functions/engine/catalogue.js';
import { parseConfig } from '../../functions/engine/config.js';
import { type BucketFact, type PeriodFacts, zeroMeasures } from '../../functions/engine/facts.js';
import { reportPeriod } from '../../functions/engine/period-report.js';
import { dayPeriod, weekPeriod } from '../../functions/engine/periods.js';
import { combineDays } from '../../functions/engine/rollup.js';

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
