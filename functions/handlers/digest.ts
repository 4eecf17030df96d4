/**
 * Lambda entry point of the weekly and monthly digests, rolled up from the stored daily facts. The
 * scheduled time picks the period that just ended: Monday 07:00 → the ISO week to Sunday, the 1st
 * → the previous month.
 */
import { dayBeforeInstant, parsePeriod, periodContaining } from '../engine/periods.js';
import { runDigest } from '../pipeline/digest.js';
import { digestEventSchema } from './events.js';
import { METRICS } from './metrics.js';
import { type HandlerDeps, type JobSummary, type LambdaContext, lambdaDeps, parseEvent, runJob } from './run-job.js';

/** Builds the digest handler from its dependencies. */
export function digestHandler(deps: HandlerDeps): (event: unknown, context?: LambdaContext) => Promise<JobSummary> {
  return async (event, context) => {
    const { scheduledTime, digest, period } = parseEvent(digestEventSchema, event);
    return runJob(
      deps,
      scheduledTime,
      async ({ ports, config }) => {
        const chosen =
          period === undefined
            ? periodContaining(digest, dayBeforeInstant(scheduledTime, config.timezone), config.timezone)
            : parsePeriod(digest, period, config.timezone);
        // The nightly function (reserved concurrency 1) is the one writer of compacted partitions: a digest
        // that files missing days reads them but compacts nothing, so two runs never rewrite one manifest
        // (and the digest's role may not write under compacted/).
        const readOnly = { ...config, compaction: { ...config.compaction, enabled: false } };
        const result = await runDigest(ports, { period: chosen, config: readOnly });
        return { report: result.report, delivered: result.delivered };
      },
      { lambda: context, successMetric: METRICS.digestSucceeded },
    );
  };
}

export const handler = digestHandler(lambdaDeps());
