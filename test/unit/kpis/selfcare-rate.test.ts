import { describe, expect, it } from 'vitest';
import { selfcareRate } from '../../../functions/engine/kpis/selfcare-rate.js';
import { kpiInput, NO_DATA } from './input.js';

describe('selfcare_rate', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(selfcareRate).toMatchObject({ id: 'selfcare_rate', unit: '%', better: 'higher', family: 'digital' });
  });

  it('divides self-care contacts by inbound contacts', () => {
    // Prepare
    const input = kpiInput({ totals: { inbound: 200, selfcare: 30, selfcare_known: 200 } });
    // Act
    const result = selfcareRate.compute(input);
    // Assess: 30 redirected or bot-handled ÷ 200 inbound = 0.15
    expect(result).toEqual({ value: 30 / 200, numerator: 30, denominator: 200 });
  });

  it('is null, not 0 or NaN, when nothing came in', () => {
    expect(selfcareRate.compute(kpiInput({ totals: { outbound: 9, selfcare_known: 1 } }))).toEqual({
      value: null,
      numerator: 0,
      denominator: 0,
    });
  });

  it('is null, not 0, when no inbound contact carries selfcare_redirect and none is a bot session', () => {
    // 200 inbound contacts, the field on none of them, no bot: unknown, not 0 % (docs/spec.md §3).
    expect(selfcareRate.compute(kpiInput({ totals: { inbound: 200 } }))).toEqual(NO_DATA);
  });

  it('counts bot sessions without the field, and an absent field as false where some carry it', () => {
    // 200 inbound: 12 bot sessions (self-care by themselves), no selfcare_redirect anywhere: 12 ÷ 200.
    expect(selfcareRate.compute(kpiInput({ totals: { inbound: 200, selfcare: 12, selfcare_known: 12 } }))).toEqual({
      value: 12 / 200,
      numerator: 12,
      denominator: 200,
    });
  });
});
