import { describe, expect, it } from 'vitest';
import { avgTalk } from '../../../functions/engine/kpis/avg-talk.js';
import { kpiInput } from './input.js';

describe('avg_talk', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(avgTalk).toMatchObject({ id: 'avg_talk', unit: 's', better: 'lower', family: 'handling' });
  });

  it('divides talk + hold by contacts handled', () => {
    // Prepare
    const input = kpiInput({ totals: { handled: 25, talk_sum: 3000, hold_sum: 600, acw_sum: 900 } });
    // Act
    const result = avgTalk.compute(input);
    // Assess: (3000 + 600) s ÷ 25 handled = 3600/25 = 144 s; ACW left out
    expect(result).toEqual({ value: 3600 / 25, numerator: 3600, denominator: 25 });
  });

  it('is null, not 0 or NaN, when nothing was handled', () => {
    expect(avgTalk.compute(kpiInput({ totals: { offered: 4, abandoned: 4 } }))).toEqual({
      value: null,
      numerator: 0,
      denominator: 0,
    });
  });
});
