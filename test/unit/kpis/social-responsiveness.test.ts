import { describe, expect, it } from 'vitest';
import { socialResponsiveness } from '../../../functions/engine/kpis/social-responsiveness.js';
import { kpiInput } from './input.js';

describe('social_responsiveness', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(socialResponsiveness).toMatchObject({
      id: 'social_responsiveness',
      unit: '%',
      better: 'higher',
      family: 'service',
    });
  });

  it('divides social contacts answered within D by inbound social contacts', () => {
    // Prepare
    const input = kpiInput({ totals: { inbound: 100, social_inbound: 24, social_within_d: 18 } });
    // Act
    const result = socialResponsiveness.compute(input);
    // Assess: 18 answered within D ÷ 24 inbound social = 0.75
    expect(result).toEqual({ value: 18 / 24, numerator: 18, denominator: 24 });
  });

  it('is null, not 0 or NaN, when no social contact came in', () => {
    expect(socialResponsiveness.compute(kpiInput({ totals: { inbound: 100 } }))).toEqual({
      value: null,
      numerator: 0,
      denominator: 0,
    });
  });
});
