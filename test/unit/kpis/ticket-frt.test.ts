import { describe, expect, it } from 'vitest';
import { ticketFrt } from '../../../functions/engine/kpis/ticket-frt.js';
import { kpiInput } from './input.js';

describe('ticket_frt', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(ticketFrt).toMatchObject({ id: 'ticket_frt', unit: 's', better: 'lower', family: 'resolution' });
  });

  it('is the mean first response delay of replied tickets', () => {
    // Prepare
    const input = kpiInput({ totals: { tickets_created: 12, ticket_reply_delay_sum: 14400, ticket_reply_delay_n: 8 } });
    // Act
    const result = ticketFrt.compute(input);
    // Assess: 14400 s ÷ 8 replied tickets = 1800 s; the 4 unanswered tickets are left out
    expect(result).toEqual({ value: 14400 / 8, numerator: 14400, denominator: 8 });
  });

  it('is null, not 0 or NaN, when no ticket got a reply', () => {
    expect(ticketFrt.compute(kpiInput({ totals: { tickets_created: 12 } }))).toEqual({
      value: null,
      numerator: 0,
      denominator: 0,
    });
  });
});
