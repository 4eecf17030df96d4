/**
 * The two handlers — nightly and digest — and what they may touch: the exports (and CTR) prefixes read-only,
 * the archive prefixes each writes (only the nightly writes compacted partitions and the daily alert
 * state), the Athena workgroup, the Glue tables, the query results, SES as the configured sender through
 * the configuration set only, and custom metrics in the `Vigie` namespace. Each runs one at a time; a failed
 * invocation is retried once, then lands in the failed-runs queue.
 */
import { join } from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { COMPACTED_PREFIX, CTR_STAGING_PREFIX, ENV } from '../../functions/handlers/environment.js';
import { METRIC_NAMESPACE } from '../../functions/handlers/metrics.js';
import { alertStateKey } from '../../functions/pipeline/alert-state.js';
import type { VigieContext } from '../context.js';
import { acknowledgeWildcards } from '../nag.js';
import type { GlueCatalog } from './glue-catalog.js';
import type { Storage } from './storage.js';
import { PROJECT_ROOT, VigieFunction } from './vigie-function.js';

/**
 * The archive prefixes the handlers read (facts store, reports, rejects, alert state, sent mail, compacted
 * partitions); each function writes only some of them (ARCHIVE_WRITES).
 */
export const ARCHIVE_READ_PREFIXES = ['reports/', 'facts/', 'rejects/', 'state/', 'sends/', COMPACTED_PREFIX] as const;

/**
 * Where a run keeps the temporary states it merges history kinds into (docs/decisions/0006-state-snapshot.md):
 * `compacted/state/<kind>/_stage-<uuid>/`, written by Athena's UNLOAD and deleted by the same run. A digest
 * writes there and nowhere else under compacted/: the snapshots and every manifest stay the nightly's.
 */
export const STAGE_STATES = `${COMPACTED_PREFIX}state/*/_stage-`;

/** What each function writes in the archive: whole prefixes, and single keys. */
export const ARCHIVE_WRITES = {
  // The nightly is the one writer of compacted partitions (compaction) and of the daily alert state.
  nightly: {
    prefixes: ['reports/', 'facts/', 'rejects/', 'state/', 'sends/', COMPACTED_PREFIX],
    keys: ['index.html'],
  },
  // A digest files the days missing from the store (facts, rejects), archives and sends its report, and
  // keeps the alert state of weeks and months: nothing of the nightly's state, no compacted partition.
  digest: {
    prefixes: ['reports/', 'facts/', 'rejects/', 'sends/'],
    keys: ['index.html', alertStateKey('week'), alertStateKey('month')],
  },
} as const satisfies Record<string, { prefixes: readonly string[]; keys: readonly string[] }>;

/** Retries of a failed asynchronous invocation (a scheduled run) before it goes to the failed-runs queue. */
export const ASYNC_RETRY_ATTEMPTS = 1;
/** An event still waiting after this long (throttled behind another run) goes to the failed-runs queue. */
export const ASYNC_MAX_EVENT_AGE = Duration.hours(1);
/** Where the stack uploads the YAML config; the handlers only read it. */
export const CONFIG_KEY = 'config/vigie.yaml';
/** Athena writes query results under this prefix of the results bucket. */
export const QUERY_RESULTS_PREFIX = 'athena/';

export const DEFAULT_ENTRIES = {
  nightly: join(PROJECT_ROOT, 'functions/handlers/nightly.ts'),
  digest: join(PROJECT_ROOT, 'functions/handlers/digest.ts'),
} as const;

export interface JobsProps {
  readonly context: VigieContext;
  readonly storage: Storage;
  readonly catalog: GlueCatalog;
  /** The SES configuration set every mail is sent with (bounces and complaints go to the stack's topic). */
  readonly configurationSetName: string;
  /** @default DEFAULT_ENTRIES */
  readonly entries?: { readonly nightly: string; readonly digest: string } | undefined;
}

export class Jobs extends Construct {
  readonly nightly: VigieFunction;
  readonly digest: VigieFunction;
  /** Where an asynchronous invocation that failed (after its retry) or expired is kept, with its payload. */
  readonly failedRuns: Queue;

