import { describe, expect, it } from 'vitest';
import { contactsHandled } from '../../../functions/engine/kpis/contacts-handled.js';
import { kpiInput } from './input.js';

describe('contacts_handled', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(contactsHandled).toMatchObject({
      id: 'contacts_handled',
      unit: 'count',
      better: 'higher',
      family: 'volume',
    });
  });

  it('counts offered contacts handled by an agent, not outbound ones', () => {
    // Prepare
    const input = kpiInput({ totals: { handled: 70, offered: 80, abandoned: 10, outbound: 15 } });
    // Act
    const result = contactsHandled.compute(input);
    // Assess
    expect(result).toEqual({ value: 70, numerator: null, denominator: null });
  });

  it('is 0, not null, when there are none (a count has no denominator)', () => {
    expect(contactsHandled.compute(kpiInput())).toEqual({ value: 0, numerator: null, denominator: null });
  });
});
