import { describe, expect, it } from 'vitest';
import { kpiById } from '../../functions/engine/catalogue.js';
import { changeQuality, compareKpi, shownDelta } from '../../functions/engine/delta.js';
import type { KpiDefinition } from '../../functions/engine/kpi.js';

const kpi = (id: string): KpiDefinition => {
  const found = kpiById(id);
  if (found === undefined) throw new Error(`no KPI ${id}`);
  return found;
};

describe('compareKpi', () => {
  it.each([
    // unit, value, previous → delta, deltaPercent
    ['%', 0.76, 0.78, -2, null], // a ratio's change is in points
    ['%', 0.915, 0.9, 1.5, null],
    ['%', 0.5, 0.5, 0, null],
    ['pts', 32, 35, -3, null], // NPS is already in points
    ['pts', -5, 10, -15, null],
    ['count', 2345, 2210, 135, 6.10859728507],
    ['count', 5, 0, 5, null], // no percent of zero
    ['count', 0, 0, 0, null],
    ['s', 336, 300, 36, 12],
    ['s', 270, 300, -30, -10],
    ['currency', 4.37, 4.25, 0.12, 2.82352941176],
    ['score', 4.9, 5.2, -0.3, -5.76923076923],
  ] as const)('%s: %d vs %d → delta %d, %d %%', (unit, value, previous, delta, deltaPercent) => {
    // Act
    const c = compareKpi(unit, value, previous);
    // Assess
    expect(c.previous).toBe(previous);
    expect(c.delta).toBeCloseTo(delta, 9);
    if (deltaPercent === null) expect(c.deltaPercent).toBeNull();
    else expect(c.deltaPercent).toBeCloseTo(deltaPercent, 9);
  });

  it('drops floating-point noise: 76 % − 78 % is exactly −2 points', () => {
    expect(compareKpi('%', 0.76, 0.78).delta).toBe(-2);
    expect(compareKpi('%', 0.3, 0.1).delta).toBe(20);
  });

  it('divides by the size of a negative previous value', () => {
    // A score or amount below zero: going from −10 to −5 is a rise of 50 %.
    expect(compareKpi('score', -5, -10)).toEqual({ previous: -10, delta: 5, deltaPercent: 50 });
  });

  it.each([
    ['%', null, 0.78],
    ['%', 0.76, null],
    ['count', null, null],
    ['s', Number.NaN, 300],
  ] as const)('%s: %s vs %s → every part null but a known previous', (unit, value, previous) => {
    const c = compareKpi(unit, value, previous);
    expect(c.delta).toBeNull();
    expect(c.deltaPercent).toBeNull();
    expect(c.previous).toBe(previous);
  });
});

describe('quality of a change: good or bad for the KPI, not the sign', () => {
  it('reads a fall of a lower-is-better KPI as better: handling time down 12 s, abandon rate down 1 point', () => {
    // AHT (lower is better, docs/spec.md §3) from 411 s to 399 s.
    const aht = kpi('aht');
    expect(aht.better).toBe('lower');
    expect(changeQuality(aht.better, compareKpi(aht.unit, 399, 411).delta, aht.unit)).toBe('better');
    const abandon = kpi('abandon_rate');
    expect(changeQuality(abandon.better, compareKpi(abandon.unit, 0.04, 0.05).delta, abandon.unit)).toBe('better');
    // …and a fall of a higher-is-better one as worse: answer rate 93.9 % → 92.8 %.
    const answer = kpi('answer_rate');
    expect(changeQuality(answer.better, compareKpi(answer.unit, 0.928, 0.939).delta, answer.unit)).toBe('worse');
  });

  it('calls a change that reads as none neutral: 0.04 points, 0.4 s', () => {
    expect(changeQuality('higher', 0.04, '%')).toBe('neutral');
    expect(changeQuality('lower', -0.4, 's')).toBe('neutral');
    expect(shownDelta('%', -0.06)).toBe(-0.1);
    expect(shownDelta('currency', 0.126)).toBe(0.13);
  });

  it.each([
    ['higher', -2, 'worse'],
    ['higher', 2, 'better'],
    ['lower', 2, 'worse'],
    ['lower', -2, 'better'],
    [null, 5, 'neutral'],
    ['higher', 0, 'neutral'],
    ['higher', null, 'neutral'],
  ] as const)('better %s, delta %s → %s', (better, delta, expected) => {
    expect(changeQuality(better, delta)).toBe(expected);
  });
});
