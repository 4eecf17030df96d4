import { describe, expect, it } from 'vitest';
import { conversionRate } from '../../../functions/engine/kpis/conversion-rate.js';
import { kpiInput, NO_DATA } from './input.js';

describe('conversion_rate', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(conversionRate).toMatchObject({ id: 'conversion_rate', unit: '%', better: 'higher', family: 'sales' });
  });

  it('divides conversions on handled and outbound contacts by handled + outbound', () => {
    // Prepare
    const input = kpiInput({
      totals: { handled: 40, outbound: 20, conversion_hits: 6, converted: 9, converted_known: 50 },
    });
    // Act
    const result = conversionRate.compute(input);
    // Assess: 6 conversions on handled or outbound contacts ÷ (40 handled + 20 outbound) = 6/60 = 0.1; the 3 others (bot, abandoned) are left out
    expect(result).toEqual({ value: 6 / 60, numerator: 6, denominator: 60 });
  });

  it('is null, not 0 or NaN, when nothing was handled or placed, even with converted contacts elsewhere', () => {
    expect(
      conversionRate.compute(kpiInput({ totals: { converted: 2, converted_known: 3, offered: 3, abandoned: 3 } })),
    ).toEqual({
      value: null,
      numerator: 0,
      denominator: 0,
    });
  });

  it('is null, not 0, when no contact says whether it converted (docs/spec.md §3, amended 2026-12-05)', () => {
    // 40 handled and 20 outbound contacts, none carrying `converted`: the rate is unknown, not 0 %.
    expect(conversionRate.compute(kpiInput({ totals: { handled: 40, outbound: 20 } }))).toEqual(NO_DATA);
  });

  it('counts an absent field as false where some contacts carry it', () => {
    // 60 handled or outbound, 10 of them carrying `converted` (3 true): 3 ÷ 60, the other 50 not converted.
    const input = kpiInput({
      totals: { handled: 40, outbound: 20, converted: 3, conversion_hits: 3, converted_known: 10 },
    });
    expect(conversionRate.compute(input)).toEqual({ value: 3 / 60, numerator: 3, denominator: 60 });
  });
});
