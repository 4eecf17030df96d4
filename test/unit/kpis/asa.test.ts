import { describe, expect, it } from 'vitest';
import { asa } from '../../../functions/engine/kpis/asa.js';
import { kpiInput } from './input.js';

describe('asa', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(asa).toMatchObject({ id: 'asa', unit: 's', better: 'lower', family: 'service' });
  });

  it('is the mean wait of handled contacts whose wait is known', () => {
    // Prepare
    const input = kpiInput({
      totals: { handled: 25, handled_wait_sum: 600, handled_wait_n: 20, offered_wait_sum: 900, offered_wait_n: 30 },
    });
    // Act
    const result = asa.compute(input);
    // Assess: 600 s ÷ 20 handled contacts with a known wait = 30 s (the 5 unknown waits are left out, not counted as 0)
    expect(result).toEqual({ value: 600 / 20, numerator: 600, denominator: 20 });
  });

  it('is null, not 0 or NaN, when no handled contact has a known wait', () => {
    expect(asa.compute(kpiInput({ totals: { handled: 3 } }))).toEqual({ value: null, numerator: 0, denominator: 0 });
  });
});
