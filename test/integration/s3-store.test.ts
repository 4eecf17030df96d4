import { gunzipSync, gzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readS3Uri, S3ObjectStore } from '../../functions/adapters/s3.js';
import { type LocalS3, startS3rver } from '../../local-aws/s3rver.js';

const BUCKET = 'vigie-archive';

describe('S3ObjectStore against s3rver', () => {
  let s3: LocalS3;
  let client: S3Client;

  beforeAll(async () => {
    s3 = await startS3rver();
    client = s3.client();
    await s3.createBucket(BUCKET);
  });

  afterAll(async () => {
    client?.destroy();
    await s3?.stop();
  });

  it('lists more than 1000 keys under its prefix, page after page, relative and sorted', async () => {
    const store = new S3ObjectStore({ client, bucket: BUCKET, prefix: 'tenant-a/' });
    const other = new S3ObjectStore({ client, bucket: BUCKET, prefix: 'tenant-b/' });
    const keys = Array.from({ length: 1105 }, (_, i) => `facts/dt=2026-11-${String(i).padStart(4, '0')}.json`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((key) => store.put(key, key, 'application/json')));
    }
    await other.put('facts/dt=2026-11-0001.json', 'not mine');
    await store.put('state/alerts.json', '{}');

    const listed = await store.list('facts/');

    expect(listed).toHaveLength(1105);
    expect(listed).toEqual([...keys].sort());
    expect(await store.list('')).toHaveLength(1106);
    expect(await other.list('facts/')).toEqual(['facts/dt=2026-11-0001.json']);
  });

  it('reads back what it wrote, byte for byte, and null for a missing key', async () => {
    const store = new S3ObjectStore({ client, bucket: BUCKET, prefix: 'rt/' });
    const binary = Uint8Array.from({ length: 256 * 4 }, (_, i) => i % 256);
    const text = 'Taux de décroché — 95 %\n';
    const gzipped = gzipSync(Buffer.from('{"contacts":1}\n'.repeat(500)));

    await store.put('bin/all-bytes.bin', binary, 'application/octet-stream');
    await store.put('text.txt', text, 'text/plain; charset=utf-8');
    await store.put('facts/dt=2026-11-22/facts.json.gz', gzipped, 'application/gzip');

    expect(await store.get('bin/all-bytes.bin')).toEqual(new Uint8Array(binary));
    expect(new TextDecoder().decode((await store.get('text.txt')) ?? new Uint8Array())).toBe(text);
    const read = await store.get('facts/dt=2026-11-22/facts.json.gz');
    expect(Buffer.from(read ?? new Uint8Array()).equals(gzipped)).toBe(true);
    expect(gunzipSync(read ?? new Uint8Array()).toString()).toBe('{"contacts":1}\n'.repeat(500));
    expect(await store.get('missing.json')).toBeNull();
  });

  it('creates a missing key with putIfAbsent', async () => {
    const store = new S3ObjectStore({ client, bucket: BUCKET, prefix: 'cond/' });

    const created = await store.putIfAbsent('sends/a/claim-1.json', '{"claim":1}', 'application/json');

    expect(created).toBe(true);
    expect(new TextDecoder().decode((await store.get('sends/a/claim-1.json')) ?? new Uint8Array())).toBe('{"claim":1}');
    // s3rver ignores If-None-Match on PUT, so "lost" creates are tested against the mocked client only.
  });

  it('locates a key as an s3:// URL that readS3Uri reads back', () => {
    const store = new S3ObjectStore({ client, bucket: BUCKET, prefix: 'reports/' });

    const url = store.locate('day/2026-11-22/report.json');

    expect(url).toBe('s3://vigie-archive/reports/day/2026-11-22/report.json');
    expect(readS3Uri(url)).toEqual({ bucket: BUCKET, key: 'reports/day/2026-11-22/report.json' });
  });
});
