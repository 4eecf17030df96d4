/**
 * What tells someone that Vigie is not doing its job: alarms on the functions' errors, throttles and
 * slowness, on the schedules' dead letters and the failed-runs queue, on a night that never succeeded, on
 * mails left unsent, on bounces and complaints, and on "no exports for yesterday" — all sent to one
 * encrypted SNS topic (optionally to an email address) — and a small dashboard. ALARMS lists them with
 * what to do, for docs/aws.md.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  type AlarmProps,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  Metric,
  SingleValueWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type ConfigurationSet, EmailSendingEvent, EventDestination } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_DIMENSIONS, METRIC_NAMESPACE, METRICS } from '../../functions/handlers/metrics.js';
import type { VigieFunction } from './vigie-function.js';

export interface OperationsProps {
  readonly functions: { readonly Nightly: VigieFunction; readonly Digest: VigieFunction };
  /** The schedules' dead-letter queue: invocations EventBridge Scheduler could not deliver. */
  readonly deadLetterQueue: IQueue;
  /** The functions' on-failure destination: invocations that failed after their retry, or expired. */
  readonly failedRuns: IQueue;
  /** The configuration set the stack created, whose bounces and complaints are published and alarmed on. */
  readonly configurationSet?: ConfigurationSet | undefined;
  /** @default - no subscription; subscribe to the topics by other means */
  readonly alarmEmail?: string | undefined;
}

/** A run slower than this share of its timeout is a warning that it will soon time out. */
export const DURATION_ALARM_SHARE = 0.8;

/** No NightlySucceeded data point for this many hours is a missed night (a day's schedule plus a margin). */
export const MISSED_NIGHT_HOURS = 26;

/** The alarm ids (named `<stack>-<id>` in CloudWatch) and what the operator does when one fires. */
export const ALARMS = {
  NightlyErrors:
    'The nightly run failed. Read its "run failed" log line (docs/aws.md); Lambda retries once, then the event lands in the failed-runs queue.',
  DigestErrors:
    'A digest failed. Read its "run failed" log line; after its retry the event lands in the failed-runs queue.',
  NightlyThrottles:
    'A nightly invocation waited for another (reserved concurrency 1): a manual run or a backfill overlapped the schedule. It runs when the other ends, within the hour.',
  DigestThrottles:
    'A digest invocation waited for another digest or a manual run. It runs when the other ends, within the hour.',
  NightlyDuration:
    'The nightly run takes more than 80 % of its timeout: it will soon run out of time. Raise the timeout or lower lookback_days.',
  DigestDuration:
    'A digest takes more than 80 % of its timeout. Backfill the missing days so digests stop filing them.',
  FailedRuns:
    'An invocation failed after its retry (or waited more than an hour): its payload is in the failed-runs queue. Fix the cause, then redrive it (docs/aws.md).',
  ScheduleDeadLetters:
    'EventBridge Scheduler could not invoke a function (permissions, function deleted): the event is in the schedule dead-letter queue. Invoke the function by hand with its payload.',
  MissedNight: `No nightly run succeeded in ${MISSED_NIGHT_HOURS} hours: the schedule is disabled, the run fails, or it never ran. Check the schedule, then the Errors alarm and the failed-runs queue.`,
  UnsentMails:
    'A run left mails unsent (another run held their claim): the run failed naming recipients and period. Redrive it after 15 minutes (docs/aws.md).',
  NoExportsForYesterday:
    "No export file for yesterday: a feed stopped or the drop failed. Check the exports bucket's dt= folder for yesterday; re-run the day once the files are there.",
  MailBounces:
    'SES reported a bounce or a complaint: the event on the mail-events topic names the recipient. Fix or remove the address in the config; SES has put it on the suppression list.',
} as const;

export type AlarmId = keyof typeof ALARMS;

export class Operations extends Construct {
  readonly topic: Topic;
  /** Bounce and complaint events of the configuration set, when the stack created it. */
  readonly mailEvents: Topic | undefined;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const alarmPrefix = `${stack.stackName}-`;

