import { describe, expect, it } from 'vitest';
import {
  addMeasures,
  type BreakdownFact,
  type BucketFact,
  MEASURES,
  type Measures,
  zeroMeasures,
} from '../../functions/engine/facts.js';
import { breakdownCells, bucketCells } from '../../functions/pipeline/facts-store.js';
import { BREAKDOWN_COLUMNS, BUCKET_COLUMNS } from '../../functions/sql/facts-file.js';

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

describe('stored cells of facts rows', () => {
  it('lists every bucket and breakdown column, in the stored order', () => {
    // A distinct value per column, so a column out of place or missing shows.
    const bucket = Object.fromEntries(BUCKET_COLUMNS.map((c, i) => [c, i < 5 && i > 0 ? `d${i}` : i + 1]));
    expect(bucketCells(bucket as unknown as BucketFact)).toEqual(BUCKET_COLUMNS.map((c) => bucket[c]));
    const breakdown = Object.fromEntries(BREAKDOWN_COLUMNS.map((c, i) => [c, `v${i}`]));
    expect(breakdownCells(breakdown as unknown as BreakdownFact)).toEqual(BREAKDOWN_COLUMNS.map((c) => breakdown[c]));
  });
});
