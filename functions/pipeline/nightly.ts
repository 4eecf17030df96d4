/**
 * The nightly job for one local day: stage exports → read facts → report → render → deliver → archive.
 * It takes its ports as arguments and never reads the clock, the environment or the disk itself.
 */
import type { Config } from '../engine/config.js';
import { dayPeriod, type Period, utcDatesBetween } from '../engine/periods.js';
import { reportPeriod } from '../engine/period-report.js';
import { type Report, reportSchema } from '../engine/report.js';
import { type Delivered, deliverReport } from './deliver.js';
import type { Clock, Mailer, ObjectStore, QueryEngine, Reject } from './ports.js';
import { readPeriodFacts } from './read-facts.js';

/** The ports a run needs. */
export interface RunPorts {
  readonly engine: QueryEngine;
  readonly archive: ObjectStore;
  readonly mailer: Mailer;
  readonly clock: Clock;
}

/** What a run leaves behind, for the caller to print or log. */
export interface RunResult {
  readonly report: Report;
  readonly delivered: Delivered;
  readonly rejectFiles: readonly string[];
}

/** Archive key of a period's folder: `reports/day/2026-11-22`. */
export function reportFolder(period: Pick<Period, 'kind' | 'startDate'>): string {
  return `reports/${period.kind}/${period.startDate}`;
}

/** Writes rejects as NDJSON per kind and partition: `rejects/<kind>/dt=<date>/rejects.ndjson`. */
export async function archiveRejects(archive: ObjectStore, rejects: readonly Reject[]): Promise<string[]> {
  const groups = new Map<string, Reject[]>();
  for (const r of rejects) {
    const key = `rejects/${r.kind}/dt=${r.dt ?? 'unknown'}/rejects.ndjson`;
    const group = groups.get(key) ?? [];
    group.push(r);
    groups.set(key, group);
  }
  const written: string[] = [];
  for (const [key, group] of groups) {
    const lines = group.map((r) => JSON.stringify({ file: r.file, line: r.line, reason: r.reason, raw: r.raw }));
    // The whole partition is re-read each time, so rewriting its rejects file is idempotent.
    await archive.put(key, `${lines.join('\n')}\n`, 'application/x-ndjson');
    written.push(archive.locate(key));
  }
  return written;
}

/** Runs the nightly job for one local day. */
export async function runNightly(ports: RunPorts, request: { readonly date: string; readonly config: Config }): Promise<RunResult> {
  const { config } = request;
  const period = dayPeriod(request.date, config.timezone);
  const now = ports.clock.now();
  const stage = await ports.engine.stageExports({
    partitions: utcDatesBetween(period.start, period.end),
    now: Math.floor(now.getTime() / 1000),
  });
  const facts = await readPeriodFacts(ports.engine, period, {
    thresholds: {
      serviceLevelSeconds: config.thresholds.service_level_s,
      shortAbandonSeconds: config.thresholds.short_abandon_s,
      socialReplySeconds: config.thresholds.social_reply_s,
    },
    keywords: config.keywords,
    verbatims: config.verbatims,
  });
  // The schema guards the contract: a report that does not match it is a bug, not a partial result.
  const report = reportSchema.parse(reportPeriod({ facts, period, config, inputs: stage, generatedAt: now }));
  const rejectFiles = await archiveRejects(ports.archive, stage.rejects);
  const delivered = await deliverReport(ports, { report, folder: reportFolder(period), config, now });
  return { report, delivered, rejectFiles };
}
