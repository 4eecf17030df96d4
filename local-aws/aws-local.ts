/**
 * The local AWS the handler tests run against, on loopback only: s3rver (S3), aws-ses-v2-local (SES)
 * and the Athena stand-in reading the Glue tables' files from that S3. Handlers get real SDK clients
 * pointed at them.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { AthenaClient } from '@aws-sdk/client-athena';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import * as sesLocal from 'aws-ses-v2-local';
import { sesClientConfig } from '../functions/adapters/ses.js';
import type { AwsClients } from '../functions/handlers/aws-ports.js';
import { ENV } from '../functions/handlers/environment.js';
import type { HandlerDeps } from '../functions/handlers/run-job.js';
import type { Clock } from '../functions/pipeline/ports.js';
import type { TimeBudgetOptions } from '../functions/pipeline/time-budget.js';
import { type AthenaFault, type AthenaStandIn, startAthenaStandIn } from './athena-standin.js';
import { stackCatalog } from './glue-catalog.js';
import { glueOnDuckDb, glueUnload } from './glue-on-duckdb.js';
import { conditionalS3rverClient, type LocalS3, startS3rver } from './s3rver.js';

export const EXPORTS_BUCKET = 'acme-exports';
export const ARCHIVE_BUCKET = 'acme-archive';
export const CTR_PREFIX = 'connect/ctr/';
const REGION = 'eu-west-3';
const CREDENTIALS = { accessKeyId: 'LOCAL', secretAccessKey: 'LOCAL' };

/** One mail as aws-ses-v2-local stores it. */
export interface StoredMail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly rawMessage?: string;
}

export interface LocalAws {
  readonly s3: LocalS3;
  readonly admin: S3Client;
  readonly athena: AthenaStandIn;
  readonly endpoints: LocalEndpoints;
  /** Mails SES received. */
  mails(): Promise<StoredMail[]>;
  clearMails(): Promise<void>;
  /** Handler dependencies pointed at the local servers. */
  deps(options: LocalDepsOptions): HandlerDeps;
  /** Uploads every file under `folder` to the exports bucket, keyed by its relative path. */
  uploadExports(folder: string, prefix?: string): Promise<number>;
  stop(): Promise<void>;
}

/** Where the local servers listen: enough for a handler in another process to reach them. */
export interface LocalEndpoints {
  readonly s3: string;
  readonly athena: string;
  readonly ses: string;
}

export interface LocalDepsOptions {
  readonly clock: Clock;
  readonly env?: Record<string, string | undefined>;
  readonly clients?: Partial<AwsClients>;
  readonly athenaTimeoutMs?: number;
  /** How the handler spends the Lambda context's remaining time (when the test passes a context). */
  readonly budget?: TimeBudgetOptions;
}

/** Handler dependencies with real SDK clients pointed at the local servers at `endpoints`. */
export function localDeps(endpoints: LocalEndpoints, options: LocalDepsOptions): HandlerDeps {
  const { clock, env = {}, clients = {}, athenaTimeoutMs, budget } = options;
  const built: AwsClients = {
    s3: clients.s3 ?? conditionalS3rverClient(endpoints.s3),
    athena:
      clients.athena ??
      new AthenaClient({ region: REGION, endpoint: endpoints.athena, credentials: CREDENTIALS, maxAttempts: 2 }),
    ses:
      clients.ses ??
      new SESv2Client({ ...sesClientConfig({ region: REGION, endpoint: endpoints.ses }), credentials: CREDENTIALS }),
  };
  return {
    env: { ...localEnvironment(), ...env },
    clients: () => built,
    clock,
    logger: new Logger({ serviceName: 'vigie', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'Vigie', serviceName: 'vigie' }),
    ...(athenaTimeoutMs === undefined ? {} : { athenaTimeoutMs }),
    ...(budget === undefined ? {} : { budget }),
  };
}

