import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { readS3Uri, S3ObjectStore, S3StoreError, s3ClientConfig } from '../../functions/adapters/s3.js';

const s3Error = (name: string, status: number): S3ServiceException =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });

function setup(prefix = 'archive/') {
  const client = new S3Client({ region: 'eu-west-3' });
  const mock = mockClient(client);
  const store = new S3ObjectStore({ client, bucket: 'b', prefix });
  return { mock, store };
}

describe('S3ObjectStore.putIfAbsent', () => {
  it("sends If-None-Match '*' with the prefixed key and content type, and resolves true", async () => {
    const { mock, store } = setup();
    mock.on(PutObjectCommand).resolves({});

    const created = await store.putIfAbsent('sends/k/claim-1.json', '{}', 'application/json');

    expect(created).toBe(true);
    expect(mock.commandCalls(PutObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'b',
      Key: 'archive/sends/k/claim-1.json',
      Body: '{}',
      ContentType: 'application/json',
      IfNoneMatch: '*',
    });
  });

  it.each([
    ['PreconditionFailed', 412],
    ['ConditionalRequestConflict', 409],
  ])('resolves false on %s (%i)', async (name, status) => {
    const { mock, store } = setup();
    mock.on(PutObjectCommand).rejects(s3Error(name, status));

    expect(await store.putIfAbsent('k', 'x')).toBe(false);
  });

  it.each([
    ['AccessDenied', 403],
    ['OperationAborted', 409],
    ['InternalError', 500],
  ])('rethrows %s (%i) as an S3StoreError keeping the cause', async (name, status) => {
    const { mock, store } = setup();
    const cause = s3Error(name, status);
    mock.on(PutObjectCommand).rejects(cause);

    const error = await store.putIfAbsent('k', 'x').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(S3StoreError);
    expect((error as Error).message).toBe('cannot create s3://b/archive/k');
    expect((error as Error).cause).toBe(cause);
  });
});

describe('S3ObjectStore.put', () => {
  it('writes without a condition and without asking for server-side encryption', async () => {
    const { mock, store } = setup('');
    mock.on(PutObjectCommand).resolves({});

    await store.put('report.json', new Uint8Array([1, 2]), 'application/json');

    const input = mock.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toEqual({
      Bucket: 'b',
      Key: 'report.json',
      Body: new Uint8Array([1, 2]),
      ContentType: 'application/json',
    });
  });
});

describe('S3ObjectStore.get', () => {
  it('reads the whole body', async () => {
    const { mock, store } = setup();
    const body = { transformToByteArray: async () => new Uint8Array([7, 8, 9]) };
    mock.on(GetObjectCommand).resolves({ Body: body as unknown as GetObjectCommandOutput['Body'] });

    expect(await store.get('x')).toEqual(new Uint8Array([7, 8, 9]));
    expect(mock.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({ Bucket: 'b', Key: 'archive/x' });
  });

  it('returns null for NoSuchKey and a bare 404, but throws for a missing bucket', async () => {
    const { mock, store } = setup();
    mock
      .on(GetObjectCommand, { Key: 'archive/a' })
      .rejects(new NoSuchKey({ message: 'no', $metadata: { httpStatusCode: 404 } }))
      .on(GetObjectCommand, { Key: 'archive/b' })
      .rejects(s3Error('NotFound', 404))
      .on(GetObjectCommand, { Key: 'archive/c' })
      .rejects(new NoSuchBucket({ message: 'no bucket', $metadata: { httpStatusCode: 404 } }));

    expect(await store.get('a')).toBeNull();
    expect(await store.get('b')).toBeNull();
    await expect(store.get('c')).rejects.toBeInstanceOf(S3StoreError);
  });
});

describe('S3ObjectStore.list', () => {
  it('follows ContinuationToken across pages and returns keys relative to the prefix, sorted', async () => {
    const { mock, store } = setup();
    mock
      .on(ListObjectsV2Command, { ContinuationToken: undefined })
      .resolves({
        IsTruncated: true,
        NextContinuationToken: 't1',
        Contents: [{ Key: 'archive/facts/dt=2026-11-02/f.gz' }, { Key: 'archive/facts/dt=2026-11-03/f.gz' }],
      })
      .on(ListObjectsV2Command, { ContinuationToken: 't1' })
      .resolves({
        IsTruncated: true,
        NextContinuationToken: 't2',
        Contents: [{ Key: 'archive/facts/dt=2026-11-01/f.gz' }],
      })
      .on(ListObjectsV2Command, { ContinuationToken: 't2' })
      .resolves({ IsTruncated: false, Contents: [{ Key: 'archive/facts/dt=2026-11-04/f.gz' }] });

    const keys = await store.list('facts/');

    expect(keys).toEqual([
      'facts/dt=2026-11-01/f.gz',
      'facts/dt=2026-11-02/f.gz',
      'facts/dt=2026-11-03/f.gz',
      'facts/dt=2026-11-04/f.gz',
    ]);
    const calls = mock.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { Bucket: 'b', Prefix: 'archive/facts/' },
      { Bucket: 'b', Prefix: 'archive/facts/', ContinuationToken: 't1' },
      { Bucket: 'b', Prefix: 'archive/facts/', ContinuationToken: 't2' },
    ]);
  });
});

describe('S3 helpers', () => {
  it('rejects a prefix that does not end in /', () => {
    expect(() => new S3ObjectStore({ client: new S3Client({}), bucket: 'b', prefix: 'archive' })).toThrow(RangeError);
  });

  it('reads s3:// URLs and refuses anything else', () => {
    expect(readS3Uri('s3://b/a/b.json')).toEqual({ bucket: 'b', key: 'a/b.json' });
    expect(readS3Uri('s3://b')).toEqual({ bucket: 'b', key: '' });
    expect(() => readS3Uri('https://b/a')).toThrow(RangeError);
  });

  it('configures adaptive retries and checksums only when required', () => {
    expect(s3ClientConfig({ region: 'eu-west-3' })).toEqual({
      region: 'eu-west-3',
      retryMode: 'adaptive',
      maxAttempts: 5,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  });
});
