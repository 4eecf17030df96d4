import { describe, expect, it } from 'vitest';
import { repeatCustomerRate } from '../../../functions/engine/kpis/repeat-customer-rate.js';
import { kpiInput, NO_DATA } from './input.js';

describe('repeat_customer_rate', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(repeatCustomerRate).toMatchObject({
      id: 'repeat_customer_rate',
      unit: '%',
      better: 'higher',
      family: 'customers',
    });
  });

  const customers = { atStart: 1000, atEnd: 970, acquired: 50, lost: 80, buyers: 200, repeatBuyers: 70 };

  it('divides repeat buyers by buyers of the period', () => {
    // Prepare
    const input = kpiInput({ customers, totals: { inbound: 150 } });
    // Act
    const result = repeatCustomerRate.compute(input);
    // Assess: 70 who had ordered before ÷ 200 buyers = 0.35
    expect(result).toEqual({ value: 70 / 200, numerator: 70, denominator: 200 });
  });

  it('is null, not Infinity or NaN, when nobody ordered in the period', () => {
    const input = kpiInput({ customers: { ...customers, buyers: 0 }, totals: { inbound: 150 } });
    expect(repeatCustomerRate.compute(input).value).toBeNull();
  });

  it('has no data at all outside the centre scope (customers carry no team or queue)', () => {
    expect(repeatCustomerRate.compute(kpiInput({ customers: null, totals: { inbound: 150 } }))).toEqual(NO_DATA);
  });
});
