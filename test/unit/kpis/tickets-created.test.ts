import { describe, expect, it } from 'vitest';
import { ticketsCreated } from '../../../functions/engine/kpis/tickets-created.js';
import { kpiInput, NO_DATA } from './input.js';

describe('tickets_created', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(ticketsCreated).toMatchObject({ id: 'tickets_created', unit: 'count', better: null, family: 'volume' });
  });

  it('counts tickets created in the period, not those resolved', () => {
    // Prepare
    const input = kpiInput({ totals: { tickets_created: 17, tickets_resolved: 12, inbound: 50 } });
    // Act
    const result = ticketsCreated.compute(input);
    // Assess
    expect(result).toEqual({ value: 17, numerator: null, denominator: null });
  });

  it('is 0, not null, when there are none (a count has no denominator)', () => {
    expect(ticketsCreated.compute(kpiInput())).toEqual({ value: 0, numerator: null, denominator: null });
  });

  it('is null, not 0, when no ticket was ever delivered (docs/spec.md §3, amended 2026-12-05)', () => {
    const noTickets = new Set(['contacts', 'surveys']);
    expect(ticketsCreated.compute(kpiInput({ kindsDelivered: noTickets }))).toEqual(NO_DATA);
    expect(ticketsCreated.compute(kpiInput({ kindsDelivered: new Set(['tickets']) })).value).toBe(0);
  });
});
