import { describe, expect, it } from 'vitest';
import { absenteeismRate } from '../../../functions/engine/kpis/absenteeism-rate.js';
import { kpiInput, NO_DATA } from './input.js';

describe('absenteeism_rate', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(absenteeismRate).toMatchObject({ id: 'absenteeism_rate', unit: '%', better: 'lower', family: 'workforce' });
  });

  it('divides absent seconds by scheduled seconds', () => {
    // Prepare: 10 scheduled days of 8 h, one of them absent
    const input = kpiInput({ agentDays: { scheduled_s: 288_000, absent_s: 28_800, days_worked: 9, days: 10 } });
    // Act
    const result = absenteeismRate.compute(input);
    // Assess: 28800 ÷ 288000 = 0.1
    expect(result).toEqual({ value: 0.1, numerator: 28_800, denominator: 288_000 });
  });

  it('is null, not 0 or NaN, when nothing was scheduled', () => {
    const input = kpiInput({ agentDays: { scheduled_s: 0, absent_s: 0, days_worked: 0, days: 0 } });
    expect(absenteeismRate.compute(input)).toEqual({ value: null, numerator: 0, denominator: 0 });
  });

  it('has no data at all when the scope carries no workforce data (queue, channel)', () => {
    expect(absenteeismRate.compute(kpiInput({ agentDays: null }))).toEqual(NO_DATA);
  });
});
