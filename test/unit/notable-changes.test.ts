import { describe, expect, it } from 'vitest';
import { configFrom } from '../../functions/adapters/config-file.js';
import type { Config } from '../../functions/engine/config.js';
import { MAX_CHANGES, MAX_MOVES, notableChanges } from '../../functions/engine/notable-changes.js';
import type { KpiEntry, Report, Status } from '../../functions/engine/report-schema.js';
import { bareReport } from '../fixtures/reports.js';

// The default targets (functions/engine/config.ts): service level 80 % (warning band 5 points), answer
// rate 90 % (2 points), abandon rate 5 % (1 point), CSAT 90 % (3 points).
const config: Config = configFrom(undefined);

type Entry = Partial<KpiEntry> & { value: number | null };

const report = (kind: Report['period']['kind'], start: string, kpis: Record<string, Entry>): Report =>
  bareReport(
    { kind, start },
    Object.fromEntries(Object.entries(kpis).map(([id, e]) => [id, { status: 'ok' as const, ...e }])),
  );

const rate = (value: number, previous: number, status: Status = 'ok', denominator = 1000): Entry => ({
  value,
  previous,
  status,
  denominator,
  target: null,
});

describe('notable changes', () => {
  it('picks a status change, and reads a fall of a lower-is-better KPI as better', () => {
    // Abandon rate 7 % → 4.5 % against a 5 % target (band 1 point): breach → ok, a fall, so better.
    // Service level 81.2 % → 77.9 % against 80 % (band 5 points): ok → warning, worse.
    const changes = notableChanges(
      report('week', '2026-11-23', {
        abandon_rate: { ...rate(0.045, 0.07), target: 0.05 },
        service_level: { ...rate(0.779, 0.812, 'warning'), target: 0.8 },
      }),
      config,
    );
    // Larger first: 3.3 points of service level, then 2.5 of abandon rate.
    expect(changes.map((c) => [c.kpi, c.reason, c.reference_status, c.status, c.quality])).toEqual([
      ['service_level', 'status', 'ok', 'warning', 'worse'],
      ['abandon_rate', 'status', 'breach', 'ok', 'better'],
    ]);
    expect(changes[1]).toMatchObject({ against: 'previous', against_start: '2026-11-16', delta: -2.5 });
  });

  it('picks a move wider than the warning band even without a change of status', () => {
    // Answer rate 99 % → 96 %: −3 points, wider than its 2-point band, still above the 90 % target.
    const [c] = notableChanges(
      report('week', '2026-11-23', { answer_rate: { ...rate(0.96, 0.99), target: 0.9 } }),
      config,
    );
    expect(c).toMatchObject({ kpi: 'answer_rate', reason: 'band', delta: -3, quality: 'worse' });
  });

  it('keeps the largest moves for their unit, no more than MAX_MOVES, and leaves out wobbles and thin volumes', () => {
    const changes = notableChanges(
      report('week', '2026-11-23', {
        // Sizes against a notable move of 10 %: AHT −12 % (1.2), backlog +30 % (3), tickets +8 % (0.8),
        // contacts +20 % (2).
        aht: { value: 352, previous: 400 },
        backlog: { value: 1300, previous: 1000 },
        tickets_created: { value: 3240, previous: 3000 },
        contacts_offered: { value: 12000, previous: 10000 },
        // A wobble against a notable move of 2 points: FCR 65.4 % → 65.2 % (0.1).
        fcr: rate(0.652, 0.654),
        // A rate from 12 answers moves by chance: CSAT 50 % → 75 %.
        csat: rate(0.75, 0.5, 'ok', 12),
        // Two conversions instead of one: +100 %, but on tiny counts.
        conversions: { value: 2, previous: 1 },
      }),
      config,
    );
    expect(changes.map((c) => c.kpi)).toEqual(['backlog', 'contacts_offered', 'aht']);
    expect(changes).toHaveLength(MAX_MOVES);
    expect(changes.find((c) => c.kpi === 'aht')?.quality).toBe('better');
    expect(changes.find((c) => c.kpi === 'backlog')?.quality).toBe('worse');
    expect(changes.find((c) => c.kpi === 'contacts_offered')?.quality).toBe('neutral');
  });

  it('caps a scope at MAX_CHANGES sentences, status changes first', () => {
    const kpis: Record<string, Entry> = {
      answer_rate: { ...rate(0.85, 0.92, 'breach'), target: 0.9 },
      service_level: { ...rate(0.7, 0.85, 'breach'), target: 0.8 },
      abandon_rate: { ...rate(0.08, 0.04, 'breach'), target: 0.05 },
      csat: { ...rate(0.8, 0.91, 'breach'), target: 0.9 },
      aht: { value: 500, previous: 400 },
      avg_wait: { value: 60, previous: 40 },
      asa: { value: 50, previous: 30 },
      backlog: { value: 2000, previous: 1000 },
    };
    const changes = notableChanges(report('week', '2026-11-23', kpis), config);
    expect(changes).toHaveLength(MAX_CHANGES);
    expect(changes.slice(0, 4).every((c) => c.reason === 'status')).toBe(true);
  });

  it('compares a day with the day before, as its tables do', () => {
    // Thursday 26 November against Wednesday 25.
    const day = report('day', '2026-11-26', {
      contacts_offered: { value: 2400, previous: 2000, same_weekday_last_week: 2300 },
    });
    expect(notableChanges(day, config)[0]).toMatchObject({
      against: 'previous',
      against_start: '2026-11-25',
      delta: 400,
    });
  });

  it('compares a day after a closed day with the same weekday a week before', () => {
    // Monday 30 November: Sunday (the previous day) was closed; the Monday before had 2,000 contacts.
    const day = report('day', '2026-11-30', {
      contacts_offered: { value: 2400, previous: 23, same_weekday_last_week: 2000 },
    });
    const [c] = notableChanges(day, config);
    expect(c).toMatchObject({
      against: 'same_weekday_last_week',
      against_start: '2026-11-23',
      reference: 2000,
      delta: 400,
      delta_percent: 20,
    });
  });

  it('adds the same period last year when it is stored', () => {
    const [c] = notableChanges(
      report('month', '2026-11-01', { aht: { value: 352, previous: 400, last_year: 380 } }),
      config,
    );
    expect(c).toMatchObject({ against_start: '2026-10-01', last_year: 380, last_year_delta: -28 });
  });

  it('ranks rates by points and counts by percent: 2.6 points of service level beats 4 % of contacts', () => {
    // Service level 75.3 % → 77.9 % (2.6 points: 1.3 notable moves), still in its warning band; contacts
    // offered 9,985 → 9,590 (−4 %: 0.4); abandon rate 4.7 % → 3.9 % (0.8 points: 0.4).
    const changes = notableChanges(
      report('week', '2026-11-23', {
        service_level: { ...rate(0.779, 0.753, 'warning'), target: 0.8 },
        contacts_offered: { value: 9590, previous: 9985 },
        abandon_rate: { ...rate(0.039, 0.047), target: 0.05 },
      }),
      config,
    );
    expect(changes.map((c) => [c.kpi, c.reason, c.quality])).toEqual([['service_level', 'move', 'better']]);
  });

  it('says nothing without an earlier value', () => {
    expect(notableChanges(report('week', '2026-11-23', { aht: { value: 352 } }), config)).toEqual([]);
  });
});
