import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../functions/handlers/environment.js';
import { EXPORT_KINDS } from '../../functions/sql/exports-schema.js';
import { STATE_KINDS } from '../../functions/sql/state.js';
import { DEFAULT_ENTRIES } from '../../infra/constructs/jobs.js';
import { PROJECT_ROOT } from '../../infra/constructs/vigie-function.js';
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
    expect(inputOf('cron(0 7 1 * ? *)')).toEqual({
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

  it('runs both functions on Node 22 arm64 with the handlers environment', () => {
    const functions = ofType(template, 'AWS::Lambda::Function')
      .map(([, f]) => f.Properties)
      .filter(
        (f) => (f.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.[ENV.configUri],
      );
    const nightly = functions.find((f) => f.Timeout === 600);
    const digest = functions.find((f) => f.Timeout === 900);

    expect(functions).toHaveLength(2);
    expect(nightly).toMatchObject({ MemorySize: 1769, ReservedConcurrentExecutions: 1 });
    expect(digest).toMatchObject({ MemorySize: 1769 });
    expect(digest?.ReservedConcurrentExecutions).toBeUndefined();
    for (const f of functions) {
      expect(f).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
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
        POWERTOOLS_SERVICE_NAME: 'vigie',
        POWERTOOLS_METRICS_NAMESPACE: 'Vigie',
        NODE_OPTIONS: '--enable-source-maps',
      });
      expect(JSON.stringify(variables[ENV.configUri])).toContain('/config/vigie.yaml');
    }
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
    const documents = ofType(template, 'AWS::IAM::Policy')
      .filter(([id]) => id.startsWith('JobsNightly') || id.startsWith('JobsDigest'))
      .map(([, p]) => JSON.stringify(p.Properties.PolicyDocument));
    expect(documents).toHaveLength(2);

    for (const doc of documents) {
      for (const prefix of ['reports', 'facts', 'rejects', 'state', 'sends', 'compacted'])
        expect(doc).toContain(`/${prefix}/*"`);
      expect(doc).toContain('/index.html"');
      expect(doc).toContain('/config/vigie.yaml"');
      expect(doc).toContain('"s3:prefix":["reports/*","facts/*","rejects/*","state/*","sends/*","compacted/*"]');
      // Deleting is allowed under compacted/ only (superseded Parquet objects), nowhere else.
      expect(doc.match(/"s3:DeleteObject"/g)).toHaveLength(1);
      expect(doc).toMatch(
        /"s3:DeleteObject","s3:ListMultipartUploadParts"\],"Effect":"Allow","Resource":\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["StorageArchive[0-9A-F]+","Arn"\]\},"\/compacted\/\*"\]\]\}/,
      );
      expect(doc).toContain(':workgroup/vigie"');
      for (const kind of EXPORT_KINDS) {
        expect(doc).toContain(`:table/vigie/${kind}_lines"`);
        expect(doc).toContain(`:table/vigie/${kind}_checked"`);
      }
      expect(doc).toContain(':identity/reports@acme.example"');
      expect(doc).toContain(':identity/acme.example"');
      expect(doc).toContain('"ses:FromAddress":"reports@acme.example"');
      expect(doc).not.toMatch(/"s3:\*"|"athena:\*"|"glue:\*"|"ses:\*"/);
    }
  });

  it('creates the Glue tables and an enforced Athena workgroup with a bytes-scanned cutoff', () => {
    // Lines, CSV and the compacted partitions' checked records, per kind; the state of each history kind.
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

  it('alarms on errors, slowness, dead letters and missing exports, into an encrypted topic', () => {
    const alarms = ofType(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const named = (metric: string) => alarms.filter((a) => a.MetricName === metric);

    expect(alarms).toHaveLength(6);
    expect(named('Errors')).toHaveLength(2);
    expect(
      named('Duration')
        .map((a) => a.Threshold)
        .sort(),
    ).toEqual([480_000, 720_000]);
    expect(named('Duration').every((a) => a.ExtendedStatistic === 'p99')).toBe(true);
    expect(named('ApproximateNumberOfMessagesVisible')).toMatchObject([
      { Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' },
    ]);
    expect(named('DaysWithoutExports')).toMatchObject([
      {
        Namespace: 'Vigie',
        Dimensions: [{ Name: 'service', Value: 'vigie' }],
        Statistic: 'Maximum',
        Period: 86_400,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      },
    ]);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@acme.example' });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('warns when the nightly time falls in the spring DST gap, and the default does not', () => {
    const warningsOf = (app: VigieApp): string[] =>
      app.app.node
        .findAll()
        .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:warning'))
        .map((m) => String(m.data));
    const gap = (w: string): boolean => w.includes('nightlyAt does not exist in Europe/Paris');
    expect(warningsOf(vigie).some(gap)).toBe(false);
    expect(warningsOf(synthesize({ nightlyAt: '02:30' })).some(gap)).toBe(true);
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

  it('adds the CTR table and lets the functions read only the two prefixes', () => {
    template.hasResourceProperties('AWS::Glue::Table', { TableInput: Match.objectLike({ Name: 'connect_ctr_lines' }) });
    const doc = JSON.stringify(
      ofType(template, 'AWS::IAM::Policy').find(([id]) => id.startsWith('JobsNightly'))?.[1].Properties.PolicyDocument,
    );
    expect(doc).toContain(':s3:::acme-exports/vigie/*"');
    expect(doc).toContain(':s3:::acme-connect/ctr/*"');
    expect(doc).toContain('"s3:prefix":["vigie/*"]');
    expect(doc).toContain('"s3:prefix":["ctr/*"]');
    expect(doc).toContain(':identity/acme.example"');
    expect(doc).toContain(':configuration-set/vigie"');
    expect(doc).toContain('"ses:FromAddress":"vigie@acme.example"');
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
