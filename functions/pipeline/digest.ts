/**
 * Weekly and monthly digests, rolled up from stored daily facts. Raw exports are read for two things
 * only, and the bytes are reported: days missing from the store are filed first (as a backfill would),
 * and one targeted query over the small `orders` export gives the period's distinct repeat buyers.
 */
import type { Config } from '../engine/config.js';
import {
  dayPeriod,
  localDate,
  type Period,
  periodContaining,
  previousPeriod,
  utcDatesBetween,
} from '../engine/periods.js';
import { type Report, reportSchema } from '../engine/report-schema.js';
import type { PeriodDistinct } from '../engine/rollup.js';
import { repeatBuyersSql } from '../sql/facts.js';
import { type Delivered, deliverReport } from './deliver.js';
import { archiveRejects, compactionRequest, fileDays, type RunPorts, reportFolder } from './nightly.js';
import { applyAlerts, type BackfillCommand, composeReport, FactsReader } from './period-reports.js';

/** What a digest leaves behind and what it read. */
export interface DigestResult {
  readonly report: Report;
  readonly delivered: Delivered;
  /** Days that were missing from the store and were filed from exports first. */
  readonly filed: readonly string[];
  /** Raw export bytes read to file missing days (0 when the nightly runs filed them all). */
  readonly filingBytes: number;
  /** Raw export bytes read by the targeted distinct-buyers query. */
  readonly targetedBytes: number;
}

/** Files the given days from exports (one stage over their partitions); returns the bytes read. */
export async function fileMissingDays(
  ports: Pick<RunPorts, 'engine' | 'archive' | 'clock'>,
  days: readonly Period[],
  config: Config,
): Promise<number> {
  if (days.length === 0) return 0;
  const partitions = [...new Set(days.flatMap((d) => utcDatesBetween(d.start, d.end)))].sort();
  const now = ports.clock.now();
  const stage = await ports.engine.stageExports({
    partitions,
    now: Math.floor(now.getTime() / 1000),
    ...compactionRequest(config, now),
  });
  await fileDays(ports, { days, stage, config, rebuild: () => true });
  await archiveRejects(ports.archive, stage.rejects);
  return stage.files.reduce((sum, f) => sum + f.size, 0);
}

/** Runs the digest of a week or a month. */
export async function runDigest(
  ports: RunPorts,
  request: {
    readonly period: Period;
    readonly config: Config;
    /** The command the report names to fill the trend's missing periods. */
    readonly backfillCommand?: BackfillCommand;
  },
): Promise<DigestResult> {
  const { period, config } = request;
  const now = ports.clock.now();
  const reader = new FactsReader(ports.archive, config);
  // The period and the one before it (for deltas) must be filed; older trailing periods are optional.
  const needed = [...(await reader.missingDays(previousPeriod(period))), ...(await reader.missingDays(period))];
  const filingBytes = await fileMissingDays(
    ports,
    needed.map((date) => dayPeriod(date, config.timezone)),
    config,
  );
  const filed: string[] = [];
  for (const date of needed) {
    reader.forget(date);
    if ((await reader.day(date)) !== null) filed.push(date);
  }

  // Distinct buyers cannot be summed over days: one query over the orders export, for each period.
  const stage = await ports.engine.stageExports({
    partitions: utcDatesBetween(period.start, period.end),
    now: Math.floor(now.getTime() / 1000),
    kinds: ['orders'],
  });
  const targetedBytes = stage.files.reduce((sum, f) => sum + f.size, 0);
  const distinct = async (p: Period): Promise<PeriodDistinct | null> => {
    if (p.end > period.end) return null;
    const text = repeatBuyersSql({ start: p.start, end: p.end });
    const [row] = await ports.engine.query(text.sql, text.params);
    return { buyers: Number(row?.buyers ?? 0), repeatBuyers: Number(row?.repeat_buyers ?? 0) };
  };
  const composed = await composeReport(reader, {
    period,
    config,
    now,
    distinct,
    ...(request.backfillCommand ? { backfillCommand: request.backfillCommand } : {}),
  });
  const report = reportSchema.parse(await applyAlerts(ports.archive, composed, config));
  const delivered = await deliverReport(ports, { report, folder: reportFolder(period), config, now });
  return { report, delivered, filed, filingBytes, targetedBytes };
}

/**
 * The digests a nightly run for `date` should also emit, as the schedule config says: on a Monday the
 * ISO week that ended on the Sunday, on the 1st the month that ended the day before.
 */
export function digestsDue(date: string, config: Pick<Config, 'timezone' | 'digests'>): Period[] {
  const day = dayPeriod(date, config.timezone);
  const yesterday = previousPeriod(day).startDate;
  const due: Period[] = [];
  if (config.digests.weekly_on_monday && localDate(date, config.timezone).weekday === 1) {
    due.push(periodContaining('week', yesterday, config.timezone));
  }
  if (config.digests.monthly_on_first && date.endsWith('-01'))
    due.push(periodContaining('month', yesterday, config.timezone));
  return due;
}
