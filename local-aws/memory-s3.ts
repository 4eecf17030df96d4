/**
 * An S3 client held in memory, for driving the Athena engine without servers: ListObjectsV2 (pages of
 * 1000), GetObject (with Range), PutObject and DeleteObjects. An object may declare a size other than its
 * body's, so that a benchmark lists years of realistic exports while holding only their first bytes.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';

/** One object: its body, and the size a listing reports (default: the body's). */
export interface MemoryObject {
  readonly body: Buffer;
  readonly size?: number;
  readonly modified?: Date;
}

/** The buckets of a memory S3: `bucket → key → object`. */
export type MemoryBuckets = Map<string, Map<string, MemoryObject>>;

const etagOf = (object: MemoryObject): string =>
  `"${createHash('md5')
    .update(object.body)
    .update(String(object.size ?? object.body.length))
    .digest('hex')}"`;

/** A body as the SDK gives it: a stream that can also be read whole. */
function body(bytes: Buffer): Readable {
  return Object.assign(Readable.from([bytes]), {
    transformToString: async (encoding?: BufferEncoding) => bytes.toString(encoding ?? 'utf8'),
    transformToByteArray: async () => new Uint8Array(bytes),
  });
}

/** An `S3Client` whose `send` answers from `buckets` (created on first write). */
export function memoryS3(buckets: MemoryBuckets = new Map()): { client: S3Client; buckets: MemoryBuckets } {
  const client = new S3Client({
    region: 'eu-west-3',
    credentials: { accessKeyId: 'MEMORY', secretAccessKey: 'MEMORY' },
  });
  const bucket = (name: string | undefined): Map<string, MemoryObject> => {
    const found = buckets.get(name ?? '') ?? new Map<string, MemoryObject>();
    buckets.set(name ?? '', found);
    return found;
  };
  const missing = (key: string | undefined): Error =>
    Object.assign(new Error(`The specified key does not exist: ${key}`), {
      name: 'NoSuchKey',
      $metadata: { httpStatusCode: 404 },
    });
  const send = async (command: unknown): Promise<unknown> => {
    if (command instanceof ListObjectsV2Command) {
      const { Bucket, Prefix = '', ContinuationToken, MaxKeys = 1000 } = command.input;
      const keys = [...bucket(Bucket).keys()].filter((k) => k.startsWith(Prefix)).sort();
      const from = ContinuationToken === undefined ? 0 : Number(ContinuationToken);
      const page = keys.slice(from, from + MaxKeys);
      const truncated = from + MaxKeys < keys.length;
      return {
        Contents: page.map((Key) => {
          const o = bucket(Bucket).get(Key) as MemoryObject;
          return { Key, Size: o.size ?? o.body.length, ETag: etagOf(o), LastModified: o.modified ?? new Date(0) };
        }),
        IsTruncated: truncated,
        ...(truncated ? { NextContinuationToken: String(from + MaxKeys) } : {}),
      };
    }
    if (command instanceof GetObjectCommand) {
      const { Bucket, Key, Range } = command.input;
      const o = bucket(Bucket).get(Key ?? '');
      if (o === undefined) throw missing(Key);
      const range = /^bytes=(\d+)-(\d+)$/.exec(Range ?? '');
      const bytes = range === null ? o.body : o.body.subarray(Number(range[1]), Number(range[2]) + 1);
      return { Body: body(bytes), ContentLength: bytes.length, ETag: etagOf(o) };
    }
    if (command instanceof PutObjectCommand) {
      const { Bucket, Key, Body } = command.input;
      const bytes = typeof Body === 'string' ? Buffer.from(Body) : Buffer.from((Body as Uint8Array) ?? []);
      bucket(Bucket).set(Key ?? '', { body: bytes, modified: new Date() });
      return { ETag: etagOf({ body: bytes }) };
    }
    if (command instanceof DeleteObjectsCommand) {
      const { Bucket, Delete } = command.input;
      for (const o of Delete?.Objects ?? []) bucket(Bucket).delete(o.Key ?? '');
      return { Deleted: Delete?.Objects ?? [] };
    }
    throw new Error(`memoryS3 does not answer ${(command as object).constructor.name}`);
  };
  client.send = send as S3Client['send'];
  return { client, buckets };
}
