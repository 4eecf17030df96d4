/**
 * What tells someone that Vigie is not doing its job: alarms on the functions' errors and slowness, on the
 * schedules' dead letters, and on "no exports for yesterday" (a metric the nightly handler publishes),
 * all sent to one encrypted SNS topic (optionally to an email address), and a small dashboard.
 */
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  Metric,
  SingleValueWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { VigieFunction } from './vigie-function.js';

export interface OperationsProps {
  readonly functions: Readonly<Record<string, VigieFunction>>;
  readonly deadLetterQueue: IQueue;
  /** @default - no subscription; subscribe to the topic by other means */
  readonly alarmEmail?: string | undefined;
}

/** The "no exports for yesterday" metric, published by the nightly handler with Powertools. */
export const DAYS_WITHOUT_EXPORTS = {
  namespace: 'Vigie',
  metricName: 'DaysWithoutExports',
  dimensionsMap: { service: 'vigie' },
} as const;

/** A run slower than this share of its timeout is a warning that it will soon time out. */
export const DURATION_ALARM_SHARE = 0.8;

export class Operations extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);

    // A customer managed key: CloudWatch alarms cannot publish to a topic encrypted with the AWS managed
    // key of SNS (its key policy cannot grant cloudwatch.amazonaws.com).
    const key = new Key(this, 'TopicKey', {
      description: 'Vigie alarm topic',
      enableKeyRotation: true,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Alarms', {
      displayName: 'Vigie alarms',
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail !== undefined) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);
    const alarm = (alarmId: string, a: ConstructorParameters<typeof Alarm>[2]) => {
      const created = new Alarm(this, alarmId, a);
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
      return created;
    };

    const durationWidgets: GraphWidget[] = [];
    const countWidgets: GraphWidget[] = [];
    for (const [name, vf] of Object.entries(props.functions)) {
      const fn = vf.function;
      alarm(`${name}Errors`, {
        alarmDescription: `Vigie ${name}: the function failed (see its log group)`,
        metric: fn.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      const limit = vf.timeout.toMilliseconds() * DURATION_ALARM_SHARE;
      alarm(`${name}Duration`, {
        alarmDescription: `Vigie ${name}: p99 duration above ${DURATION_ALARM_SHARE * 100} % of the timeout`,
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

    const deadLetters = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: 'Maximum',
    });
    alarm('ScheduleDeadLetters', {
      alarmDescription: 'Vigie: a scheduled invocation could not be delivered (see the dead-letter queue)',
      metric: deadLetters,
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    const daysWithoutExports = new Metric({ ...DAYS_WITHOUT_EXPORTS, period: Duration.days(1), statistic: 'Maximum' });
    alarm('NoExportsForYesterday', {
      alarmDescription: 'Vigie: no export file for yesterday (a feed stopped, or the drop failed)',
      metric: daysWithoutExports,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // No data point means the nightly run did not publish: its Errors alarm or the DLQ alarm covers that.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(35),
      widgets: [
        countWidgets,
        durationWidgets,
        [
          new SingleValueWidget({ title: 'Days without exports', metrics: [daysWithoutExports], width: 12 }),
          new GraphWidget({ title: 'Schedule dead letters', left: [deadLetters], width: 12 }),
        ],
      ],
    });
  }
}
