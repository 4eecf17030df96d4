/**
 * The trend's y scale (issue 21: "a −0.1 point change is drawn as a cliff"): a series that moves less
 * than its unit's least span is drawn within that span, centred on its values, so noise stays a wobble;
 * a real move keeps its own range. The spans are those docs/mail.md#trends gives: 4 points of a rate,
 * 10 points of NPS, 20 s (or 5 % of the level), 10 contacts (or 5 %), 0.5 of a score.
 */
import { describe, expect, it } from 'vitest';
import { type SparklinePoint, sparklineSpec } from '../../functions/render/charts.js';
import { minSpanOf } from '../../functions/render/sparklines.js';

const points = (values: readonly (number | null)[]): SparklinePoint[] =>
  values.map((value, i) => ({ label: `S${i + 1}`, value }));

/** The y domain the spec draws in. */
function yDomain(values: readonly (number | null)[], minSpan?: number): [number, number] {
  const spec = sparklineSpec(points(values), { width: 112, height: 28, ...(minSpan === undefined ? {} : { minSpan }) });
  const y = (spec as unknown as { encoding: { y: { scale: { domain: [number, number] } } } }).encoding.y.scale.domain;
  return y;
}

describe('the y scale of a trend', () => {
  it('draws a 0.1-point dip of a rate within 4 points: a fortieth of the height, not all of it', () => {
    const [lo, hi] = yDomain([0.781, 0.78], minSpanOf('%', [0.781, 0.78]));
    expect(hi - lo).toBeCloseTo(0.04, 12);
    // Centred on the values: (0.781 + 0.780) / 2 = 0.7805.
    expect((lo + hi) / 2).toBeCloseTo(0.7805, 12);
    expect((0.781 - 0.78) / (hi - lo)).toBeCloseTo(0.025, 12);
    // Without a least span, the same dip fills the whole picture: the cliff the issue saw.
    const [l0, h0] = yDomain([0.781, 0.78]);
    expect(h0 - l0).toBeCloseTo(0.001, 12);
  });

  it('keeps a real move at its own range', () => {
    // 70 % → 80 %: 10 points, wider than the 4-point least span.
    const [lo, hi] = yDomain([0.7, 0.8], minSpanOf('%', [0.7, 0.8]));
    expect([lo, hi].map((v) => Number(v.toFixed(12)))).toEqual([0.7, 0.8]);
  });

  it('sizes the least span per unit, relative to the level for durations, counts and amounts', () => {
    expect(minSpanOf('%', [0.5])).toBe(0.04);
    expect(minSpanOf('pts', [-2, 8])).toBe(10);
    expect(minSpanOf('score', [4.1])).toBe(0.5);
    // 20 s, or 5 % of a 10-minute handling time (600 s → 30 s).
    expect(minSpanOf('s', [180, 185])).toBe(20);
    expect(minSpanOf('s', [600])).toBe(30);
    // 10 contacts, or 5 % of 2,000 a day (100).
    expect(minSpanOf('count', [40])).toBe(10);
    expect(minSpanOf('count', [1_900, 2_000])).toBe(100);
  });
});
