import { describe, expect, it } from 'vitest';
import { fcr } from '../../../functions/engine/kpis/fcr.js';
import { kpiInput } from './input.js';

describe('fcr', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(fcr).toMatchObject({ id: 'fcr', unit: '%', better: 'higher', family: 'resolution' });
  });

  it('divides contacts resolved at first contact by contacts where it is set', () => {
    // Prepare
    const input = kpiInput({ totals: { handled: 60, fcr_resolved: 30, fcr_set: 40 } });
    // Act
    const result = fcr.compute(input);
    // Assess: 30 resolved at first contact ÷ 40 where it is set = 0.75; the 20 unset contacts are left out
    expect(result).toEqual({ value: 30 / 40, numerator: 30, denominator: 40 });
  });

  it('is null, not 0 or NaN, when no contact says whether it was resolved', () => {
    expect(fcr.compute(kpiInput({ totals: { handled: 60 } }))).toEqual({ value: null, numerator: 0, denominator: 0 });
  });
});
