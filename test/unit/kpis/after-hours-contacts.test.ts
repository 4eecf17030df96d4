import { describe, expect, it } from 'vitest';
import { afterHoursContacts } from '../../../functions/engine/kpis/after-hours-contacts.js';
import { kpiInput } from './input.js';

describe('after_hours_contacts', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(afterHoursContacts).toMatchObject({
      id: 'after_hours_contacts',
      unit: 'count',
      better: null,
      family: 'volume',
    });
  });

  it('counts inbound contacts offered outside business hours', () => {
    // Prepare: 100 inbound, 14 of them after hours
    const input = kpiInput({ afterHoursInbound: 14, totals: { inbound: 100 } });
    // Act
    const result = afterHoursContacts.compute(input);
    // Assess
    expect(result).toEqual({ value: 14, numerator: null, denominator: null });
  });

  it('is 0, not null, when every contact came in business hours', () => {
    expect(afterHoursContacts.compute(kpiInput({ totals: { inbound: 100 } }))).toEqual({
      value: 0,
      numerator: null,
      denominator: null,
    });
  });
});
