import { describe, expect, it } from 'vitest';
import { ces } from '../../../functions/engine/kpis/ces.js';
import { kpiInput } from './input.js';

describe('ces', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(ces).toMatchObject({ id: 'ces', unit: 'score', better: 'higher', family: 'satisfaction' });
  });

  it('is the mean ces score', () => {
    // Prepare
    const input = kpiInput({ totals: { ces_n: 20, ces_sum: 110 } });
    // Act
    const result = ces.compute(input);
    // Assess: 110 ÷ 20 answers = 5.5 on 1–7
    expect(result).toEqual({ value: 110 / 20, numerator: 110, denominator: 20 });
  });

  it('is null, not 0 or NaN, when there is no ces answer', () => {
    expect(ces.compute(kpiInput({ totals: { csat_n: 3, csat_top2: 1 } }))).toEqual({
      value: null,
      numerator: 0,
      denominator: 0,
    });
  });
});
