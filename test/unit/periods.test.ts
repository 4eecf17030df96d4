import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayPeriod, isBusinessHours, localDateOf, utcDatesBetween } from '../../functions/engine/periods.js';

const ZONES = ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu'];
const hours = (p: { start: number; end: number }) => (p.end - p.start) / 3600;

describe('local days', () => {
  it('lasts 23 and 25 hours on the Paris DST days, 24 otherwise', () => {
    expect(hours(dayPeriod('2026-03-29', 'Europe/Paris'))).toBe(23);
    expect(hours(dayPeriod('2026-10-25', 'Europe/Paris'))).toBe(25);
    expect(hours(dayPeriod('2026-11-22', 'Europe/Paris'))).toBe(24);
    // Lord Howe moves by 30 minutes.
    expect(hours(dayPeriod('2026-04-05', 'Australia/Lord_Howe'))).toBe(24.5);
  });

  it('starts at local midnight: 23:00 UTC the day before in Paris winter', () => {
    const p = dayPeriod('2026-11-22', 'Europe/Paris');
    expect(new Date(p.start * 1000).toISOString()).toBe('2026-11-21T23:00:00.000Z');
    expect(utcDatesBetween(p.start, p.end)).toEqual(['2026-11-21', '2026-11-22']);
  });

  it('rejects a date that does not exist, naming it', () => {
    expect(() => dayPeriod('2026-02-30', 'Europe/Paris')).toThrow('not a date: 2026-02-30');
    expect(() => dayPeriod('22/11/2026', 'Europe/Paris')).toThrow('not a date: 22/11/2026');
  });

  it('puts every 15-minute bucket in exactly the local day that contains it, in every zone (property)', () => {
    const twoYears = { min: Date.parse('2025-01-01') / 1000, max: Date.parse('2027-01-01') / 1000 };
    fc.assert(
      fc.property(fc.integer(twoYears), fc.constantFrom(...ZONES), (instant, zone) => {
        const bucket = Math.floor(instant / 900) * 900;
        const day = dayPeriod(localDateOf(bucket, zone), zone);
        // The bucket and its last second lie in the same local day: offsets are multiples of 15 minutes.
        expect(bucket).toBeGreaterThanOrEqual(day.start);
        expect(bucket + 899).toBeLessThan(day.end);
        expect(localDateOf(bucket + 899, zone)).toBe(day.startDate);
        expect([23, 23.5, 24, 24.5, 25]).toContain(hours(day));
      }),
      { numRuns: 500 },
    );
  });
});

describe('business hours', () => {
  const hoursConfig = { days: [1, 2, 3, 4, 5], start: '08:00', end: '19:00' };
  it('reads local time: 07:59 is outside, 08:00 inside, 19:00 outside, Saturday outside', () => {
    const at = (iso: string) => Date.parse(iso) / 1000;
    expect(isBusinessHours(at('2026-11-23T06:59:00Z'), 'Europe/Paris', hoursConfig)).toBe(false); // Monday 07:59
    expect(isBusinessHours(at('2026-11-23T07:00:00Z'), 'Europe/Paris', hoursConfig)).toBe(true);
    expect(isBusinessHours(at('2026-11-23T18:00:00Z'), 'Europe/Paris', hoursConfig)).toBe(false); // 19:00
    expect(isBusinessHours(at('2026-11-28T10:00:00Z'), 'Europe/Paris', hoursConfig)).toBe(false); // Saturday
    // Summer time: 08:00 local is 06:00 UTC.
    expect(isBusinessHours(at('2026-06-01T06:00:00Z'), 'Europe/Paris', hoursConfig)).toBe(true);
  });
});