  constructor(scope: Construct, id: string, props: JobsProps) {
    super(scope, id);
    const { context, storage, catalog } = props;
    const entries = props.entries ?? DEFAULT_ENTRIES;

    const environment: Record<string, string> = {
      [ENV.exportsBucket]: storage.exports.bucketName,
      [ENV.exportsPrefix]: context.exportsPrefix,
      [ENV.archiveBucket]: storage.archive.bucketName,
      [ENV.configUri]: `s3://${storage.archive.bucketName}/${CONFIG_KEY}`,
      [ENV.glueDatabase]: catalog.databaseName,
      [ENV.athenaWorkgroup]: catalog.workgroupName,
      [ENV.timezone]: context.timezone,
      [ENV.mailFrom]: context.fromAddress,
      ...(context.ctr === undefined
        ? {}
        : { [ENV.ctrPrefix]: context.ctr.prefix, [ENV.ctrBucket]: context.ctr.bucket }),
      [ENV.sesConfigurationSet]: props.configurationSetName,
    };

    // One vCPU (1769 MB) for the night: DuckDB is not loaded in Lambda, but MJML, the charts and gzip of a
    // day's facts are CPU-bound, and Athena waits are cheap. A 3M-contact night peaked at 1,507 MB on the
    // local AWS path (bench/README.md). The schedule gap is a day, so 10 minutes is safe.
    this.nightly = new VigieFunction(this, 'Nightly', {
      entry: entries.nightly,
      description: 'Vigie nightly job: facts of the local day before, scorecards, alerts',
      memorySize: 1769,
      timeout: Duration.minutes(10),
      // Two overlapping nights would race on state/alerts.json and send alerts twice.
      reservedConcurrentExecutions: 1,
      environment,
    });
    // A digest reads stored days (plus a few Athena queries for missing days), one at a time, folded: a
    // week at 1M contacts a day peaked at 915 MB on the CLI, DuckDB included (bench/README.md).
    // A monthly digest with a year of history loads ~400 stored days; each is read from its folded file,
    // 50–80 ms for a 1M-contact day (2.4–3.3 s from its full facts): 20–32 s in all (bench/README.md).
    this.digest = new VigieFunction(this, 'Digest', {
      entry: entries.digest,
      description: 'Vigie weekly and monthly digests, rolled up from the stored daily facts',
      memorySize: 1769,
      timeout: Duration.minutes(15),
      // One at a time, like the nightly: the weekly and monthly digests share reports, sends and the store.
      reservedConcurrentExecutions: 1,
      environment,
    });

    // A retry resumes a run (days filed and mails sent are kept), so one is worth it; a second would mostly
    // repeat the first failure. The queue keeps the payload for a redrive (docs/aws.md).
    this.failedRuns = new Queue(this, 'FailedRuns', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failedRuns).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the on-failure destination of the functions; an alarm fires on its first message and docs/aws.md tells how to redrive it.',
    });
    for (const fn of [this.nightly, this.digest])
      fn.function.configureAsyncInvoke({
        retryAttempts: ASYNC_RETRY_ATTEMPTS,
        maxEventAge: ASYNC_MAX_EVENT_AGE,
        onFailure: new SqsDestination(this.failedRuns),
      });

    const run = { context, storage, catalog, configurationSetName: props.configurationSetName };
    grantRun(this.nightly, this.nightly.role, { ...run, writes: ARCHIVE_WRITES.nightly, unload: true });
    grantRun(this.digest, this.digest.role, { ...run, writes: ARCHIVE_WRITES.digest, unload: false });
  }
}

/** `arn:…:bucket/prefix*` — the objects under a key prefix (the whole bucket when the prefix is empty). */
const objectsUnder = (bucket: IBucket, prefix: string): string => bucket.arnForObjects(`${prefix}*`);

/** Read-only access to the objects under a prefix, and listing that prefix only. */
function readPrefix(bucket: IBucket, prefix: string): PolicyStatement[] {
  return [
    new PolicyStatement({ actions: ['s3:GetObject'], resources: [objectsUnder(bucket, prefix)] }),
    new PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      ...(prefix === '' ? {} : { conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } } }),
    }),
    // Athena asks where the bucket is before reading it.
    new PolicyStatement({ actions: ['s3:GetBucketLocation'], resources: [bucket.bucketArn] }),
  ];
}

interface RunGrants {
  readonly context: VigieContext;
  readonly storage: Storage;
  readonly catalog: GlueCatalog;
  readonly configurationSetName: string;
  /** What the function writes in the archive. */
  readonly writes: { readonly prefixes: readonly string[]; readonly keys: readonly string[] };
  /** Whether it compacts partitions: Athena's UNLOAD writes (in parts) and replaces objects under compacted/. */
  readonly unload: boolean;
}

