import { describe, expect, it } from 'vitest';
import { avgWait } from '../../../functions/engine/kpis/avg-wait.js';
import { kpiInput } from './input.js';

describe('avg_wait', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(avgWait).toMatchObject({ id: 'avg_wait', unit: 's', better: 'lower', family: 'service' });
  });

  it('is the mean wait over handled and abandoned contacts', () => {
    // Prepare
    const input = kpiInput({
      totals: { offered: 35, handled_wait_sum: 600, handled_wait_n: 20, offered_wait_sum: 1500, offered_wait_n: 30 },
    });
    // Act
    const result = avgWait.compute(input);
    // Assess: 1500 s ÷ 30 handled and abandoned contacts with a known wait = 50 s
    expect(result).toEqual({ value: 1500 / 30, numerator: 1500, denominator: 30 });
  });

  it('is null, not 0 or NaN, when no offered contact has a known wait', () => {
    expect(avgWait.compute(kpiInput({ totals: { offered: 2 } }))).toEqual({
      value: null,
      numerator: 0,
      denominator: 0,
    });
  });
});
