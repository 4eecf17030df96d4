import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dayPeriod,
  daysOf,
  isoWeekOf,
  localDateOf,
  monthPeriod,
  nextPeriod,
  type Period,
  type PeriodKind,
  parsePeriod,
  periodContaining,
  periodId,
  periodOrdinal,
  previousPeriod,
  samePeriodLastYear,
  sameWeekdayLastWeek,
  trailingPeriods,
  weekPeriod,
  weeksInIsoYear,
} from '../../functions/engine/periods.js';

const ZONES = ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu'] as const;
/** Day lengths each zone allows, in hours: Lord Howe Island moves its clocks by 30 minutes. */
const DAY_HOURS: Record<(typeof ZONES)[number], readonly number[]> = {
  'Europe/Paris': [23, 24, 25],
  'America/New_York': [23, 24, 25],
  'Australia/Lord_Howe': [23.5, 24, 24.5],
  'Asia/Kathmandu': [24],
};
const KINDS: readonly PeriodKind[] = ['day', 'week', 'month'];
const TWO_YEARS = {
  min: Date.parse('2025-01-01T00:00:00Z') / 1000,
  max: Date.parse('2027-01-01T00:00:00Z') / 1000 - 1,
};

const hours = (p: Pick<Period, 'start' | 'end'>): number => (p.end - p.start) / 3600;
const utc = (epochSeconds: number): string => new Date(epochSeconds * 1000).toISOString();

