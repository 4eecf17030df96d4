import { gunzipSync, gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectKeyOfPath, stageCtrObjects, stagingRejects } from '../../functions/adapters/connect-ctr-staging.js';
import { type LocalS3, startS3rver } from '../../local-aws/s3rver.js';

const CONNECT = 'acme-connect';
const ARCHIVE = 'acme-archive';
const staging = { bucket: ARCHIVE, prefix: 'connect-ctr/' };
const split = { maxRecordBytes: 2 * 1024 * 1024, rawCharsKept: 100 };

describe('CTR objects staged once as NDJSON for Athena (connect-ctr-staging.ts)', () => {
  let s3: LocalS3;
  let client: S3Client;
  const put = (bucket: string, key: string, body: string | Buffer) =>
    client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  const staged = async (): Promise<string[]> =>
    ((await client.send(new ListObjectsV2Command({ Bucket: ARCHIVE, Prefix: staging.prefix }))).Contents ?? [])
      .map((o) => o.Key ?? '')
      .sort();
  const lines = async (key: string): Promise<string[]> => {
    const object = await client.send(new GetObjectCommand({ Bucket: ARCHIVE, Key: key }));
    return gunzipSync((await object.Body?.transformToByteArray()) ?? new Uint8Array())
      .toString('utf8')
      .split('\n');
  };

  beforeAll(async () => {
    s3 = await startS3rver();
    client = s3.client();
    await s3.createBucket(CONNECT);
    await s3.createBucket(ARCHIVE);
  });
  afterAll(async () => {
    client?.destroy();
    await s3?.stop();
  });

  it('reads the bucket root in both layouts, gzip without a name, and writes line N for record N', async () => {
    // Firehose's default layout, records back to back, gzipped under a name without .gz.
    await put(
      CONNECT,
      '2026/11/22/08/stream-1-2026-11-22-08-00-00-a',
      gzipSync('{"ContactId":"a"}{"ContactId":"b}{"}'),
    );
    // A dynamic-partitioning layout, as AWS's data-analytics sample writes it, with a record too long.
    await put(
      CONNECT,
      `year=2026/month=11/day=22/stream-1-b`,
      `{"ContactId":"c"}\n{"x":"${'y'.repeat(300)}"}\n{"ContactId":"d"}`,
    );
    await put(CONNECT, '2026/11/22/_SUCCESS', '');
    await put(CONNECT, '2026/11/23/00/stream-1-c', '{"ContactId":"next"}');
    const objects = await stageCtrObjects(
      client,
      { source: { bucket: CONNECT, prefix: '' }, staging },
      ['2026-11-22'],
      {
        ...split,
        maxRecordBytes: 200,
      },
    );
    expect(objects.map((o) => [o.name, o.records])).toEqual([
      ['2026/11/22/08/stream-1-2026-11-22-08-00-00-a', 2],
      ['year=2026/month=11/day=22/stream-1-b', 3],
    ]);
    const keys = await staged();
    expect(keys).toHaveLength(3); // two staged objects and the date's manifest
    const first = objects[0]?.staged ?? '';
    expect(first).toMatch(
      /^connect-ctr\/dt=2026-11-22\/2026\/11\/22\/08\/stream-1-2026-11-22-08-00-00-a\.[0-9a-f]{16}\.ndjson\.gz$/,
    );
    expect(await lines(first)).toEqual(['{"ContactId":"a"}', '{"ContactId":"b}{"}', '']);
    // The rejected record keeps its place as a blank line: line 3 is still record 3.
    expect(await lines(objects[1]?.staged ?? '')).toEqual(['{"ContactId":"c"}', '', '{"ContactId":"d"}', '']);
    expect(stagingRejects(objects, 10)).toEqual([
      {
        kind: 'contacts',
        dt: '2026-11-22',
        file: 'year=2026/month=11/day=22/stream-1-b',
        line: 2,
        reason: 'line_too_long',
        raw: '{"x":"yyyy',
      },
    ]);
  });

  it('rewrites nothing a second time, and again only the object that changed', async () => {
    const source = { bucket: CONNECT, prefix: '' };
    const before = await staged();
    await stageCtrObjects(client, { source, staging }, ['2026-11-22'], split);
    expect(await staged()).toEqual(before);
    await put(CONNECT, 'year=2026/month=11/day=22/stream-1-b', '{"ContactId":"c2"}');
    const objects = await stageCtrObjects(client, { source, staging }, ['2026-11-22'], split);
    expect(objects.map((o) => o.records)).toEqual([2, 1]);
    expect(await lines(objects[1]?.staged ?? '')).toEqual(['{"ContactId":"c2"}', '']);
  });

  it('reads a prefix without a slash as Firehose pastes it, and a cut gzip as one unreadable object', async () => {
    const whole = gzipSync('{"ContactId":"e"}{"ContactId":"f"}');
    await put(CONNECT, 'ctr2026/11/24/10/stream-1-x', whole.subarray(0, whole.length - 8));
    const objects = await stageCtrObjects(
      client,
      { source: { bucket: CONNECT, prefix: 'ctr' }, staging },
      ['2026-11-24'],
      split,
    );
    expect(objects).toMatchObject([{ name: '2026/11/24/10/stream-1-x', records: 0 }]);
    expect(objects[0]?.staged).toBeUndefined();
    expect(stagingRejects(objects, 100)).toMatchObject([
      { file: '2026/11/24/10/stream-1-x', line: 0, reason: 'unreadable_file' },
    ]);
  });

  it('recovers the object key from a staged path with fixed-length cuts', () => {
    const sql = objectKeyOfPath(staging, 'p');
    const path = `s3://${ARCHIVE}/connect-ctr/dt=2026-11-22/2026/11/22/08/stream-1-a.0123456789abcdef.ndjson.gz`;
    const [, from, minus] = /substr\(p, (\d+), length\(p\) - (\d+)\)/.exec(sql) ?? [];
    expect(path.slice(Number(from) - 1, path.length - Number(minus) + Number(from) - 1)).toBe(
      '2026/11/22/08/stream-1-a',
    );
  });
});
