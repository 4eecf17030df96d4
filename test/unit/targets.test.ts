import { describe, expect, it } from 'vitest';
import { prorate } from '../../functions/engine/costs.js';
import { dayPeriod } from '../../functions/engine/periods.js';
import { statusOf, targetFor } from '../../functions/engine/targets.js';

describe('status against a target', () => {
  const answerRate = { target: 0.9, warning: 0.02 };
  it.each([
    [0.93, 'ok'],
    [0.9, 'ok'],
    [0.89, 'warning'], // 1 point short, within the 2-point band
    [0.87, 'breach'],
    [null, 'no_data'],
  ] as const)('higher is better: %s → %s', (value, status) => {
    expect(statusOf(value, answerRate, 'higher')).toBe(status);
  });

  it.each([
    [0.04, 'ok'],
    [0.055, 'warning'],
    [0.07, 'breach'],
  ] as const)('lower is better (abandons ≤ 5 %%, band 1 point): %s → %s', (value, status) => {
    expect(statusOf(value, { target: 0.05, warning: 0.01 }, 'lower')).toBe(status);
  });

  it('cannot breach without a target or a direction', () => {
    expect(statusOf(0.1, null, 'higher')).toBe('ok');
    expect(statusOf(1234, { target: 1, warning: 0 }, null)).toBe('ok');
  });

  it('prefers a scope target over the KPI target', () => {
    const config = {
      targets: { fcr: { target: 0.8, warning: 0, scopes: { 'team:Sud': { target: 0.7, warning: 0 } } } },
    };
    expect(targetFor(config, 'fcr', { dimension: 'team', value: 'Sud' })?.target).toBe(0.7);
    expect(targetFor(config, 'fcr', { dimension: 'team', value: 'Nord' })?.target).toBe(0.8);
    expect(targetFor(config, 'aht', { dimension: 'all', value: null })).toBeNull();
  });
});

describe('cost proration', () => {
  it('gives a 25-hour day 25 hours of a monthly cost', () => {
    // October 2026 in Paris has 31 × 24 + 1 = 745 hours; 7,450 € is 10 € an hour.
    const october = {
      start: Date.parse('2026-09-30T22:00:00Z') / 1000,
      end: Date.parse('2026-10-31T23:00:00Z') / 1000,
      amount: 7450,
      team: null,
    };
    const dst = dayPeriod('2026-10-25', 'Europe/Paris');
    expect(prorate([october], dst.start, dst.end)).toBeCloseTo(250, 9);
    const normal = dayPeriod('2026-10-20', 'Europe/Paris');
    expect(prorate([october], normal.start, normal.end)).toBeCloseTo(240, 9);
    expect(prorate([october], october.end, october.end + 86400)).toBe(0);
  });
});
