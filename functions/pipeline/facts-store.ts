/**
 * The facts store: each nightly run files its local day's facts in the archive, so weekly and monthly
 * digests are rolled up from stored facts and never rescan raw exports. A day's facts are gzipped JSON
 * (`facts/dt=YYYY-MM-DD/facts.json.gz`): readable by the engine wherever it runs, with no extra reader.
 * The two large lists, bucket and breakdown rows, are stored as tables (column names once, then one array
 * of values per row): a 1M-contact day's buckets take 25 MB of JSON instead of 144 MB, and a digest that
 * reads two months of days parses them in less than half the time. On DuckDB the rows are written by the
 * engine itself (`facts-in-engine.ts`), inside the JSON `dayFileParts` gives.
 */

import { once } from 'node:events';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { fingerprint } from '../common/fingerprint.js';
import type { Config } from '../engine/config.js';
import type { BreakdownFact, BucketFact, PeriodFacts } from '../engine/facts.js';
import { businessHoursOf } from '../engine/period-kpis.js';
import { dayPeriod } from '../engine/periods.js';
import { foldDay } from '../engine/rollup.js';
import { BREAKDOWN_COLUMNS, BUCKET_COLUMNS } from '../sql/facts-file.js';
import { type NoteDamage, readOrNote } from './damage.js';
import type { PartitionInputs } from './inputs.js';
import type { ObjectStore } from './ports.js';

/** Bumped when the stored shape changes; older files are rebuilt, never misread. */
// 6: `offered` counts only handled and abandoned contacts (docs/spec.md §3, amended 2026-12-05).
// 7: the ledger per partition, converted_known and selfcare_known, kinds with records (issue 19).
export const FACTS_FORMAT = 7;

/** A stored day: its facts and what they were computed from. */
export interface StoredDayFacts {
  readonly format: typeof FACTS_FORMAT;
  readonly date: string;
  readonly timezone: string;
  /** Hash of the configuration that shapes facts (zone, thresholds, keywords): a change means a rebuild. */
  readonly fingerprint: string;
  /** Hash of the export files read (names and sizes): a change means late data, so a restatement. */
  readonly sources: string;
  /** The ledger of each of the day's UTC partitions, kept apart so a longer period counts a partition
   * shared by two days once. */
  readonly inputs: Readonly<Record<string, PartitionInputs>>;
  readonly facts: PeriodFacts;
  /**
   * The scheduled run that filed it (a nightly's scheduled time), when one did: a retry of that run finds
   * its own day filed and does not query it again. Absent for manual runs, the CLI and older files.
   */
  readonly run?: string;
}

/** Archive key of a day's facts. */
export const factsKey = (date: string): string => `facts/dt=${date}/facts.json.gz`;

/**
 * Archive key of what a day was filed from: the export files of its own UTC partitions, every kind. A run
 * compares it with the listing now to find days whose exports changed after they were filed (late files).
 */
export const listingKey = (date: string): string => `facts/dt=${date}/listing.json`;

const listingSchema = z.object({
  date: z.iso.date(),
  partitions: z.array(z.iso.date()),
  /** `sourcesHash` of the partitions' files (names and sizes). */
  sources: z.string(),
});

/** What a day was filed from: its own partitions and the hash of their files. */
export type FiledListing = z.infer<typeof listingSchema>;

/** Records what a day was filed from (after its facts: a day never looks filed from files it was not). */
export async function saveListing(archive: ObjectStore, listing: FiledListing): Promise<void> {
  await archive.put(listingKey(listing.date), `${JSON.stringify(listing)}\n`, 'application/json');
}

/** What a day was filed from, or `null` when not recorded (filed by an older version) or damaged (named). */
export async function loadListing(archive: ObjectStore, date: string, note?: NoteDamage): Promise<FiledListing | null> {
  const bytes = await archive.get(listingKey(date));
  if (bytes === null) return null;
  return readOrNote(
    archive.locate(listingKey(date)),
    () => listingSchema.parse(JSON.parse(Buffer.from(bytes).toString('utf8'))),
    note,
    'the day is not checked for late files until it is filed again',
  );
}

