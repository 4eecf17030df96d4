import { describe, expect, it } from 'vitest';
import { esat } from '../../../functions/engine/kpis/esat.js';
import { kpiInput } from './input.js';

describe('esat', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(esat).toMatchObject({ id: 'esat', unit: '%', better: 'higher', family: 'satisfaction' });
  });

  it('divides top-two-box esat answers by esat answers', () => {
    // Prepare
    const input = kpiInput({ totals: { esat_n: 12, esat_top2: 9, csat_n: 50, csat_top2: 10 } });
    // Act
    const result = esat.compute(input);
    // Assess: 9 employees in the top two points ÷ 12 answers = 0.75; csat answers play no part
    expect(result).toEqual({ value: 9 / 12, numerator: 9, denominator: 12 });
  });

  it('is null, not 0 or NaN, when there is no esat answer', () => {
    expect(esat.compute(kpiInput({ totals: { csat_n: 3, csat_top2: 1 } }))).toEqual({
      value: null,
      numerator: 0,
      denominator: 0,
    });
  });
});
