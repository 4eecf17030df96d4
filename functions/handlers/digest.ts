/**
 * Lambda entry point of the weekly and monthly digests, rolled up from the stored daily facts. The
 * scheduled time picks the period that just ended: Monday 07:00 → the ISO week to Sunday, the 1st
 * 07:00 → the previous month.
 */
import { dayBeforeInstant, parsePeriod, periodContaining } from '../engine/periods.js';
import { runDigest } from '../pipeline/digest.js';
import { digestEventSchema } from './events.js';
import { type HandlerDeps, type JobSummary, lambdaDeps, parseEvent, runJob } from './run-job.js';

/** Builds the digest handler from its dependencies. */
export function digestHandler(deps: HandlerDeps): (event: unknown) => Promise<JobSummary> {
  return async (event) => {
    const { scheduledTime, digest, period } = parseEvent(digestEventSchema, event);
    return runJob(deps, scheduledTime, async ({ ports, config }) => {
      const chosen =
        period === undefined
          ? periodContaining(digest, dayBeforeInstant(scheduledTime, config.timezone), config.timezone)
          : parsePeriod(digest, period, config.timezone);
      // The nightly function (reserved concurrency 1) is the one writer of compacted partitions: a digest
      // that files missing days reads them but compacts nothing, so two runs never rewrite one manifest.
      const readOnly = { ...config, compaction: { ...config.compaction, enabled: false } };
      const result = await runDigest(ports, { period: chosen, config: readOnly });
      return { report: result.report, reportJson: result.delivered.reportJson, mails: result.delivered.mails.length };
    });
  };
}

export const handler = digestHandler(lambdaDeps());
