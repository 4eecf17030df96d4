/**
 * Amazon Connect CTR objects made readable by Athena: Athena reads text one line per record, and Kinesis
 * Data Firehose writes records back to back (`{…}{…}`) unless told otherwise, gzipped whatever the name.
 * So each new object of a delivery date is read once here, split into records
 * (functions/adapters/firehose-records.ts) and written again as NDJSON — one record per line, a blank line
 * where the splitter rejected one, so that line N is record N — under a staging prefix that the
 * `connect_ctr_lines` Glue table reads. A manifest per delivery date remembers what was staged from which
 * object version (its ETag), with the splitter's rejects, so later runs rewrite nothing that did not change.
 *
 * Staged objects sit under `<staging>dt=<date>/<the object's key under the CTR prefix>.<version>.ndjson.gz`:
 * the query recovers the object's key from the path by cutting a prefix and a suffix of known lengths, so
 * both engines name, order and reject records by the same key.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { fingerprint } from '../common/fingerprint.js';
import type { Reject } from '../pipeline/ports.js';
import { type CtrObject, deliveryDateOf, deliveryFolders, isDataName } from './connect-ctr-objects.js';
import { firstLineOf } from './errors.js';
import { firehoseRecords, type SplitOptions } from './firehose-records.js';
import { isMissingKey } from './s3.js';

/** A bucket and a key prefix in it. */
export interface CtrPlace {
  readonly bucket: string;
  /** Any prefix for the CTRs (`""`, `ctr/`, `ctr`); `""` or ending in `/` for the staging. */
  readonly prefix: string;
}

const SUFFIX = '.ndjson.gz';
/** Length of a staged object's version tag, as `fingerprint` gives it. */
const VERSION_LENGTH = fingerprint('').length;

const entrySchema = z.object({
  key: z.string(),
  etag: z.string(),
  size: z.number(),
  /** The staged object, or absent when the object could not be read whole (`unreadable`). */
  staged: z.string().optional(),
  unreadable: z.string().optional(),
  /** Records the splitter rejected, with their numbers. */
  rejects: z.array(z.object({ line: z.number(), reason: z.string(), raw: z.string() })),
  records: z.number(),
});
const manifestSchema = z.object({ format: z.literal(1), objects: z.array(entrySchema) });
type Entry = z.output<typeof entrySchema>;

/** One CTR object of the window as staged: where its records are for Athena, and what staging found. */
export interface StagedCtrObject extends CtrObject {
  /** Key of its NDJSON copy in the staging bucket; absent when the object is unreadable. */
  readonly staged?: string;
  readonly unreadable?: string;
  readonly rejects: readonly { readonly line: number; readonly reason: string; readonly raw: string }[];
  /** Records in the object, rejected by the splitter or not. */
  readonly records: number;
}

/** The `s3://` path of a staged object and the SQL that turns it back into the object's key (`file`). */
export function stagedPath(staging: CtrPlace, key: string): string {
  return `s3://${staging.bucket}/${key}`;
}

/** SQL giving the CTR object's key from the `"$path"` of its staged copy for a delivery date's folder. */
export function objectKeyOfPath(staging: CtrPlace, path: string): string {
  // `s3://<bucket>/<staging>dt=YYYY-MM-DD/` is as long for every date; the suffix is `.<version>.ndjson.gz`.
  const head = `s3://${staging.bucket}/${staging.prefix}dt=0000-00-00/`.length;
  const tail = 1 + VERSION_LENGTH + SUFFIX.length;
  return `substr(${path}, ${head + 1}, length(${path}) - ${head + tail})`;
}

/** Lists a delivery date's CTR objects, in both layouts, keys relative to the CTR prefix. */
async function listDate(s3: S3Client, source: CtrPlace, date: string): Promise<CtrObject[]> {
  const found: CtrObject[] = [];
  for (const folder of deliveryFolders(date)) {
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: source.bucket,
          Prefix: `${source.prefix}${folder}`,
          ContinuationToken: token,
        }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined || o.Key.endsWith('/')) continue;
        const name = o.Key.slice(source.prefix.length);
        if (!isDataName(name) || deliveryDateOf(name) !== date) continue;
        found.push({ dt: date, name, size: o.Size ?? 0, version: o.ETag ?? '' });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function readText(s3: S3Client, bucket: string, key: string): Promise<string | null> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await object.Body?.transformToString('utf8')) ?? null;
  } catch (error) {
    if (isMissingKey(error)) return null;
    throw error;
  }
}