/**
 * Archive key of the same facts summed over the day, kept apart only by business hours: what reports
 * read. A 1M-contact day folds from ~190k bucket and ~520k breakdown rows (10 MB gzipped, 3–4 s to read
 * and 1–2 s to fold) to ~6k and ~27k (0.9 MB), so a monthly digest can read a year of days.
 */
export const foldedFactsKey = (date: string): string => `facts/dt=${date}/folded.json.gz`;

/** The fingerprint of the settings that change what facts are. */
export function factsFingerprint(config: Pick<Config, 'timezone' | 'thresholds' | 'keywords' | 'connect'>): string {
  // Where Amazon Connect records' scopes come from changes the facts a day files (its teams, queues).
  const { team, queue, reason, customer, task_channel } = config.connect;
  return fingerprint(
    JSON.stringify([
      FACTS_FORMAT,
      config.timezone,
      config.thresholds,
      [...config.keywords].sort(),
      { team, queue, reason, customer, task_channel },
    ]),
  );
}

/** The fingerprint of the business hours a folded day was summed by: other hours mean folding again. */
export function hoursFingerprint(config: Pick<Config, 'business_hours'>): string {
  return fingerprint(JSON.stringify(config.business_hours));
}

// Level 3 gzips a 1M-contact day in a third of the default level's time for a file a third larger: the
// store is read far less often than a nightly run writes it.
const GZIP_LEVEL = 3;

/** A stable hash of an export listing. */
export function sourcesHash(listing: readonly { readonly file: string; readonly size: number }[]): string {
  return fingerprint(
    listing
      .map((f) => `${f.file}\t${f.size}`)
      .sort()
      .join('\n'),
  );
}

type Cell = string | number | null;

/** Rows of one shape as stored: the column names once, then each row's values in that order. */
interface StoredTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

/** A day as written to the archive: `StoredDayFacts` with its bucket and breakdown rows as tables. */
interface DayFile extends Omit<StoredDayFacts, 'facts'> {
  readonly facts: Omit<PeriodFacts, 'buckets' | 'breakdowns'> & {
    readonly buckets: StoredTable;
    readonly breakdowns: StoredTable;
  };
}

/**
 * A bucket row's cells in BUCKET_COLUMNS order. Spelled out: `columns.map((c) => row[c])` is one keyed
 * access site seeing fifty names, V8's slow generic path, for every row of a day (a test checks the order).
 */
export function bucketCells(row: BucketFact): Cell[] {
  return [
    row.bucket,
    row.team ?? null,
    row.queue ?? null,
    row.channel ?? null,
    row.agent ?? null,
    row.inbound,
    row.offered,
    row.handled,
    row.abandoned,
    row.short_abandoned,
    row.handled_within_t,
    row.abandoned_within_t,
    row.handled_wait_sum,
    row.handled_wait_n,
    row.offered_wait_sum,
    row.offered_wait_n,
    row.talk_sum,
    row.hold_sum,
    row.acw_sum,
    row.outbound,
    row.converted,
    row.converted_known,
    row.conversion_hits,
    row.fcr_resolved,
    row.fcr_set,
    row.reply_delay_sum,
    row.reply_delay_n,
    row.social_inbound,
    row.social_within_d,
    row.selfcare,
    row.selfcare_known,
    row.tickets_created,
    row.ticket_reply_delay_sum,
    row.ticket_reply_delay_n,
    row.tickets_resolved,
    row.tickets_resolved_one_touch,
    row.resolution_time_sum,
    row.csat_n,
    row.csat_top2,
    row.nps_n,
    row.nps_promoters,
    row.nps_detractors,
    row.ces_n,
    row.ces_sum,
    row.esat_n,
    row.esat_top2,
    row.customers_acquired,
    row.customers_lost,
  ];
}