    // A customer managed key: CloudWatch alarms and SES cannot publish to a topic encrypted with the AWS
    // managed key of SNS (its key policy cannot grant them).
    const key = new Key(this, 'TopicKey', {
      description: 'Vigie alarm and mail-event topics',
      enableKeyRotation: true,
      // It encrypts only messages in transit through the topics, which go with the stack: so does the key.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // Topics are named, so the key policy can name them without a reference cycle (topic → key → topic).
    const topicArn = (name: string) =>
      stack.formatArn({ service: 'sns', resource: name, arnFormat: ArnFormat.NO_RESOURCE_NAME });
    /** Lets one service use the key only for one topic, on behalf of its own resources in this account. */
    const allowPublishing = (service: string, topicName: string, sourceArn: string) =>
      key.addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: {
            StringEquals: {
              'aws:SourceAccount': stack.account,
              'kms:EncryptionContext:aws:sns:topicArn': topicArn(topicName),
            },
            ArnLike: { 'aws:SourceArn': sourceArn },
          },
        }),
      );
    const alarmsTopicName = `${stack.stackName}-alarms`;
    this.topic = new Topic(this, 'Alarms', {
      topicName: alarmsTopicName,
      displayName: 'Vigie alarms',
      masterKey: key,
      enforceSSL: true,
    });
    // Only this stack's alarms, publishing to this topic, may use the key (no confused deputy).
    allowPublishing(
      'cloudwatch.amazonaws.com',
      alarmsTopicName,
      stack.formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: `${alarmPrefix}*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );
    if (props.alarmEmail !== undefined) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);
    const alarm = (alarmId: AlarmId, a: Omit<AlarmProps, 'alarmName' | 'alarmDescription'>) => {
      const created = new Alarm(this, alarmId, {
        ...a,
        alarmName: `${alarmPrefix}${alarmId}`,
        alarmDescription: ALARMS[alarmId],
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
      return created;
    };
    const atLeastOne = {
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    } as const;
    const vigieMetric = (metricName: string, statistic: string, period: Duration) =>
      new Metric({ namespace: METRIC_NAMESPACE, metricName, dimensionsMap: METRIC_DIMENSIONS, statistic, period });

    const durationWidgets: GraphWidget[] = [];
    const countWidgets: GraphWidget[] = [];
    for (const [name, vf] of [
      ['Nightly', props.functions.Nightly],
      ['Digest', props.functions.Digest],
    ] as const) {
      const fn = vf.function;
      alarm(`${name}Errors`, {
        metric: fn.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
        ...atLeastOne,
      });
      alarm(`${name}Throttles`, {
        metric: fn.metricThrottles({ period: Duration.hours(1), statistic: 'Sum' }),
        ...atLeastOne,
      });
      const limit = vf.timeout.toMilliseconds() * DURATION_ALARM_SHARE;
      alarm(`${name}Duration`, {
        metric: fn.metricDuration({ period: Duration.hours(1), statistic: 'p99' }),
        threshold: limit,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      durationWidgets.push(
        new GraphWidget({
          title: `${name}: duration (ms)`,
          left: [fn.metricDuration({ period: Duration.days(1), statistic: 'Maximum' })],
          leftAnnotations: [{ value: limit, label: `${DURATION_ALARM_SHARE * 100} % of timeout` }],
          width: 12,
        }),
      );
      countWidgets.push(
        new GraphWidget({
          title: `${name}: invocations and errors`,
          left: [
            fn.metricInvocations({ period: Duration.days(1) }),
            fn.metricErrors({ period: Duration.days(1) }),
            fn.metricThrottles({ period: Duration.days(1) }),
          ],
          width: 12,
        }),
      );
    }

    const visible = (queue: IQueue) =>
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' });
    const anyMessage = {
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    } as const;
    const failedRuns = visible(props.failedRuns);
    alarm('FailedRuns', { metric: failedRuns, ...anyMessage });
    const deadLetters = visible(props.deadLetterQueue);
    alarm('ScheduleDeadLetters', { metric: deadLetters, ...anyMessage });

    // A night that never ran publishes nothing: missing data is what this alarm is about, so it breaches.
    // 26 one-hour periods, all without a success, is the longest CloudWatch allows for hourly periods × 7 days.
    const succeeded = vigieMetric(METRICS.nightlySucceeded, 'Sum', Duration.hours(1));
    alarm('MissedNight', {
      metric: succeeded,
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: MISSED_NIGHT_HOURS,
      datapointsToAlarm: MISSED_NIGHT_HOURS,
      treatMissingData: TreatMissingData.BREACHING,
    });

    const unsent = vigieMetric(METRICS.unsentMails, 'Maximum', Duration.hours(1));
    alarm('UnsentMails', { metric: unsent, ...atLeastOne });

    const daysWithoutExports = vigieMetric(METRICS.daysWithoutExports, 'Maximum', Duration.days(1));
    alarm('NoExportsForYesterday', {
      metric: daysWithoutExports,
      ...atLeastOne,
      // No data point means the nightly run did not publish: MissedNight covers that.
    });

    let bounces: Metric | undefined;
    if (props.configurationSet !== undefined) {
      const mailEventsTopicName = `${stack.stackName}-mail-events`;
      this.mailEvents = new Topic(this, 'MailEvents', {
        topicName: mailEventsTopicName,
        displayName: 'Vigie mail bounces and complaints',
        masterKey: key,
        enforceSSL: true,
      });
      allowPublishing(
        'ses.amazonaws.com',
        mailEventsTopicName,
        stack.formatArn({
          service: 'ses',
          resource: 'configuration-set',
          resourceName: props.configurationSet.configurationSetName,
        }),
      );
      // The destination grants SES sns:Publish on the topic for this configuration set only.
      props.configurationSet.addEventDestination('BouncesAndComplaints', {
        destination: EventDestination.snsTopic(this.mailEvents),
        events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
      });
      if (props.alarmEmail !== undefined) this.mailEvents.addSubscription(new EmailSubscription(props.alarmEmail));
      bounces = this.mailEvents.metricNumberOfMessagesPublished({ period: Duration.hours(1), statistic: 'Sum' });
      alarm('MailBounces', { metric: bounces, ...atLeastOne });
    } else {
      this.mailEvents = undefined;
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(35),
      widgets: [
        countWidgets,
        durationWidgets,
        [
          new SingleValueWidget({ title: 'Days without exports', metrics: [daysWithoutExports], width: 6 }),
          new GraphWidget({ title: 'Nightly successes', left: [succeeded], width: 6 }),
          new GraphWidget({ title: 'Unsent mails', left: [unsent], width: 6 }),
          new GraphWidget({
            title: 'Bounces and complaints',
            left: bounces === undefined ? [] : [bounces],
            width: 6,
          }),
        ],
        [
          new GraphWidget({ title: 'Failed runs (queue)', left: [failedRuns], width: 12 }),
          new GraphWidget({ title: 'Schedule dead letters', left: [deadLetters], width: 12 }),
        ],
      ],
    });
  }
}
