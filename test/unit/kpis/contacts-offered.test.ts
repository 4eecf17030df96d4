import { describe, expect, it } from 'vitest';
import { contactsOffered } from '../../../functions/engine/kpis/contacts-offered.js';
import { kpiInput } from './input.js';

describe('contacts_offered', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(contactsOffered).toMatchObject({ id: 'contacts_offered', unit: 'count', better: null, family: 'volume' });
  });

  it('counts contacts offered to a queue, not every inbound or outbound contact', () => {
    // Prepare
    const input = kpiInput({ totals: { offered: 80, inbound: 120, handled: 70, outbound: 15 } });
    // Act
    const result = contactsOffered.compute(input);
    // Assess
    expect(result).toEqual({ value: 80, numerator: null, denominator: null });
  });

  it('is 0, not null, when there are none (a count has no denominator)', () => {
    expect(contactsOffered.compute(kpiInput())).toEqual({ value: 0, numerator: null, denominator: null });
  });
});
