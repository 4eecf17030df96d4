import { describe, expect, it } from 'vitest';
import { agentDaysWorked } from '../../../functions/engine/kpis/agent-days-worked.js';
import { kpiInput, NO_DATA } from './input.js';

describe('agent_days_worked', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(agentDaysWorked).toMatchObject({
      id: 'agent_days_worked',
      unit: 'count',
      better: null,
      family: 'workforce',
    });
  });

  it('counts agent days worked', () => {
    // Prepare: 20 planned days, 18 worked
    const input = kpiInput({ agentDays: { scheduled_s: 576_000, absent_s: 57_600, days_worked: 18, days: 20 } });
    // Act
    const result = agentDaysWorked.compute(input);
    // Assess
    expect(result).toEqual({ value: 18, numerator: null, denominator: null });
  });

  it('is 0 when agents were planned but none worked', () => {
    const input = kpiInput({ agentDays: { scheduled_s: 28_800, absent_s: 28_800, days_worked: 0, days: 1 } });
    expect(agentDaysWorked.compute(input)).toEqual({ value: 0, numerator: null, denominator: null });
  });

  it('has no data at all when the scope carries no workforce data (queue, channel)', () => {
    expect(agentDaysWorked.compute(kpiInput({ agentDays: null }))).toEqual(NO_DATA);
  });
});
