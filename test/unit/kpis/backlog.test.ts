import { describe, expect, it } from 'vitest';
import { backlog } from '../../../functions/engine/kpis/backlog.js';
import { kpiInput, NO_DATA } from './input.js';

describe('backlog', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(backlog).toMatchObject({ id: 'backlog', unit: 'count', better: 'lower', family: 'resolution' });
  });

  it('counts tickets open at the end of the period', () => {
    // Prepare
    const input = kpiInput({ backlog: 42, totals: { tickets_created: 10, tickets_resolved: 8 } });
    // Act
    const result = backlog.compute(input);
    // Assess
    expect(result).toEqual({ value: 42, numerator: null, denominator: null });
  });

  it('is 0, not null, when no ticket is open (a count has no denominator)', () => {
    expect(backlog.compute(kpiInput())).toEqual({ value: 0, numerator: null, denominator: null });
  });

  it('is null, not 0, when no ticket was ever delivered (docs/spec.md §3, amended 2026-12-05)', () => {
    expect(backlog.compute(kpiInput({ kindsDelivered: new Set(['contacts']) }))).toEqual(NO_DATA);
  });
});
