/**
 * Backfill: files the facts of every local day in [from, to] that the store does not hold yet, or holds
 * from other exports than its partitions hold now (a late file: the command a report's `late_days`
 * names), a week of partitions per stage, so a re-run after an interruption resumes where it stopped.
 */
import type { Config } from '../engine/config.js';
import { dayPeriod, daysOf, type Period } from '../engine/periods.js';
import { loadFiledDay } from './facts-store.js';
import { fileFromExports } from './filing.js';
import { changedDays } from './late-days.js';
import type { RunPorts } from './ports.js';

/** Progress after each chunk: days done out of the total, and the last day filed. */
export interface BackfillProgress {
  readonly done: number;
  readonly total: number;
  readonly lastDay: string;
}

export interface BackfillResult {
  readonly filed: readonly string[];
  /** Of the days filed, those that were in the store from other exports (restated). */
  readonly restated: readonly string[];
  /** Days already in the store, from the exports their partitions hold, left as they were. */
  readonly skipped: readonly string[];
  readonly bytes: number;
}

/** Files the facts of the days of [from, to] missing from the store or filed from other exports. */
export async function runBackfill(
  ports: Pick<RunPorts, 'engine' | 'archive' | 'clock'>,
  request: {
    readonly from: string;
    readonly to: string;
    readonly config: Config;
    readonly chunkDays?: number;
    readonly onProgress?: (progress: BackfillProgress) => void;
  },
): Promise<BackfillResult> {
  const { config } = request;
  if (request.from > request.to) throw new RangeError(`--from ${request.from} is after --to ${request.to}`);
  const all = daysOf({ startDate: request.from, endDate: request.to }).map((date) => dayPeriod(date, config.timezone));
  const filedBefore: Period[] = [];
  const todo: Period[] = [];
  for (const day of all) {
    if ((await loadFiledDay(ports.archive, day.startDate, config)) === null) todo.push(day);
    else filedBefore.push(day);
  }
  const restated = new Set(await changedDays(ports, filedBefore));
  todo.push(...filedBefore.filter((d) => restated.has(d.startDate)));
  todo.sort((a, b) => a.start - b.start);
  const skipped = filedBefore.filter((d) => !restated.has(d.startDate)).map((d) => d.startDate);
  const chunk = Math.max(1, request.chunkDays ?? 7);
  let bytes = 0;
  const filed: string[] = [];
  for (let i = 0; i < todo.length; i += chunk) {
    const days = todo.slice(i, i + chunk);
    bytes += await fileFromExports(ports, days, config);
    filed.push(...days.map((d) => d.startDate));
    request.onProgress?.({ done: filed.length, total: todo.length, lastDay: days.at(-1)?.startDate ?? '' });
  }
  return { filed, restated: [...restated].sort(), skipped, bytes };
}
