/**
 * Late files: a day filed earlier whose own partitions hold other files now (a file that arrived after
 * the look-back stopped re-reading them, or one rewritten). A run lists those partitions (reading nothing),
 * compares each day's listing with what it was filed from, and names the days that changed, with the
 * command that restates them (docs/spec.md §1: `inputs.late_days`).
 */
import type { LateDay } from '../engine/period-kpis.js';
import type { Period } from '../engine/periods.js';
import type { NoteDamage } from './damage.js';
import { loadListing, sourcesHash } from './facts-store.js';
import type { RunPorts } from './ports.js';

/**
 * The days among `days` that were filed from other files than their partitions hold now. Days never filed
 * (or filed before listings were kept) are not late, only missing. Nothing when the engine cannot list.
 */
export async function changedDays(
  ports: Pick<RunPorts, 'engine' | 'archive'>,
  days: readonly Period[],
  note?: NoteDamage,
): Promise<string[]> {
  const list = ports.engine.listExports?.bind(ports.engine);
  if (list === undefined || days.length === 0) return [];
  const recorded = [];
  for (const day of days) {
    const listing = await loadListing(ports.archive, day.startDate, note);
    if (listing !== null) recorded.push(listing);
  }
  if (recorded.length === 0) return [];
  const files = await list([...new Set(recorded.flatMap((r) => r.partitions))].sort());
  return recorded
    .filter((r) => sourcesHash(files.filter((f) => r.partitions.includes(f.dt))) !== r.sources)
    .map((r) => r.date);
}

/** The late days among `days` (older than the run's look-back), each with the command that restates it. */
export async function lateDays(
  ports: Pick<RunPorts, 'engine' | 'archive'>,
  days: readonly Period[],
  /** The command that restates one day, as the caller's users would type it. */
  command: (date: string) => string,
  note?: NoteDamage,
): Promise<LateDay[]> {
  return (await changedDays(ports, days, note)).map((date) => ({ date, command: command(date) }));
}
