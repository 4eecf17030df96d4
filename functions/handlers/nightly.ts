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
      const day = date ?? dayBeforeInstant(scheduledTime, config.timezone);
      const result = await runNightly(ports, { date: day, config }).catch((error: unknown) => {
        // The alarm on this metric tells the operator that yesterday's exports never arrived.
        if (error instanceof NoExportsError) deps.metrics.addMetric('DaysWithoutExports', MetricUnit.Count, 1);
        throw error;
      });
      deps.metrics.addMetric('DaysWithoutExports', MetricUnit.Count, 0);
      return {
        report: result.report,
        reportJson: result.delivered.reportJson,
        mails: result.delivered.mails.length,
        predicted: result.athenaEstimate,
        compaction: result.compaction,
      };
    });
  };
}

export const handler = nightlyHandler(lambdaDeps());
