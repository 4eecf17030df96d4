import { describe, expect, it } from 'vitest';
import { oneTouchRate } from '../../../functions/engine/kpis/one-touch-rate.js';
import { kpiInput } from './input.js';

describe('one_touch_rate', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(oneTouchRate).toMatchObject({ id: 'one_touch_rate', unit: '%', better: 'higher', family: 'resolution' });
  });

  it('divides tickets resolved with one contact by tickets resolved', () => {
    // Prepare
    const input = kpiInput({ totals: { tickets_created: 30, tickets_resolved: 20, tickets_resolved_one_touch: 14 } });
    // Act
    const result = oneTouchRate.compute(input);
    // Assess: 14 resolved in one contact ÷ 20 resolved = 0.7
    expect(result).toEqual({ value: 14 / 20, numerator: 14, denominator: 20 });
  });

  it('is null, not 0 or NaN, when no ticket was resolved', () => {
    expect(oneTouchRate.compute(kpiInput({ totals: { tickets_created: 5 } }))).toEqual({
      value: null,
      numerator: 0,
      denominator: 0,
    });
  });
});