/** The variables the stack would set, for these local buckets. */
export function localEnvironment(): Record<string, string> {
  return {
    [ENV.exportsBucket]: EXPORTS_BUCKET,
    [ENV.exportsPrefix]: '',
    [ENV.archiveBucket]: ARCHIVE_BUCKET,
    [ENV.configUri]: `s3://${ARCHIVE_BUCKET}/config/vigie.yaml`,
    [ENV.glueDatabase]: 'vigie',
    [ENV.athenaWorkgroup]: 'vigie',
  };
}

/** Every file under `folder`, recursively. */
export async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** How the local AWS is started: faults and latency of the Athena stand-in, and its workgroup's cutoff. */
export interface LocalAwsOptions {
  readonly faults?: readonly AthenaFault[];
  readonly latencyMs?: number;
  /** Bytes a query may scan before the stand-in cancels it. @default the stack's workgroup cutoff */
  readonly bytesScannedCutoffPerQuery?: number;
}

/** Starts local S3, SES and Athena (its Glue tables and cutoff are the stack's); `faults` are injected into it. */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const s3 = await startS3rver();
  await s3.createBucket(EXPORTS_BUCKET);
  await s3.createBucket(ARCHIVE_BUCKET);
  const admin = s3.client();
  const catalog = stackCatalog();
  const athena = await startAthenaStandIn({
    prepare: glueOnDuckDb({
      s3: admin,
      catalog,
      places: {
        exports: `s3://${EXPORTS_BUCKET}/`,
        ctr: `s3://${EXPORTS_BUCKET}/${CTR_PREFIX}`,
        archive: `s3://${ARCHIVE_BUCKET}/`,
      },
    }),
    unload: glueUnload({ s3: admin }),
    // The stack's workgroup cutoff, unless a test sets its own to reach it.
    bytesScannedCutoffPerQuery: options.bytesScannedCutoffPerQuery ?? catalog.bytesScannedCutoffPerQuery,
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
  });
  // The package is CommonJS with a default export: tsx and Vitest expose it at different depths.
  const start = ((sesLocal.default as unknown as { default?: typeof sesLocal.default }).default ??
    sesLocal.default) as typeof sesLocal.default;
  const ses: Server = await start({ host: '127.0.0.1', port: 0 });
  const sesEndpoint = `http://127.0.0.1:${(ses.address() as AddressInfo).port}`;
  // aws-ses-v2-local keeps one store per process, shared by every server started in it.
  await fetch(`${sesEndpoint}/clear-store`, { method: 'POST' });
  const endpoints: LocalEndpoints = { s3: s3.endpoint, athena: athena.endpoint, ses: sesEndpoint };

  return {
    s3,
    admin,
    athena,
    endpoints,
    mails: async () => {
      const body = (await (await fetch(`${sesEndpoint}/store`)).json()) as { emails: StoredMail[] };
      return body.emails;
    },
    clearMails: async () => {
      await fetch(`${sesEndpoint}/clear-store`, { method: 'POST' });
    },
    deps: (options) => localDeps(endpoints, options),
    uploadExports: async (folder, prefix = '') => {
      const files = (await filesUnder(folder)).filter((f) => !relative(folder, f).startsWith('.'));
      for (let i = 0; i < files.length; i += 16) {
        await Promise.all(
          files.slice(i, i + 16).map(async (file) =>
            admin.send(
              new PutObjectCommand({
                Bucket: EXPORTS_BUCKET,
                Key: `${prefix}${relative(folder, file).split('\\').join('/')}`,
                Body: await readFile(file),
              }),
            ),
          ),
        );
      }
      return files.length;
    },
    stop: async () => {
      admin.destroy();
      await athena.stop();
      await new Promise((resolve) => ses.close(resolve));
      await s3.stop();
    },
  };
}

/** Starts the local AWS with the files under `exportsRoot` in the exports bucket and `config` as the stack's config object. */
export async function startLocalAwsWith(
  exportsRoot: string,
  config: string,
  options: LocalAwsOptions = {},
): Promise<LocalAws> {
  const aws = await startLocalAws(options);
  await aws.uploadExports(exportsRoot);
  await aws.admin.send(new PutObjectCommand({ Bucket: ARCHIVE_BUCKET, Key: 'config/vigie.yaml', Body: config }));
  return aws;
}
