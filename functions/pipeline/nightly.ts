/**
 * The nightly job for one local day: stage exports → read facts → report → render → deliver → archive.
 * It also re-reads the lookback window's partitions, refiles any past day whose exports changed (late
 * data), and names those days in the report as revised. It takes its ports as arguments and never
 * reads the clock, the environment or the disk itself.
 */
import type { Config } from '../engine/config.js';
import { dayPeriod, localDateOf, type Period, periodId, trailingPeriods, utcDatesBetween } from '../engine/periods.js';
import { type Report, reportSchema } from '../engine/report-schema.js';
import { estimateScan, type ScanEstimate } from '../sql/athena-scan.js';
import { type Delivered, deliverReport } from './deliver.js';
import {
  FACTS_FORMAT,
  factsFingerprint,
  foldedDay,
  hoursFingerprint,
  loadFiledDay,
  type StoredDayFacts,
  saveDayFacts,
  sourcesHash,
} from './facts-store.js';
import { filesOfDay, inputsByPartition } from './inputs.js';
import { applyAlerts, type BackfillCommand, composeReport, FactsReader } from './period-reports.js';
import type { Clock, Mailer, ObjectStore, QueryEngine, Reject, StageRequest, StageResult } from './ports.js';
import { type FactsOptions, factsQueries, readPeriodFacts } from './read-facts.js';

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
  /** What this run scans on Athena, predicted from its files' sizes (the same run wherever it ran). */
  readonly athenaEstimate: ScanEstimate;
  /** Partitions read from their compacted copy, compacted by this run, and compactions that failed. */
  readonly compaction: NonNullable<StageResult['compaction']> | null;
}

/** The reported day has no events at all: its exports never arrived (or hold only rejects). */
export class NoExportsError extends Error {
  override readonly name = 'NoExportsError';
  constructor(readonly date: string) {
    super(`no exports for ${date}: no contacts, surveys or agent days were read, nothing is reported or sent`);
  }
}