/** A breakdown row's cells in BREAKDOWN_COLUMNS order (spelled out, as `bucketCells`). */
export function breakdownCells(row: BreakdownFact): Cell[] {
  return [
    row.bucket,
    row.team ?? null,
    row.queue ?? null,
    row.channel ?? null,
    row.agent ?? null,
    row.breakdown,
    row.key,
    row.count,
  ];
}

/** The rows of a stored table, or `null` when its columns are not the ones expected. */
function fromTable<T>(table: StoredTable, columns: readonly string[]): T[] | null {
  if (table.columns.length !== columns.length || table.columns.some((c, i) => c !== columns[i])) return null;
  // Copies of one parsed template share V8's fast hidden class; objects filled key by key from `{}`
  // would fall into slow dictionary mode past a dozen properties, and the engine sums every row.
  const template: Readonly<Record<string, Cell>> = JSON.parse(
    JSON.stringify(Object.fromEntries(columns.map((c) => [c, null]))),
  );
  return table.rows.map((values) => {
    const row: Record<string, Cell> = { ...template };
    for (let i = 0; i < columns.length; i++) row[columns[i] as string] = values[i] ?? null;
    return row as T;
  });
}

/** A day folded by `foldDay` under the business hours whose `hoursFingerprint` is `hours`. */
export interface FoldedDayFacts {
  readonly hours: string;
  readonly facts: PeriodFacts;
}

/**
 * A day file's JSON around its two tables' rows: what precedes the bucket rows, what lies between them and
 * the breakdown rows, what follows. One piece for both writers: JavaScript fills in the rows it holds
 * (`dayFileBytes`), an engine that keeps them fills them in itself (functions/sql/facts-file.ts).
 */
export function dayFileParts(stored: StoredDayFacts, extra: object = {}): [string, string, string] {
  const { facts, ...meta } = { ...stored, ...extra };
  const { buckets: _b, breakdowns: _d, ...rest } = facts;
  // An object's JSON left open for more members.
  const open = (o: object): string => {
    const json = JSON.stringify(o);
    return json === '{}' ? '{' : `${json.slice(0, -1)},`;
  };
  return [
    `${open(meta)}"facts":${open(rest)}"buckets":{"columns":${JSON.stringify(BUCKET_COLUMNS)},"rows":[`,
    `]},"breakdowns":{"columns":${JSON.stringify(BREAKDOWN_COLUMNS)},"rows":[`,
    ']}}}',
  ];
}

function dayFileBytes(stored: StoredDayFacts, extra: object = {}): Uint8Array {
  const [head, middle, tail] = dayFileParts(stored, extra);
  const rows = <T>(list: readonly T[], cells: (row: T) => Cell[]): string =>
    list.map((row) => JSON.stringify(cells(row))).join(',');
  const text = `${head}${rows(stored.facts.buckets, bucketCells)}${middle}${rows(stored.facts.breakdowns, breakdownCells)}${tail}`;
  return gzipSync(text, { level: GZIP_LEVEL });
}

/** A day file from its text in pieces (`dayFileParts` around rows the engine wrote), gzipped off the main thread. */
export async function gzipDayFile(pieces: readonly (string | Uint8Array)[]): Promise<Uint8Array> {
  const gzip = createGzip({ level: GZIP_LEVEL });
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = once(gzip, 'end');
  for (const piece of pieces) gzip.write(piece);
  gzip.end();
  await done;
  return Buffer.concat(chunks);
}

/**
 * Files a day's facts in the archive, then the same day folded. In that order: a run that fails in
 * between leaves a folded day of older sources, which the next filing compares and rewrites, or none,
 * which readers replace by folding the facts.
 */
export async function saveDayFacts(
  archive: ObjectStore,
  stored: StoredDayFacts,
  folded: FoldedDayFacts,
): Promise<void> {
  await saveDayFiles(
    archive,
    stored.date,
    dayFileBytes(stored),
    dayFileBytes({ ...stored, facts: folded.facts }, { hours: folded.hours }),
  );
}

