import { describe, expect, it } from 'vitest';
import { conversions } from '../../../functions/engine/kpis/conversions.js';
import { kpiInput } from './input.js';

describe('conversions', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(conversions).toMatchObject({ id: 'conversions', unit: 'count', better: 'higher', family: 'sales' });
  });

  it('counts every converted contact, including those outside the conversion_rate denominator', () => {
    // Prepare
    const input = kpiInput({ totals: { converted: 9, conversion_hits: 6, handled: 40, outbound: 20 } });
    // Act
    const result = conversions.compute(input);
    // Assess
    expect(result).toEqual({ value: 9, numerator: null, denominator: null });
  });

  it('is 0, not null, when there are none (a count has no denominator)', () => {
    expect(conversions.compute(kpiInput())).toEqual({ value: 0, numerator: null, denominator: null });
  });
});
