import { describe, expect, it } from 'vitest';
import { answerRate } from '../../../functions/engine/kpis/answer-rate.js';
import { kpiInput } from './input.js';

describe('answer_rate', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(answerRate).toMatchObject({ id: 'answer_rate', unit: '%', better: 'higher', family: 'service' });
  });

  it('divides handled by offered', () => {
    // Prepare
    const input = kpiInput({ totals: { offered: 50, handled: 45, abandoned: 5 } });
    // Act
    const result = answerRate.compute(input);
    // Assess: 45 handled ÷ 50 offered = 0.9 (the NF 345 target)
    expect(result).toEqual({ value: 45 / 50, numerator: 45, denominator: 50 });
  });

  it('is null, not 0 or NaN, when nothing was offered', () => {
    expect(answerRate.compute(kpiInput({ totals: { offered: 0, inbound: 12 } }))).toEqual({
      value: null,
      numerator: 0,
      denominator: 0,
    });
  });
});
