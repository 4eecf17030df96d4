import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../functions/engine/catalogue.js';
import { parseConfig } from '../../functions/engine/config.js';
import { type BucketFact, type PeriodFacts, zeroMeasures } from '../../functions/engine/facts.js';
import { factsByScope, kpiInput, reportPeriod, scopesOf } from '../../functions/engine/period-kpis.js';
import { dayPeriod } from '../../functions/engine/periods.js';

const parsed = parseConfig({}, new Map(CATALOGUE.map((k) => [k.id, { unit: k.unit }])));
if (!parsed.ok) throw new Error(parsed.errors.join('; '));
const config = parsed.config;
const period = dayPeriod('2026-03-29', 'Europe/Paris'); // spring-forward day: 23 hours of buckets

const value = (names: readonly string[]) => fc.option(fc.constantFrom(...names), { nil: null });
const dims = { team: value(['Nord', 'Sud']), queue: value(['q1', 'q2', 'q3']), channel: value(['voice', 'chat']) };
const bucketRow = fc.record({
  bucket: fc.integer({ min: 0, max: 23 * 4 - 1 }).map((i) => period.start + i * 900),
  ...dims,
  agent: value(['a1', 'a2', 'a3', 'a4']),
  inbound: fc.nat(20),
  offered: fc.nat(20),
  handled: fc.nat(20),
  talk_sum: fc.nat(5000),
});
const periodFacts = fc.record({
  buckets: fc.array(bucketRow, { maxLength: 60 }),
  breakdowns: fc.array(
    fc.record({
      bucket: fc.constant(period.start + 3600),
      ...dims,
      agent: value(['a1', 'a2']),
      breakdown: fc.constantFrom('reason' as const, 'keyword' as const),
      key: fc.constantFrom('billing', 'delivery'),
      count: fc.nat(9),
    }),
    { maxLength: 10 },
  ),
  agentDays: fc.array(
    fc.record({
      date: fc.constant(period.startDate),
      team: value(['Nord', 'Sud']),
      agent: fc.constantFrom('a1', 'a2', 'a3'),
      scheduled_s: fc.nat(30000),
      absent_s: fc.nat(3000),
      days_worked: fc.nat(1),
      days: fc.constant(1),
    }),
    { maxLength: 6 },
  ),
  backlog: fc.array(fc.record({ ...dims, agent: value(['a1']), open: fc.nat(9) }), { maxLength: 5 }),
});

type RawFacts = typeof periodFacts extends fc.Arbitrary<infer T> ? T : never;
const NONE: RawFacts = { buckets: [], breakdowns: [], agentDays: [], backlog: [] };

const toFacts = (f: RawFacts): PeriodFacts => ({
  buckets: f.buckets.map((b): BucketFact => ({ ...zeroMeasures(), ...b })),
  breakdowns: f.breakdowns,
  agentDays: f.agentDays,
  costs: [],
  state: { backlogAtEnd: f.backlog, customersAtStart: 10, customersAtEnd: 11, buyers: 0, repeatBuyers: 0 },
  verbatims: [],
});

describe('facts cut by scope once', () => {
  it('gives every scope the same KPI input as scanning all the facts', () => {
    fc.assert(
      fc.property(periodFacts, (raw) => {
        const facts = toFacts(raw);
        const own = factsByScope(facts);
        for (const scope of scopesOf(facts)) {
          expect(kpiInput(own(scope), period, scope, config)).toEqual(kpiInput(facts, period, scope, config));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('hands a scope only its own rows', () => {
    const row = (team: string, agent: string, handled: number): BucketFact => ({
      ...zeroMeasures(),
      bucket: period.start,
      team,
      queue: null,
      channel: 'voice',
      agent,
      handled,
    });
    expect(factsByScope(toFacts(NONE))({ dimension: 'team', value: 'Nord' }).buckets).toEqual([]);
    const cut = factsByScope({
      ...toFacts(NONE),
      buckets: [row('Nord', 'a1', 3), row('Sud', 'a2', 4), row('Nord', 'a2', 5)],
    });
    expect(cut({ dimension: 'team', value: 'Nord' }).buckets.map((b) => b.handled)).toEqual([3, 5]);
    expect(cut({ dimension: 'agent', value: 'a2' }).buckets.map((b) => b.handled)).toEqual([4, 5]);
    expect(cut({ dimension: 'all', value: null }).buckets).toHaveLength(3);
  });
});

describe('a point of the trailing series', () => {
  it('holds the centre alone, with the same figures as the full report', () => {
    const facts = toFacts(fc.sample(periodFacts, { numRuns: 1, seed: 7 })[0] ?? NONE);
    const args = {
      facts,
      period,
      config,
      inputs: { files: 1, records: 1, duplicates: 0, rejectsByReason: {} },
      generatedAt: new Date('2026-03-30T06:00:00Z'),
    };
    const full = reportPeriod(args);
    const centre = reportPeriod({ ...args, centreOnly: true });
    expect(full.scopes.length).toBeGreaterThan(1);
    expect(centre.scopes).toEqual([full.scopes[0]]);
  });
});
