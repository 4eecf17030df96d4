/**
 * The frame both handlers run in: read the environment once, parse the event, build the ports with the
 * invocation's time budget, run the job with the scheduled time as correlation id, log one summary and
 * publish its metrics. A job that fails — or leaves a mail unsent — raises after logging and after
 * stopping any Athena query still running, so Lambda's retry, the failure queue and the alarms see it.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { z } from 'zod';
import { lambdaRunIdentity } from '../adapters/run-identity.js';
import type { Config } from '../engine/config.js';
import type { Report } from '../engine/report-schema.js';
import type { Delivered } from '../pipeline/deliver.js';
import type { RunResult } from '../pipeline/nightly.js';
import type { Clock } from '../pipeline/ports.js';
import { TimeBudget, type TimeBudgetOptions } from '../pipeline/time-budget.js';
import type { ScanEstimate } from '../sql/athena-scan.js';
import { type AwsClients, type AwsPorts, awsPorts, defaultClients, loadConfig } from './aws-ports.js';
import { type HandlerEnvironment, readEnvironment } from './environment.js';
import { METRIC_NAMESPACE, METRICS } from './metrics.js';

/** What a handler is built from; tests pass clients pointed at local servers and a fixed clock. */
export interface HandlerDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clients: () => AwsClients;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly athenaTimeoutMs?: number;
  /** How the invocation's remaining time is spent (the finish time kept after the last query). */
  readonly budget?: TimeBudgetOptions;
}

/** What a handler reads of Lambda's context object: the time it has left, and who it is (for claims). */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
  readonly functionName?: string;
  readonly awsRequestId?: string;
}

/** A run delivered its report but left mails unsent; the message names each recipient and the period. */
export class UnsentMailError extends Error {
  override readonly name = 'UnsentMailError';
}

/** The dependencies of a handler running in Lambda. */
export function lambdaDeps(): HandlerDeps {
  let clients: AwsClients | undefined;
  return {
    env: process.env,
    // Built on first use: importing a handler must not need a region or credentials.
    clients: () => {
      clients ??= defaultClients();
      return clients;
    },
    clock: { now: () => new Date() },
    logger: new Logger({ serviceName: 'vigie' }),
    metrics: new Metrics({ namespace: METRIC_NAMESPACE, serviceName: 'vigie' }),
  };
}

/** The event could not be used (e.g. a schedule without its time): retrying will not help. */
export class EventError extends Error {
  override readonly name = 'EventError';
}

