import { describe, expect, it } from 'vitest';
import { selfcareRate } from '../../../functions/engine/kpis/selfcare-rate.js';
import { kpiInput } from './input.js';

describe('selfcare_rate', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(selfcareRate).toMatchObject({ id: 'selfcare_rate', unit: '%', better: 'higher', family: 'digital' });
  });

  it('divides self-care contacts by inbound contacts', () => {
    // Prepare
    const input = kpiInput({ totals: { inbound: 200, selfcare: 30 } });
    // Act
    const result = selfcareRate.compute(input);
    // Assess: 30 redirected or bot-handled ÷ 200 inbound = 0.15
    expect(result).toEqual({ value: 30 / 200, numerator: 30, denominator: 200 });
  });

  it('is null, not 0 or NaN, when nothing came in', () => {
    expect(selfcareRate.compute(kpiInput({ totals: { outbound: 9 } }))).toEqual({
      value: null,
      numerator: 0,
      denominator: 0,
    });
  });
});
