/**
 * Trends from the facts store: 12 weeks for a weekly digest, 13 months for a monthly one, 28 days for a
 * day report with the closed days left off; a period the store lacks is a gap, named with the command
 * that would file it. The store holds synthetic days: every business day (Monday to Friday) from 7
 * September to 27 November 2026, except Wednesday 16 September and Wednesday 18 November.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFrom } from '../../functions/adapters/config-file.js';
import { LocalFolderStore } from '../../functions/adapters/local-fs.js';
import { type BucketFact, zeroMeasures } from '../../functions/engine/facts.js';
import { dayPeriod, daysOf, type Period, parsePeriod } from '../../functions/engine/periods.js';
import type { Report } from '../../functions/engine/report-schema.js';
import {
  FACTS_FORMAT,
  factsFingerprint,
  foldedDay,
  hoursFingerprint,
  type StoredDayFacts,
  saveDayFacts,
} from '../../functions/pipeline/facts-store.js';
import { composeReport, FactsReader } from '../../functions/pipeline/stored-reports.js';

const config = configFrom(undefined);
const MISSING = new Set(['2026-09-16', '2026-11-18']);

/** A day with 100 voice contacts offered at noon, 90 handled. */
function storedDay(date: string): StoredDayFacts {
  const noon = dayPeriod(date, config.timezone).start + 12 * 3600;
  const bucket: BucketFact = {
    ...zeroMeasures(),
    bucket: noon,
    team: 'Sud',
    queue: 'Particuliers',
    channel: 'voice',
    agent: 'A-1',
    inbound: 100,
    offered: 100,
    handled: 90,
    abandoned: 10,
  };
  return {
    format: FACTS_FORMAT,
    date,
    timezone: config.timezone,
    fingerprint: factsFingerprint(config),
    sources: date,
    inputs: {
      [date]: {
        files: 1,
        records: 100,
        duplicates: 0,
        rejectsByReason: {},
        rejectsByKind: {},
        excluded: {},
        placed: { [date]: 100 },
        unreadable: 0,
      },
    },
    facts: {
      buckets: [bucket],
      breakdowns: [],
      agentDays: [],
      costs: [],
      state: { backlogAtEnd: [], customersAtStart: 0, customersAtEnd: 0, buyers: 0, repeatBuyers: 0 },
      verbatims: [],
    },
  };
}

let root: string;
let store: LocalFolderStore;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigie-trends-'));
  store = new LocalFolderStore(root);
  for (const date of daysOf({ startDate: '2026-09-07', endDate: '2026-11-27' })) {
    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
    if (weekday === 0 || weekday === 6 || MISSING.has(date)) continue;
    const day = storedDay(date);
    await saveDayFacts(store, day, { hours: hoursFingerprint(config), facts: foldedDay(day, config).facts });
  }
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const compose = (period: Period): Promise<Report> =>
  composeReport(new FactsReader(store, config), {
    period,
    config,
    now: new Date('2026-11-30T03:30:00Z'),
    distinct: async () => null,
    backfillCommand: (from, to) => `vigie backfill --exports /data/exports --from ${from} --to ${to}`,
  });

describe('trends from the facts store', () => {
  it('draws 12 weeks for a weekly digest, a week with a business day missing as a gap', async () => {
    const report = await compose(parsePeriod('week', '2026-W48', config.timezone));
    const series = report.series.answer_rate ?? [];
    expect(series.map((p) => p.period)).toEqual(Array.from({ length: 12 }, (_, i) => `2026-W${37 + i}`));
    // W38 lacks Wednesday 16 September: a gap, not a week of four days. 90 handled of 100 offered elsewhere.
    expect(series.map((p) => p.value)).toEqual([0.9, null, ...Array(10).fill(0.9)]);
    expect(report.trend_gaps).toEqual({
      periods: ['2026-W38'],
      from: '2026-09-16',
      to: '2026-09-16',
      command: 'vigie backfill --exports /data/exports --from 2026-09-16 --to 2026-09-16',
    });
  });

  it('draws the 20 business days of the last 28 for a day report, weekends left off, a missing day a gap', async () => {
    const report = await compose(dayPeriod('2026-11-27', config.timezone));
    const series = report.series.contacts_offered ?? [];
    // 31 October to 27 November: 28 days, of which 8 are Saturdays and Sundays.
    expect(series).toHaveLength(20);
    expect(series.some((p) => p.period === '2026-11-01' || p.period === '2026-11-22')).toBe(false);
    expect(series.find((p) => p.period === '2026-11-18')).toEqual({ period: '2026-11-18', value: null });
    expect(series.filter((p) => p.value === 100)).toHaveLength(19);
    expect(report.trend_gaps?.periods).toEqual(['2026-11-18']);
  });

  it('draws 13 months for a monthly digest, months before the store as gaps', async () => {
    const report = await compose(parsePeriod('month', '2026-11', config.timezone));
    const series = report.series.answer_rate ?? [];
    expect(series.map((p) => p.period)).toEqual([
      '2025-11',
      '2025-12',
      ...Array.from({ length: 11 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`),
    ]);
    // November 2025 to September 2026 lack business days; October (the previous month) and November are drawn.
    expect(series.filter((p) => p.value === null)).toHaveLength(11);
    expect(report.trend_gaps).toMatchObject({ from: '2025-11-03', to: '2026-09-16' });
  });

  it('reports a week with no stored day as every day missing, every figure "no data", not as a failure', async () => {
    // 20 to 26 July 2026, before the store's first day: no exports, so nothing a digest could file.
    const report = await compose(parsePeriod('week', '2026-W30', config.timezone));
    expect(report.missing_days).toEqual(daysOf({ startDate: '2026-07-20', endDate: '2026-07-26' }));
    // docs/spec.md: a KPI with nothing to count is null ("pas de données"), counts included, never 0.
    const values = report.scopes.flatMap((s) => Object.values(s.kpis).map((k) => k.value));
    expect(values.length).toBeGreaterThanOrEqual(39);
    expect(values.every((v) => v === null)).toBe(true);
  });
});
