import { describe, expect, it } from 'vitest';
import { aht } from '../../../functions/engine/kpis/aht.js';
import { kpiInput } from './input.js';

describe('aht', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(aht).toMatchObject({ id: 'aht', unit: 's', better: 'lower', family: 'handling' });
  });

  it('divides talk + hold + ACW by contacts handled', () => {
    // Prepare
    const input = kpiInput({ totals: { handled: 25, talk_sum: 3000, hold_sum: 600, acw_sum: 900 } });
    // Act
    const result = aht.compute(input);
    // Assess: (3000 + 600 + 900) s ÷ 25 handled = 4500/25 = 180 s
    expect(result).toEqual({ value: 4500 / 25, numerator: 4500, denominator: 25 });
  });

  it('is null, not 0 or NaN, when nothing was handled', () => {
    expect(aht.compute(kpiInput({ totals: { offered: 4, abandoned: 4 } }))).toEqual({
      value: null,
      numerator: 0,
      denominator: 0,
    });
  });
});
