import { describe, expect, it } from 'vitest';
import {
  chunkPartitions,
  horizonSeconds,
  listingHash,
  partitionsToRead,
  type StateManifest,
  snapshotUsable,
} from '../../functions/pipeline/state-snapshot.js';

const manifest = (partitions: Record<string, string>, extra: Partial<StateManifest> = {}): StateManifest => ({
  format: 1,
  kind: 'tickets',
  checks: 'c1',
  horizon: '2026-11-18',
  through: '2026-11-21',
  objects: [{ key: 'tickets/s1/state.parquet', size: 10 }],
  partitions,
  ...extra,
});

describe('partitionsToRead', () => {
  const listing = new Map([
    ['2026-10-01', 'a'],
    ['2026-11-10', 'b2'],
    ['2026-11-19', 'c'],
    ['2026-11-20', 'd'],
    ['2026-11-22', 'e'],
  ]);

  it('reads every partition listed when there is no snapshot', () => {
    expect(partitionsToRead(listing, null, ['2026-11-21', '2026-11-22'])).toEqual([...listing.keys()]);
  });

  it('reads the window, the partitions whose listing changed or is new, and those gone, never the rest', () => {
    const found = manifest({
      '2026-10-01': 'a',
      '2026-11-10': 'b1',
      '2026-11-15': 'x',
      '2026-11-19': 'c',
      '2026-11-20': 'd',
    });
    expect(partitionsToRead(listing, found, ['2026-11-20', '2026-11-21', '2026-11-22'])).toEqual([
      '2026-11-10', // changed: a ticket resolved today, written into its creation's partition
      '2026-11-15', // gone: read as empty, which removes its records
      '2026-11-20', // the window
      '2026-11-22', // new
    ]);
  });
});

describe('snapshotUsable', () => {
  it('serves a stage from its horizon on, up to its own last partition, under the same checks', () => {
    const window = { window: ['2026-11-19', '2026-11-20', '2026-11-22'], checks: 'c1' };
    expect(snapshotUsable(manifest({}), window)).toBe(true);
    expect(snapshotUsable(manifest({}), { ...window, checks: 'c2' })).toBe(false);
    // An earlier window than the snapshot's horizon: what it needs may have been dropped.
    expect(snapshotUsable(manifest({}), { ...window, window: ['2026-11-17', '2026-11-18'] })).toBe(false);
    // A window ending before what the snapshot holds: it would see later records.
    expect(snapshotUsable(manifest({}, { through: '2026-11-23' }), window)).toBe(false);
    expect(snapshotUsable(null, window)).toBe(false);
  });
});

describe('chunkPartitions', () => {
  it('keeps each chunk under the files a query may name, a partition never split', () => {
    const files: Record<string, number> = { a: 3, b: 3, c: 5, d: 1, e: 1 };
    expect(chunkPartitions(['a', 'b', 'c', 'd', 'e'], (dt) => files[dt] ?? 0, 6)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e'],
    ]);
    expect(chunkPartitions(['c'], () => 9, 4)).toEqual([['c']]);
    expect(chunkPartitions([], () => 1, 4)).toEqual([]);
  });
});

describe('listingHash and horizonSeconds', () => {
  it('changes with a file added, resized or rewritten, not with the listing order', () => {
    const a = { file: 'x', size: 1, version: 'e1' };
    const b = { file: 'y', size: 2, version: 'e2' };
    expect(listingHash([a, b])).toBe(listingHash([b, a]));
    expect(listingHash([a, b])).not.toBe(listingHash([a]));
    expect(listingHash([a])).not.toBe(listingHash([{ ...a, version: 'e3' }]));
    expect(horizonSeconds('2026-11-18')).toBe(Date.UTC(2026, 10, 18) / 1000);
  });
});
