import { describe, expect, it } from 'vitest';
import { keywordMentions } from '../../../functions/engine/kpis/keyword-mentions.js';
import { kpiInput } from './input.js';

describe('keyword_mentions', () => {
  it('declares its docs/spec.md §3 unit, direction and family', () => {
    expect(keywordMentions).toMatchObject({
      id: 'keyword_mentions',
      unit: 'count',
      better: null,
      family: 'digital',
      breakdown: true,
    });
  });

  it('lists every keyword by mentions, not cut by the top_reasons limit', () => {
    // Prepare
    const input = kpiInput({
      keywords: new Map([
        ['retard', 2],
        ['remboursement', 6],
        ['résiliation', 4],
      ]),
      options: { topReasons: 1 },
    });
    // Act
    const result = keywordMentions.compute(input);
    // Assess: total 6 + 4 + 2 = 12; shares 6/12, 4/12, 2/12
    expect(result.value).toBe(12);
    expect(result.items).toEqual([
      { key: 'remboursement', count: 6, share: 6 / 12 },
      { key: 'résiliation', count: 4, share: 4 / 12 },
      { key: 'retard', count: 2, share: 2 / 12 },
    ]);
    expect((result.items ?? []).reduce((sum, i) => sum + i.share, 0)).toBeCloseTo(1, 12);
  });

  it('is an empty list with a total of 0 when no keyword was mentioned', () => {
    expect(keywordMentions.compute(kpiInput())).toEqual({ value: 0, numerator: null, denominator: null, items: [] });
  });
});
