import { describe, expect, it } from 'vitest';
import { nps } from '../../../functions/engine/kpis/nps.js';
import { kpiInput } from './input.js';

describe('nps', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(nps).toMatchObject({ id: 'nps', unit: 'pts', better: 'higher', family: 'satisfaction' });
  });

  it('is % promoters − % detractors, in points', () => {
    // Prepare: 5 promoters, 2 passives, 3 detractors
    const input = kpiInput({ totals: { nps_n: 10, nps_promoters: 5, nps_detractors: 3 } });
    // Act
    const result = nps.compute(input);
    // Assess: (5 − 3) ÷ 10 × 100 = 20 points
    expect(result).toEqual({ value: 20, numerator: 2, denominator: 10 });
  });

  it('goes negative when detractors outnumber promoters', () => {
    // (1 − 4) ÷ 5 × 100 = −60
    const input = kpiInput({ totals: { nps_n: 5, nps_promoters: 1, nps_detractors: 4 } });
    expect(nps.compute(input)).toEqual({ value: -60, numerator: -3, denominator: 5 });
  });

  it('is 100 when every answer is a promoter', () => {
    // (4 − 0) ÷ 4 × 100 = 100
    expect(nps.compute(kpiInput({ totals: { nps_n: 4, nps_promoters: 4 } })).value).toBe(100);
  });

  it('is null, not 0 or NaN, when there is no nps answer', () => {
    expect(nps.compute(kpiInput({ totals: { csat_n: 8, csat_top2: 6 } }))).toEqual({
      value: null,
      numerator: 0,
      denominator: 0,
    });
  });
});
