import { describe, expect, it } from 'vitest';
import { CATALOGUE, KPI_IDS } from '../../functions/engine/catalogue.js';
import { parseConfig } from '../../functions/engine/config.js';
import { type BucketFact, type PeriodFacts, zeroMeasures } from '../../functions/engine/facts.js';
import { reportPeriod } from '../../functions/engine/period-kpis.js';
import { dayPeriod } from '../../functions/engine/periods.js';
import { reportSchema } from '../../functions/engine/report-schema.js';

const parsed = parseConfig({}, new Map(CATALOGUE.map((k) => [k.id, { unit: k.unit }])));
if (!parsed.ok) throw new Error(parsed.errors.join('; '));
const config = parsed.config;
const period = dayPeriod('2026-11-23', 'Europe/Paris'); // a Monday
const at = (iso: string) => Date.parse(iso) / 1000;

const bucket = (iso: string, team: string, channel: string, measures: Partial<BucketFact>): BucketFact => ({
  ...zeroMeasures(),
  bucket: at(iso),
  team,
  queue: null,
  channel,
  agent: null,
  ...measures,
});

const facts = (buckets: readonly BucketFact[], extra: Partial<PeriodFacts> = {}): PeriodFacts => ({
  buckets,
  agentDays: [],
  breakdowns: [],
  costs: [],
  state: { backlogAtEnd: [], customersAtStart: 100, customersAtEnd: 102, buyers: 0, repeatBuyers: 0 },
  verbatims: [],
  ...extra,
});

const report = (f: PeriodFacts) =>
  reportPeriod({
    facts: f,
    period,
    config,
    inputs: { files: 1, records: 10, duplicates: 0, rejectsByReason: { bad_json: 2 } },
    generatedAt: new Date('2026-11-24T02:30:00Z'),
  });

describe('a period report', () => {
  const day = facts([
    // 09:00 Paris = 08:00 UTC: in business hours. 19:30 Paris = 18:30 UTC: after hours.
    bucket('2026-11-23T08:00:00Z', 'Nord', 'voice', { inbound: 10, offered: 10, handled: 9, abandoned: 1 }),
    bucket('2026-11-23T18:30:00Z', 'Nord', 'voice', { inbound: 2, offered: 2, handled: 2 }),
    bucket('2026-11-23T08:00:00Z', 'Sud', 'email', { inbound: 4 }),
    // Outside the day (Tuesday 00:15 Paris): ignored.
    bucket('2026-11-23T23:15:00Z', 'Sud', 'voice', { inbound: 50, offered: 50 }),
  ]);
  const r = report(day);

  it('matches the report.json schema and lists the centre, then each team and channel seen', () => {
    expect(reportSchema.safeParse(r).success).toBe(true);
    expect(r.scopes.map((s) => `${s.scope.dimension}:${s.scope.value}`)).toEqual([
      'all:null',
      'team:Nord',
      'team:Sud',
      'channel:email',
      'channel:voice',
    ]);
    expect(r.rejects).toEqual({ count: 2, by_reason: { bad_json: 2 } });
  });

  it('has all 39 KPIs in every scope, computed from the summed facts of the scope', () => {
    for (const s of r.scopes) expect(Object.keys(s.kpis)).toEqual([...KPI_IDS]);
    const centre = r.scopes[0]?.kpis;
    expect(centre?.contacts_offered?.value).toBe(12);
    expect(centre?.answer_rate).toMatchObject({
      value: 11 / 12,
      numerator: 11,
      denominator: 12,
      target: 0.9,
      status: 'ok',
    });
    expect(centre?.after_hours_contacts?.value).toBe(2);
    expect(centre?.contacts_by_channel?.items).toEqual([
      { key: 'voice', count: 12, share: 12 / 16 },
      { key: 'email', count: 4, share: 4 / 16 },
    ]);
    const sud = r.scopes[2]?.kpis;
    expect(sud?.answer_rate).toMatchObject({ value: null, status: 'no_data' });
  });

  it('reads "no data" where data cannot exist for the scope: customers outside the centre, costs without cost lines', () => {
    const centre = r.scopes[0]?.kpis;
    const nord = r.scopes[1]?.kpis;
    expect(centre?.churn_rate).toMatchObject({ value: 0, numerator: 0, denominator: 100 });
    expect(nord?.churn_rate).toMatchObject({ value: null, numerator: null, denominator: null, status: 'no_data' });
    expect(centre?.cost_per_contact).toMatchObject({ value: null, status: 'no_data' });
    expect(r.scopes.find((s) => s.scope.dimension === 'channel')?.kpis.absenteeism_rate?.value).toBeNull();
  });

  it('prorates a team cost over the day and divides it by that team’s handled contacts', () => {
    const withCost = report(
      facts(day.buckets, {
        costs: [{ start: period.start, end: period.start + 10 * 86400, amount: 1100, team: 'Nord' }],
      }),
    );
    // 1,100 € over 10 days → 110 € today; Nord handled 11 → 10 € a contact.
    expect(withCost.scopes[1]?.kpis.cost_per_contact?.value).toBeCloseTo(10, 9);
    expect(withCost.scopes[2]?.kpis.cost_per_contact?.value).toBeNull();
  });
});

describe('kinds that never delivered a record (docs/spec.md §3, amended 2026-12-05)', () => {
  const day = [bucket('2026-11-23T08:00:00Z', 'Nord', 'voice', { inbound: 10, offered: 10, handled: 10 })];
  const state = (kinds: string[]) => ({ ...facts([]).state, kindsWithRecords: kinds });

  it('reads tickets, backlog and agent days as no data, not 0, when their feed delivered nothing', () => {
    const centre = report(facts(day, { state: state(['contacts']) })).scopes[0]?.kpis;
    for (const id of ['tickets_created', 'backlog', 'agent_days_worked', 'absenteeism_rate'])
      expect(centre?.[id]).toMatchObject({ value: null, status: 'no_data' });
  });

  it('reads them as 0 when the feed exists but nothing fell in the period', () => {
    const centre = report(facts(day, { state: state(['agent_days', 'contacts', 'tickets']) })).scopes[0]?.kpis;
    expect(centre?.tickets_created?.value).toBe(0);
    expect(centre?.backlog?.value).toBe(0);
    expect(centre?.agent_days_worked?.value).toBe(0);
  });
});

describe('a period without any export file', () => {
  it('reports every KPI as no data, never as zero', () => {
    const r = reportPeriod({
      facts: facts([]),
      period,
      config,
      inputs: { files: 0, records: 0, duplicates: 0, rejectsByReason: {} },
      generatedAt: new Date('2026-11-24T02:30:00Z'),
    });
    expect(r.scopes).toHaveLength(1);
    const entries = Object.values(r.scopes[0]?.kpis ?? {});
    expect(entries).toHaveLength(39);
    expect(entries.every((k) => k.value === null && k.status === 'no_data')).toBe(true);
  });
});
