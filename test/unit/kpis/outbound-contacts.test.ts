import { describe, expect, it } from 'vitest';
import { outboundContacts } from '../../../functions/engine/kpis/outbound-contacts.js';
import { kpiInput } from './input.js';

describe('outbound_contacts', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(outboundContacts).toMatchObject({ id: 'outbound_contacts', unit: 'count', better: null, family: 'volume' });
  });

  it('counts outbound contacts of any channel', () => {
    // Prepare
    const input = kpiInput({ totals: { outbound: 33, inbound: 120, offered: 80, handled: 70 } });
    // Act
    const result = outboundContacts.compute(input);
    // Assess
    expect(result).toEqual({ value: 33, numerator: null, denominator: null });
  });

  it('is 0, not null, when there are none (a count has no denominator)', () => {
    expect(outboundContacts.compute(kpiInput())).toEqual({ value: 0, numerator: null, denominator: null });
  });
});
