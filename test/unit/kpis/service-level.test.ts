import { describe, expect, it } from 'vitest';
import { serviceLevel } from '../../../functions/engine/kpis/service-level.js';
import { kpiInput } from './input.js';

describe('service_level', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(serviceLevel).toMatchObject({ id: 'service_level', unit: '%', better: 'higher', family: 'service' });
  });

  const totals = { offered: 50, handled: 40, abandoned: 10, handled_within_t: 30, abandoned_within_t: 5 };

  it('counts only contacts handled within T by default', () => {
    // Prepare
    const input = kpiInput({ totals });
    // Act
    const result = serviceLevel.compute(input);
    // Assess: 30 handled within T ÷ 50 offered = 0.6
    expect(result).toEqual({ value: 0.6, numerator: 30, denominator: 50 });
  });

  it('also counts abandons within T as met in the Amazon Connect variant', () => {
    // Prepare
    const input = kpiInput({ totals, options: { serviceLevelCountsAbandonsWithinT: true } });
    // Act
    const result = serviceLevel.compute(input);
    // Assess: (30 + 5) ÷ 50 = 0.7
    expect(result).toEqual({ value: 0.7, numerator: 35, denominator: 50 });
  });

  it.each([false, true])('is null, not 0 or NaN, when nothing was offered (abandons within T count: %s)', (variant) => {
    const input = kpiInput({ options: { serviceLevelCountsAbandonsWithinT: variant } });
    expect(serviceLevel.compute(input)).toEqual({ value: null, numerator: 0, denominator: 0 });
  });
});
