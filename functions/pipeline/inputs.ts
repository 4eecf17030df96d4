/** What a report says about its inputs: files, records, duplicates and rejects of its own partitions. */
import type { InputSummary } from '../engine/period-kpis.js';
import { EXPORT_SCHEMA, type ExportKind } from '../sql/exports-schema.js';
import type { ExportFileInfo, StageResult } from './ports.js';

type Counts = Record<string, number>;

const add = (into: Counts, key: string, n: number): void => {
  into[key] = (into[key] ?? 0) + n;
};

/** Input figures of each of the given partitions. */
export function inputsByPartition(stage: StageResult, partitions: readonly string[]): Record<string, InputSummary> {
  const byDt: Record<
    string,
    {
      files: number;
      records: number;
      duplicates: number;
      rejectsByReason: Counts;
      rejectsByKind: Record<string, Counts>;
      recordsByKind?: Counts;
    }
  > = {};
  for (const dt of partitions) {
    const byKind = stage.recordsByPartitionKind?.[dt];
    byDt[dt] = {
      files: stage.files.filter((f) => f.dt === dt).length,
      records: stage.recordsByPartition[dt] ?? 0,
      duplicates: stage.duplicatesByPartition[dt] ?? 0,
      rejectsByReason: {},
      rejectsByKind: {},
      // An engine that does not count per kind leaves reject shares unknown rather than wrong.
      ...(stage.recordsByPartitionKind === undefined ? {} : { recordsByKind: { ...byKind } }),
    };
  }
  for (const r of stage.rejects) {
    const own = r.dt === null ? undefined : byDt[r.dt];
    if (!own) continue;
    add(own.rejectsByReason, r.reason, 1);
    own.rejectsByKind[r.kind] ??= {};
    add(own.rejectsByKind[r.kind] ?? {}, r.reason, 1);
  }
  return byDt;
}

/**
 * Adds up per-partition figures, each partition once (adjacent local days share a UTC partition). The
 * per-kind figures are kept only when every partition has them: a share of a partial count would lie.
 */
export function mergeInputs(parts: Iterable<Readonly<Record<string, InputSummary>>>): InputSummary {
  const unique = new Map<string, InputSummary>();
  for (const part of parts) for (const [dt, summary] of Object.entries(part)) unique.set(dt, summary);
  const rejectsByReason: Counts = {};
  const rejectsByKind: Record<string, Counts> = {};
  const recordsByKind: Counts = {};
  let perKind = true;
  let files = 0;
  let records = 0;
  let duplicates = 0;
  for (const s of unique.values()) {
    files += s.files;
    records += s.records;
    duplicates += s.duplicates;
    for (const [reason, n] of Object.entries(s.rejectsByReason)) add(rejectsByReason, reason, n);
    if (s.rejectsByKind === undefined || s.recordsByKind === undefined) {
      perKind = false;
      continue;
    }
    for (const [kind, n] of Object.entries(s.recordsByKind)) add(recordsByKind, kind, n);
    for (const [kind, reasons] of Object.entries(s.rejectsByKind)) {
      rejectsByKind[kind] ??= {};
      for (const [reason, n] of Object.entries(reasons)) add(rejectsByKind[kind] ?? {}, reason, n);
    }
  }
  return {
    files,
    records,
    duplicates,
    rejectsByReason,
    ...(perKind && unique.size > 0 ? { rejectsByKind, recordsByKind } : {}),
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