/** Files a day's two files as written already (by `dayFileBytes` or by the engine), in `saveDayFacts`'s order. */
export async function saveDayFiles(
  archive: ObjectStore,
  date: string,
  facts: Uint8Array,
  folded: Uint8Array,
): Promise<void> {
  await archive.put(factsKey(date), facts, 'application/gzip');
  await archive.put(foldedFactsKey(date), folded, 'application/gzip');
}

/** A day file's content, or `null` when written by another format or configuration. */
function parseDayFile(bytes: Uint8Array, fingerprint: string, hours?: string): StoredDayFacts | null {
  const file = JSON.parse(gunzipSync(bytes).toString('utf8')) as DayFile & { readonly hours?: string };
  if (file.format !== FACTS_FORMAT || file.fingerprint !== fingerprint) return null;
  if (hours !== undefined && file.hours !== hours) return null;
  const buckets = fromTable<BucketFact>(file.facts.buckets, BUCKET_COLUMNS);
  const breakdowns = fromTable<BreakdownFact>(file.facts.breakdowns, BREAKDOWN_COLUMNS);
  // Columns other than this build's (a measure added without a format bump) mean a rebuild, not a misread.
  if (buckets === null || breakdowns === null) return null;
  const { hours: _, ...day } = file;
  return { ...day, facts: { ...file.facts, buckets, breakdowns } };
}

/** What a reader does instead of a damaged day file: the day reads as not filed, and is filed again. */
const REFILED = 'the day is read from its other file or filed again from the exports';

/** A day file's content, or `null` when absent, damaged (named to `note`), or of another format or configuration. */
async function loadDayFile(
  archive: ObjectStore,
  key: string,
  fingerprint: string,
  hours: string | undefined,
  note: NoteDamage | undefined,
): Promise<StoredDayFacts | null> {
  const bytes = await archive.get(key);
  if (bytes === null) return null;
  return readOrNote(archive.locate(key), () => parseDayFile(bytes, fingerprint, hours), note, REFILED);
}

/** A day's stored facts, or `null` when absent, damaged, or written by another format or configuration. */
export async function loadDayFacts(
  archive: ObjectStore,
  date: string,
  fingerprint: string,
  note?: NoteDamage,
): Promise<StoredDayFacts | null> {
  return loadDayFile(archive, factsKey(date), fingerprint, undefined, note);
}

/** A filed day as reports read it: its rows folded (`foldDay`) under the configuration's business hours. */
export function foldedDay(stored: StoredDayFacts, config: Config): StoredDayFacts {
  const day = dayPeriod(stored.date, config.timezone);
  return { ...stored, facts: foldDay(stored.facts, day, businessHoursOf(day, config)) };
}

/** A day's folded file, or `null` when absent, damaged, or summed under another configuration or business hours. */
export async function loadFoldedDay(
  archive: ObjectStore,
  date: string,
  config: Pick<Config, 'timezone' | 'thresholds' | 'keywords' | 'business_hours' | 'connect'>,
  note?: NoteDamage,
): Promise<StoredDayFacts | null> {
  return loadDayFile(archive, foldedFactsKey(date), factsFingerprint(config), hoursFingerprint(config), note);
}

/**
 * Whether and from which exports a day was filed: its folded file when that matches the configuration
 * (the smaller read), else its full facts; `null` when neither matches.
 */
export async function loadFiledDay(
  archive: ObjectStore,
  date: string,
  config: Pick<Config, 'timezone' | 'thresholds' | 'keywords' | 'business_hours' | 'connect'>,
  note?: NoteDamage,
): Promise<StoredDayFacts | null> {
  return (
    (await loadFoldedDay(archive, date, config, note)) ?? loadDayFacts(archive, date, factsFingerprint(config), note)
  );
}
