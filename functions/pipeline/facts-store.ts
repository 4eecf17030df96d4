/**
 * The facts store: each nightly run files its local day's facts in the archive, so weekly and monthly
 * digests are rolled up from stored facts and never rescan raw exports. A day's facts are gzipped JSON
 * (`facts/dt=YYYY-MM-DD/facts.json.gz`): readable by the engine wherever it runs, with no extra reader.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Config } from '../engine/config.js';
import type { PeriodFacts } from '../engine/facts.js';
import type { InputSummary } from '../engine/period-report.js';
import type { ObjectStore } from './ports.js';

/** Bumped when the stored shape changes; older files are rebuilt, never misread. */
export const FACTS_FORMAT = 4;

/** A stored day: its facts and what they were computed from. */
export interface StoredDayFacts {
  readonly format: typeof FACTS_FORMAT;
  readonly date: string;
  readonly timezone: string;
  /** Hash of the configuration that shapes facts (zone, thresholds, keywords): a change means a rebuild. */
  readonly fingerprint: string;
  /** Hash of the export files read (names and sizes): a change means late data, so a restatement. */
  readonly sources: string;
  /** Files, records, duplicates and rejects of each of the day's UTC partitions, kept apart so a longer
   * period counts a partition shared by two days once. */
  readonly inputs: Readonly<Record<string, InputSummary>>;
  readonly facts: PeriodFacts;
}

/** Archive key of a day's facts. */
export const factsKey = (date: string): string => `facts/dt=${date}/facts.json.gz`;

const sha = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** The fingerprint of the settings that change what facts are. */
export function factsFingerprint(config: Pick<Config, 'timezone' | 'thresholds' | 'keywords'>): string {
  return sha(JSON.stringify([FACTS_FORMAT, config.timezone, config.thresholds, [...config.keywords].sort()]));
}

// Level 3 writes a 1M-contact day (220 MB of JSON) in 0.6 s instead of 1.6 s at the default 6, for 16 MB
// instead of 12 MB: the store is read far less often than a nightly run writes it.
const GZIP_LEVEL = 3;

/** A stable hash of an export listing. */
export function sourcesHash(listing: readonly { readonly file: string; readonly size: number }[]): string {
  return sha(
    listing
      .map((f) => `${f.file}\t${f.size}`)
      .sort()
      .join('\n'),
  );
}

/** Files a day's facts in the archive. */
export async function saveDayFacts(archive: ObjectStore, stored: StoredDayFacts): Promise<void> {
  await archive.put(factsKey(stored.date), gzipSync(JSON.stringify(stored), { level: GZIP_LEVEL }), 'application/gzip');
}

/** A day's stored facts, or `null` when absent or written by another format or configuration. */
export async function loadDayFacts(
  archive: ObjectStore,
  date: string,
  fingerprint: string,
): Promise<StoredDayFacts | null> {
  const bytes = await archive.get(factsKey(date));
  if (bytes === null) return null;
  const stored = JSON.parse(gunzipSync(bytes).toString('utf8')) as StoredDayFacts;
  if (stored.format !== FACTS_FORMAT || stored.fingerprint !== fingerprint) return null;
  return stored;
}
