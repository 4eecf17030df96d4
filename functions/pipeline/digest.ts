/**
 * Weekly and monthly digests, rolled up from stored daily facts. Raw exports are read for two things
 * only, and the bytes are reported: days missing from the store (or damaged there) are filed first, and
 * one targeted query over the small `orders` export gives the period's distinct repeat buyers.
 */
import type { Config } from '../engine/config.js';
import {
  dayPeriod,
  daysOf,
  localDate,
  type Period,
  periodContaining,
  previousPeriod,
  utcDatesBetween,
} from '../engine/periods.js';
import type { Report } from '../engine/report-schema.js';
import type { PeriodDistinct } from '../engine/rollup.js';
import { warmRenderer } from '../render/scorecard.js';
import { repeatBuyersSql } from '../sql/facts.js';
import type { DamagedFile } from './damage.js';
import type { Delivered } from './deliver.js';
import { fileFromExports } from './filing.js';
import { changedDays } from './late-days.js';
import type { RunPorts } from './ports.js';
import { publishReport } from './publish.js';
import { type BackfillCommand, composeReport, FactsReader } from './stored-reports.js';

/** What a digest leaves behind and what it read. */
export interface DigestResult {
  readonly report: Report;
  readonly delivered: Delivered;
  /** Days that were missing from the store (damaged there, or filed from other exports) and were filed first. */
  readonly filed: readonly string[];
  /** Raw export bytes read to file missing days (0 when the nightly runs filed them all). */
  readonly filingBytes: number;
  /** Raw export bytes read by the targeted distinct-buyers query. */
  readonly targetedBytes: number;
  /** Files Vigie wrote that this run found damaged, and what it did instead. */
  readonly damaged: readonly DamagedFile[];
}

/** Runs the digest of a week or a month. */
export async function runDigest(
  ports: RunPorts,
  request: {
    readonly period: Period;
    readonly config: Config;
    readonly inFlightWaitMs?: number;
    /** The command the report names to fill the trend's missing periods. */
    readonly backfillCommand?: BackfillCommand;
  },
): Promise<DigestResult> {
  const { period, config } = request;
  const damaged: DamagedFile[] = [];
  const note = (d: DamagedFile): void => void damaged.push(d);
  const now = ports.clock.now();
  const reader = new FactsReader(ports.archive, config, note);
  // The digest ends with a render: MJML loads while the facts are read and filed.
  warmRenderer();
  // The period and the one before it (for deltas) must be filed, from the exports as they are now; older
  // trailing periods are optional. A day whose exports changed since it was filed is filed again (révisé).
  const needed: string[] = [];
  const both = [previousPeriod(period), period];
  for (const p of both) needed.push(...(await reader.missingDays(p)), ...(await reader.damagedDays(p)));
  const changed = await changedDays(
    ports,
    both.flatMap((p) => daysOf(p).map((date) => dayPeriod(date, config.timezone))),
    note,
  );
  const todo = [...new Set([...needed, ...changed])].sort();
  const filingBytes = await fileFromExports(
    ports,
    todo.map((date) => dayPeriod(date, config.timezone)),
    config,
    note,
  );
  const filed: string[] = [];
  for (const date of todo) {
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
    revised: changed,
    ...(request.backfillCommand ? { backfillCommand: request.backfillCommand } : {}),
  });
  const { report, delivered } = await publishReport(ports, {
    composed,
    period,
    config,
    now,
    note,
    inFlightWaitMs: request.inFlightWaitMs,
  });
  return { report, delivered, filed, filingBytes, targetedBytes, damaged };
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
