/** What a report says about its inputs: files, records, duplicates and rejects of its own partitions. */
import type { InputSummary } from '../engine/period-kpis.js';
import { EXPORT_SCHEMA, type ExportKind } from '../sql/exports-schema.js';
import type { ExportFileInfo, StageResult } from './ports.js';

/** Input figures of each of the given partitions. */
export function inputsByPartition(stage: StageResult, partitions: readonly string[]): Record<string, InputSummary> {
  const byDt: Record<
    string,
    { files: number; records: number; duplicates: number; rejectsByReason: Record<string, number> }
  > = {};
  for (const dt of partitions) {
    byDt[dt] = {
      files: stage.files.filter((f) => f.dt === dt).length,
      records: stage.recordsByPartition[dt] ?? 0,
      duplicates: stage.duplicatesByPartition[dt] ?? 0,
      rejectsByReason: {},
    };
  }
  for (const r of stage.rejects) {
    const own = r.dt === null ? undefined : byDt[r.dt];
    if (own) own.rejectsByReason[r.reason] = (own.rejectsByReason[r.reason] ?? 0) + 1;
  }
  return byDt;
}

/** Adds up per-partition figures, each partition once (adjacent local days share a UTC partition). */
export function mergeInputs(parts: Iterable<Readonly<Record<string, InputSummary>>>): InputSummary {
  const unique = new Map<string, InputSummary>();
  for (const part of parts) for (const [dt, summary] of Object.entries(part)) unique.set(dt, summary);
  const rejectsByReason: Record<string, number> = {};
  let files = 0;
  let records = 0;
  let duplicates = 0;
  for (const s of unique.values()) {
    files += s.files;
    records += s.records;
    duplicates += s.duplicates;
    for (const [reason, n] of Object.entries(s.rejectsByReason))
      rejectsByReason[reason] = (rejectsByReason[reason] ?? 0) + n;
  }
  return { files, records, duplicates, rejectsByReason };
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
    return spec?.reach === 'history' ? f.dt <= last : (f.days ?? [f.dt]).some((d) => own.has(d));
  });
}