/** Archive key of a period's folder: `reports/day/2026-11-22`, `reports/week/2026-W47`, `reports/month/2026-11`. */
export function reportFolder(period: Pick<Period, 'kind' | 'startDate'>): string {
  return `reports/${period.kind}/${periodId(period)}`;
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
 * exports; returns the days that had been filed before from other exports (restated).
 */
export async function fileDays(
  ports: Pick<RunPorts, 'engine' | 'archive'>,
  args: {
    readonly days: readonly Period[];
    readonly stage: StageResult;
    readonly config: Config;
    readonly rebuild: (p: Period) => boolean;
  },
): Promise<{ readonly revised: readonly string[]; readonly filed: readonly StoredDayFacts[] }> {
  const fingerprint = factsFingerprint(args.config);
  const revised: string[] = [];
  const filed: StoredDayFacts[] = [];
  for (const day of args.days) {
    const sources = sourcesHash(filesOfDay(args.stage.files, utcDatesBetween(day.start, day.end)));
    // A day rebuilt anyway needs no look at what was filed before: it is never reported as revised.
    const rebuild = args.rebuild(day);
    const stored = rebuild ? null : await loadFiledDay(ports.archive, day.startDate, args.config);
    if (!rebuild && stored !== null && stored.sources === sources) continue;
    const fresh: StoredDayFacts = {
      format: FACTS_FORMAT,
      date: day.startDate,
      timezone: day.timezone,
      fingerprint,
      sources,
      inputs: inputsByPartition(args.stage, utcDatesBetween(day.start, day.end)),
      facts: await readPeriodFacts(ports.engine, day, factsOptions(args.config)),
    };
    const folded = foldedDay(fresh, args.config);
    await saveDayFacts(ports.archive, fresh, { hours: hoursFingerprint(args.config), facts: folded.facts });
    // What reports read of this day.
    filed.push(folded);
    // Only a past day that changed is news to the reader.
    if (stored !== null && stored.sources !== sources) revised.push(day.startDate);
  }
  return { revised, filed };
}

/**
 * What a stage is asked to compact (nothing unless the config enables it): partitions older than any
 * nightly run's look-back window re-reads for late data — the UTC date `lookback_days + 2` days before
 * `now` — are settled, whichever run (nightly, digest, backfill) reads them.
 */
export function compactionRequest(
  config: Pick<Config, 'compaction' | 'lookback_days'>,
  now: Date,
): Pick<StageRequest, 'compact'> {
  if (!config.compaction.enabled) return {};
  const before = localDateOf(Math.floor(now.getTime() / 1000) - (config.lookback_days + 2) * 86_400, 'UTC');
  return { compact: { before, atMost: config.compaction.max_partitions_per_run } };
}

/**
 * The files a stage's queries would scan on Athena: a partition read from its compacted copy counts its
 * Parquet bytes (an upper bound: Athena reads only the columns a query names) instead of its exports'.
 */
export function filesAsScanned(stage: StageResult): { readonly kind: string; readonly size: number }[] {
  const compacted = stage.compaction?.read ?? [];
  const read = new Set(compacted.map((p) => `${p.kind}/${p.dt}`));
  return [
    ...stage.files.filter((f) => !read.has(`${f.kind}/${f.dt}`)),
    ...compacted.map((p) => ({ kind: p.kind, size: p.bytes })),
  ];
}

/** The bytes each compaction query of a stage reads: one UNLOAD per kind, over its compacted partitions' exports. */
function compactionScans(stage: StageResult): number[] {
  const byKind = new Map<string, number>();
  for (const p of stage.compaction?.written ?? []) byKind.set(p.kind, (byKind.get(p.kind) ?? 0) + p.sourceBytes);
  return [...byKind.values()];
}

/** Runs the nightly job for one local day. */
export async function runNightly(
  ports: RunPorts,
  request: {
    readonly date: string;
    readonly config: Config;
    /** The command the report names to fill the trend's missing days. */
    readonly backfillCommand?: BackfillCommand;
  },
): Promise<RunResult> {
  const { config } = request;
  const period = dayPeriod(request.date, config.timezone);
  // The day itself and the lookback window before it, oldest first.
  const days = trailingPeriods(period, config.lookback_days + 1);
  const now = ports.clock.now();
  const partitions = [...new Set(days.flatMap((d) => utcDatesBetween(d.start, d.end)))].sort();
  const stage = await ports.engine.stageExports({
    partitions,
    now: Math.floor(now.getTime() / 1000),
    ...compactionRequest(config, now),
  });
  const filed = await fileDays(ports, { days, stage, config, rebuild: (p) => p.startDate === period.startDate });
  const rejectFiles = await archiveRejects(ports.archive, stage.rejects);
  const reader = new FactsReader(ports.archive, config);
  // A 1M-contact day is 220 MB of JSON: reading back what was just written would cost seconds.
  for (const stored of filed.filed) reader.remember(stored);
  // An empty scorecard would read as a perfect day: a day without exports is a failure to look at.
  if ((await reader.day(period.startDate)) === null) throw new NoExportsError(period.startDate);
  const composed = await composeReport(reader, {
    period,
    config,
    now,
    distinct: async () => null,
    revised: filed.revised,
    ...(request.backfillCommand ? { backfillCommand: request.backfillCommand } : {}),
  });
  // The schema guards the contract: a report that does not match it is a bug, not a partial result.
  const report = reportSchema.parse(await applyAlerts(ports.archive, composed, config));
  const delivered = await deliverReport(ports, { report, folder: reportFolder(period), config, now });
  const athenaEstimate = estimateScan(
    filesAsScanned(stage),
    filed.filed.flatMap((day) =>
      factsQueries(dayPeriod(day.date, config.timezone), factsOptions(config)).map((q) => q.sql),
    ),
    compactionScans(stage),
  );
  return {
    report,
    delivered,
    rejectFiles,
    revised: filed.revised,
    athenaEstimate,
    compaction: stage.compaction ?? null,
  };
}
