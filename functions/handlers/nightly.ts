/**
 * Lambda entry point of the nightly job. EventBridge Scheduler calls it with the scheduled time,
 * which is the run's identity: the local day before it is the day reported, so a retry of the same
 * invocation reports the same day and sends nothing twice.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { dayBeforeInstant } from '../engine/periods.js';
import { NoExportsError, runNightly } from '../pipeline/nightly.js';
import { nightlyEventSchema } from './events.js';
import { type HandlerDeps, type JobSummary, lambdaDeps, parseEvent, runJob } from './run-job.js';

/** Builds the nightly handler from its dependencies. */
export function nightlyHandler(deps: HandlerDeps): (event: unknown) => Promise<JobSummary> {
  return async (event) => {
    const { scheduledTime, date } = parseEvent(nightlyEventSchema, event);
    return runJob(deps, scheduledTime, async ({ ports, config }) => {
      const result = await runNightly(ports, {
        date: date ?? dayBeforeInstant(scheduledTime, config.timezone),
        config,
      });
      // The alarm on this metric tells the operator that yesterday's exports never arrived.
      deps.metrics.addMetric('DaysWithoutExports', MetricUnit.Count, result.report.inputs.records === 0 ? 1 : 0);
      return { report: result.report, reportJson: result.delivered.reportJson, mails: result.delivered.mails.length };
    });
  };
}

export const handler = nightlyHandler(lambdaDeps());
