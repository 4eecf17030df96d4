/**
 * The nightly job for one local day: stage exports → read facts → report → render → deliver → archive.
 * It also re-reads the lookback window's partitions, refiles any past day whose exports changed (late
 * data), and names those days in the report as revised. It takes its ports as arguments and never
 * reads the clock, the environment or the disk itself.
 */
import type { Config } from '../engine/config.js';
import type { PeriodFacts } from '../engine/facts.js';
import { reportPeriod } from '../engine/period-report.js';
import { dayPeriod, type Period, utcDatesBetween } from '../engine/periods.js';
import { type Report, reportSchema } from '../engine/report.js';
import { type Delivered, deliverReport } from './deliver.js';
import { factsFingerprint, loadDayFacts, saveDayFacts, sourcesHash } from './facts-store.js';
import { filesOfDay, summarizeInputs } from './inputs.js';
import type { Clock, Mailer, ObjectStore, QueryEngine, Reject, StageResult } from './ports.js';
import { type FactsOptions, readPeriodFacts } from './read-facts.js';

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
  /** Past days of the lookback window whose facts were rebuilt because their exports changed. */
  readonly revised: readonly string[];
}

/** Archive key of a period's folder: `reports/day/2026-11-22`. */
export function reportFolder(period: Pick<Period, 'kind' | 'startDate'>): string {
  return `reports/${period.kind}/${period.startDate}`;
}

/** The facts SQL's parameters from configuration. */
export function factsOptions(config: Config): FactsOptions {
  return {
    thresholds: {
      serviceLevelSeconds: config.thresholds.service_level_s,
      shortAbandonSeconds: config.thresholds.short_abandon_s,
      socialReplySeconds: config.thresholds.social_reply_s,
    },
    keywords: config.keywords,
    verbatims: config.verbatims,
  };
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

/**
 * Builds and files the facts of each day whose stored facts are missing, stale or built from other
 * exports; returns the facts of every day and the past days that changed.
 */
export async function fileDays(
  ports: Pick<RunPorts, 'engine' | 'archive'>,
  args: {
    readonly days: readonly Period[];
    readonly stage: StageResult;
    readonly config: Config;
    readonly rebuild: (p: Period) => boolean;
  },
): Promise<{ readonly facts: ReadonlyMap<string, PeriodFacts>; readonly revised: readonly string[] }> {
  const fingerprint = factsFingerprint(args.config);
  const facts = new Map<string, PeriodFacts>();
  const revised: string[] = [];
  for (const day of args.days) {
    const sources = sourcesHash(filesOfDay(args.stage.files, utcDatesBetween(day.start, day.end)));
    const stored = await loadDayFacts(ports.archive, day.startDate, fingerprint);
    if (stored !== null && stored.sources === sources && !args.rebuild(day)) {
      facts.set(day.startDate, stored.facts);
      continue;
    }
    const fresh = await readPeriodFacts(ports.engine, day, factsOptions(args.config));
    await saveDayFacts(ports.archive, {
      format: 1,
      date: day.startDate,
      timezone: day.timezone,
      fingerprint,
      sources,
      facts: fresh,
    });
    if (stored !== null && stored.sources !== sources) revised.push(day.startDate);
    facts.set(day.startDate, fresh);
  }
  return { facts, revised };
}

/** Runs the nightly job for one local day. */
export async function runNightly(
  ports: RunPorts,
  request: { readonly date: string; readonly config: Config },
): Promise<RunResult> {
  const { config } = request;
  const period = dayPeriod(request.date, config.timezone);
  const days: Period[] = [];
  for (let back = config.lookback_days; back >= 1; back--) {
    days.push(
      dayPeriod(new Date((period.start - back * 86_400 + 43_200) * 1000).toISOString().slice(0, 10), config.timezone),
    );
  }
  days.push(period);
  const now = ports.clock.now();
  const partitions = [...new Set(days.flatMap((d) => utcDatesBetween(d.start, d.end)))].sort();
  const stage = await ports.engine.stageExports({ partitions, now: Math.floor(now.getTime() / 1000) });
  const filed = await fileDays(ports, { days, stage, config, rebuild: (p) => p.startDate === period.startDate });
  const facts = filed.facts.get(period.startDate);
  if (facts === undefined) throw new Error(`no facts were built for ${period.startDate}`);
  const inputs = summarizeInputs(stage, utcDatesBetween(period.start, period.end));
  // The schema guards the contract: a report that does not match it is a bug, not a partial result.
  const report = reportSchema.parse(reportPeriod({ facts, period, config, inputs, generatedAt: now }));
  const rejectFiles = await archiveRejects(ports.archive, stage.rejects);
  const delivered = await deliverReport(ports, { report, folder: reportFolder(period), config, now });
  return { report, delivered, rejectFiles, revised: filed.revised };
}
