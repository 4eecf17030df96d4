/**
 * The frame both handlers run in: read the environment once, parse the event, build the ports, run
 * the job with the scheduled time as correlation id, log one summary and publish its metrics. A job
 * that fails raises after logging, so Lambda's retries, the DLQ and the error alarm see it.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { z } from 'zod';
import type { Config } from '../engine/config.js';
import type { Report } from '../engine/report-schema.js';
import type { RunResult } from '../pipeline/nightly.js';
import type { Clock } from '../pipeline/ports.js';
import type { ScanEstimate } from '../sql/athena-scan.js';
import { type AwsClients, type AwsPorts, awsPorts, defaultClients, loadConfig } from './aws-ports.js';
import { type HandlerEnvironment, readEnvironment } from './environment.js';

/** What a handler is built from; tests pass clients pointed at local servers and a fixed clock. */
export interface HandlerDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clients: () => AwsClients;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly athenaTimeoutMs?: number;
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
    metrics: new Metrics({ namespace: 'Vigie', serviceName: 'vigie' }),
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

/** Runs one job in the handler frame; `job` returns the report it delivered and how many mails it sent. */
export async function runJob(
  deps: HandlerDeps,
  correlationId: string,
  job: (context: { readonly ports: AwsPorts; readonly config: Config; readonly env: HandlerEnvironment }) => Promise<{
    readonly report: Report;
    readonly reportJson: string;
    readonly mails: number;
    readonly predicted?: ScanEstimate;
    readonly compaction?: RunResult['compaction'];
  }>,
): Promise<JobSummary> {
  const { logger, metrics } = deps;
  logger.appendKeys({ correlation_id: correlationId });
  try {
    const env = readEnvironment(deps.env);
    const clients = deps.clients();
    const config = await loadConfig(env, clients.s3);
    const ports = awsPorts(env, clients, deps.clock, {
      ...(deps.athenaTimeoutMs === undefined ? {} : { athenaTimeoutMs: deps.athenaTimeoutMs }),
      // One line per query: its cost is visible per query, not only in the run's total.
      logQuery: ({ sql, ...stats }) => logger.info('athena query', { ...stats, sql: sql.slice(0, 200) }),
    });
    const { report, reportJson, mails, predicted, compaction } = await job({ ports, config, env });
    // A failed compaction costs nothing today (its partitions are read from their exports) but is worth a look.
    for (const failure of compaction?.failed ?? []) logger.warn('compaction failed', failure);
    const totals = ports.runner.totals;
    const summary: JobSummary = {
      correlationId,
      period: `${report.period.kind} ${report.period.start}`,
      reportJson,
      mails,
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
    metrics.addMetric('RejectedRecords', MetricUnit.Count, summary.rejected);
    metrics.addMetric('MailsSent', MetricUnit.Count, mails);
    metrics.addMetric('AthenaBytesScanned', MetricUnit.Bytes, totals.bytesScanned);
    logger.info('run finished', { summary });
    return summary;
  } catch (error) {
    logger.error('run failed', error instanceof Error ? error : String(error));
    throw error;
  } finally {
    metrics.publishStoredMetrics();
    logger.removeKeys(['correlation_id']);
  }
}
