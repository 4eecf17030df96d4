import { describe, expect, it } from 'vitest';
import { addMeasures, MEASURES, type Measures, zeroMeasures } from '../../functions/engine/facts.js';

describe('addMeasures', () => {
  it('adds every measure', () => {
    // A distinct value per measure, so a measure added into the wrong field shows too.
    const row = Object.fromEntries(MEASURES.map((m, i) => [m, i + 1])) as Measures;
    const into = zeroMeasures();
    addMeasures(into, row);
    addMeasures(into, row);
    expect(into).toEqual(Object.fromEntries(MEASURES.map((m, i) => [m, 2 * (i + 1)])));
  });

  it('leaves the added row alone', () => {
    const row = Object.fromEntries(MEASURES.map((m) => [m, 3])) as Measures;
    addMeasures(zeroMeasures(), row);
    expect(Object.values(row).every((v) => v === 3)).toBe(true);
  });
});
