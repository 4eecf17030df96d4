/** `vigie compact`: stores settled export partitions as Parquet checked records, a few days per stage. */
import { join } from 'node:path';
import { UsageError } from '../adapters/errors.js';
import { dayPeriod, daysOf, nextPeriod } from '../engine/periods.js';
import type { CompactedPartitionInfo } from '../pipeline/ports.js';
import { EXPORT_KINDS } from '../sql/exports-schema.js';
import { COMPACTED_FOLDER, withLocalPorts } from './local-jobs.js';
import { mb, show } from './output.js';

export interface CompactOptions {
  exports: string;
  from: string;
  to: string;
  kinds?: string[];
  out: string;
  daysPerStage: number;
}

/**
 * Compacts the export partitions of [from, to] (and, for history kinds, every partition up to `to`) that
 * are not compacted yet, a few days per stage, and prints what they weigh before and after.
 */
export async function compact(options: CompactOptions, out: (line: string) => void): Promise<void> {
  const kinds = options.kinds ?? [...EXPORT_KINDS];
  const unknown = kinds.filter((k) => !(EXPORT_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0)
    throw new UsageError(`--kinds: unknown kind ${unknown.join(', ')} (expected some of ${EXPORT_KINDS.join(', ')})`);
  const dates = daysOf({ startDate: options.from, endDate: options.to });
  const t0 = Date.now();
  const written: CompactedPartitionInfo[] = [];
  const already = new Set<string>();
  await withLocalPorts(options, async ({ engine, clock }) => {
    for (let i = 0; i < dates.length; i += options.daysPerStage) {
      const chunk = dates.slice(i, i + options.daysPerStage);
      const stage = await engine.stageExports({
        partitions: chunk,
        now: Math.floor(clock.now().getTime() / 1000),
        kinds,
        // Asked for, a partition is settled: every one read up to the chunk's last day is compacted.
        compact: { before: nextPeriod(dayPeriod(chunk.at(-1) ?? options.to, 'UTC')).startDate },
      });
      written.push(...(stage.compaction?.written ?? []));
      for (const p of stage.compaction?.read ?? []) already.add(`${p.kind}/${p.dt}`);
    }
  });
  const weigh = (ps: readonly CompactedPartitionInfo[]) => ({
    source: mb(ps.reduce((sum, p) => sum + p.sourceBytes, 0)),
    parquet: mb(ps.reduce((sum, p) => sum + p.bytes, 0)),
  });
  for (const kind of kinds) {
    const own = written.filter((p) => p.kind === kind);
    if (own.length === 0) continue;
    const { source, parquet } = weigh(own);
    out(
      `  ${kind.padEnd(11)} ${String(own.length).padStart(4)} partitions  ${source} of exports → ${parquet} of Parquet`,
    );
  }
  const { source, parquet } = weigh(written);
  const compacted = new Set(written.map((p) => `${p.kind}/${p.dt}`));
  const kept = [...already].filter((p) => !compacted.has(p)).length;
  out(
    `compact ${options.from} → ${options.to}: ${written.length} partitions compacted (${source} → ${parquet}), ${kept} already compacted, into ${show(join(options.out, COMPACTED_FOLDER))}, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
}
