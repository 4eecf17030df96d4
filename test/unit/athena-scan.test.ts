import { describe, expect, it } from 'vitest';
import { costOfBytes, estimateScan, kindReferences, kindsReadBy } from '../../functions/sql/athena-scan.js';

const MB = 2 ** 20;

describe('kindsReadBy', () => {
  it('names the export tables after FROM and JOIN, not columns or aliases that contain a kind', () => {
    expect(kindsReadBy('SELECT s.score FROM surveys s JOIN contacts c ON c.id = s.contact')).toEqual([
      'contacts',
      'surveys',
    ]);
    expect(kindsReadBy('SELECT tickets_created FROM (SELECT 1 AS tickets_created) t')).toEqual([]);
  });
});

describe('estimateScan', () => {
  it('adds two staging scans per kind with files, then each query over the kinds it names', () => {
    // contacts 30 MB in two files, surveys 4 MB, an empty tickets file (never scanned).
    const files = [
      { kind: 'contacts', size: 20 * MB },
      { kind: 'contacts', size: 10 * MB },
      { kind: 'surveys', size: 4 * MB },
      { kind: 'tickets', size: 0 },
    ];
    const estimate = estimateScan(files, [
      'SELECT count(*) FROM contacts', // 30 MB
      'SELECT 1 FROM surveys s JOIN contacts c ON c.id = s.contact', // 34 MB
      'SELECT 1 FROM orders', // no orders files: nothing read, nothing billed
    ]);
    // Staging: 30 + 30 + 4 + 4 = 68 MB; queries: 30 + 34 + 0 = 64 MB.
    expect(estimate.queries).toBe(7);
    expect(estimate.bytes).toBe(132 * MB);
    // Billed per query with a 10 MB minimum: 30 + 30 + 10 + 10 + 30 + 34 = 144 MB at $5 per 2^20 MB.
    expect(estimate.costUsd).toBeCloseTo((144 * 5) / 2 ** 20, 15);
  });

  it('counts a kind once per reference: Athena evaluates a common table expression each time it is named', () => {
    const sql = 'SELECT 1 FROM tickets a JOIN tickets b ON a.id = b.id';
    expect(kindReferences(sql, 'tickets')).toBe(2);
    // tickets read from a 3 MB state, staged by the engine with two queries of 5 MB each.
    const estimate = estimateScan([{ kind: 'tickets', size: 3 * MB }], [sql], { staging: [5 * MB, 5 * MB] });
    expect(estimate.bytes).toBe((5 + 5 + 2 * 3) * MB);
    expect(estimate.queries).toBe(3);
  });

  it('predicts nothing for a run without files', () => {
    expect(estimateScan([], ['SELECT 1 FROM contacts'])).toEqual({ queries: 1, bytes: 0, costUsd: 0 });
  });

  it('bills a scan of a few bytes as the 10 MB minimum', () => {
    expect(costOfBytes(1)).toBe(costOfBytes(10 * MB));
  });
});
