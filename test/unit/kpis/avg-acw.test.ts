import { describe, expect, it } from 'vitest';
import { avgAcw } from '../../../functions/engine/kpis/avg-acw.js';
import { kpiInput } from './input.js';

describe('avg_acw', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(avgAcw).toMatchObject({ id: 'avg_acw', unit: 's', better: 'lower', family: 'handling' });
  });

  it('divides ACW by contacts handled', () => {
    // Prepare
    const input = kpiInput({ totals: { handled: 25, talk_sum: 3000, hold_sum: 600, acw_sum: 900 } });
    // Act
    const result = avgAcw.compute(input);
    // Assess: 900 s ÷ 25 handled = 36 s
    expect(result).toEqual({ value: 900 / 25, numerator: 900, denominator: 25 });
  });

  it('is null, not 0 or NaN, when nothing was handled', () => {
    expect(avgAcw.compute(kpiInput({ totals: { offered: 4, abandoned: 4 } }))).toEqual({
      value: null,
      numerator: 0,
      denominator: 0,
    });
  });
});
