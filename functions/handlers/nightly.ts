/**
 * Lambda entry point of the nightly job. EventBridge Scheduler calls it with the scheduled time,
 * which is the run's identity: the local day before it is the day reported, so a retry of the same
 * invocation reports the same day, queries no day already filed and sends nothing twice. An operator
 * may also invoke it with `{ "backfill": { "from", "to" } }` to file the days already in the exports.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { dayBeforeInstant } from '../engine/periods.js';
import { runBackfill } from '../pipeline/backfill.js';
import { NoExportsError, runNightly } from '../pipeline/nightly.js';
import { TimeBudgetError } from '../pipeline/time-budget.js';
import { type BackfillEvent, backfillEventSchema, nightlyEventSchema } from './events.js';
import { METRICS } from './metrics.js';
import {
  type HandlerDeps,
  inFrame,
  type JobSummary,
  type LambdaContext,
  lambdaDeps,
  parseEvent,
  runJob,
} from './run-job.js';

/** What a backfill invocation returns: done, or how far it got before its time ran out. */
export interface BackfillSummary {
  readonly correlationId: string;
  readonly from: string;
  readonly to: string;
  /** `false`: the invocation's time ran out; invoke again with the same payload to go on. */
  readonly complete: boolean;
  /** Days filed by this invocation (when incomplete, at least these: a chunk cut short may have filed some). */
  readonly filed: number;
  /** Days found already filed and left as they were. */
  readonly skipped: number;
  readonly athena: { readonly queries: number; readonly bytesScanned: number; readonly costUsd: number };
}

const isBackfill = (event: unknown): boolean => typeof event === 'object' && event !== null && 'backfill' in event;

/** Files the days of [from, to] missing from the store, within the invocation's time. */
async function backfill(
  deps: HandlerDeps,
  event: unknown,
  lambda: LambdaContext | undefined,
): Promise<BackfillSummary> {
  const { from, to } = parseEvent(backfillEventSchema, event).backfill;
  const correlationId = `backfill ${from} ${to}`;
  return inFrame(deps, correlationId, lambda, async ({ ports, config }) => {
    let filed = 0;
    let skipped = 0;
    let complete = true;
    try {
      const result = await runBackfill(ports, {
        from,
        to,
        config,
        onProgress: (progress) => {
          filed = progress.done;
          deps.logger.info('backfill progress', { ...progress });
        },
      });
      filed = result.filed.length;
      skipped = result.skipped.length;
    } catch (error) {
      // Out of time is the normal end of a long backfill's invocation: the next one resumes.
      if (!(error instanceof TimeBudgetError)) throw error;
      deps.logger.warn('backfill stopped: time budget', { reason: error.message, filed });
      complete = false;
    }
    const { queries, bytesScanned, costUsd } = ports.runner.totals;
    const summary: BackfillSummary = {
      correlationId,
      from,
      to,
      complete,
      filed,
      skipped,
      athena: { queries, bytesScanned, costUsd },
    };
    deps.logger.info('backfill finished', { summary });
    return summary;
  });
}

/** The nightly function: a backfill payload gets a BackfillSummary, a scheduled or manual run a JobSummary. */
export interface NightlyHandler {
  (event: BackfillEvent, context?: LambdaContext): Promise<BackfillSummary>;
  (event: unknown, context?: LambdaContext): Promise<JobSummary>;
}

/** Builds the nightly handler from its dependencies. */
export function nightlyHandler(deps: HandlerDeps): NightlyHandler {
  const handle = async (event: unknown, context?: LambdaContext): Promise<JobSummary | BackfillSummary> => {
    if (isBackfill(event)) return backfill(deps, event, context);
    const { scheduledTime, date } = parseEvent(nightlyEventSchema, event);
    return runJob(
      deps,
      scheduledTime,
      async ({ ports, config }) => {
        const day = date ?? dayBeforeInstant(scheduledTime, config.timezone);
        // A scheduled run is identified by its time, so its retries keep the day it filed; a manual re-run refiles.
        const request = { date: day, config, ...(date === undefined ? { run: scheduledTime } : {}) };
        const result = await runNightly(ports, request).catch((error: unknown) => {
          // The alarm on this metric tells the operator that yesterday's exports never arrived.
          if (error instanceof NoExportsError) deps.metrics.addMetric(METRICS.daysWithoutExports, MetricUnit.Count, 1);
          throw error;
        });
        deps.metrics.addMetric(METRICS.daysWithoutExports, MetricUnit.Count, 0);
        return {
          report: result.report,
          delivered: result.delivered,
          predicted: result.athenaEstimate,
          compaction: result.compaction,
        };
      },
      { lambda: context, successMetric: METRICS.nightlySucceeded },
    );
  };
  return handle as NightlyHandler;
}

export const handler = nightlyHandler(lambdaDeps());
