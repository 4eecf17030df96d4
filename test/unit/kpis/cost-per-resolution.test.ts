import { describe, expect, it } from 'vitest';
import { costPerResolution } from '../../../functions/engine/kpis/cost-per-resolution.js';
import { kpiInput, NO_DATA } from './input.js';

describe('cost_per_resolution', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(costPerResolution).toMatchObject({
      id: 'cost_per_resolution',
      unit: 'currency',
      better: 'lower',
      family: 'finance',
    });
  });

  it('divides costs by tickets resolved', () => {
    // Prepare
    const input = kpiInput({ costs: 1200, totals: { tickets_resolved: 48, handled: 250 } });
    // Act
    const result = costPerResolution.compute(input);
    // Assess: 1200 € ÷ 48 resolved = 25 €
    expect(result).toEqual({ value: 25, numerator: 1200, denominator: 48 });
  });

  it('is null, not Infinity, when no ticket was resolved', () => {
    const input = kpiInput({ costs: 1200, totals: { handled: 250 } });
    expect(costPerResolution.compute(input)).toEqual({ value: null, numerator: 1200, denominator: 0 });
  });

  it('has no data at all when costs cannot be attributed to the scope', () => {
    expect(costPerResolution.compute(kpiInput({ costs: null, totals: { tickets_resolved: 48 } }))).toEqual(NO_DATA);
  });
});
