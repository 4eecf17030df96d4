import { describe, expect, it } from 'vitest';
import { costPerContact } from '../../../functions/engine/kpis/cost-per-contact.js';
import { kpiInput, NO_DATA } from './input.js';

describe('cost_per_contact', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(costPerContact).toMatchObject({
      id: 'cost_per_contact',
      unit: 'currency',
      better: 'lower',
      family: 'finance',
    });
  });

  it("divides costs by contacts handled, not the seed's inverted contacts ÷ costs", () => {
    // Prepare
    const input = kpiInput({ costs: 1000, totals: { handled: 250, offered: 300, tickets_resolved: 40 } });
    // Act
    const result = costPerContact.compute(input);
    // Assess: 1000 € ÷ 250 handled = 4 € (the inverted reading would give 0.25)
    expect(result).toEqual({ value: 4, numerator: 1000, denominator: 250 });
  });

  it('is null, not Infinity, when nothing was handled', () => {
    expect(costPerContact.compute(kpiInput({ costs: 1000 }))).toEqual({ value: null, numerator: 1000, denominator: 0 });
  });

  it('has no data at all when costs cannot be attributed to the scope', () => {
    expect(costPerContact.compute(kpiInput({ costs: null, totals: { handled: 250 } }))).toEqual(NO_DATA);
  });
});