/** Parses an event, or throws one line naming the field at fault. */
export function parseEvent<S extends z.ZodType>(schema: S, event: unknown): z.output<S> {
  const parsed = schema.safeParse(event);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new EventError(`event.${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
}

/** What a handler returns and logs. */
export interface JobSummary {
  readonly correlationId: string;
  readonly period: string;
  readonly reportJson: string;
  readonly mails: number;
  /** Mails left unsent (another sender's claim); more than 0 fails the run after this summary is logged. */
  readonly unsent: number;
  readonly records: number;
  readonly rejected: number;
  readonly athena: {
    readonly queries: number;
    readonly bytesScanned: number;
    readonly costUsd: number;
    /** The nightly job's prediction from its files' sizes, beside what Athena reported; `null` for digests. */
    readonly predicted: ScanEstimate | null;
  };
  /** Partitions read from their compacted copy, compacted by this run, and kinds whose compaction failed; `null` for digests. */
  readonly compaction: { readonly read: number; readonly written: number; readonly failed: number } | null;
}

/** What a job hands to the frame. */
export interface JobContext {
  readonly ports: AwsPorts;
  readonly config: Config;
  readonly env: HandlerEnvironment;
}

/**
 * Runs `job` in the handler frame: environment, config and ports (with the invocation's time budget when
 * Lambda's context is given); logs a failure, and on the way out stops every Athena query still running
 * and publishes the metrics.
 */
export async function inFrame<T>(
  deps: HandlerDeps,
  correlationId: string,
  lambda: LambdaContext | undefined,
  job: (context: JobContext) => Promise<T>,
): Promise<T> {
  const { logger, metrics } = deps;
  logger.appendKeys({ correlation_id: correlationId });
  let ports: AwsPorts | undefined;
  try {
    const env = readEnvironment(deps.env);
    const clients = deps.clients();
    const config = await loadConfig(env, clients.s3);
    const budget =
      lambda === undefined
        ? undefined
        : new TimeBudget({ remainingMs: () => lambda.getRemainingTimeInMillis() }, deps.budget);
    ports = awsPorts(env, clients, deps.clock, {
      ...(deps.athenaTimeoutMs === undefined ? {} : { athenaTimeoutMs: deps.athenaTimeoutMs }),
      ...(budget === undefined ? {} : { budget }),
      // One line per query: its cost is visible per query, not only in the run's total.
      logQuery: ({ sql, ...stats }) => logger.info('athena query', { ...stats, sql: sql.slice(0, 200) }),
      connect: config.connect,
    });
    // Claims name this invocation: a retry takes over at once what its crashed predecessor claimed
    // (reserved concurrency 1: another request of this function has ended; docs/decisions/0003).
    if (lambda?.functionName !== undefined && lambda.awsRequestId !== undefined)
      ports = { ...ports, identity: lambdaRunIdentity(lambda.functionName, lambda.awsRequestId) };
    return await job({ ports, config, env });
  } catch (error) {
    logger.error('run failed', error instanceof Error ? error : String(error));
    throw error;
  } finally {
    // A query of a failed run (or of a stage worker still going) would bill on after the process is frozen.
    const stopped = (await ports?.runner.stopAll('the run has ended')) ?? [];
    if (stopped.length > 0) logger.warn('athena queries stopped', { queryIds: stopped });
    metrics.publishStoredMetrics();
    logger.removeKeys(['correlation_id']);
  }
}

/** The error for mails a run left unsent, naming each recipient, or `null` when every mail went out. */
export function unsentMailError(period: Report['period'], unsent: Delivered['unsent']): UnsentMailError | null {
  if (unsent.length === 0) return null;
  const which = `${period.kind} ${period.start}${period.end === period.start ? '' : ` → ${period.end}`}`;
  const list = unsent.map((m) => `${m.to} (${m.key}: ${m.reason})`).join(', ');
  return new UnsentMailError(
    `${unsent.length} mail${unsent.length > 1 ? 's' : ''} of ${which} left unsent: ${list}. A retry of this invocation takes over a claim its crashed predecessor left, and sends them: redrive the failed event (docs/aws.md).`,
  );
}

/** Runs one report job in the handler frame; `job` returns the report it delivered. */
export async function runJob(
  deps: HandlerDeps,
  correlationId: string,
  job: (context: JobContext) => Promise<{
    readonly report: Report;
    readonly delivered: Pick<Delivered, 'reportJson' | 'mails' | 'unsent'>;
    readonly predicted?: ScanEstimate;
    readonly compaction?: RunResult['compaction'];
  }>,
  options: {
    readonly lambda?: LambdaContext | undefined;
    /** Published as 1 when the run ends with every mail sent. */
    readonly successMetric?: string;
  } = {},
): Promise<JobSummary> {
  const { logger, metrics } = deps;
  return inFrame(deps, correlationId, options.lambda, async ({ ports, config, env }) => {
    const { report, delivered, predicted, compaction } = await job({ ports, config, env });
    // A failed compaction costs nothing today (its partitions are read from their exports) but is worth a look.
    for (const failure of compaction?.failed ?? []) logger.warn('compaction failed', failure);
    const totals = ports.runner.totals;
    const summary: JobSummary = {
      correlationId,
      period: `${report.period.kind} ${report.period.start}`,
      reportJson: delivered.reportJson,
      mails: delivered.mails.length,
      unsent: delivered.unsent.length,
      records: report.inputs.records,
      rejected: report.rejects.count,
      athena: {
        queries: totals.queries,
        bytesScanned: totals.bytesScanned,
        costUsd: totals.costUsd,
        predicted: predicted ?? null,
      },
      compaction:
        compaction === undefined || compaction === null
          ? null
          : { read: compaction.read.length, written: compaction.written.length, failed: compaction.failed.length },
    };
    metrics.addMetric(METRICS.rejectedRecords, MetricUnit.Count, summary.rejected);
    metrics.addMetric(METRICS.mailsSent, MetricUnit.Count, summary.mails);
    metrics.addMetric(METRICS.unsentMails, MetricUnit.Count, summary.unsent);
    metrics.addMetric(METRICS.athenaBytesScanned, MetricUnit.Bytes, totals.bytesScanned);
    logger.info('run finished', { summary });
    const unsent = unsentMailError(report.period, delivered.unsent);
    if (unsent !== null) throw unsent;
    if (options.successMetric !== undefined) metrics.addMetric(options.successMetric, MetricUnit.Count, 1);
    return summary;
  });
}