/** The zone's UTC offset in minutes at an instant, read through Intl (not Luxon): the oracle. */
function offsetMinutes(epochSeconds: number, zone: string): number {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(new Date(epochSeconds * 1000))
      .find((part) => part.type === 'timeZoneName')?.value ?? '';
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (match === null) throw new Error(`unexpected offset name ${name}`);
  if (match[1] === undefined) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

const isoDateUtc = (epochDays: number): string => new Date(epochDays * 86_400_000).toISOString().slice(0, 10);
const dateArb = fc
  .integer({ min: Date.parse('2025-01-01') / 86_400_000, max: Date.parse('2026-12-31') / 86_400_000 })
  .map(isoDateUtc);

describe('15-minute buckets in local periods (property)', () => {
  it('falls in exactly one local day, ISO week and month, nested in each other', () => {
    fc.assert(
      fc.property(fc.integer(TWO_YEARS), fc.constantFrom(...ZONES), (instant, zone) => {
        // Prepare
        const bucket = Math.floor(instant / 900) * 900;
        const date = localDateOf(bucket, zone);
        // Act
        const [day, week, month] = KINDS.map((kind) => periodContaining(kind, date, zone));
        // Assess
        for (const p of [day, week, month]) {
          if (p === undefined) throw new Error('no period');
          // The whole bucket is inside: offsets are multiples of 15 minutes.
          expect(bucket).toBeGreaterThanOrEqual(p.start);
          expect(bucket + 900).toBeLessThanOrEqual(p.end);
          // … and in neither neighbour, which abut it.
          const before = previousPeriod(p);
          const after = nextPeriod(p);
          expect(before.end).toBe(p.start);
          expect(after.start).toBe(p.end);
          expect(bucket).toBeGreaterThanOrEqual(before.end);
          expect(bucket + 900).toBeLessThanOrEqual(after.start);
        }
        if (day === undefined || week === undefined || month === undefined) throw new Error('no period');
        expect(day.start).toBeGreaterThanOrEqual(week.start);
        expect(day.end).toBeLessThanOrEqual(week.end);
        expect(day.start).toBeGreaterThanOrEqual(month.start);
        expect(day.end).toBeLessThanOrEqual(month.end);
        expect(periodId(week)).toBe(isoWeekOf(date));
        expect(periodId(month)).toBe(date.slice(0, 7));
      }),
      { numRuns: 400 },
    );
  });

  it('lasts 24 h minus the change of offset that day, one of the lengths the zone allows', () => {
    fc.assert(
      fc.property(dateArb, fc.constantFrom(...ZONES), (date, zone) => {
        const day = dayPeriod(date, zone);
        const shift = offsetMinutes(day.end, zone) - offsetMinutes(day.start, zone);
        expect(hours(day)).toBe(24 - shift / 60);
        expect(DAY_HOURS[zone]).toContain(hours(day));
        // Local midnight, as Intl reads it.
        expect(localDateOf(day.start, zone)).toBe(date);
        expect(localDateOf(day.start - 1, zone)).not.toBe(date);
      }),
      { numRuns: 300 },
    );
  });
});

describe('a week or month is partitioned by its days (property)', () => {
  it.each(['week', 'month'] as const)('the days of a %s abut, cover it exactly and sum to its length', (kind) => {
    fc.assert(
      fc.property(dateArb, fc.constantFrom(...ZONES), (date, zone) => {
        const period = periodContaining(kind, date, zone);
        const days = daysOf(period).map((d) => dayPeriod(d, zone));
        if (kind === 'week') expect(days).toHaveLength(7);
        expect(days[0]?.start).toBe(period.start);
        expect(days[days.length - 1]?.end).toBe(period.end);
        days.forEach((d, i) => {
          const next = days[i + 1];
          if (next !== undefined) expect(d.end).toBe(next.start);
        });
        expect(days.reduce((sum, d) => sum + hours(d), 0)).toBe(hours(period));
        expect(days.map((d) => d.startDate)).toContain(date);
      }),
      { numRuns: 200 },
    );
  });
});

describe('DST days as each zone has them', () => {
  const yearDays = (zone: string): Map<number, number> => {
    const lengths = new Map<number, number>();
    for (const d of daysOf({ startDate: '2025-01-01', endDate: '2026-12-31' })) {
      const h = hours(dayPeriod(d, zone));
      lengths.set(h, (lengths.get(h) ?? 0) + 1);
    }
    return lengths;
  };

  it.each([
    ['Europe/Paris', { 23: 2, 25: 2, 24: 726 }],
    ['America/New_York', { 23: 2, 25: 2, 24: 726 }],
    ['Australia/Lord_Howe', { 23.5: 2, 24.5: 2, 24: 726 }],
    ['Asia/Kathmandu', { 24: 730 }],
  ] as const)('%s has %o days of each length in 2025–2026', (zone, expected) => {
    expect(Object.fromEntries(yearDays(zone))).toEqual(expected);
  });

  it.each([
    ['2026-03-29', 'Europe/Paris', 23],
    ['2026-10-25', 'Europe/Paris', 25],
    ['2026-03-08', 'America/New_York', 23],
    ['2026-11-01', 'America/New_York', 25],
    ['2025-10-05', 'Australia/Lord_Howe', 23.5],
    ['2026-04-05', 'Australia/Lord_Howe', 24.5],
  ] as const)('%s in %s lasts %d h', (date, zone, expected) => {
    expect(hours(dayPeriod(date, zone))).toBe(expected);
  });

  it('gives a week with a DST change its 167 or 169 hours, and Lord Howe its 167.5', () => {
    expect(hours(weekPeriod('2026-W13', 'Europe/Paris'))).toBe(167); // Sunday 29 March
    expect(hours(weekPeriod('2026-W43', 'Europe/Paris'))).toBe(169); // Sunday 25 October
    expect(hours(weekPeriod('2025-W40', 'Australia/Lord_Howe'))).toBe(167.5); // Sunday 5 October
    expect(hours(monthPeriod('2026-03', 'Europe/Paris'))).toBe(31 * 24 - 1);
  });

  it('starts a Kathmandu week at local midnight, 18:15 UTC on Sunday (UTC+05:45)', () => {
    const week = weekPeriod('2026-W48', 'Asia/Kathmandu');
    expect(utc(week.start)).toBe('2026-11-22T18:15:00.000Z');
    expect(utc(week.end)).toBe('2026-11-29T18:15:00.000Z');
  });

  it('starts a Lord Howe month at local midnight, UTC+11 in summer and +10:30 in winter', () => {
    expect(utc(monthPeriod('2026-01', 'Australia/Lord_Howe').start)).toBe('2025-12-31T13:00:00.000Z');
    expect(utc(monthPeriod('2026-07', 'Australia/Lord_Howe').start)).toBe('2026-06-30T13:30:00.000Z');
  });
});

describe('ISO weeks', () => {
  it.each([
    ['2021-01-01', '2020-W53'], // a Friday: the last week of 2020
    ['2022-01-01', '2021-W52'], // a Saturday
    ['2023-01-01', '2022-W52'], // a Sunday
    ['2024-01-01', '2024-W01'], // a Monday
    ['2026-01-01', '2026-W01'], // a Thursday: week 1 holds the year's first Thursday
    ['2026-12-31', '2026-W53'],
    ['2027-01-01', '2026-W53'],
    ['2027-01-03', '2026-W53'],
    ['2027-01-04', '2027-W01'],
    ['2019-12-30', '2020-W01'], // a Monday in December that belongs to the next week-year
  ])('%s is in %s', (date, week) => {
    expect(isoWeekOf(date)).toBe(week);
  });

  it.each([
    [2020, 53],
    [2021, 52],
    [2022, 52],
    [2025, 52],
    [2026, 53],
    [2032, 53],
  ])('%d has %d weeks', (year, weeks) => {
    expect(weeksInIsoYear(year)).toBe(weeks);
  });

  it('reads 2026-W53 as Monday 28 December 2026 to Sunday 3 January 2027', () => {
    const week = weekPeriod('2026-W53', 'Europe/Paris');
    expect([week.kind, week.startDate, week.endDate]).toEqual(['week', '2026-12-28', '2027-01-03']);
    expect(utc(week.start)).toBe('2026-12-27T23:00:00.000Z');
    expect(periodId(week)).toBe('2026-W53');
    expect(periodId(nextPeriod(week))).toBe('2027-W01');
  });

  it('reads a month and a day, and parsePeriod dispatches on the kind', () => {
    const month = parsePeriod('month', '2028-02', 'Europe/Paris');
    expect([month.startDate, month.endDate, daysOf(month).length]).toEqual(['2028-02-01', '2028-02-29', 29]);
    expect(parsePeriod('week', '2026-W48', 'Europe/Paris').startDate).toBe('2026-11-23');
    expect(parsePeriod('day', '2026-11-23', 'Europe/Paris')).toEqual(dayPeriod('2026-11-23', 'Europe/Paris'));
  });

  it.each([
    ['week', '2026-W54', 'not an ISO week: 2026-W54 (2026 has weeks 01 to 53)'],
    ['week', '2026-W00', 'not an ISO week: 2026-W00'],
    ['week', '2025-W53', 'not an ISO week: 2025-W53 (2025 has weeks 01 to 52)'],
    ['week', '2026-W5', 'not an ISO week: 2026-W5 (expected YYYY-Www'],
    ['week', '2026-11-23', 'not an ISO week: 2026-11-23'],
    ['month', '2026-13', 'not a month: 2026-13 (expected YYYY-MM'],
    ['month', '2026-00', 'not a month: 2026-00'],
    ['month', '2026-1', 'not a month: 2026-1'],
    ['day', '2026-02-29', 'not a date: 2026-02-29'],
  ] as const)('rejects a %s written %s, naming it on one line', (kind, text, message) => {
    const attempt = () => parsePeriod(kind, text, 'Europe/Paris');
    expect(attempt).toThrow(RangeError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('\n');
    }
  });
});

describe('comparison periods', () => {
  const tz = 'Europe/Paris';

  it('takes the previous day, week and month, across year ends', () => {
    expect(periodId(previousPeriod(dayPeriod('2026-01-01', tz)))).toBe('2025-12-31');
    expect(periodId(previousPeriod(weekPeriod('2027-W01', tz)))).toBe('2026-W53');
    expect(periodId(previousPeriod(weekPeriod('2026-W01', tz)))).toBe('2025-W52');
    expect(periodId(previousPeriod(monthPeriod('2026-01', tz)))).toBe('2025-12');
    expect(previousPeriod(monthPeriod('2026-03', tz)).endDate).toBe('2026-02-28');
  });

  it('takes the same weekday last week for a day only', () => {
    expect(sameWeekdayLastWeek(dayPeriod('2026-11-23', tz)).startDate).toBe('2026-11-16');
    expect(sameWeekdayLastWeek(dayPeriod('2026-11-01', 'America/New_York'))).toMatchObject({
      startDate: '2026-10-25',
      timezone: 'America/New_York',
    });
    expect(() => sameWeekdayLastWeek(weekPeriod('2026-W48', tz))).toThrow('needs a day, not the week 2026-W48');
  });

  it.each([
    ['day', '2026-11-23', '2025-11-23'],
    ['day', '2028-02-29', null], // no 29 February in 2027
    ['week', '2026-W48', '2025-W48'],
    ['week', '2027-W01', '2026-W01'],
    ['week', '2026-W53', null], // 2025 had 52 weeks
    ['week', '2020-W53', null], // 2019 had 52 weeks
    ['month', '2026-11', '2025-11'],
    ['month', '2028-02', '2027-02'],
  ] as const)('same %s as %s last year: %s', (kind, text, expected) => {
    const last = samePeriodLastYear(parsePeriod(kind, text, tz));
    expect(last === null ? null : periodId(last)).toBe(expected);
  });

  it('lists the trailing 28 days, 12 weeks and 13 months, oldest first, ending with the period', () => {
    const days = trailingPeriods(dayPeriod('2026-03-30', tz));
    expect(days).toHaveLength(28);
    expect(days.map(periodId).slice(-2)).toEqual(['2026-03-29', '2026-03-30']);
    // 30 March − 27 days: 3 March, across the spring DST change of 29 March.
    expect(days[0]?.startDate).toBe('2026-03-03');
    const weeks = trailingPeriods(weekPeriod('2026-W02', tz)).map(periodId);
    expect(weeks).toEqual([
      '2025-W43',
      '2025-W44',
      '2025-W45',
      '2025-W46',
      '2025-W47',
      '2025-W48',
      '2025-W49',
      '2025-W50',
      '2025-W51',
      '2025-W52',
      '2026-W01',
      '2026-W02',
    ]);
    const months = trailingPeriods(monthPeriod('2026-11', tz)).map(periodId);
    expect(months).toHaveLength(13);
    // The same month a year earlier is the first point.
    expect(months[0]).toBe('2025-11');
    expect(months[12]).toBe('2026-11');
    expect(trailingPeriods(monthPeriod('2026-11', tz), 3).map(periodId)).toEqual(['2026-09', '2026-10', '2026-11']);
    expect(() => trailingPeriods(monthPeriod('2026-11', tz), 0)).toThrow('not a number of periods: 0');
  });

  it('ranks consecutive periods one apart, across year ends and DST', () => {
    expect(periodOrdinal('week', '2027-01-04') - periodOrdinal('week', '2026-12-28')).toBe(1);
    expect(periodOrdinal('day', '2026-10-26') - periodOrdinal('day', '2026-10-25')).toBe(1);
    expect(periodOrdinal('month', '2027-01-01') - periodOrdinal('month', '2026-12-01')).toBe(1);
    expect(() => periodOrdinal('week', '2026-11-24')).toThrow('not the start of a week: 2026-11-24');
    expect(() => periodOrdinal('month', '2026-11-02')).toThrow('not the start of a month: 2026-11-02');
  });
});
