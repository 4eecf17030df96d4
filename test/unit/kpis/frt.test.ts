import { describe, expect, it } from 'vitest';
import { frt } from '../../../functions/engine/kpis/frt.js';
import { kpiInput } from './input.js';

describe('frt', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(frt).toMatchObject({ id: 'frt', unit: 's', better: 'lower', family: 'service' });
  });

  it('is the mean first response delay of replied contacts', () => {
    // Prepare
    const input = kpiInput({ totals: { inbound: 40, reply_delay_sum: 36000, reply_delay_n: 10 } });
    // Act
    const result = frt.compute(input);
    // Assess: 36000 s ÷ 10 replied contacts = 3600 s
    expect(result).toEqual({ value: 36000 / 10, numerator: 36000, denominator: 10 });
  });

  it('is null, not 0 or NaN, when no email, social or sms contact got a reply', () => {
    expect(frt.compute(kpiInput({ totals: { inbound: 40 } }))).toEqual({ value: null, numerator: 0, denominator: 0 });
  });
});
