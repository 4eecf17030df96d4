import { describe, expect, it } from 'vitest';
import { contactRate } from '../../../functions/engine/kpis/contact-rate.js';
import { kpiInput, NO_DATA } from './input.js';

describe('contact_rate', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(contactRate).toMatchObject({ id: 'contact_rate', unit: '%', better: 'lower', family: 'customers' });
  });

  const customers = { atStart: 1000, atEnd: 970, acquired: 50, lost: 80, buyers: 200, repeatBuyers: 70 };

  it('divides inbound contacts by active customers at the end', () => {
    // Prepare
    const input = kpiInput({ customers, totals: { inbound: 150 } });
    // Act
    const result = contactRate.compute(input);
    // Assess: 150 inbound ÷ 970 customers at end
    expect(result).toEqual({ value: 150 / 970, numerator: 150, denominator: 970 });
  });

  it('is null, not Infinity or NaN, when there is no active customer', () => {
    const input = kpiInput({ customers: { ...customers, atEnd: 0 }, totals: { inbound: 150 } });
    expect(contactRate.compute(input).value).toBeNull();
  });

  it('has no data at all outside the centre scope (customers carry no team or queue)', () => {
    expect(contactRate.compute(kpiInput({ customers: null, totals: { inbound: 150 } }))).toEqual(NO_DATA);
  });
});
