import { describe, expect, it } from 'vitest';
import { topReasons } from '../../../functions/engine/kpis/top-reasons.js';
import { kpiInput } from './input.js';

describe('top_reasons', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(topReasons).toMatchObject({
      id: 'top_reasons',
      unit: 'count',
      better: null,
      family: 'volume',
      breakdown: true,
    });
  });

  const reasons = new Map([
    ['other', 10],
    ['billing', 40],
    ['address', 10],
    ['delivery', 25],
    ['password', 15],
  ]);

  it('keeps the top N reasons, each share still of all reasons', () => {
    // Prepare
    const input = kpiInput({ reasons, options: { topReasons: 3 } });
    // Act
    const result = topReasons.compute(input);
    // Assess: grand total 40 + 25 + 15 + 10 + 10 = 100; the top 3 cover 80 % of it
    expect(result.value).toBe(100);
    expect(result.items).toEqual([
      { key: 'billing', count: 40, share: 0.4 },
      { key: 'delivery', count: 25, share: 0.25 },
      { key: 'password', count: 15, share: 0.15 },
    ]);
    expect((result.items ?? []).reduce((sum, i) => sum + i.share, 0)).toBeCloseTo(0.8, 12);
  });

  it('lists every reason, sorted, when there are fewer than the limit', () => {
    // Prepare
    const input = kpiInput({ reasons, options: { topReasons: 10 } });
    // Act
    const result = topReasons.compute(input);
    // Assess: ties (address, other: 10 each) by key; shares sum to 1
    expect(result.items?.map((i) => i.key)).toEqual(['billing', 'delivery', 'password', 'address', 'other']);
    expect((result.items ?? []).reduce((sum, i) => sum + i.share, 0)).toBeCloseTo(1, 12);
  });

  it('is an empty list with a total of 0 when no contact has a reason', () => {
    expect(topReasons.compute(kpiInput())).toEqual({ value: 0, numerator: null, denominator: null, items: [] });
  });
});