/** Stages one object: its records as NDJSON (gzipped), or why it could not be read. */
async function stageObject(
  s3: S3Client,
  places: { source: CtrPlace; staging: CtrPlace },
  object: CtrObject,
  split: SplitOptions,
): Promise<Entry> {
  const base = { key: object.name, etag: object.version, size: object.size };
  let items: Awaited<ReturnType<typeof firehoseRecords>>;
  try {
    const body = await s3.send(
      new GetObjectCommand({ Bucket: places.source.bucket, Key: `${places.source.prefix}${object.name}` }),
    );
    if (body.Body === undefined) throw new Error('empty body');
    items = await firehoseRecords(body.Body as AsyncIterable<Uint8Array>, split);
  } catch (error) {
    return { ...base, unreadable: firstLineOf(error), rejects: [], records: 0 };
  }
  const lines = items.map((item) => (item.kind === 'record' ? item.text : ''));
  const staged = `${places.staging.prefix}dt=${object.dt}/${object.name}.${fingerprint(`${object.name}\n${object.version}`)}${SUFFIX}`;
  await s3.send(
    new PutObjectCommand({
      Bucket: places.staging.bucket,
      Key: staged,
      Body: gzipSync(`${lines.join('\n')}\n`),
      ContentType: 'application/x-ndjson',
    }),
  );
  const rejects = items.flatMap((item) =>
    item.kind === 'reject' ? [{ line: item.number, reason: item.reason, raw: item.raw }] : [],
  );
  return { ...base, staged, rejects, records: items.length };
}

/**
 * Makes the CTR objects of the delivery dates readable by Athena (see the module's comment) and returns
 * them, staged. Objects staged by an earlier run under the same ETag are not read again.
 */
export async function stageCtrObjects(
  s3: S3Client,
  places: { readonly source: CtrPlace; readonly staging: CtrPlace },
  dates: readonly string[],
  split: SplitOptions,
): Promise<StagedCtrObject[]> {
  const staged: StagedCtrObject[] = [];
  for (const date of dates) {
    const manifestKey = `${places.staging.prefix}dt=${date}/_manifest.json`;
    const text = await readText(s3, places.staging.bucket, manifestKey);
    const parsed = text === null ? null : manifestSchema.safeParse(JSON.parse(text));
    const known = new Map((parsed?.success ? parsed.data.objects : []).map((e) => [`${e.key}\n${e.etag}`, e]));
    const objects = await listDate(s3, places.source, date);
    const entries: Entry[] = [];
    let changed = objects.length !== known.size;
    // A few objects at a time: each is read, split and written whole.
    for (let i = 0; i < objects.length; i += 8) {
      const batch = objects.slice(i, i + 8);
      entries.push(
        ...(await Promise.all(
          batch.map(async (object) => {
            const entry = known.get(`${object.name}\n${object.version}`);
            if (entry !== undefined) return entry;
            changed = true;
            return stageObject(s3, places, object, split);
          }),
        )),
      );
    }
    if (changed) {
      await s3.send(
        new PutObjectCommand({
          Bucket: places.staging.bucket,
          Key: manifestKey,
          Body: `${JSON.stringify({ format: 1, objects: entries })}\n`,
          ContentType: 'application/json',
        }),
      );
    }
    for (const e of entries) {
      staged.push({
        dt: date,
        name: e.key,
        size: e.size,
        version: e.etag,
        ...(e.staged === undefined ? {} : { staged: e.staged }),
        ...(e.unreadable === undefined ? {} : { unreadable: e.unreadable }),
        rejects: e.rejects,
        records: e.records,
      });
    }
  }
  return staged;
}

/** The rejects staging found: unreadable objects (line 0) and records the splitter refused. */
export function stagingRejects(objects: readonly StagedCtrObject[], rawCharsKept: number): Reject[] {
  return objects.flatMap((o): Reject[] => [
    ...(o.unreadable === undefined
      ? []
      : [{ kind: 'contacts', dt: o.dt, file: o.name, line: 0, reason: 'unreadable_file', raw: o.unreadable }]),
    ...o.rejects.map((r) => ({
      kind: 'contacts',
      dt: o.dt,
      file: o.name,
      line: r.line,
      reason: r.reason,
      raw: r.raw.slice(0, rawCharsKept),
    })),
  ]);
}

/**
 * The line numbers of rejected records in their staged objects: the first line not yet claimed whose
 * text starts with the record's (rejects keep a bounded start of it). Rejects are few; each staged object
 * holding one is read once.
 */
export async function locateStagedRejects(
  s3: S3Client,
  staging: CtrPlace,
  objects: readonly StagedCtrObject[],
  bad: readonly { readonly file: string; readonly raw: string }[],
): Promise<number[]> {
  const byName = new Map(objects.map((o) => [o.name, o]));
  const lines = new Map<string, string[]>();
  const claimed = new Map<string, Set<number>>();
  const found: number[] = [];
  for (const r of bad) {
    const key = byName.get(r.file)?.staged;
    if (key === undefined) {
      found.push(0);
      continue;
    }
    if (!lines.has(key)) {
      const object = await s3.send(new GetObjectCommand({ Bucket: staging.bucket, Key: key }));
      const bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array();
      lines.set(key, gunzipSync(bytes).toString('utf8').split('\n'));
      claimed.set(key, new Set());
    }
    const own = claimed.get(key) ?? new Set<number>();
    const index = (lines.get(key) ?? []).findIndex((line, i) => !own.has(i) && line !== '' && line.startsWith(r.raw));
    if (index >= 0) own.add(index);
    found.push(index + 1);
  }
  return found;
}
