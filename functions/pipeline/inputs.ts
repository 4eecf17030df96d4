/** What a report says about its inputs: files, records, duplicates and rejects of its own partitions. */
import type { InputSummary } from '../engine/period-report.js';
import { EXPORT_SCHEMA, type ExportKind } from '../sql/exports-schema.js';
import type { ExportFileInfo, StageResult } from './ports.js';

/** Input figures of the given partitions (a stage may have read more, e.g. a lookback window). */
export function summarizeInputs(stage: StageResult, partitions: readonly string[]): InputSummary {
  const own = new Set(partitions);
  const rejectsByReason: Record<string, number> = {};
  for (const r of stage.rejects) {
    if (r.dt === null || !own.has(r.dt)) continue;
    rejectsByReason[r.reason] = (rejectsByReason[r.reason] ?? 0) + 1;
  }
  let records = 0;
  let duplicates = 0;
  for (const dt of own) {
    records += stage.recordsByPartition[dt] ?? 0;
    duplicates += stage.duplicatesByPartition[dt] ?? 0;
  }
  return {
    files: stage.files.filter((f) => own.has(f.dt)).length,
    records,
    duplicates,
    rejectsByReason,
  };
}

/**
 * The files a day's facts depend on: its own partitions for kinds partitioned by the day's events,
 * and every partition up to its end for history kinds (a ticket created last month, resolved today).
 */
export function filesOfDay(files: readonly ExportFileInfo[], partitions: readonly string[]): ExportFileInfo[] {
  const own = new Set(partitions);
  const last = [...partitions].sort().at(-1) ?? '';
  return files.filter((f) => {
    const spec = EXPORT_SCHEMA[f.kind as ExportKind];
    return spec?.reach === 'history' ? f.dt <= last : own.has(f.dt);
  });
}
