/**
 * What both handlers share: the AWS clients (passed in, so tests point them at local servers), the
 * adapters built from them, the config read from S3, and the run summary they log and measure.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { AthenaQueryEngine } from '../adapters/athena.js';
import { AthenaRunner, type QueryStats } from '../adapters/athena-runner.js';
import { configFromText } from '../adapters/config-file.js';
import { S3ObjectStore, s3ClientConfig } from '../adapters/s3.js';
import { SesMailer, sesClientConfig } from '../adapters/ses.js';
import { type Config, type ConnectConfig, DEFAULT_CONNECT } from '../engine/config.js';
import type { RunPorts } from '../pipeline/nightly.js';
import type { Clock } from '../pipeline/ports.js';
import type { TimeBudget } from '../pipeline/time-budget.js';
import { COMPACTED_PREFIX, CTR_STAGING_PREFIX, type HandlerEnvironment } from './environment.js';

/** The AWS SDK clients a handler uses. */
export interface AwsClients {
  readonly s3: S3Client;
  readonly athena: AthenaClient;
  readonly ses: SESv2Client;
}

/** Clients for the Lambda's own region and credentials, with adaptive retries. */
export function defaultClients(): AwsClients {
  return {
    s3: new S3Client(s3ClientConfig({})),
    athena: new AthenaClient({ retryMode: 'adaptive', maxAttempts: 5 }),
    ses: new SESv2Client(sesClientConfig({})),
  };
}

/** A run's ports on AWS, plus the Athena engine for its cost figures. */
export interface AwsPorts extends RunPorts {
  readonly athena: AthenaQueryEngine;
  readonly runner: AthenaRunner;
}

/** Builds the S3, Athena and SES adapters of one run. */
export function awsPorts(
  env: HandlerEnvironment,
  clients: AwsClients,
  clock: Clock,
  options: {
    readonly athenaTimeoutMs?: number;
    /** Called after each Athena query with its id, state, bytes scanned and cost. */
    readonly logQuery?: (entry: QueryStats & { readonly sql: string }) => void;
    /** How CTR records map onto contacts (the config's `connect:`), when the environment names CTRs. */
    readonly connect?: ConnectConfig;
    /** The invocation's time budget (Lambda's remaining time). */
    readonly budget?: TimeBudget;
  } = {},
): AwsPorts {
  const runner = new AthenaRunner({
    ...(options.budget === undefined ? {} : { budget: options.budget }),
    client: clients.athena,
    workgroup: env.athenaWorkgroup,
    database: env.glueDatabase,
    ...(options.athenaTimeoutMs === undefined ? {} : { timeoutMs: options.athenaTimeoutMs }),
    ...(options.logQuery === undefined ? {} : { log: options.logQuery }),
  });
  const athena = new AthenaQueryEngine({
    athena: runner,
    s3: clients.s3,
    exportsBucket: env.exportsBucket,
    exportsPrefix: env.exportsPrefix,
    ...(env.ctr === undefined
      ? {}
      : {
          ctr: {
            source: env.ctr,
            staging: { bucket: env.archiveBucket, prefix: CTR_STAGING_PREFIX },
            mapping: options.connect ?? DEFAULT_CONNECT,
            deliveryDays: (options.connect ?? DEFAULT_CONNECT).delivery_days,
          },
        }),
    compacted: { bucket: env.archiveBucket, prefix: COMPACTED_PREFIX },
  });
  return {
    engine: athena,
    athena,
    runner,
    archive: new S3ObjectStore({ client: clients.s3, bucket: env.archiveBucket }),
    mailer: new SesMailer({
      client: clients.ses,
      ...(env.sesConfigurationSet === undefined ? {} : { configurationSet: env.sesConfigurationSet }),
    }),
    clock,
  };
}

/** Reads the YAML config from S3; the environment's time zone, sender and archive URL win over it. */
export async function loadConfig(env: HandlerEnvironment, s3: S3Client): Promise<Config> {
  const source = `s3://${env.config.bucket}/${env.config.key}`;
  const object = await s3.send(new GetObjectCommand({ Bucket: env.config.bucket, Key: env.config.key }));
  return configFromText((await object.Body?.transformToString('utf8')) ?? '', source, {
    ...(env.timezone === undefined ? {} : { timezone: env.timezone }),
    ...(env.archiveUrl === undefined ? {} : { archive_url: env.archiveUrl }),
    ...(env.mailFrom === undefined ? {} : { mail_from: env.mailFrom }),
  });
}
