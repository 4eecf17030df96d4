import { describe, expect, it } from 'vitest';
import { abandonRate } from '../../../functions/engine/kpis/abandon-rate.js';
import { kpiInput } from './input.js';

describe('abandon_rate', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(abandonRate).toMatchObject({ id: 'abandon_rate', unit: '%', better: 'lower', family: 'service' });
  });

  it('leaves short abandons out of both terms', () => {
    // Prepare: 12 abandons of which 2 within S
    const input = kpiInput({ totals: { offered: 40, handled: 28, abandoned: 12, short_abandoned: 2 } });
    // Act
    const result = abandonRate.compute(input);
    // Assess: (12 − 2) ÷ (40 − 2) = 10/38
    expect(result).toEqual({ value: 10 / 38, numerator: 10, denominator: 38 });
  });

  it('is abandoned ÷ offered when there is no short abandon', () => {
    // 5 ÷ 50 = 0.1
    expect(abandonRate.compute(kpiInput({ totals: { offered: 50, handled: 45, abandoned: 5 } }))).toEqual({
      value: 0.1,
      numerator: 5,
      denominator: 50,
    });
  });

  it('is null, not 0 or NaN, when nothing was offered', () => {
    expect(abandonRate.compute(kpiInput())).toEqual({ value: null, numerator: 0, denominator: 0 });
  });

  it('is null when every offered contact was a short abandon', () => {
    // (3 − 3) ÷ (3 − 3) = 0/0
    const input = kpiInput({ totals: { offered: 3, abandoned: 3, short_abandoned: 3 } });
    expect(abandonRate.compute(input)).toEqual({ value: null, numerator: 0, denominator: 0 });
  });
});
