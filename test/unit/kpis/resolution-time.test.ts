import { describe, expect, it } from 'vitest';
import { resolutionTime } from '../../../functions/engine/kpis/resolution-time.js';
import { kpiInput } from './input.js';

describe('resolution_time', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(resolutionTime).toMatchObject({ id: 'resolution_time', unit: 's', better: 'lower', family: 'resolution' });
  });

  it('is the mean time to resolve the tickets resolved in the period', () => {
    // Prepare
    const input = kpiInput({ totals: { tickets_resolved: 5, resolution_time_sum: 864000 } });
    // Act
    const result = resolutionTime.compute(input);
    // Assess: 864000 s ÷ 5 resolved tickets = 172800 s (2 days)
    expect(result).toEqual({ value: 864000 / 5, numerator: 864000, denominator: 5 });
  });

  it('is null, not 0 or NaN, when no ticket was resolved', () => {
    expect(resolutionTime.compute(kpiInput({ totals: { tickets_created: 7 } }))).toEqual({
      value: null,
      numerator: 0,
      denominator: 0,
    });
  });
});
