/**
 * s3rver (local S3) for tests, in a child process. s3rver 3.7.1 encrypts ListObjectsV2 continuation
 * tokens with DES, which OpenSSL 3 (Node 17+) only offers through its legacy provider: a listing of
 * more than 1000 keys fails without it. The flag must be given when Node starts, hence the child.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CreateBucketCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { s3ClientConfig } from '../functions/adapters/s3.js';

const SERVER = `
const S3rver = require(process.argv[1]);
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.argv[2] });
server.run().then((address) => process.stdout.write(JSON.stringify(address) + '\\n'));
// The parent closes stdin when it ends, even if it crashes: the server never outlives the test run.
process.stdin.on('end', () => server.close().finally(() => process.exit(0)));
process.stdin.resume();
`;

/** A running local S3 on loopback. */
export interface LocalS3 {
  readonly endpoint: string;
  /** A client for it (path-style, fake credentials); `options` may add e.g. a request handler. */
  client(options?: Partial<ConstructorParameters<typeof S3Client>[0]>): S3Client;
  /**
   * A client whose `PutObject` with `IfNoneMatch: '*'` fails with 412 when the key exists, as S3 does
   * and s3rver does not. Check-then-put is not atomic: fine for sequential retries, not for races
   * (those are tested against the mocked client).
   */
  conditionalClient(options?: Partial<ConstructorParameters<typeof S3Client>[0]>): S3Client;
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts s3rver in a child process with its data in a fresh temp folder. */
export async function startS3rver(): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 'vigie-s3rver-'));
  const s3rverPath = createRequire(import.meta.url).resolve('s3rver');
  const child: ChildProcess = spawn(
    process.execPath,
    ['--openssl-legacy-provider', '-e', SERVER, s3rverPath, directory],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    if (child.stdout === null) throw new Error('no stdout');
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
  });
  const { port } = JSON.parse(line) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const client: LocalS3['client'] = (options = {}) => s3rverClient(endpoint, options);
  const admin = client();
  return {
    conditionalClient: (options = {}) => withConditionalWrites(client(options), admin),
    endpoint,
    client,
    createBucket: async (name) => {
      await admin.send(new CreateBucketCommand({ Bucket: name }));
    },
    stop: async () => {
      admin.destroy();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.stdin?.end();
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** A client for the s3rver at `endpoint` (path-style, its fixed credentials); usable from any process. */
export function s3rverClient(
  endpoint: string,
  options: Partial<ConstructorParameters<typeof S3Client>[0]> = {},
): S3Client {
  return new S3Client({
    ...s3ClientConfig({ region: 'us-east-1', endpoint, forcePathStyle: true }),
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    ...options,
  });
}

/** `LocalS3.conditionalClient` for an s3rver started by another process. */
export function conditionalS3rverClient(endpoint: string): S3Client {
  return withConditionalWrites(s3rverClient(endpoint), s3rverClient(endpoint));
}

function withConditionalWrites(client: S3Client, admin: S3Client): S3Client {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Bucket?: string; Key?: string; IfNoneMatch?: string };
      if (context.commandName === 'PutObjectCommand' && input.IfNoneMatch === '*') {
        const exists = await admin
          .send(new HeadObjectCommand({ Bucket: input.Bucket, Key: input.Key }))
          .then(() => true)
          .catch(() => false);
        if (exists) {
          throw new S3ServiceException({
            name: 'PreconditionFailed',
            $fault: 'client',
            $metadata: { httpStatusCode: 412 },
            message: 'At least one of the pre-conditions you specified did not hold',
          });
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'emulateIfNoneMatch' },
  );
  return client;
}
