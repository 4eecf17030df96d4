/**
 * The whole of Vigie on AWS, one `cdk deploy`: storage, Glue/Athena, the SES configuration set, the two
 * functions, their schedules in the centre's time zone, and the alarms. Each concern is one construct
 * under `constructs/`; the outputs name everything an operator types next (docs/deploy.md).
 */
import { Annotations, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { COMPACTED_PREFIX, CTR_STAGING_PREFIX } from '../functions/handlers/environment.js';
import { ConfigUpload } from './constructs/config-upload.js';
import { GlueCatalog } from './constructs/glue-catalog.js';
import { CONFIG_KEY, Jobs } from './constructs/jobs.js';
import { Mail } from './constructs/mail.js';
import { Operations } from './constructs/operations.js';
import { Schedules } from './constructs/schedules.js';
import { Storage } from './constructs/storage.js';
import { PROJECT_ROOT } from './constructs/vigie-function.js';
import type { VigieContext } from './context.js';
import { PLACEHOLDER_SENDER } from './context.js';
import { skippedLocalTimes } from './dst.js';
import { acknowledgeFrameworkResources } from './framework-nag.js';

export interface VigieStackProps extends StackProps {
  readonly context: VigieContext;
  /**
   * Handler files, for tests that synthesize before the handlers exist.
   * @default functions/handlers/nightly.ts and digest.ts
   */
  readonly entries?: { readonly nightly: string; readonly digest: string } | undefined;
}

/** Glue and Athena names are account-wide: derived from the stack name, so two stages do not collide. */
export const catalogName = (stackName: string): string => stackName.toLowerCase().replace(/[^a-z0-9_]/g, '_');

export class VigieStack extends Stack {
  readonly storage: Storage;
  readonly catalog: GlueCatalog;
  readonly mail: Mail;
  readonly jobs: Jobs;
  readonly schedules: Schedules;
  readonly operations: Operations;

  constructor(scope: Construct, id: string, props: VigieStackProps) {
    super(scope, id, { description: 'Vigie: nightly KPI reports for customer-service teams', ...props });
    const { context } = props;

    this.storage = new Storage(this, 'Storage', {
      exportsBucketName: context.exportsBucket,
      ctrBucketName: context.ctr?.bucket,
    });
    // The construct id stays 'Catalog' so the template's logical ids do not change on upgrade.
    this.catalog = new GlueCatalog(this, 'Catalog', {
      databaseName: catalogName(this.stackName),
      workgroupName: catalogName(this.stackName),
      layout: {
        exportsBucket: this.storage.exports.bucketName,
        exportsPrefix: context.exportsPrefix,
        ctr:
          context.ctr === undefined
            ? undefined
            : { bucket: this.storage.archive.bucketName, prefix: CTR_STAGING_PREFIX },
        compacted: { bucket: this.storage.archive.bucketName, prefix: COMPACTED_PREFIX },
      },
      queryResults: this.storage.queryResults,
      bytesScannedCutoffMb: context.bytesScannedCutoffMb,
    });
    new ConfigUpload(this, 'Config', {
      configFile: context.configFile,
      projectRoot: PROJECT_ROOT,
      bucket: this.storage.archive,
      key: CONFIG_KEY,
      lookbackDays: context.lookbackDays,
      allowExampleRecipients: context.allowExampleRecipients,
    });
    this.mail = new Mail(this, 'Mail', { existingConfigurationSet: context.sesConfigurationSet });
    this.jobs = new Jobs(this, 'Jobs', {
      context,
      storage: this.storage,
      catalog: this.catalog,
      configurationSetName: this.mail.configurationSetName,
      entries: props.entries,
    });
    this.schedules = new Schedules(this, 'Schedules', {
      timezone: context.timezone,
      nightlyAt: context.nightlyAt,
      digestAt: context.digestAt,
      nightly: this.jobs.nightly.function,
      digest: this.jobs.digest.function,
    });
    this.operations = new Operations(this, 'Operations', {
      functions: { Nightly: this.jobs.nightly, Digest: this.jobs.digest },
      deadLetterQueue: this.schedules.deadLetterQueue,
      failedRuns: this.jobs.failedRuns,
      configurationSet: this.mail.configurationSet,
      alarmEmail: context.alarmEmail,
    });
    this.outputs();

    if (context.sender === PLACEHOLDER_SENDER)
      Annotations.of(this).addWarningV2(
        'vigie:placeholder-sender',
        `sender is the placeholder ${PLACEHOLDER_SENDER}: pass -c sender=<your verified SES identity> to deploy`,
      );
    const skipped = skippedLocalTimes(context.timezone, context.nightlyAt);
    if (skipped.length > 0)
      Annotations.of(this.schedules.nightly).addWarningV2(
        'vigie:nightly-in-dst-gap',
        `nightlyAt does not exist in ${context.timezone} on ${skipped.join(', ')} (clocks go forward): Scheduler skips that night. Choose a time outside the gap, e.g. 03:30.`,
      );
    acknowledgeFrameworkResources(this);
  }

  /** What an operator types next (docs/deploy.md reads them with `aws cloudformation describe-stacks`). */
  private outputs(): void {
    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('ArchiveBucket', this.storage.archive.bucketName, 'Reports, facts, rejects, sends and the config');
    output('ExportsBucket', this.storage.exports.bucketName, 'Where the exports are dropped (<kind>/dt=YYYY-MM-DD/)');
    output('NightlyFunction', this.jobs.nightly.function.functionName, 'Nightly job; also takes re-runs and backfills');
    output('DigestFunction', this.jobs.digest.function.functionName, 'Weekly and monthly digests');
    output('NightlyLogGroup', this.jobs.nightly.logGroup.logGroupName, 'Logs of the nightly job');
    output('DigestLogGroup', this.jobs.digest.logGroup.logGroupName, 'Logs of the digests');
    output('AlarmTopic', this.operations.topic.topicArn, 'Every alarm notifies this topic');
    if (this.operations.mailEvents !== undefined)
      output('MailEventsTopic', this.operations.mailEvents.topicArn, 'SES bounce and complaint events');
    output('FailedRunsQueue', this.jobs.failedRuns.queueUrl, 'Invocations that failed after their retry (redrive)');
    output(
      'ScheduleDeadLetterQueue',
      this.schedules.deadLetterQueue.queueUrl,
      'Scheduled invocations EventBridge Scheduler could not deliver',
    );
    output('AthenaWorkgroup', this.catalog.workgroupName, 'Athena workgroup of the queries');
    output('GlueDatabase', this.catalog.databaseName, 'Glue database of the export tables');
    output('SesConfigurationSet', this.mail.configurationSetName, 'SES configuration set every mail is sent with');
    output('Dashboard', this.operations.dashboard.dashboardName, 'CloudWatch dashboard');
  }
}
