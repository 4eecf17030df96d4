import { describe, expect, it } from 'vitest';
import {
  type CompactedPartition,
  type CompactionSource,
  emptyManifest,
  parseManifest,
  partitionsToCompact,
  sameSources,
  usablePartitions,
} from '../../functions/pipeline/compacted-partitions.js';
import { compactionRequest } from '../../functions/pipeline/filing.js';
import { checksFingerprint } from '../../functions/sql/staging.js';

const source = (file: string, size = 10, version = 'v1'): CompactionSource => ({ file, size, version });
const entry = (sources: CompactionSource[], checks = 'c1'): CompactedPartition => ({
  checks,
  sources,
  files: [{ key: 'k', size: 1 }],
  records: 1,
  rejects: 0,
  now: 0,
});

describe('compacted partitions', () => {
  it('are the same sources only with the same files, sizes and versions, in any order', () => {
    const a = [source('x'), source('y')];
    expect(sameSources(a, [source('y'), source('x')])).toBe(true);
    expect(sameSources(a, [source('x')])).toBe(false);
    expect(sameSources(a, [source('x'), source('y', 11)])).toBe(false);
    expect(sameSources(a, [source('x'), source('y', 10, 'v2')])).toBe(false);
    expect(sameSources(a, [source('x'), source('z')])).toBe(false);
  });

  it('are usable only under the same checks and listing', () => {
    const manifest = {
      ...emptyManifest('tickets'),
      partitions: {
        '2026-03-01': entry([source('a')]),
        '2026-03-02': entry([source('b')], 'old-checks'),
        '2026-03-03': entry([source('c')]),
      },
    };
    const listing = new Map([
      ['2026-03-01', [source('a')]],
      ['2026-03-02', [source('b')]],
      ['2026-03-03', [source('c'), source('late')]],
      ['2026-03-04', [source('d')]],
    ]);
    expect([...usablePartitions(manifest, listing, 'c1').keys()]).toEqual(['2026-03-01']);
  });

  it('compacts settled partitions only, oldest first, at most as many as asked', () => {
    const read = ['2026-03-05', '2026-03-01', '2026-03-03', '2026-03-01', '2026-03-09'];
    expect(partitionsToCompact(read, undefined)).toEqual([]);
    expect(partitionsToCompact(read, '2026-03-09')).toEqual(['2026-03-01', '2026-03-03', '2026-03-05']);
    expect(partitionsToCompact(read, '2026-03-09', 2)).toEqual(['2026-03-01', '2026-03-03']);
  });

  it('trusts no manifest it cannot read or that belongs to another kind', () => {
    expect(parseManifest(null, 'orders')).toEqual(emptyManifest('orders'));
    expect(parseManifest('{not json', 'orders')).toEqual(emptyManifest('orders'));
    expect(parseManifest(JSON.stringify({ format: 2, kind: 'orders', partitions: {} }), 'orders')).toEqual(
      emptyManifest('orders'),
    );
    const tickets = { ...emptyManifest('tickets'), partitions: { '2026-03-01': entry([source('a')]) } };
    expect(parseManifest(JSON.stringify(tickets), 'orders')).toEqual(emptyManifest('orders'));
    expect(parseManifest(JSON.stringify(tickets), 'tickets')).toEqual(tickets);
  });

  it('says why a manifest was not trusted, so that the run names the damaged file', () => {
    const problems: string[] = [];
    const heard = (problem: string) => problems.push(problem);
    parseManifest('{"format":1,"kind":"ord', 'orders', heard);
    parseManifest(JSON.stringify({ format: 2, kind: 'orders', partitions: {} }), 'orders', heard);
    parseManifest(JSON.stringify(emptyManifest('tickets')), 'orders', heard);
    parseManifest(null, 'orders', heard);
    parseManifest(JSON.stringify(emptyManifest('orders')), 'orders', heard);
    expect(problems).toEqual([expect.stringMatching(/JSON/), 'not a manifest', 'the manifest of tickets, not orders']);
  });

  it('has a checks fingerprint per kind and dialect', () => {
    expect(checksFingerprint('contacts', 'duckdb')).toMatch(/^[0-9a-f]{16}$/);
    expect(checksFingerprint('contacts', 'duckdb')).toBe(checksFingerprint('contacts', 'duckdb'));
    expect(checksFingerprint('contacts', 'duckdb')).not.toBe(checksFingerprint('contacts', 'trino'));
    expect(checksFingerprint('contacts', 'duckdb')).not.toBe(checksFingerprint('tickets', 'duckdb'));
  });

  it('settles partitions older than any night looks back, only when the config enables it', () => {
    const now = new Date('2026-11-23T05:00:00Z');
    const config = { lookback_days: 3, compaction: { enabled: true, max_partitions_per_run: 62 } };
    // The night of 2026-11-22 re-reads local days 11-19..11-22, i.e. UTC partitions from 11-18.
    expect(compactionRequest(config, now)).toEqual({ compact: { before: '2026-11-18', atMost: 62 } });
    expect(compactionRequest({ ...config, compaction: { enabled: false, max_partitions_per_run: 62 } }, now)).toEqual(
      {},
    );
  });
});
