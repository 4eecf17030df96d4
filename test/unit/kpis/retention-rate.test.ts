import { describe, expect, it } from 'vitest';
import { retentionRate } from '../../../functions/engine/kpis/retention-rate.js';
import { kpiInput, NO_DATA } from './input.js';

describe('retention_rate', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(retentionRate).toMatchObject({ id: 'retention_rate', unit: '%', better: 'higher', family: 'customers' });
  });

  const customers = { atStart: 1000, atEnd: 970, acquired: 50, lost: 80, buyers: 200, repeatBuyers: 70 };

  it('divides (customers at end − new customers) by customers at start', () => {
    // Prepare
    const input = kpiInput({ customers, totals: { inbound: 150 } });
    // Act
    const result = retentionRate.compute(input);
    // Assess: (970 − 50) ÷ 1000 = 0.92
    expect(result).toEqual({ value: 920 / 1000, numerator: 920, denominator: 1000 });
  });

  it('is null, not Infinity or NaN, when there was no customer at the start', () => {
    const input = kpiInput({ customers: { ...customers, atStart: 0 }, totals: { inbound: 150 } });
    expect(retentionRate.compute(input).value).toBeNull();
  });

  it('has no data at all outside the centre scope (customers carry no team or queue)', () => {
    expect(retentionRate.compute(kpiInput({ customers: null, totals: { inbound: 150 } }))).toEqual(NO_DATA);
  });
});
