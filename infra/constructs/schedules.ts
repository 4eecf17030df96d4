/**
 * The EventBridge Scheduler schedules, evaluated in the centre's time zone: the nightly job, the weekly
 * digest (Mondays) and the monthly digest (on the 1st, half an hour after the weekly one). Payloads come from the handlers' own event types,
 * so a schedule the handler would refuse does not compile.
 *
 * Daylight saving time: Scheduler skips an invocation whose local time does not exist (spring forward) and
 * runs an ambiguous local time once (fall back). See docs/deploy.md.
 */
import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { digestScheduleInput, NIGHTLY_SCHEDULE_INPUT } from '../../functions/handlers/events.js';
import type { LocalTime } from '../dst.js';
import { acknowledgeWildcards } from '../nag.js';

export interface SchedulesProps {
  readonly timezone: string;
  readonly nightlyAt: LocalTime;
  readonly digestAt: LocalTime;
  readonly nightly: IFunction;
  readonly digest: IFunction;
}

/**
 * The monthly digest runs this many minutes after the weekly one: on a Monday the 1st both are due, and
 * the digest function runs one at a time (a second invocation would be throttled and wait).
 */
export const MONTHLY_DIGEST_DELAY_MINUTES = 30;

/** A local time some minutes later, on the same day (the context refuses times that would cross midnight). */
export function minutesAfter(t: LocalTime, minutes: number): LocalTime {
  const total = t.hour * 60 + t.minute + minutes;
  return { hour: Math.floor(total / 60), minute: total % 60 };
}

/** Retries of a failed invocation (throttling, service error) before the event goes to the DLQ. */
export const RETRY_ATTEMPTS = 2;
export const MAX_EVENT_AGE = Duration.hours(1);

export class Schedules extends Construct {
  readonly deadLetterQueue: Queue;
  readonly role: Role;
  readonly nightly: Schedule;
  readonly weekly: Schedule;
  readonly monthly: Schedule;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const timeZone = TimeZone.of(props.timezone);

    // One role for the three schedules: invoke the two functions, send to the dead-letter queue.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Vigie schedules: invoke the nightly and digest functions',
    });

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    const target = (fn: IFunction, input: object) =>
      new LambdaInvoke(fn, {
        input: ScheduleTargetInput.fromObject(input),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: RETRY_ATTEMPTS,
        maxEventAge: MAX_EVENT_AGE,
        role: this.role,
      });
    const at = (t: LocalTime) => ({ minute: String(t.minute), hour: String(t.hour) });

    this.nightly = new Schedule(this, 'Nightly', {
      description: 'Vigie nightly job, in the centre time zone',
      schedule: ScheduleExpression.cron({ ...at(props.nightlyAt), timeZone }),
      target: target(props.nightly, NIGHTLY_SCHEDULE_INPUT),
      timeWindow: TimeWindow.off(),
    });
    this.weekly = new Schedule(this, 'Weekly', {
      description: 'Vigie weekly digest of the ISO week just ended (Mondays)',
      schedule: ScheduleExpression.cron({ ...at(props.digestAt), weekDay: 'MON', timeZone }),
      target: target(props.digest, digestScheduleInput('week')),
      timeWindow: TimeWindow.off(),
    });
    this.monthly = new Schedule(this, 'Monthly', {
      description: 'Vigie monthly digest of the month just ended (on the 1st, after the weekly one)',
      schedule: ScheduleExpression.cron({
        ...at(minutesAfter(props.digestAt, MONTHLY_DIGEST_DELAY_MINUTES)),
        day: '1',
        timeZone,
      }),
      target: target(props.digest, digestScheduleInput('month')),
      timeWindow: TimeWindow.off(),
    });

    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the schedules; an alarm fires on its first message.',
    });
    // LambdaInvoke grants invoke on the function and its versions (`arn:…:function:name:*`).
    for (const fn of [props.nightly, props.digest])
      acknowledgeWildcards(
        this.role,
        new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [`${fn.functionArn}:*`] }),
        'The scheduler may invoke a Vigie function and its versions/aliases (how LambdaInvoke grants it); no other function.',
      );
  }
}
