/**
 * The nightly job for one local day: stage the day and its look-back window, file the days whose facts
 * are missing or whose exports changed (late data: "révisé"), compose the day's report, publish it.
 * It takes its ports as arguments and never reads the clock, the environment or the disk itself.
 */
import type { Config } from '../engine/config.js';
import { dayPeriod, previousPeriod, trailingPeriods } from '../engine/periods.js';
import type { Report } from '../engine/report-schema.js';
import { warmRenderer } from '../render/scorecard.js';
import { estimateScan, type ScanEstimate } from '../sql/athena-scan.js';
import { placementSql } from '../sql/ledger.js';
import type { DamagedFile } from './damage.js';
import type { Delivered } from './deliver.js';
import { archiveRejects, compactionScans, factsOptions, fileDays, filesAsScanned, stageDays } from './filing.js';
import { lateDays } from './late-days.js';
import type { RunPorts, StageResult } from './ports.js';
import { publishReport } from './publish.js';
import { factsQueries } from './read-facts.js';
import { type BackfillCommand, composeReport, DEFAULT_BACKFILL_COMMAND, FactsReader } from './stored-reports.js';

export type { RunPorts } from './ports.js';

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
  /** Files Vigie wrote that this run found damaged, and what it did instead. */
  readonly damaged: readonly DamagedFile[];
}

/** The reported day has no events at all: its exports never arrived (or hold only rejects). */
export class NoExportsError extends Error {
  override readonly name = 'NoExportsError';
  constructor(readonly date: string) {
    super(`no exports for ${date}: no contacts, surveys or agent days were read, nothing is reported or sent`);
  }
}

/** Runs the nightly job for one local day. */
export async function runNightly(
  ports: RunPorts,
  request: {
    readonly date: string;
    readonly config: Config;
    readonly inFlightWaitMs?: number;
    /**
     * How the report spells the command that files days: a late day's restatement, the trend's gaps
     * (default: `vigie backfill --exports <exports> --from D --to D`).
     */
    readonly backfillCommand?: BackfillCommand;
    /** The scheduled run's identity (its scheduled time): its retries do not file the day again. */
    readonly run?: string;
  },
): Promise<RunResult> {
  const { config } = request;
  const damaged: DamagedFile[] = [];
  const note = (d: DamagedFile): void => void damaged.push(d);
  const period = dayPeriod(request.date, config.timezone);
  // The day itself and the lookback window before it, oldest first.
  const days = trailingPeriods(period, config.lookback_days + 1);
  const now = ports.clock.now();
  // The night ends with a render: MJML loads while DuckDB stages the exports.
  warmRenderer();
  // Tickets, customers, orders and costs through their state snapshot: a night reads what changed, not the history.
  const stage = await stageDays(ports, days, config, note, { snapshot: true });
  const filed = await fileDays(ports, {
    days,
    stage,
    config,
    rebuild: (p) => p.startDate === period.startDate,
    note,
    run: request.run,
  });
  const rejectFiles = await archiveRejects(ports.archive, stage.rejects);
  const reader = new FactsReader(ports.archive, config, note);
  // A 1M-contact day is 220 MB of JSON: reading back what was just written would cost seconds.
  for (const stored of filed.filed) reader.remember(stored);
  // An empty scorecard would read as a perfect day: a day without exports is a failure to look at.
  if ((await reader.day(period.startDate)) === null) throw new NoExportsError(period.startDate);
  // Days no night re-reads any more: a file that changed there since they were filed is named, not read.
  const settled =
    config.late_check_days === 0 ? [] : trailingPeriods(previousPeriod(days[0] ?? period), config.late_check_days);
  const backfillCommand = request.backfillCommand ?? DEFAULT_BACKFILL_COMMAND;
  const late = await lateDays(ports, settled, (date) => backfillCommand(date, date), note);
  const composed = await composeReport(reader, {
    period,
    config,
    now,
    distinct: async () => null,
    revised: filed.revised,
    covered: days.map((d) => d.startDate),
    lateDays: late,
    backfillCommand,
  });
  const { report, delivered } = await publishReport(ports, {
    composed,
    period,
    config,
    now,
    note,
    inFlightWaitMs: request.inFlightWaitMs,
  });
  const athenaEstimate = estimateScan(
    filesAsScanned(stage),
    [
      placementSql(),
      ...filed.filed.flatMap((day) =>
        factsQueries(dayPeriod(day.date, config.timezone), factsOptions(config)).map((q) => q.sql),
      ),
    ],
    { ...(stage.stagingScans === undefined ? {} : { staging: stage.stagingScans }), extra: compactionScans(stage) },
  );
  return {
    report,
    delivered,
    rejectFiles,
    revised: filed.revised,
    athenaEstimate,
    compaction: stage.compaction ?? null,
    damaged,
  };
}
