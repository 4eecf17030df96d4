/**
 * The AWS QueryEngine: Athena over the exports in S3. Staging is not a table here but a set of
 * common table expressions — validation, typing and deduplication generated in the Trino dialect —
 * that each query of the portable SQL is prefixed with, for the export kinds it reads. Only the
 * files the window needs are read: partitions are pruned on `dt` and files named by `"$path"`.
 */
import { randomUUID } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  type CompactedPartition,
  type CompactionManifest,
  compactedFigures,
  listingByPartition,
  manifestKey,
  parseManifest,
  partitionPrefix,
  partitionsToCompact,
  SUPERSEDED_GRACE_SECONDS,
  usablePartitions,
} from '../pipeline/compacted-partitions.js';
import type {
  CompactedPartitionInfo,
  ExportFileInfo,
  QueryEngine,
  Reject,
  Row,
  SqlParam,
  StageRequest,
  StageResult,
} from '../pipeline/ports.js';
import { TimeBudgetError } from '../pipeline/time-budget.js';
import { kindsReadBy } from '../sql/athena-scan.js';
import { CTR_CARRIED, type CtrMapping, ctrContactsSelect, ctrExcludedSelect, ctrSource } from '../sql/connect-ctr.js';
import { EXPORT_KINDS, EXPORT_SCHEMA, type ExportKind, exportFormatOf } from '../sql/exports-schema.js';
import { CSV_COLUMNS, CTR_TABLE, glueTableName } from '../sql/glue-tables.js';
import {
  checkedColumns,
  checkedSelect,
  checksFingerprint,
  duplicatesSelect,
  jsonRecordColumns,
  parseJson,
  stagedSelect,
} from '../sql/staging.js';
import { sqlString } from '../sql/values.js';
import { ctrFileInfo, deliveryDates } from './connect-ctr-objects.js';
import {
  type CtrPlace,
  locateStagedRejects,
  objectKeyOfPath,
  stageCtrObjects,
  stagedPath,
  stagingRejects,
} from './connect-ctr-staging.js';
import { firstLineOf } from './errors.js';
import { sortRejects } from './rejects.js';
import { isMissingKey } from './s3.js';

/** A bucket and a key prefix in it (`""` or ending in `/`). */
type Place = { readonly bucket: string; readonly prefix: string };

/** Runs one Trino SQL text on Athena (an `AthenaRunner`). */
export interface AthenaSql {
  run(
    sql: string,
    params: readonly SqlParam[],
  ): Promise<{ readonly rows: Row[]; readonly stats: { readonly bytesScanned: number } }>;
}

export interface AthenaEngineOptions {
  readonly athena: AthenaSql;
  /** Lists the export files and reads CSV headers and the lines of rejected records. */
  readonly s3: S3Client;
  readonly exportsBucket: string;
  /** `""` or ending in `/`. */
  readonly exportsPrefix: string;
  /** When set, contacts are read from Amazon Connect CTRs (docs/connect.md) instead of the exports. */
  readonly ctr?: AthenaCtrOptions;
  /** Reject rows keep at most this many characters of the raw record. */
  readonly rawCharsKept?: number;
  /** How many kinds are staged at once (Athena queues the rest of an account's queries anyway). */
  readonly concurrency?: number;
  /**
   * Where compacted partitions are kept (the `<kind>_checked` Glue tables' location; `prefix` `""` or
   * ending in `/`): those compacted are read from there, and settled ones are compacted there by UNLOAD.
   */
  readonly compacted?: Place;
}

/** Amazon Connect CTRs on S3, where they are staged for Athena, and how their records map onto contacts. */
export interface AthenaCtrOptions {
  /** Where Firehose delivers them: any prefix (`""`, `ctr/`, `ctr`). */
  readonly source: CtrPlace;
  /** Where each object is rewritten once as NDJSON (the `connect_ctr_lines` table's location). */
  readonly staging: CtrPlace;
  readonly mapping: CtrMapping;
  /** Days after the window's last partition whose deliveries are read too (`connect.delivery_days`). */
  readonly deliveryDays: number;
}

/** Longest CTR record, as the embedded default's longest line (docs/spec.md §1: 2 MB). */
const MAX_RECORD_BYTES = 2 * 1024 * 1024;

