/**
 * Where Kinesis Data Firehose puts Amazon Connect CTR objects, and how their records are read: the
 * listing shared by both engines (a local folder for the embedded default, an S3 prefix on AWS).
 *
 * Firehose files an object under its delivery time in UTC, `<prefix>YYYY/MM/DD/HH/<name>` by default, or
 * under the partition keys a dynamic-partitioning stream writes, such as `<prefix>year=YYYY/month=MM/day=DD/`
 * (AWS's amazon-connect-data-analytics-sample, cdk-stacks/lib/contact-trace-records/ctr-stack.ts). The
 * prefix is pasted before the date as it is: `ctr` (no slash) gives `ctr2026/11/22/…`, and `""` is the
 * bucket root. Names are whatever Firehose chose, with or without `.gz`.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ExportFileInfo } from '../pipeline/ports.js';
import { type FirehoseItem, firehoseRecords, type SplitOptions } from './firehose-records.js';

/** One CTR object to read. */
export interface CtrObject {
  /** The delivery partition's date, `YYYY-MM-DD` (UTC). */
  readonly dt: string;
  /** The object's name as rejects show it: its key (S3), or its path under the CTR folder (local). */
  readonly name: string;
  readonly size: number;
  /** Changes when the object is rewritten (an ETag, a modification time). */
  readonly version: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The delivery dates to read for a window's partitions: from its first to `deliveryDays` after its last,
 * since a contact is delivered when it ends and again whenever it changes.
 */
export function deliveryDates(partitions: readonly string[], deliveryDays: number): string[] {
  const sorted = [...partitions].filter((p) => DAY.test(p)).sort();
  const first = sorted[0];
  const last = sorted.at(-1);
  if (first === undefined || last === undefined) return [];
  const dates: string[] = [];
  const day = new Date(`${first}T00:00:00Z`);
  const end = new Date(`${last}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() + deliveryDays);
  for (; day <= end; day.setUTCDate(day.getUTCDate() + 1)) dates.push(day.toISOString().slice(0, 10));
  return dates;
}

/**
 * A CTR object as a stage reports it: filed under its delivery date, holding contacts of that day and of
 * the `deliveryDays` before it, so that a late delivery restates those days (their sources change).
 */
export function ctrFileInfo(object: CtrObject, deliveryDays: number): ExportFileInfo {
  const days: string[] = [];
  const day = new Date(`${object.dt}T00:00:00Z`);
  for (let i = 0; i <= deliveryDays; i++, day.setUTCDate(day.getUTCDate() - 1))
    days.push(day.toISOString().slice(0, 10));
  return { kind: 'contacts', dt: object.dt, file: object.name, size: object.size, days: days.reverse() };
}

/** The two layouts' folders of one delivery date, relative to the CTR prefix or folder. */
export function deliveryFolders(date: string): readonly string[] {
  const [y, m, d] = date.split('-');
  return [`${y}/${m}/${d}/`, `year=${y}/month=${m}/day=${d}/`];
}

/** The delivery date of a key relative to the CTR prefix, or `null` when it is in neither layout. */
export function deliveryDateOf(relativeKey: string): string | null {
  const plain = /^(\d{4})\/(\d{2})\/(\d{2})\//.exec(relativeKey);
  const keyed = /^year=(\d{4})\/month=(\d{2})\/day=(\d{2})\//.exec(relativeKey);
  const match = plain ?? keyed;
  return match === null ? null : `${match[1]}-${match[2]}-${match[3]}`;
}

/** Markers and hidden files (`_SUCCESS`, `.DS_Store`) are not CTR objects. */
export function isDataName(key: string): boolean {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return name !== '' && !name.startsWith('.') && !name.startsWith('_');
}

/** The CTR objects of the given delivery dates under a local folder, in either layout, sorted by name. */
export async function listLocalCtrObjects(root: string, dates: readonly string[]): Promise<CtrObject[]> {
  const found: CtrObject[] = [];
  for (const dt of dates) {
    for (const folder of deliveryFolders(dt)) {
      const dir = join(root, folder);
      const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
      for (const entry of entries) {
        const path = join(dir, entry);
        const name = relative(root, path).split(sep).join('/');
        if (!isDataName(name)) continue;
        const info = await stat(path).catch(() => null);
        if (info === null || !info.isFile()) continue;
        found.push({ dt, name, size: info.size, version: String(Math.floor(info.mtimeMs)) });
      }
    }
  }
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The records of a local CTR object; throws when it cannot be read whole (a cut gzip, a vanished file). */
export async function readLocalCtrObject(
  root: string,
  object: CtrObject,
  options: SplitOptions,
): Promise<FirehoseItem[]> {
  return firehoseRecords(createReadStream(join(root, object.name)), options);
}
