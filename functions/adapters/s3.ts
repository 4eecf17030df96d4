/** ObjectStore over an S3 bucket: the archive on AWS. */
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import type { ObjectStore } from '../pipeline/ports.js';

export interface S3ObjectStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** `""` or ending in `/`; every key of the store is relative to it. @default '' */
  readonly prefix?: string;
}

/** An S3 call of the archive failed; `cause` is the SDK's error. */
export class S3StoreError extends Error {
  override readonly name = 'S3StoreError';
}

/** The SDK's error name (S3's error code) and HTTP status, when the error carries them. */
function s3Failure(error: unknown): { readonly code: string; readonly status: number | undefined } {
  if (!(error instanceof Error)) return { code: '', status: undefined };
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return { code: error.name, status: metadata?.httpStatusCode };
}

/**
 * A key that does not exist. A missing bucket is a 404 too, but a configuration error, not an absent key.
 * Without s3:ListBucket S3 answers 403 for a missing key: the role must hold it, or every get fails.
 */
export function isMissingKey(error: unknown): boolean {
  const { code, status } = s3Failure(error);
  if (code === 'NoSuchBucket') return false;
  return code === 'NoSuchKey' || code === 'NotFound' || status === 404;
}

/** A conditional create that lost: the key exists (412), or a concurrent conditional write to it is under way (409). */
function isConditionalCreateLost(error: unknown): boolean {
  const { code, status } = s3Failure(error);
  return code === 'PreconditionFailed' || status === 412 || code === 'ConditionalRequestConflict';
}

/** Objects under a prefix of a bucket, keyed by their path relative to the prefix. */
export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3ObjectStoreOptions) {
    const prefix = options.prefix ?? '';
    if (prefix !== '' && !prefix.endsWith('/')) throw new RangeError(`an S3 prefix is "" or ends in "/": ${prefix}`);
    if (prefix.startsWith('/')) throw new RangeError(`an S3 prefix does not start with "/": ${prefix}`);
    if (options.bucket === '') throw new RangeError('an S3 bucket name cannot be empty');
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = prefix;
  }

  async put(key: string, body: string | Uint8Array, contentType?: string): Promise<void> {
    try {
      // No ServerSideEncryption: the bucket's default encryption (set in infra) applies to every object.
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key), Body: body, ContentType: contentType }),
      );
    } catch (error) {
      throw new S3StoreError(`cannot write ${this.locate(key)}`, { cause: error });
    }
  }

  async putIfAbsent(key: string, body: string | Uint8Array, contentType?: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.keyOf(key),
          Body: body,
          ContentType: contentType,
          // S3's conditional create: only one of concurrent writers of a new key succeeds.
          IfNoneMatch: '*',
        }),
      );
      return true;
    } catch (error) {
      // A 409 means another conditional write of this key is in flight: that writer owns the key, so this one lost.
      if (isConditionalCreateLost(error)) return false;
      throw new S3StoreError(`cannot create ${this.locate(key)}`, { cause: error });
    }
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      const output = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }));
      // Reading the whole body also releases the socket; an unread stream would hold it until garbage collection.
      return output.Body === undefined ? new Uint8Array() : await output.Body.transformToByteArray();
    } catch (error) {
      if (isMissingKey(error)) return null;
      throw new S3StoreError(`cannot read ${this.locate(key)}`, { cause: error });
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let continuationToken: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.keyOf(prefix),
            ...(continuationToken === undefined ? {} : { ContinuationToken: continuationToken }),
          }),
        );
        for (const object of page.Contents ?? []) {
          if (object.Key !== undefined) keys.push(object.Key.slice(this.prefix.length));
        }
        continuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (continuationToken !== undefined);
    } catch (error) {
      throw new S3StoreError(`cannot list ${this.locate(prefix)}`, { cause: error });
    }
    // S3 orders by UTF-8 bytes; sorting here gives the same order as LocalFolderStore.
    return keys.sort();
  }

  locate(key: string): string {
    return `s3://${this.bucket}/${this.keyOf(key)}`;
  }

  private keyOf(key: string): string {
    return `${this.prefix}${key}`;
  }
}

/**
 * The client settings Vigie uses for S3, on AWS and against a local server.
 *
 * @example
 * const client = new S3Client(s3ClientConfig({ region: 'eu-west-3' }));
 */
export function s3ClientConfig(options: {
  readonly region?: string;
  readonly endpoint?: string;
  readonly forcePathStyle?: boolean;
}): S3ClientConfig {
  return {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.forcePathStyle === undefined ? {} : { forcePathStyle: options.forcePathStyle }),
    // Adaptive retries slow down on 503 SlowDown instead of hammering a hot prefix.
    retryMode: 'adaptive',
    maxAttempts: 5,
    // Default CRC32 checksums are unknown to local servers (s3rver); S3 does not need them on PutObject or GetObject.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

/**
 * The bucket and key of an `s3://bucket/key` URL.
 *
 * @example
 * readS3Uri('s3://vigie-archive/reports/') // { bucket: 'vigie-archive', key: 'reports/' }
 */
export function readS3Uri(uri: string): { readonly bucket: string; readonly key: string } {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(uri);
  const bucket = match?.[1];
  if (bucket === undefined) throw new RangeError(`not an s3://bucket/key URL: ${uri}`);
  return { bucket, key: match?.[2] ?? '' };
}
