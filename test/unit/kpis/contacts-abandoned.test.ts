import { describe, expect, it } from 'vitest';
import { contactsAbandoned } from '../../../functions/engine/kpis/contacts-abandoned.js';
import { kpiInput } from './input.js';

describe('contacts_abandoned', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(contactsAbandoned).toMatchObject({
      id: 'contacts_abandoned',
      unit: 'count',
      better: 'lower',
      family: 'volume',
    });
  });

  it('counts every abandon, short ones included (only abandon_rate leaves them out)', () => {
    // Prepare
    const input = kpiInput({ totals: { abandoned: 10, offered: 80, short_abandoned: 4, handled: 70 } });
    // Act
    const result = contactsAbandoned.compute(input);
    // Assess
    expect(result).toEqual({ value: 10, numerator: null, denominator: null });
  });

  it('is 0, not null, when there are none (a count has no denominator)', () => {
    expect(contactsAbandoned.compute(kpiInput())).toEqual({ value: 0, numerator: null, denominator: null });
  });
});