const csvColumn = (i: number): string => `c${String(i + 1).padStart(2, '0')}`;

interface ExportObject {
  readonly kind: ExportKind;
  readonly dt: string;
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly format: 'ndjson' | 'csv' | null;
}

const PARTITION_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Splits one CSV line (RFC 4180 quoting) into cells. */
export function splitCsvRow(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

/** Athena-backed QueryEngine over `s3://<bucket>/<prefix><kind>/dt=YYYY-MM-DD/<file>`. */
export class AthenaQueryEngine implements QueryEngine {
  private staged = new Map<ExportKind, string>();
  /** Bytes Athena reported scanning, for the run summary. */
  bytesScanned = 0;

  constructor(private readonly options: AthenaEngineOptions) {}

  async stageExports(request: StageRequest): Promise<StageResult> {
    for (const dt of request.partitions) {
      if (!PARTITION_DATE.test(dt)) throw new RangeError(`partition date expected, got ${dt}`);
    }
    const kinds = EXPORT_KINDS.filter((k) => request.kinds === undefined || request.kinds.includes(k));
    const ctr = this.options.ctr;
    // With CTRs, contacts come from them: contacts exports, if any, are not read.
    const exported = kinds.filter((k) => ctr === undefined || k !== 'contacts');
    const objects = (await Promise.all(exported.map((kind) => this.listObjects(kind, request.partitions)))).flat();
    const ctrFiles: ExportFileInfo[] = [];
    const excludedByPartition: Record<string, Record<string, number>> = {};
    const rejects: Reject[] = [];
    const recordsByPartition: Record<string, number> = {};
    const recordsByPartitionKind: Record<string, Record<string, number>> = {};
    const duplicatesByPartition: Record<string, number> = {};
    const add = (into: Record<string, number>, dt: string, n: number): void => {
      into[dt] = (into[dt] ?? 0) + n;
    };
    const count = (dt: string, n: number, kind: string): void => {
      add(recordsByPartition, dt, n);
      recordsByPartitionKind[dt] ??= {};
      add(recordsByPartitionKind[dt], kind, n);
    };
    for (const o of objects.filter((o) => o.format === null)) {
      rejects.push({
        kind: o.kind,
        dt: o.dt,
        file: this.relative(o.key),
        line: 0,
        reason: 'unsupported_file',
        raw: '',
      });
    }
    const compaction = {
      read: [] as CompactedPartitionInfo[],
      written: [] as CompactedPartitionInfo[],
      failed: [] as { kind: string; reason: string }[],
    };
    const stageKind = async (kind: ExportKind): Promise<void> => {
      if (kind === 'contacts' && ctr !== undefined) {
        const staged = await this.stageCtrContacts(ctr, request);
        ctrFiles.push(...staged.files);
        rejects.push(...staged.rejects);
        for (const [dt, n] of Object.entries(staged.records)) count(dt, n, kind);
        for (const [dt, n] of Object.entries(staged.duplicates)) add(duplicatesByPartition, dt, n);
        Object.assign(excludedByPartition, staged.excluded);
        return;
      }
      const files = objects.filter((o) => o.kind === kind && o.format !== null && o.size > 0);
      const place = this.compactionPlace(kind);
      const listing = listingByPartition(
        objects.filter((o) => o.kind === kind && o.format !== null),
        (o) => ({ file: this.relative(o.key), size: o.size, version: o.etag }),
      );
      const manifest = place === undefined ? parseManifest(null, kind) : await this.readManifest(place, kind);
      const checks = checksFingerprint(kind, 'trino');
      const compacted =
        place === undefined ? new Map<string, CompactedPartition>() : usablePartitions(manifest, listing, checks);
      const fromExports = files.filter((o) => !compacted.has(o.dt));
      const checked = await this.checkedSql(kind, fromExports, request.now, compacted);
      this.staged.set(kind, `checked_${kind} AS (${checked}),\n${kind} AS (${stagedSelect(kind, `checked_${kind}`)})`);
      for (const [dt, entry] of compacted) compaction.read.push(compactedFigures(kind, dt, entry));
      if (files.length === 0) return;
      const counts = await this.run(
        `WITH checked_${kind} AS (${checked})
SELECT c.dt, c.n, COALESCE(d.n, 0) AS duplicates
FROM (SELECT dt, count(*) AS n FROM checked_${kind} GROUP BY dt) c
LEFT JOIN (${duplicatesSelect(kind, `checked_${kind}`)}) d ON c.dt = d.dt`,
      );
      for (const r of counts) {
        const dt = String(r.dt);
        count(dt, Number(r.n), kind);
        if (Number(r.duplicates) > 0) add(duplicatesByPartition, dt, Number(r.duplicates));
      }
      // A compacted partition's rejects were located when it was compacted: its export files are not read again.
      const fromCompacted = [...compacted.keys()].map(sqlString).join(', ');
      const bad = await this.run(
        `WITH checked_${kind} AS (${checked})
SELECT dt, file, reason, substr(raw, 1, ${this.options.rawCharsKept ?? 4096}) AS raw FROM checked_${kind} WHERE reason IS NOT NULL${compacted.size > 0 ? ` AND dt NOT IN (${fromCompacted})` : ''} ORDER BY file`,
      );
      const located = await this.locateRejects(kind, bad);
      rejects.push(...located);
      if (place !== undefined) rejects.push(...(await this.compactedRejects(place, compacted)));
      const settled = partitionsToCompact(
        fromExports.map((o) => o.dt),
        place === undefined ? undefined : request.compact?.before,
        request.compact?.atMost,
      );
      if (place !== undefined && settled.length > 0) {
        const records = new Map(counts.map((r) => [String(r.dt), Number(r.n)]));
        const rejected = new Map<string, number>();
        for (const r of bad) rejected.set(String(r.dt), (rejected.get(String(r.dt)) ?? 0) + 1);
        // Compaction only saves later runs work: failing, it leaves the partitions to be read from their exports.
        await this.compact(kind, settled, {
          place,
          manifest,
          checks,
          listing,
          files: fromExports,
          now: request.now,
          counts: (dt) => ({ records: records.get(dt) ?? 0, rejects: rejected.get(dt) ?? 0 }),
          rejects: located,
        }).then(
          (written) => compaction.written.push(...written),
          (error: unknown) => {
            // Running out of time is the run's failure, not the compaction's: the retry must see it.
            if (error instanceof TimeBudgetError) throw error;
            compaction.failed.push({ kind, reason: firstLineOf(error) });
          },
        );
      }
    };
    const queue = [...kinds];
    const workers = Array.from({ length: Math.max(1, this.options.concurrency ?? 3) }, async () => {
      for (let kind = queue.shift(); kind !== undefined; kind = queue.shift()) await stageKind(kind);
    });
    await Promise.all(workers);
    const files: ExportFileInfo[] = [
      ...objects.map((o) => ({
        kind: o.kind,
        dt: o.dt,
        file: this.relative(o.key),
        size: o.size,
      })),
      ...ctrFiles,
    ];
    return {
      files,
      recordsByPartition,
      recordsByPartitionKind,
      duplicatesByPartition,
      ...(ctr === undefined ? {} : { excludedByPartition }),
      rejects: sortRejects(rejects),
      ...(this.options.compacted === undefined ? {} : { compaction }),
    };
  }

  async query(sql: string, params: readonly SqlParam[]): Promise<Row[]> {
    const ctes = kindsReadBy(sql).map((kind) => {
      const cte = this.staged.get(kind);
      if (cte === undefined) throw new Error(`exports of kind ${kind} were not staged before querying them`);
      return cte;
    });
    return this.run(ctes.length === 0 ? sql : `WITH ${ctes.join(',\n')}\n${sql}`, params);
  }

  async close(): Promise<void> {
    this.staged.clear();
  }

  private async run(sql: string, params: readonly SqlParam[] = []): Promise<Row[]> {
    const { rows, stats } = await this.options.athena.run(sql, params);
    this.bytesScanned += stats.bytesScanned;
    return rows;
  }

  private relative(key: string): string {
    return key.startsWith(this.options.exportsPrefix) ? key.slice(this.options.exportsPrefix.length) : key;
  }

  /** The export objects of a kind the window needs (history kinds: every partition up to its end). */
  private async listObjects(kind: ExportKind, partitions: readonly string[]): Promise<ExportObject[]> {
    const last = [...partitions].sort().at(-1) ?? '';
    const window = EXPORT_SCHEMA[kind].reach === 'window';
    const prefixes = window
      ? partitions.map((dt) => `${this.options.exportsPrefix}${kind}/dt=${dt}/`)
      : [`${this.options.exportsPrefix}${kind}/`];
    const objects: ExportObject[] = [];
    for (const prefix of prefixes) {
      for (const { key, size, etag } of await this.list(prefix)) {
        const match = /\/dt=(\d{4}-\d{2}-\d{2})\/([^/]+)$/.exec(key);
        const dt = match?.[1];
        const name = match?.[2];
        if (dt === undefined || name === undefined || dt > last) continue;
        if (name.startsWith('_') || name.startsWith('.')) continue;
        objects.push({ kind, dt, bucket: this.options.exportsBucket, key, size, etag, format: exportFormatOf(name) });
      }
    }
    return objects;
  }

  private async list(
    prefix: string,
    bucket = this.options.exportsBucket,
  ): Promise<{ key: string; size: number; etag: string }[]> {
    const found: { key: string; size: number; etag: string }[] = [];
    let token: string | undefined;
    do {
      const page = await this.options.s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key !== undefined && !o.Key.endsWith('/'))
          found.push({ key: o.Key, size: o.Size ?? 0, etag: o.ETag ?? '' });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return found.sort((a, b) => a.key.localeCompare(b.key));
  }

  /**
   * The checked-records SELECT of a kind over its listed files (an empty relation when there are none),
   * plus the records of its compacted partitions.
   */
  private async checkedSql(
    kind: ExportKind,
    files: readonly ExportObject[],
    now: number,
    compacted: ReadonlyMap<string, CompactedPartition>,
  ): Promise<string> {
    const uri = (o: ExportObject): string => sqlString(`s3://${o.bucket}/${o.key}`);
    const parts: string[] = [];
    const lines = files.filter((f) => f.format === 'ndjson');
    if (lines.length > 0) {
      const dts = [...new Set(lines.map((f) => f.dt))].map(sqlString).join(', ');
      parts.push(`SELECT file, dt, CAST(NULL AS BIGINT) AS line, raw, 'ndjson' AS fmt, ${jsonRecordColumns(kind, 'trino', 'j')}
  FROM (
    SELECT "$path" AS file, dt, line AS raw, ${parseJson('trino', 'line')} AS j
    FROM ${glueTableName(kind, 'lines')}
    WHERE dt IN (${dts}) AND "$path" IN (${lines.map(uri).join(', ')}) AND trim(line) <> ''
  ) parsed`);
    }
    const csvs = files.filter((f) => f.format === 'csv');
    if (csvs.length > 0) {
      const headers = await Promise.all(csvs.map((f) => this.csvHeader(f)));
      const fields = EXPORT_SCHEMA[kind].fields.map((f) => {
        const branches = csvs
          .map((file, i) => {
            const index = headers[i]?.indexOf(f.name) ?? -1;
            return index >= 0 && index < CSV_COLUMNS ? `WHEN ${uri(file)} THEN ${csvColumn(index)}` : '';
          })
          .filter((b) => b !== '');
        const value = branches.length === 0 ? 'CAST(NULL AS VARCHAR)' : `CASE file ${branches.join(' ')} END`;
        return `${value} AS t_${f.name}, CAST(NULL AS VARCHAR) AS jt_${f.name}`;
      });
      const cells = Array.from({ length: CSV_COLUMNS }, (_, i) => csvColumn(i)).join(', ');
      // OpenCSVSerde pads a short row with NULLs (an empty cell is '') and drops cells past the table's
      // columns: a row whose cell count differs from its file's header shows as NULL in the header's
      // last column or a value in the one after it.
      const shape = csvs
        .map((file, i) => {
          const width = Math.min(headers[i]?.length ?? 1, CSV_COLUMNS);
          const extra = width < CSV_COLUMNS ? ` OR ${csvColumn(width)} IS NOT NULL` : '';
          return `WHEN ${uri(file)} THEN CASE WHEN ${csvColumn(width - 1)} IS NULL${extra} THEN 'WRONG_COLUMN_COUNT' ELSE 'OBJECT' END`;
        })
        .join(' ');
      parts.push(`SELECT file, dt, CAST(NULL AS BIGINT) AS line, concat_ws(',', ${cells}) AS raw, 'csv' AS fmt, CASE file ${shape} END AS rec_type, ${fields.join(', ')}
  FROM (SELECT "$path" AS file, dt, ${cells} FROM ${glueTableName(kind, 'csv')} WHERE dt IN (${[...new Set(csvs.map((f) => sqlString(f.dt)))].join(', ')}) AND "$path" IN (${csvs.map(uri).join(', ')})) rows`);
    }
    if (parts.length === 0) {
      const nulls = EXPORT_SCHEMA[kind].fields
        .map((f) => `CAST(NULL AS VARCHAR) AS t_${f.name}, CAST(NULL AS VARCHAR) AS jt_${f.name}`)
        .join(', ');
      parts.push(
        `SELECT CAST(NULL AS VARCHAR) AS file, CAST(NULL AS VARCHAR) AS dt, CAST(NULL AS BIGINT) AS line, CAST(NULL AS VARCHAR) AS raw, CAST(NULL AS VARCHAR) AS fmt, CAST(NULL AS VARCHAR) AS rec_type, ${nulls} FROM (VALUES (1)) AS empty (x) WHERE 1 = 0`,
      );
    }
    const fromExports = checkedSelect(kind, now, 'trino', parts.join('\n  UNION ALL\n  '));
    const place = this.compactionPlace(kind);
    if (place === undefined || [...compacted.values()].every((e) => e.files.length === 0)) return fromExports;
    const keys = [...compacted.values()].flatMap((e) =>
      e.files.map((f) => sqlString(`s3://${place.bucket}/${place.prefix}${f.key}`)),
    );
    const columns = checkedColumns(kind)
      .map((c) => c.name)
      .join(', ');
    return `${fromExports}
UNION ALL
SELECT file, dt, ${columns} FROM ${glueTableName(kind, 'checked')}
WHERE dt IN (${[...compacted.keys()].map(sqlString).join(', ')}) AND "$path" IN (${keys.join(', ')})`;
  }

  /**
   * Contacts from the CTR objects of the window's delivery dates: each object staged once as NDJSON
   * (functions/adapters/connect-ctr-staging.ts), its records checked as contacts, deduplicated and their
   * legs resolved (functions/sql/connect-ctr.ts) in the staged `contacts` expression the queries read.
   */
  private async stageCtrContacts(
    ctr: AthenaCtrOptions,
    request: StageRequest,
  ): Promise<{
    files: ExportFileInfo[];
    rejects: Reject[];
    records: Record<string, number>;
    duplicates: Record<string, number>;
    excluded: Record<string, Record<string, number>>;
  }> {
    const rawChars = this.options.rawCharsKept ?? 4096;
    const objects = await stageCtrObjects(this.options.s3, ctr, deliveryDates(request.partitions, ctr.deliveryDays), {
      maxRecordBytes: MAX_RECORD_BYTES,
      rawCharsKept: rawChars,
    });
    const records: Record<string, number> = {};
    const duplicates: Record<string, number> = {};
    const excluded: Record<string, Record<string, number>> = {};
    const add = (into: Record<string, number>, dt: string, n: number): void => {
      into[dt] = (into[dt] ?? 0) + n;
    };
    const rejects = stagingRejects(objects, rawChars);
    for (const o of objects) if (o.rejects.length > 0) add(records, o.dt, o.rejects.length);
    const readable = objects.filter((o) => o.staged !== undefined && o.records > o.rejects.length);
    const relation =
      readable.length === 0
        ? '(SELECT CAST(NULL AS VARCHAR) AS file, CAST(NULL AS VARCHAR) AS dt, CAST(NULL AS BIGINT) AS line, CAST(NULL AS VARCHAR) AS raw FROM (VALUES (1)) AS empty (x) WHERE 1 = 0)'
        : `(SELECT ${objectKeyOfPath(ctr.staging, '"$path"')} AS file, dt, CAST(NULL AS BIGINT) AS line, line AS raw
    FROM ${CTR_TABLE}
    WHERE dt IN (${[...new Set(readable.map((o) => sqlString(o.dt)))].join(', ')}) AND "$path" IN (${readable.map((o) => sqlString(stagedPath(ctr.staging, o.staged ?? ''))).join(', ')}) AND trim(line) <> '')`;
    const checked = checkedSelect(
      'contacts',
      request.now,
      'trino',
      ctrSource('trino', ctr.mapping, relation),
      CTR_CARRIED,
    );
    this.staged.set(
      'contacts',
      `checked_contacts AS (${checked}),\ncontacts AS (${ctrContactsSelect('checked_contacts')})`,
    );
    const files = objects.map((o) => ctrFileInfo(o, ctr.deliveryDays));
    if (readable.length === 0) return { files, rejects, records, duplicates, excluded };
    const counts = await this.run(
      `WITH checked_contacts AS (${checked})
SELECT 'records' AS what, dt, CAST(NULL AS VARCHAR) AS reason, count(*) AS n FROM checked_contacts GROUP BY dt
UNION ALL SELECT 'duplicates' AS what, dt, CAST(NULL AS VARCHAR) AS reason, n FROM (${duplicatesSelect('contacts', 'checked_contacts')}) d
UNION ALL SELECT 'excluded' AS what, dt, reason, n FROM (${ctrExcludedSelect('checked_contacts')}) e`,
    );
    for (const r of counts) {
      const dt = String(r.dt);
      if (r.what === 'records') add(records, dt, Number(r.n));
      else if (r.what === 'duplicates') add(duplicates, dt, Number(r.n));
      else {
        const own = excluded[dt] ?? {};
        add(own, String(r.reason), Number(r.n));
        excluded[dt] = own;
      }
    }
    const bad = await this.run(
      `WITH checked_contacts AS (${checked})
SELECT dt, file, reason, substr(raw, 1, ${rawChars}) AS raw FROM checked_contacts WHERE reason IS NOT NULL ORDER BY file`,
    );
    const lines = await locateStagedRejects(
      this.options.s3,
      ctr.staging,
      objects,
      bad.map((r) => ({ file: String(r.file), raw: String(r.raw ?? '') })),
    );
    bad.forEach((r, i) => {
      rejects.push({
        kind: 'contacts',
        dt: String(r.dt),
        file: String(r.file),
        line: lines[i] ?? 0,
        reason: String(r.reason),
        raw: String(r.raw ?? ''),
      });
    });
    return { files, rejects, records, duplicates, excluded };
  }

  /** Where a kind's compacted partitions are, or `undefined` when it is not compacted (CTR contacts are not). */
  private compactionPlace(kind: ExportKind): Place | undefined {
    if (kind === 'contacts' && this.options.ctr !== undefined) return undefined;
    return this.options.compacted;
  }

  private async readManifest(place: Place, kind: ExportKind): Promise<CompactionManifest> {
    try {
      const object = await this.options.s3.send(
        new GetObjectCommand({ Bucket: place.bucket, Key: `${place.prefix}${manifestKey(kind)}` }),
      );
      return parseManifest((await object.Body?.transformToString('utf8')) ?? null, kind);
    } catch (error) {
      if (isMissingKey(error)) return parseManifest(null, kind);
      throw error;
    }
  }

  private async writeManifest(place: Place, manifest: CompactionManifest): Promise<void> {
    await this.options.s3.send(
      new PutObjectCommand({
        Bucket: place.bucket,
        Key: `${place.prefix}${manifestKey(manifest.kind)}`,
        Body: `${JSON.stringify(manifest)}\n`,
        ContentType: 'application/json',
      }),
    );
  }

  private async deleteKeys(bucket: string, keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      await this.options.s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
        }),
      );
    }
  }

  /**
   * Compacts settled partitions of a kind with one UNLOAD partitioned by `dt`: their checked records, read
   * once more from their exports, written as Parquet under `<prefix><kind>/dt=…/`, then named in the manifest.
   * Readers name the objects they read (`"$path"`), so objects the manifest does not name are never read:
   * leftovers of a failed run are deleted first, and a replaced entry's objects only a day after the manifest
   * stopped naming them, so that a run that read the manifest before (a digest beside the nightly) still finds them.
   */
  private async compact(
    kind: ExportKind,
    dts: readonly string[],
    context: {
      readonly place: Place;
      readonly manifest: CompactionManifest;
      readonly checks: string;
      readonly listing: ReadonlyMap<string, readonly { file: string; size: number; version: string }[]>;
      readonly files: readonly ExportObject[];
      readonly now: number;
      readonly counts: (dt: string) => { readonly records: number; readonly rejects: number };
      /** The kind's rejects located in this stage, with their lines. */
      readonly rejects: readonly Reject[];
    },
  ): Promise<CompactedPartitionInfo[]> {
    const { place } = context;
    const full = (key: string): string => `${place.prefix}${key}`;
    const named = new Set([
      ...Object.values(context.manifest.partitions).flatMap((e) => [
        ...e.files.map((f) => full(f.key)),
        ...(e.rejects_key === undefined ? [] : [full(e.rejects_key)]),
      ]),
      ...context.manifest.superseded.map((s) => full(s.key)),
    ]);
    const partitionKeys = async (dt: string): Promise<{ key: string; size: number }[]> =>
      this.list(full(partitionPrefix(kind, dt)), place.bucket);
    for (const dt of dts) {
      const leftovers = (await partitionKeys(dt)).filter((o) => !named.has(o.key)).map((o) => o.key);
      await this.deleteKeys(place.bucket, leftovers);
    }
    const wanted = new Set(dts);
    const checked = await this.checkedSql(
      kind,
      context.files.filter((o) => wanted.has(o.dt)),
      context.now,
      new Map(),
    );
    const columns = checkedColumns(kind)
      .map((c) => `CAST(${c.name} AS ${c.type}) AS ${c.name}`)
      .join(', ');
    // The partition column comes last, as UNLOAD's partitioned_by requires.
    await this.run(
      `UNLOAD (SELECT CAST(file AS varchar) AS file, ${columns}, dt FROM (${checked}) checked) TO ${sqlString(`s3://${place.bucket}/${full(`${kind}/`)}`)} WITH (format = 'PARQUET', compression = 'ZSTD', partitioned_by = ARRAY['dt'])`,
    );
    const manifest: CompactionManifest = {
      ...context.manifest,
      partitions: { ...context.manifest.partitions },
      superseded: [...context.manifest.superseded],
    };
    const written: CompactedPartitionInfo[] = [];
    for (const dt of dts) {
      const objects = (await partitionKeys(dt)).filter((o) => !named.has(o.key));
      const previous = manifest.partitions[dt];
      for (const key of [
        ...(previous?.files ?? []).map((f) => f.key),
        ...(previous?.rejects_key === undefined ? [] : [previous.rejects_key]),
      ]) {
        manifest.superseded.push({ key, since: context.now });
      }
      const own = context.rejects.filter((r) => r.dt === dt);
      // A new name each time, so a run still reading the previous manifest finds the previous object.
      const rejectsKey = own.length === 0 ? undefined : `${partitionPrefix(kind, dt)}_rejects-${randomUUID()}.json`;
      if (rejectsKey !== undefined) {
        await this.options.s3.send(
          new PutObjectCommand({
            Bucket: place.bucket,
            Key: full(rejectsKey),
            Body: JSON.stringify(own),
            ContentType: 'application/json',
          }),
        );
      }
      const entry: CompactedPartition = {
        checks: context.checks,
        sources: [...(context.listing.get(dt) ?? [])],
        files: objects.map((o) => ({ key: o.key.slice(place.prefix.length), size: o.size })),
        ...context.counts(dt),
        ...(rejectsKey === undefined ? {} : { rejects_key: rejectsKey }),
        now: context.now,
      };
      manifest.partitions[dt] = entry;
      written.push(compactedFigures(kind, dt, entry));
    }
    const expired = manifest.superseded.filter((s) => s.since <= context.now - SUPERSEDED_GRACE_SECONDS);
    manifest.superseded = manifest.superseded.filter((s) => s.since > context.now - SUPERSEDED_GRACE_SECONDS);
    await this.writeManifest(place, manifest);
    await this.deleteKeys(
      place.bucket,
      expired.map((s) => full(s.key)),
    );
    return written;
  }

  /** The rejects of compacted partitions, as located when they were compacted. */
  private async compactedRejects(place: Place, compacted: ReadonlyMap<string, CompactedPartition>): Promise<Reject[]> {
    const keys = [...compacted.values()].flatMap((e) => (e.rejects_key === undefined ? [] : [e.rejects_key]));
    const found: Reject[] = [];
    for (let i = 0; i < keys.length; i += 16) {
      const texts = await Promise.all(
        keys.slice(i, i + 16).map(async (key) => {
          const object = await this.options.s3.send(
            new GetObjectCommand({ Bucket: place.bucket, Key: `${place.prefix}${key}` }),
          );
          return (await object.Body?.transformToString('utf8')) ?? '[]';
        }),
      );
      for (const text of texts) found.push(...(JSON.parse(text) as Reject[]));
    }
    return found;
  }

  /** The header of a CSV export: its first line, read from the first bytes of the object. */
  private async csvHeader(file: ExportObject): Promise<string[]> {
    const head = await this.options.s3.send(
      new GetObjectCommand({ Bucket: file.bucket, Key: file.key, Range: 'bytes=0-65535' }),
    );
    const bytes = (await head.Body?.transformToByteArray()) ?? new Uint8Array();
    const text = file.key.toLowerCase().endsWith('.gz')
      ? await gunzipPrefix(bytes)
      : Buffer.from(bytes).toString('utf8');
    const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
    return splitCsvRow(first).map((h) => h.trim());
  }

  /**
   * Athena does not number lines, so a rejected record's line is found in its file: the first line
   * not yet claimed whose text (NDJSON) or cells (CSV) equal the record's. Rejects are few; their
   * files are read once each.
   */
  private async locateRejects(kind: ExportKind, bad: readonly Row[]): Promise<Reject[]> {
    const byFile = new Map<string, Row[]>();
    for (const r of bad) {
      const file = String(r.file);
      byFile.set(file, [...(byFile.get(file) ?? []), r]);
    }
    const rejects: Reject[] = [];
    for (const [file, rows] of byFile) {
      const [, bucket = '', key = ''] = /^s3:\/\/([^/]+)\/(.*)$/.exec(file) ?? [];
      const lines = await this.readLines(bucket, key).catch(() => [] as string[]);
      const csv = exportFormatOf(key) === 'csv';
      const claimed = new Set<number>();
      for (const r of rows) {
        const raw = String(r.raw ?? '');
        const index = lines.findIndex((physical, i) => {
          if (claimed.has(i) || (csv && i === 0)) return false;
          const line = physical.replace(/^\uFEFF/, '').replace(/\r$/, '');
          // Raw texts are cut at rawCharsKept, so a record matches on the start of its text.
          const text = csv ? splitCsvRow(line).join(',') : line;
          return text.slice(0, raw.length) === raw && (raw.length > 0 || text === '');
        });
        if (index >= 0) claimed.add(index);
        rejects.push({
          kind,
          dt: String(r.dt),
          file: this.relative(key),
          line: index + 1,
          reason: String(r.reason),
          raw,
        });
      }
    }
    return rejects;
  }

  private async readLines(bucket: string, key: string): Promise<string[]> {
    const object = await this.options.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array();
    const text = key.toLowerCase().endsWith('.gz') ? await gunzipPrefix(bytes) : Buffer.from(bytes).toString('utf8');
    return text.split('\n');
  }
}

/** Decompresses as much of a gzip stream as the bytes hold (a ranged read ends mid-stream). */
async function gunzipPrefix(bytes: Uint8Array): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const gunzip = createGunzip();
    gunzip.on('data', (c: Buffer) => chunks.push(c));
    const done = (): void => resolve(Buffer.concat(chunks).toString('utf8'));
    gunzip.on('end', done);
    gunzip.on('error', done);
    gunzip.end(bytes);
  });
}
