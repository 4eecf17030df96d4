import { describe, expect, it } from 'vitest';
import { conversions } from '../../../functions/engine/kpis/conversions.js';
import { kpiInput, NO_DATA } from './input.js';

describe('conversions', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(conversions).toMatchObject({ id: 'conversions', unit: 'count', better: 'higher', family: 'sales' });
  });

  it('counts every converted contact, including those outside the conversion_rate denominator', () => {
    // Prepare
    const input = kpiInput({
      totals: { converted: 9, converted_known: 60, conversion_hits: 6, handled: 40, outbound: 20 },
    });
    // Act
    const result = conversions.compute(input);
    // Assess
    expect(result).toEqual({ value: 9, numerator: null, denominator: null });
  });

  it('is 0 when contacts say they did not convert', () => {
    expect(conversions.compute(kpiInput({ totals: { converted_known: 25, handled: 25 } }))).toEqual({
      value: 0,
      numerator: null,
      denominator: null,
    });
  });

  it('is null, not 0, when no contact says whether it converted (docs/spec.md §3, amended 2026-12-05)', () => {
    expect(conversions.compute(kpiInput({ totals: { handled: 25 } }))).toEqual(NO_DATA);
  });
});
