/**
 * Filing: the stage every job shares. It stages the exports of a window of local days, builds and files
 * each day's facts in the store (only the days whose stored facts are missing, stale or built from other
 * exports, unless told to rebuild), and archives the rejects. Jobs (nightly, digest, backfill) are short
 * sequences of these stages and of the report stages; no job imports another.
 */
import type { Config } from '../engine/config.js';
import type { PeriodFacts } from '../engine/facts.js';
import { localDateOf, type Period, utcDatesBetween } from '../engine/periods.js';
import type { NoteDamage } from './damage.js';
import { fileDayInEngine, filesInEngine } from './facts-in-engine.js';
import {
  FACTS_FORMAT,
  factsFingerprint,
  foldedDay,
  hoursFingerprint,
  loadFiledDay,
  type StoredDayFacts,
  saveDayFacts,
  saveListing,
  sourcesHash,
} from './facts-store.js';
import { filesOfDay, inputsByPartition, type Placement, placeRecords } from './inputs.js';
import type { ObjectStore, Reject, RunPorts, StageRequest, StageResult } from './ports.js';
import { type FactsOptions, readPeriodFacts } from './read-facts.js';

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

/** The UTC partition dates (`dt=`) local days span, sorted, each once. */
export function partitionsOf(days: readonly Period[]): string[] {
  return [...new Set(days.flatMap((d) => utcDatesBetween(d.start, d.end)))].sort();
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

/** A stage and where its accepted records fall (the ledger's accepted and outside-the-window counts). */
export interface Staged extends StageResult {
  readonly placement: Placement;
}

/** Stages the exports of the partitions the given local days span, as of the clock's now, and places them. */
export async function stageDays(
  ports: Pick<RunPorts, 'engine' | 'clock'>,
  days: readonly Period[],
  config: Config,
  note?: NoteDamage,
  request: Pick<StageRequest, 'snapshot'> = {},
): Promise<Staged> {
  const now = ports.clock.now();
  const stage = await ports.engine.stageExports({
    partitions: partitionsOf(days),
    now: Math.floor(now.getTime() / 1000),
    ...compactionRequest(config, now),
    ...request,
  });
  for (const d of stage.damaged ?? []) note?.(d);
  return { ...stage, placement: await placeRecords(ports.engine, config.timezone) };
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

/** What filing days left: the days filed (folded, as reports read them) and those restated. */
export interface Filed {
  /** Days that had been filed before from other exports (late data): "révisé". */
  readonly revised: readonly string[];
  readonly filed: readonly StoredDayFacts[];
}

/**
 * Builds and files the facts of each day whose stored facts are missing, stale or built from other
 * exports (every day when `rebuild` says so); returns the days filed and those restated.
 */
export async function fileDays(
  ports: Pick<RunPorts, 'engine' | 'archive'>,
  args: {
    readonly days: readonly Period[];
    readonly stage: Staged;
    readonly config: Config;
    readonly rebuild: (p: Period) => boolean;
    /** Told of a damaged stored day, which is filed again. */
    readonly note?: NoteDamage;
    /**
     * The scheduled run filing: a day it must rebuild is kept when this same run filed it from the same
     * exports (its retry after a later failure), so a retry queries no filed day again.
     */
    readonly run?: string | undefined;
  },
): Promise<Filed> {
  const fingerprint = factsFingerprint(args.config);
  const revised: string[] = [];
  const filed: StoredDayFacts[] = [];
  for (const day of args.days) {
    const sources = sourcesHash(filesOfDay(args.stage.files, utcDatesBetween(day.start, day.end)));
    // A day rebuilt anyway needs no look at what was filed before: it is never reported as revised.
    const rebuild = args.rebuild(day);
    let damaged = false;
    // A day rebuilt anyway needs no look at what was filed before, unless its own run may have filed it.
    const stored =
      rebuild && args.run === undefined
        ? null
        : await loadFiledDay(ports.archive, day.startDate, args.config, (d) => {
            damaged = true;
            args.note?.(d);
          });
    const kept = !damaged && stored !== null && stored.sources === sources && (!rebuild || stored.run === args.run);
    // (A day kept is read from the store by the reports, as any other.)
    if (kept) continue;
    const meta: Omit<StoredDayFacts, 'facts'> = {
      format: FACTS_FORMAT,
      date: day.startDate,
      timezone: day.timezone,
      fingerprint,
      sources,
      inputs: inputsByPartition(args.stage, args.stage.placement, utcDatesBetween(day.start, day.end)),
      ...(args.run === undefined ? {} : { run: args.run }),
    };
    const options = factsOptions(args.config);
    const finish = (facts: PeriodFacts): PeriodFacts => withKinds(facts, args.stage.placement);
    const folded = filesInEngine(ports.engine)
      ? await fileDayInEngine(ports.engine, ports.archive, { day, stored: meta, config: args.config, options, finish })
      : await fileDayInJs(ports, { day, stored: meta, config: args.config, options, finish });
    const own = utcDatesBetween(day.start, day.end);
    await saveListing(ports.archive, {
      date: day.startDate,
      partitions: own,
      sources: sourcesHash(args.stage.files.filter((f) => own.includes(f.dt))),
    });
    // What reports read of this day.
    filed.push(folded);
    // Only a past day that changed is news to the reader; a day rebuilt anyway is never reported as revised.
    if (!rebuild && stored !== null && stored.sources !== sources) revised.push(day.startDate);
  }
  return { revised, filed };
}

/** Files a day from the facts JavaScript reads and folds (an engine that cannot file days itself); returns it folded. */
async function fileDayInJs(
  ports: Pick<RunPorts, 'engine' | 'archive'>,
  args: Parameters<typeof fileDayInEngine>[2],
): Promise<StoredDayFacts> {
  const fresh: StoredDayFacts = {
    ...args.stored,
    facts: args.finish(await readPeriodFacts(ports.engine, args.day, args.options)),
  };
  const folded = foldedDay(fresh, args.config);
  await saveDayFacts(ports.archive, fresh, { hours: hoursFingerprint(args.config), facts: folded.facts });
  return folded;
}

/** Facts that say which kinds delivered records (a KPI of a kind that never did is `null`, not 0). */
function withKinds(facts: PeriodFacts, placement: Placement): PeriodFacts {
  return { ...facts, state: { ...facts.state, kindsWithRecords: placement.kinds } };
}

/** Files the given days from exports (one stage over their partitions, every day rebuilt); returns the bytes read. */
export async function fileFromExports(
  ports: Pick<RunPorts, 'engine' | 'archive' | 'clock'>,
  days: readonly Period[],
  config: Config,
  note?: NoteDamage,
): Promise<number> {
  // Every day is rebuilt: what was stored of them (missing, stale or damaged) is not read.
  if (days.length === 0) return 0;
  const stage = await stageDays(ports, days, config, note);
  await fileDays(ports, { days, stage, config, rebuild: () => true });
  await archiveRejects(ports.archive, stage.rejects);
  return stage.files.reduce((sum, f) => sum + f.size, 0);
}

/**
 * What a query naming each kind scans on Athena: what the stage says it read the kind from (its window's
 * files, its state snapshot); else its files, a partition read from its compacted copy counting that
 * copy's Parquet bytes (an upper bound: Athena reads only the columns a query names) instead of its exports'.
 */
export function filesAsScanned(stage: StageResult): readonly { readonly kind: string; readonly size: number }[] {
  if (stage.scanned !== undefined) return stage.scanned;
  const compacted = stage.compaction?.read ?? [];
  const read = new Set(compacted.map((p) => `${p.kind}/${p.dt}`));
  return [
    ...stage.files.filter((f) => !read.has(`${f.kind}/${f.dt}`)),
    ...compacted.map((p) => ({ kind: p.kind, size: p.bytes })),
  ];
}

/** The bytes each compaction query of a stage reads: one UNLOAD per kind, over its compacted partitions' exports. */
export function compactionScans(stage: StageResult): number[] {
  const byKind = new Map<string, number>();
  for (const p of stage.compaction?.written ?? []) byKind.set(p.kind, (byKind.get(p.kind) ?? 0) + p.sourceBytes);
  return [...byKind.values()];
}
