/**
 * What a report says about its inputs: the ledger of docs/spec.md §1, kept per UTC partition in each
 * day's facts (a partition shared by two local days is counted once by the reports that span both).
 * Every record read is accounted for: records = accepted + rejected + merged duplicates + excluded +
 * outside the window (a valid record whose local day the run does not file).
 */

import type { InputSummary } from '../engine/period-kpis.js';
import { localDateOf } from '../engine/periods.js';
import { EXPORT_SCHEMA, type ExportKind } from '../sql/exports-schema.js';
import { placementSql } from '../sql/ledger.js';
import type { ExportFileInfo, QueryEngine, StageResult } from './ports.js';

type Counts = Readonly<Record<string, number>>;

/** The ledger of one partition, as the facts of each day it feeds keep it. */
export interface PartitionInputs {
  readonly files: number;
  /** Records read: every line or row that is not blank, and each file that could not be read. */
  readonly records: number;
  /** The same records per export kind: what a kind's reject share is a share of (absent: filed before it was kept). */
  readonly recordsByKind?: Counts;
  readonly duplicates: number;
  readonly rejectsByReason: Counts;
  readonly rejectsByKind: Readonly<Record<string, Counts>>;
  readonly excluded: Counts;
  /** Accepted records (valid, unique, kept) per local day. */
  readonly placed: Counts;
  /** Files of the partition that could not be read: the days it feeds are incomplete. */
  readonly unreadable: number;
}

/** The accepted records of a stage: per partition, how many fall on each local day; and the kinds that had any. */
export interface Placement {
  readonly byPartition: ReadonlyMap<string, Counts>;
  /** Kinds with at least one accepted record in the stage (its window, and the history it read). */
  readonly kinds: readonly string[];
}

const add = (into: Record<string, number>, key: string, n: number): void => {
  into[key] = (into[key] ?? 0) + n;
};

/** Where the staged records fall: one query over every staged kind, placed in the centre's local days. */
export async function placeRecords(engine: QueryEngine, timezone: string): Promise<Placement> {
  const byPartition = new Map<string, Record<string, number>>();
  const kinds = new Set<string>();
  const dayOf = new Map<number, string>();
  for (const r of await engine.query(placementSql(), [])) {
    const n = Number(r.n);
    if (n === 0) continue;
    kinds.add(String(r.kind));
    let day = typeof r.day === 'string' ? r.day : null;
    if (day === null) {
      const bucket = Number(r.bucket);
      day = dayOf.get(bucket) ?? localDateOf(bucket, timezone);
      dayOf.set(bucket, day);
    }
    const dt = String(r.dt);
    const own = byPartition.get(dt) ?? {};
    add(own, day, n);
    byPartition.set(dt, own);
  }
  return { byPartition, kinds: [...kinds].sort() };
}

/** The ledger of each of the given partitions. */
export function inputsByPartition(
  stage: StageResult,
  placement: Placement,
  partitions: readonly string[],
): Record<string, PartitionInputs> {
  const byDt: Record<string, PartitionInputs> = {};
  for (const dt of partitions) {
    const rejectsByReason: Record<string, number> = {};
    const rejectsByKind: Record<string, Record<string, number>> = {};
    let unreadable = 0;
    for (const r of stage.rejects) {
      if (r.dt !== dt) continue;
      add(rejectsByReason, r.reason, 1);
      rejectsByKind[r.kind] ??= {};
      add(rejectsByKind[r.kind] as Record<string, number>, r.reason, 1);
      if (r.reason === 'unreadable_file') unreadable += 1;
    }
    byDt[dt] = {
      files: stage.files.filter((f) => f.dt === dt).length,
      records: stage.recordsByPartition[dt] ?? 0,
      // An engine that does not count per kind leaves reject shares unknown rather than wrong.
      ...(stage.recordsByPartitionKind === undefined
        ? {}
        : { recordsByKind: { ...(stage.recordsByPartitionKind[dt] ?? {}) } }),
      duplicates: stage.duplicatesByPartition[dt] ?? 0,
      rejectsByReason,
      rejectsByKind,
      excluded: { ...(stage.excludedByPartition?.[dt] ?? {}) },
      placed: { ...(placement.byPartition.get(dt) ?? {}) },
      unreadable,
    };
  }
  return byDt;
}

/**
 * Adds up per-partition ledgers, each partition once (adjacent local days share a UTC partition): a
 * placed record is accepted when its day is `covered` (the days the run files), else outside the window.
 * Records per kind are summed only when every partition has them: a share of a partial count would lie.
 */
export function mergeInputs(
  parts: Iterable<Readonly<Record<string, PartitionInputs>>>,
  covered: ReadonlySet<string>,
): InputSummary {
  const unique = new Map<string, PartitionInputs>();
  for (const part of parts) for (const [dt, inputs] of Object.entries(part)) unique.set(dt, inputs);
  const rejectsByReason: Record<string, number> = {};
  const rejectsByKind: Record<string, Record<string, number>> = {};
  const excluded: Record<string, number> = {};
  const outsideWindow: Record<string, number> = {};
  const recordsByKind: Record<string, number> = {};
  let perKind = unique.size > 0;
  let files = 0;
  let records = 0;
  let duplicates = 0;
  let accepted = 0;
  for (const s of unique.values()) {
    files += s.files;
    records += s.records;
    duplicates += s.duplicates;
    for (const [reason, n] of Object.entries(s.rejectsByReason)) add(rejectsByReason, reason, n);
    for (const [kind, reasons] of Object.entries(s.rejectsByKind)) {
      rejectsByKind[kind] ??= {};
      for (const [reason, n] of Object.entries(reasons)) add(rejectsByKind[kind] as Record<string, number>, reason, n);
    }
    for (const [reason, n] of Object.entries(s.excluded)) add(excluded, reason, n);
    if (s.recordsByKind === undefined) perKind = false;
    else for (const [kind, n] of Object.entries(s.recordsByKind)) add(recordsByKind, kind, n);
    for (const [day, n] of Object.entries(s.placed)) {
      if (covered.has(day)) accepted += n;
      else add(outsideWindow, day, n);
    }
  }
  return {
    files,
    records,
    duplicates,
    rejectsByReason,
    accepted,
    rejectsByKind,
    ...(perKind ? { recordsByKind } : {}),
    excluded,
    outsideWindow: Object.fromEntries(Object.entries(outsideWindow).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

/** Whether any partition of a day's ledger holds a file that could not be read. */
export function hasUnreadable(inputs: Readonly<Record<string, PartitionInputs>>): boolean {
  return Object.values(inputs).some((p) => p.unreadable > 0);
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