function grantRun(scope: Construct, role: IRole, grants: RunGrants): void {
  const { context, storage, catalog, writes } = grants;
  const stack = Stack.of(scope);
  const add = (statement: PolicyStatement, wildcardReason?: string) => {
    role.addToPrincipalPolicy(statement);
    if (wildcardReason !== undefined) acknowledgeWildcards(scope, statement, wildcardReason);
  };
  const objectsReason = (what: string) =>
    `Object keys under ${what} are dated (dt=YYYY-MM-DD, periods) and unknown in advance: the wildcard is limited to that prefix.`;

  for (const s of readPrefix(storage.exports, context.exportsPrefix))
    add(s, objectsReason(`the exports prefix "${context.exportsPrefix}"`));
  if (context.ctr !== undefined && storage.ctr !== undefined) {
    for (const s of readPrefix(storage.ctr, context.ctr.prefix))
      add(s, objectsReason(`the Amazon Connect CTR prefix "${context.ctr.prefix}"`));
  }

  const archive = storage.archive;
  add(
    new PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [...ARCHIVE_READ_PREFIXES.map((p) => objectsUnder(archive, p)), archive.arnForObjects(CONFIG_KEY)],
    }),
    objectsReason(`the archive prefixes ${ARCHIVE_READ_PREFIXES.join(', ')}`),
  );
  add(
    new PolicyStatement({
      actions: ['s3:PutObject'],
      resources: [
        ...writes.prefixes.map((p) => objectsUnder(archive, p)),
        ...writes.keys.map((k) => archive.arnForObjects(k)),
      ],
    }),
    objectsReason(`the archive prefixes ${writes.prefixes.join(', ')}`),
  );
  // Each CTR object is staged once as NDJSON for Athena (nightly, and a digest filing missing days).
  if (context.ctr !== undefined) {
    add(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [objectsUnder(archive, CTR_STAGING_PREFIX)],
      }),
      objectsReason(`the CTR staging prefix ${CTR_STAGING_PREFIX}`),
    );
    add(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [archive.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${CTR_STAGING_PREFIX}*`] } },
      }),
    );
  }
  if (grants.unload) {
    // Compaction replaces a partition's Parquet objects (written by Athena's UNLOAD with the caller's
    // credentials, possibly in parts) and deletes the ones no manifest names any more.
    add(
      new PolicyStatement({
        actions: ['s3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [objectsUnder(archive, COMPACTED_PREFIX)],
      }),
      objectsReason(`the compacted partitions prefix ${COMPACTED_PREFIX}`),
    );
    // UNLOAD lists the multipart uploads it left in the bucket (to abort them); S3 scopes this to the bucket.
    add(new PolicyStatement({ actions: ['s3:ListBucketMultipartUploads'], resources: [archive.bucketArn] }));
  }
  // Both merge history kinds into temporary states (UNLOAD, in parts) and delete them after the run.
  add(
    new PolicyStatement({
      actions: ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resources: [objectsUnder(archive, STAGE_STATES)],
    }),
    objectsReason(`the temporary states ${STAGE_STATES}<uuid>/`),
  );
  if (!grants.unload) {
    add(new PolicyStatement({ actions: ['s3:ListBucketMultipartUploads'], resources: [archive.bucketArn] }));
  }
  // Athena asks where the bucket is before reading the compacted partitions or writing them.
  add(new PolicyStatement({ actions: ['s3:GetBucketLocation'], resources: [archive.bucketArn] }));
  add(
    new PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [archive.bucketArn],
      conditions: { StringLike: { 's3:prefix': ARCHIVE_READ_PREFIXES.map((p) => `${p}*`) } },
    }),
  );

  const results = storage.queryResults;
  add(
    new PolicyStatement({
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resources: [objectsUnder(results, QUERY_RESULTS_PREFIX)],
    }),
    'Athena names its result objects after the query id; the wildcard is limited to the results prefix.',
  );
  add(
    new PolicyStatement({
      actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
      resources: [results.bucketArn],
    }),
  );

  add(
    new PolicyStatement({
      actions: [
        'athena:StartQueryExecution',
        'athena:StopQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:GetQueryRuntimeStatistics',
        'athena:GetWorkGroup',
      ],
      resources: [catalog.workgroupArn],
    }),
  );
  add(
    new PolicyStatement({
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'],
      resources: catalog.glueArns(),
    }),
  );

  add(
    new PolicyStatement({
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resources: sesResources(stack, context, grants.configurationSetName),
      conditions: { StringEquals: { 'ses:FromAddress': context.fromAddress } },
    }),
  );

  // PutMetricData has no resource-level permission; the namespace condition is the only scope it takes.
  // (Powertools publishes through the embedded metric format in the logs; this covers a direct call.)
  add(
    new PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': METRIC_NAMESPACE } },
    }),
    'cloudwatch:PutMetricData supports no resource ARN; it is limited to the Vigie namespace by condition.',
  );
}

/**
 * The SES identities the sender may use: the address itself and its domain (whichever of the two is verified
 * authorizes the send), or the domain identity; and the configuration set it sends with.
 */
export function sesResources(stack: Stack, context: VigieContext, configurationSetName: string): string[] {
  const identity = (name: string) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
  const domain = context.fromAddress.slice(context.fromAddress.indexOf('@') + 1);
  const identities = context.sender.includes('@') ? [identity(context.sender), identity(domain)] : [identity(domain)];
  return [
    ...identities,
    stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: configurationSetName }),
  ];
}
