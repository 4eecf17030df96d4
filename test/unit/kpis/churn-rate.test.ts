import { describe, expect, it } from 'vitest';
import { churnRate } from '../../../functions/engine/kpis/churn-rate.js';
import { kpiInput, NO_DATA } from './input.js';

describe('churn_rate', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(churnRate).toMatchObject({ id: 'churn_rate', unit: '%', better: 'lower', family: 'customers' });
  });

  const customers = { atStart: 1000, atEnd: 970, acquired: 50, lost: 80, buyers: 200, repeatBuyers: 70 };

  it('divides customers lost by customers at start', () => {
    // Prepare
    const input = kpiInput({ customers, totals: { inbound: 150 } });
    // Act
    const result = churnRate.compute(input);
    // Assess: 80 ÷ 1000 = 0.08
    expect(result).toEqual({ value: 80 / 1000, numerator: 80, denominator: 1000 });
  });

  it('is null, not Infinity or NaN, when there was no customer at the start', () => {
    const input = kpiInput({ customers: { ...customers, atStart: 0 }, totals: { inbound: 150 } });
    expect(churnRate.compute(input).value).toBeNull();
  });

  it('has no data at all outside the centre scope (customers carry no team or queue)', () => {
    expect(churnRate.compute(kpiInput({ customers: null, totals: { inbound: 150 } }))).toEqual(NO_DATA);
  });
});
