/**
 * Backfill: files the facts of every local day in [from, to] that the store does not hold yet, a week
 * of partitions per stage, so a re-run after an interruption resumes where it stopped.
 */
import type { Config } from '../engine/config.js';
import { dayPeriod, daysOf, type Period } from '../engine/periods.js';
import { loadFiledDay } from './facts-store.js';
import { fileFromExports } from './filing.js';
import type { RunPorts } from './ports.js';

/** Progress after each chunk: days done out of the total, and the last day filed. */
export interface BackfillProgress {
  readonly done: number;
  readonly total: number;
  readonly lastDay: string;
}

export interface BackfillResult {
  readonly filed: readonly string[];
  /** Days already in the store, left as they were. */
  readonly skipped: readonly string[];
  readonly bytes: number;
}

/** Files the facts of the days of [from, to] missing from the store. */
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
  const all = daysOf({ startDate: request.from, endDate: request.to });
  const todo: Period[] = [];
  const skipped: string[] = [];
  for (const date of all) {
    if ((await loadFiledDay(ports.archive, date, config)) === null) todo.push(dayPeriod(date, config.timezone));
    else skipped.push(date);
  }
  const chunk = Math.max(1, request.chunkDays ?? 7);
  let bytes = 0;
  const filed: string[] = [];
  for (let i = 0; i < todo.length; i += chunk) {
    const days = todo.slice(i, i + chunk);
    bytes += await fileFromExports(ports, days, config);
    filed.push(...days.map((d) => d.startDate));
    request.onProgress?.({ done: filed.length, total: todo.length, lastDay: days.at(-1)?.startDate ?? '' });
  }
  return { filed, skipped, bytes };
}
