import { describe, expect, it } from 'vitest';
import { csat } from '../../../functions/engine/kpis/csat.js';
import { kpiInput } from './input.js';

describe('csat', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(csat).toMatchObject({ id: 'csat', unit: '%', better: 'higher', family: 'satisfaction' });
  });

  it('divides top-two-box answers by csat answers', () => {
    // Prepare
    const input = kpiInput({ totals: { csat_n: 60, csat_top2: 42 } });
    // Act
    const result = csat.compute(input);
    // Assess: 42 answers in the top two points (4–5 on 1–5, 9–10 on 0–10: the SQL counts them) ÷ 60 answers = 0.7
    expect(result).toEqual({ value: 42 / 60, numerator: 42, denominator: 60 });
  });

  it('is null, not 0 or NaN, when there is no csat answer', () => {
    expect(csat.compute(kpiInput({ totals: { esat_n: 4, esat_top2: 4 } }))).toEqual({
      value: null,
      numerator: 0,
      denominator: 0,
    });
  });
});
