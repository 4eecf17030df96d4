/**
 * The AWS QueryEngine: Athena over the exports in S3. Staging is not a table here but a set of common
 * table expressions — validation, typing and deduplication generated in the Trino dialect — that each query
 * of the portable SQL is prefixed with, for the export kinds it reads. Window kinds (contacts, surveys,
 * agent days) are read from their window's files, named by `"$path"`. History kinds (tickets, customers,
 * orders, costs) are merged into a state — the nightly snapshot and the partitions changed since, or every
 * partition a chunk at a time — written by UNLOAD as Parquet, and read from there
 * (docs/decisions/0006-state-snapshot.md): no query names more files than its text can hold, and a night
 * does not read the history again. Each object a query names was read once before, so that a damaged gzip
 * or a CSV OpenCSVSerDe would misread is a reject, never a failed query.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { fingerprint } from '../common/fingerprint.js';
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
import {
  chunkPartitions,
  horizonSeconds,
  parseStateManifest,
  partitionHashes,
  partitionsToRead,
  type StateManifest,
  snapshotPrefix,
  snapshotUsable,
  stateManifestKey,
} from '../pipeline/state-snapshot.js';
import { TimeBudgetError } from '../pipeline/time-budget.js';
import { kindReferences } from '../sql/athena-scan.js';
import { CTR_CARRIED, type CtrMapping, ctrContactsSelect, ctrExcludedSelect, ctrSource } from '../sql/connect-ctr.js';
import { duplicatesSelect, stagedSelect } from '../sql/dedupe.js';
import { parseJson } from '../sql/dialects.js';
import { CSV_COLUMNS, EXPORT_KINDS, EXPORT_SCHEMA, type ExportKind, exportFormatOf } from '../sql/exports-schema.js';
import { CTR_TABLE, glueTableName } from '../sql/glue-tables.js';
import { checkedColumns, checkedSelect, checksFingerprint } from '../sql/record-checks.js';
import { csvRecordText, jsonRecordColumns, recordDigest } from '../sql/record-sources.js';
import {
  emptyStateSelect,
  isStateKind,
  stateColumns,
  stateDuplicatesSelect,
  stateMergeSelect,
  stateStagedSelect,
} from '../sql/state.js';
import { sqlNumber, sqlString } from '../sql/values.js';
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
import {
  locateLines,
  needsCheck,
  objectRefusal,
  SEMICOLON_HEADER,
  semicolonRows,
  splitCsvRow,
} from './export-objects.js';
import { sortRejects } from './rejects.js';
import { isMissingKey } from './s3.js';

export { splitCsvRow };

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
  /** Lists the export files, reads them once before a query names them, and finds the lines of rejects. */
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
   * ending in `/`), and under `state/` the history kinds' states (the `<kind>_state` tables) and the
   * verdicts of the objects read. Unset: history kinds are read whole by each query, as window kinds are.
   */
  readonly compacted?: Place;
  /** Most export objects one staging query names; more are merged into the state a chunk at a time. @default 400 */
  readonly maxObjectsPerQuery?: number;
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

/** Where states and object verdicts are kept, under the compacted place. */
const STATE_FOLDER = 'state/';
/** A state a stage merges into and reads, not kept for later nights: under its kind, named apart from snapshots. */
const STAGE_STATE = '_stage-';
/** The verdicts of the objects read, under the state folder. */
const VERDICTS_KEY = '_objects.json';
/** Verdicts are kept for the objects of partitions this many days before a stage's window (tickets change that long). */
const VERDICT_DAYS_KEPT = 35;

/** What was learnt by reading an export object once: `null` when Athena reads it whole and as written. */
interface Verdict {
  readonly etag: string;
  readonly size: number;
  readonly refusal: string | null;
}

/** What staging one kind reads and fills in: its files, its compacted partitions, and the stage's figures. */
interface KindStage {
  readonly files: readonly ExportObject[];
  readonly compacted: ReadonlyMap<string, CompactedPartition>;
  readonly now: number;
  /** Records read per partition (as the export dates them), for compaction's manifest. */
  readonly counts: Map<string, number>;
  readonly located: Reject[];
  /** Adds records read in a partition (the ledger counts them per kind too). */
  readonly count: (dt: string, n: number) => void;
  readonly duplicatesByPartition: Record<string, number>;
}

/** How a history kind is staged: the partitions read, the snapshot they merge into, every partition's listing. */
interface StatePlan {
  readonly read: ReadonlySet<string>;
  readonly snapshot: StateManifest | null;
  readonly hashes: ReadonlyMap<string, string>;
}

/** What one staging query scanned, for the run's prediction, and what a query naming the kind reads. */
interface KindScans {
  readonly staging: number[];
  readonly reads: { readonly kind: string; readonly size: number }[];
}

/** Adds `n` to a count kept by key (a partition date, a reason). */
function add(into: Record<string, number>, key: string, n: number): void {
  into[key] = (into[key] ?? 0) + n;
}

/** Athena-backed QueryEngine over `s3://<bucket>/<prefix><kind>/dt=YYYY-MM-DD/<file>`. */
export class AthenaQueryEngine implements QueryEngine {
  private staged = new Map<ExportKind, string>();
  /** States of the last stage that are not snapshots: deleted by the next stage or at close. */
  private temporary: string[] = [];
  /** Bytes Athena reported scanning, for the run summary. */
  bytesScanned = 0;

  constructor(private readonly options: AthenaEngineOptions) {}

  async stageExports(request: StageRequest): Promise<StageResult> {
    for (const dt of request.partitions) {
      if (!PARTITION_DATE.test(dt)) throw new RangeError(`partition date expected, got ${dt}`);
    }
    await this.dropTemporary();
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
      // A file that cannot be read counts as one record, rejected (docs/spec.md §1), as on the embedded engine.
      count(o.dt, 1, o.kind);
    }
    const compaction = {
      read: [] as CompactedPartitionInfo[],
      written: [] as CompactedPartitionInfo[],
      failed: [] as { kind: string; reason: string }[],
    };
    const scans: KindScans = { staging: [], reads: [] };
    const verdicts = await this.readVerdicts();
    const seen = new Map<string, Verdict>();
    const stage = randomUUID();
    const stageKind = async (kind: ExportKind): Promise<void> => {
      if (kind === 'contacts' && ctr !== undefined) {
        const staged = await this.stageCtrContacts(ctr, request);
        ctrFiles.push(...staged.files);
        rejects.push(...staged.rejects);
        for (const [dt, n] of Object.entries(staged.records)) count(dt, n, kind);
        for (const [dt, n] of Object.entries(staged.duplicates)) add(duplicatesByPartition, dt, n);
        Object.assign(excludedByPartition, staged.excluded);
        // Each query naming contacts reads the staged CTR objects; staging read them twice (counts, rejects).
        const bytes = staged.files.reduce((sum, f) => sum + f.size, 0);
        scans.reads.push(...staged.files.map((f) => ({ kind, size: f.size })));
        if (bytes > 0) scans.staging.push(bytes, bytes);
        return;
      }
      const listed = objects.filter((o) => o.kind === kind && o.format !== null);
      const place = this.compactionPlace(kind);
      const state = isStateKind(kind) && place !== undefined ? await this.statePlan(kind, listed, request) : undefined;
      const read = state === undefined ? listed : listed.filter((o) => state.read.has(o.dt));
      const listing = listingByPartition(read, (o) => ({ file: this.relative(o.key), size: o.size, version: o.etag }));
      const manifest = place === undefined ? parseManifest(null, kind) : await this.readManifest(place, kind);
      const checks = checksFingerprint(kind, 'trino');
      const compacted =
        place === undefined ? new Map<string, CompactedPartition>() : usablePartitions(manifest, listing, checks);
      for (const [dt, entry] of compacted) compaction.read.push(compactedFigures(kind, dt, entry));
      // Read once before any query names them: a damaged file is a reject, not a failed query.
      const candidates = read.filter((o) => o.size > 0 && !compacted.has(o.dt));
      const refused = await this.refusals(candidates, verdicts, seen);
      for (const o of candidates.filter((o) => refused.has(o))) {
        const file = this.relative(o.key);
        if (refused.get(o) === SEMICOLON_HEADER) {
          const rows = await semicolonRows(
            await this.objectBody(o.bucket, o.key),
            o.key,
            this.options.rawCharsKept ?? 4096,
          );
          for (const r of rows)
            rejects.push({ kind, dt: o.dt, file, line: r.line, reason: 'wrong_delimiter', raw: r.text });
          count(o.dt, rows.length, kind);
          continue;
        }
        rejects.push({ kind, dt: o.dt, file, line: 0, reason: 'unreadable_file', raw: refused.get(o) ?? '' });
        count(o.dt, 1, kind);
      }
      const files = candidates.filter((o) => !refused.has(o));
      const located: Reject[] = [];
      const counts = new Map<string, number>();
      const context = {
        files,
        compacted,
        now: request.now,
        counts,
        located,
        count: (dt: string, n: number) => count(dt, n, kind),
        duplicatesByPartition,
      };
      if (state === undefined) {
        await this.stageWindowKind(kind, context, scans);
      } else {
        await this.stageHistoryKind(kind, { ...context, state, request, stage }, scans);
      }
      rejects.push(...located);
      if (place !== undefined) rejects.push(...(await this.compactedRejects(place, compacted)));
      const settled = partitionsToCompact(
        files.map((o) => o.dt),
        place === undefined ? undefined : request.compact?.before,
        request.compact?.atMost,
      );
      if (place !== undefined && settled.length > 0) {
        const rejected = new Map<string, number>();
        for (const r of located) rejected.set(String(r.dt), (rejected.get(String(r.dt)) ?? 0) + 1);
        // Compaction only saves later runs work: failing, it leaves the partitions to be read from their exports.
        await this.compact(kind, settled, {
          place,
          manifest,
          checks,
          listing,
          files,
          now: request.now,
          counts: (dt) => ({ records: counts.get(dt) ?? 0, rejects: rejected.get(dt) ?? 0 }),
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
    // Only a nightly stage keeps the verdicts (its function alone writes under the state folder; a digest
    // reads few new objects, and checks them again).
    if (request.snapshot === true) await this.writeVerdicts(verdicts, seen, request.partitions);
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
      scanned: scans.reads,
      stagingScans: scans.staging,
    };
  }

  async query(sql: string, params: readonly SqlParam[]): Promise<Row[]> {
    const ctes = EXPORT_KINDS.filter((kind) => kindReferences(sql, kind) > 0).map((kind) => {
      const cte = this.staged.get(kind);
      if (cte === undefined) throw new Error(`exports of kind ${kind} were not staged before querying them`);
      return cte;
    });
    return this.run(ctes.length === 0 ? sql : `WITH ${ctes.join(',\n')}\n${sql}`, params);
  }

  async close(): Promise<void> {
    this.staged.clear();
    await this.dropTemporary();
  }

  private async run(sql: string, params: readonly SqlParam[] = []): Promise<Row[]> {
    const { rows, stats } = await this.options.athena.run(sql, params);
    this.bytesScanned += stats.bytesScanned;
    return rows;
  }

  private relative(key: string): string {
    return key.startsWith(this.options.exportsPrefix) ? key.slice(this.options.exportsPrefix.length) : key;
  }

  /** Bytes of objects, for the scan accounting. */
  private static bytes(objects: readonly { readonly size: number }[]): number {
    return objects.reduce((sum, o) => sum + o.size, 0);
  }

  /**
   * A window kind: one common table expression over its files, which each query naming the kind reads; its
   * record counts and rejects in one query, its merged duplicates in another.
   */
  private async stageWindowKind(kind: ExportKind, context: KindStage, scans: KindScans): Promise<void> {
    const { files, compacted } = context;
    const checked = await this.checkedSql(kind, files, context.now, compacted);
    this.staged.set(kind, `checked_${kind} AS (${checked}),\n${kind} AS (${stagedSelect(kind, `checked_${kind}`)})`);
    const reads = [...files, ...this.compactedObjects(compacted)];
    scans.reads.push(...reads.map((o) => ({ kind, size: o.size })));
    if (files.length === 0 && compacted.size === 0) return;
    const bytes = AthenaQueryEngine.bytes(reads);
    await this.countAndLocate(kind, checked, compacted, context);
    const duplicates = await this.run(duplicatesSelect(kind, `(${checked}) checked_rows`));
    scans.staging.push(bytes, bytes);
    for (const r of duplicates) {
      const dt = String(r.dt);
      context.duplicatesByPartition[dt] = (context.duplicatesByPartition[dt] ?? 0) + Number(r.n);
    }
  }

  /**
   * Records per partition and the rejects with their text, in one scan (grouping sets: the partition's
   * count, and each rejected record); then the rejects' lines, found in their files.
   */
  private async countAndLocate(
    kind: ExportKind,
    checked: string,
    compacted: ReadonlyMap<string, CompactedPartition>,
    context: {
      readonly counts: Map<string, number>;
      readonly located: Reject[];
      readonly count: (dt: string, n: number) => void;
    },
  ): Promise<void> {
    const limit = this.options.rawCharsKept ?? 4096;
    const rows = await this.run(
      `SELECT dt, file, reason, raw, count(*) AS n, grouping(file) AS whole FROM (SELECT dt, file, reason, substr(raw, 1, ${sqlNumber(limit)}) AS raw FROM (${checked}) checked) cut
GROUP BY GROUPING SETS ((dt), (dt, file, reason, raw))
HAVING grouping(file) = 1 OR reason IS NOT NULL`,
    );
    const bad: Row[] = [];
    for (const r of rows) {
      const dt = String(r.dt);
      if (Number(r.whole) === 1) {
        context.counts.set(dt, (context.counts.get(dt) ?? 0) + Number(r.n));
        context.count(dt, Number(r.n));
      } else if (!compacted.has(dt)) {
        // A compacted partition's rejects were located when it was compacted: its export files are not read again.
        for (let i = 0; i < Number(r.n); i += 1) bad.push(r);
      }
    }
    context.located.push(...(await this.locateRejects(kind, bad)));
  }

  /** How a history kind is staged: its snapshot and the partitions to merge into it, or every partition. */
  private async statePlan(
    kind: ExportKind,
    listed: readonly ExportObject[],
    request: StageRequest,
  ): Promise<StatePlan> {
    const hashes = partitionHashes(listed, (o) => ({ file: this.relative(o.key), size: o.size, version: o.etag }));
    let snapshot: StateManifest | null = null;
    if (request.snapshot === true) {
      const found = parseStateManifest(await this.getText(this.statePlace(), stateManifestKey(kind)), kind);
      snapshot = snapshotUsable(found, { window: request.partitions, checks: this.stateChecks(kind) }) ? found : null;
    }
    return { read: new Set(partitionsToRead(hashes, snapshot, request.partitions)), snapshot, hashes };
  }

  /**
   * A history kind: the partitions read are merged into its state a chunk at a time (each chunk one query
   * of counts and rejects, one of merged duplicates, and an UNLOAD of the merged state), and queries read
   * the last state. A nightly stage keeps it as the next snapshot, with only what later nights need.
   */
  private async stageHistoryKind(
    kind: ExportKind,
    context: KindStage & {
      readonly state: StatePlan;
      readonly request: StageRequest;
      readonly stage: string;
    },
    scans: KindScans,
  ): Promise<void> {
    const { files, compacted, request, state } = context;
    const place = this.statePlace();
    const objectsOf = (dt: string): number =>
      compacted.has(dt) ? (compacted.get(dt)?.files.length ?? 0) : files.filter((o) => o.dt === dt).length;
    const chunks = chunkPartitions([...state.read].sort(), objectsOf, this.options.maxObjectsPerQuery ?? 400);
    const first = [...request.partitions].sort()[0];
    const keep = request.snapshot === true && first !== undefined;
    let previous: { id: string; objects: { key: string; size: number }[] } | null =
      state.snapshot === null
        ? null
        : { id: this.snapshotId(state.snapshot), objects: state.snapshot.objects.map((o) => ({ ...o })) };
    const intermediate: string[] = [];
    if (chunks.length === 0) chunks.push([]);
    for (const [i, partitions] of chunks.entries()) {
      const last = i === chunks.length - 1;
      const wanted = new Set(partitions);
      const chunkFiles = files.filter((o) => wanted.has(o.dt));
      const chunkCompacted = new Map([...compacted].filter(([dt]) => wanted.has(dt)));
      const checked = await this.checkedSql(kind, chunkFiles, context.now, chunkCompacted);
      const read = AthenaQueryEngine.bytes([...chunkFiles, ...this.compactedObjects(chunkCompacted)]);
      const before = previous === null ? 0 : AthenaQueryEngine.bytes(previous.objects);
      const merge = {
        checked,
        previous: previous === null ? emptyStateSelect(kind) : this.stateSelect(kind, previous.id),
        partitions,
        stage: context.stage,
      };
      if (read > 0) {
        await this.countAndLocate(kind, checked, chunkCompacted, context);
        scans.staging.push(read);
      }
      for (const r of await this.run(stateDuplicatesSelect(kind, merge))) {
        const dt = String(r.dt);
        context.duplicatesByPartition[dt] = (context.duplicatesByPartition[dt] ?? 0) + Number(r.n);
      }
      scans.staging.push(read + before);
      const id = keep && last ? randomUUID() : `${STAGE_STATE}${randomUUID()}`;
      const columns = stateColumns(kind)
        .map((c) => `CAST(${c.name} AS ${c.type}) AS ${c.name}`)
        .join(', ');
      const horizon = keep && last && first !== undefined ? horizonSeconds(first) : undefined;
      const location = `s3://${place.bucket}/${place.prefix}${snapshotPrefix(kind, id)}`;
      await this.run(
        `UNLOAD (SELECT ${columns} FROM (${stateMergeSelect(kind, merge, horizon)}) merged) TO ${sqlString(location)} WITH (format = 'PARQUET', compression = 'ZSTD')`,
      );
      scans.staging.push(read + before);
      if (previous?.id.startsWith(STAGE_STATE)) intermediate.push(previous.id);
      const written = await this.list(`${place.prefix}${snapshotPrefix(kind, id)}`, place.bucket);
      previous = { id, objects: written.map((o) => ({ key: o.key.slice(place.prefix.length), size: o.size })) };
    }
    const final = previous;
    if (final === null) return;
    this.staged.set(kind, `${kind} AS (${stateStagedSelect(kind, `(${this.stateSelect(kind, final.id)}) state`)})`);
    scans.reads.push(...final.objects.map((o) => ({ kind, size: o.size })));
    await this.deleteStates(kind, intermediate);
    if (keep && first !== undefined) {
      const manifest: StateManifest = {
        format: 1,
        kind,
        checks: this.stateChecks(kind),
        horizon: first,
        through: [...request.partitions].sort().at(-1) ?? first,
        objects: final.objects,
        partitions: Object.fromEntries([...state.hashes].sort(([a], [b]) => a.localeCompare(b))),
      };
      await this.putText(place, stateManifestKey(kind), `${JSON.stringify(manifest)}\n`);
      await this.pruneSnapshots(kind, final.id, state.snapshot === null ? null : this.snapshotId(state.snapshot));
    } else {
      this.temporary.push(`${kind}/${final.id}`);
    }
  }

  /** A state's rows, by its id (the `snapshot` partition of the kind's `_state` table). */
  private stateSelect(kind: ExportKind, id: string): string {
    const columns = stateColumns(kind)
      .map((c) => c.name)
      .join(', ');
    return `SELECT ${columns} FROM ${glueTableName(kind, 'state')} WHERE snapshot = ${sqlString(id)}`;
  }

  /** A snapshot's id: the folder of its objects under the kind. */
  private snapshotId(manifest: StateManifest): string {
    const key = manifest.objects[0]?.key ?? '';
    return key.split('/')[1] ?? '';
  }

  /** What a kind's snapshot was built under: its checks and its merge SQL. */
  private stateChecks(kind: ExportKind): string {
    return fingerprint(
      [
        checksFingerprint(kind, 'trino'),
        stateMergeSelect(kind, { checked: 'c', previous: 'p', partitions: [], stage: 's' }, 0),
      ].join('\n'),
    );
  }

  /** Where states are kept. */
  private statePlace(): Place {
    const compacted = this.options.compacted;
    if (compacted === undefined) throw new Error('no place for the state: the engine has no compacted location');
    return { bucket: compacted.bucket, prefix: `${compacted.prefix}${STATE_FOLDER}` };
  }

  /** Deletes the objects of states of a kind (by id). */
  private async deleteStates(kind: ExportKind, ids: readonly string[]): Promise<void> {
    const place = this.statePlace();
    for (const id of ids) {
      const objects = await this.list(`${place.prefix}${snapshotPrefix(kind, id)}`, place.bucket);
      await this.deleteKeys(
        place.bucket,
        objects.map((o) => o.key),
      );
    }
  }

  /** Deletes the states of the last stage that were not kept as snapshots; their kinds are staged no more. */
  private async dropTemporary(): Promise<void> {
    const temporary = this.temporary;
    this.temporary = [];
    for (const entry of temporary) {
      const [kind, id] = entry.split('/');
      if (kind === undefined || id === undefined) continue;
      this.staged.delete(kind as ExportKind);
      await this.deleteStates(kind as ExportKind, [id]);
    }
  }

  /**
   * After a snapshot is named in its manifest: removes every older snapshot of the kind but the one before
   * (a retried night may still be reading it), and stage states left by a run that stopped a day ago or more.
   */
  private async pruneSnapshots(kind: ExportKind, current: string, previous: string | null): Promise<void> {
    const place = this.statePlace();
    const under = `${place.prefix}${kind}/`;
    const page = await this.listWithDates(under, place.bucket);
    const stale = page.filter(({ key, modified }) => {
      const id = key.slice(under.length).split('/')[0] ?? '';
      if (id === current || id === previous || !key.slice(under.length).includes('/')) return false;
      if (id.startsWith(STAGE_STATE)) return modified < Date.now() - SUPERSEDED_GRACE_SECONDS * 1000;
      return true;
    });
    await this.deleteKeys(
      place.bucket,
      stale.map((o) => o.key),
    );
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
    return (await this.listWithDates(prefix, bucket)).map(({ key, size, etag }) => ({ key, size, etag }));
  }

  private async listWithDates(
    prefix: string,
    bucket: string,
  ): Promise<{ key: string; size: number; etag: string; modified: number }[]> {
    const found: { key: string; size: number; etag: string; modified: number }[] = [];
    let token: string | undefined;
    do {
      const page = await this.options.s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key !== undefined && !o.Key.endsWith('/'))
          found.push({ key: o.Key, size: o.Size ?? 0, etag: o.ETag ?? '', modified: o.LastModified?.getTime() ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return found.sort((a, b) => a.key.localeCompare(b.key));
  }

  /**
   * The checked-records SELECT of a kind over its listed files (an empty relation when there are none),
   * plus the records of its compacted partitions. Its text grows with the files it names, not with history.
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
      parts.push(`SELECT file, dt, CAST(NULL AS BIGINT) AS line, raw, ${recordDigest('trino', 'raw')} AS raw_sha, 'ndjson' AS fmt, ${jsonRecordColumns(kind, 'trino', 'j', 'raw')}
  FROM (
    SELECT "$path" AS file, dt, line AS raw, ${parseJson('trino', 'line')} AS j
    FROM ${glueTableName(kind, 'lines')}
    WHERE dt IN (${dts}) AND "$path" IN (${lines.map(uri).join(', ')}) AND trim(line) <> ''
  ) parsed`);
    }
    const csvs = files.filter((f) => f.format === 'csv');
    if (csvs.length > 0) parts.push(await this.csvPart(kind, csvs, uri));
    if (parts.length === 0) {
      const nulls = EXPORT_SCHEMA[kind].fields
        .map((f) => `CAST(NULL AS VARCHAR) AS t_${f.name}, CAST(NULL AS VARCHAR) AS jt_${f.name}`)
        .join(', ');
      parts.push(
        `SELECT CAST(NULL AS VARCHAR) AS file, CAST(NULL AS VARCHAR) AS dt, CAST(NULL AS BIGINT) AS line, CAST(NULL AS VARCHAR) AS raw, CAST(NULL AS VARCHAR) AS raw_sha, CAST(NULL AS VARCHAR) AS fmt, CAST(NULL AS VARCHAR) AS rec_type, ${nulls} FROM (VALUES (1)) AS empty (x) WHERE 1 = 0`,
      );
    }
    const fromExports = checkedSelect(kind, now, 'trino', parts.join('\n  UNION ALL\n  '));
    const place = this.compactionPlace(kind);
    const objects = this.compactedObjects(compacted);
    if (place === undefined || objects.length === 0) return fromExports;
    const columns = checkedColumns(kind)
      .map((c) => c.name)
      .join(', ');
    return `${fromExports}
UNION ALL
SELECT file, dt, ${columns} FROM ${glueTableName(kind, 'checked')}
WHERE dt IN (${[...compacted.keys()].map(sqlString).join(', ')}) AND "$path" IN (${objects.map((o) => sqlString(`s3://${o.bucket}/${o.key}`)).join(', ')})`;
  }

  /**
   * The CSV rows of a kind's files, cells mapped to fields by each file's header. Files sharing a header
   * share one mapping, so the text grows with the files named once each and the distinct headers, not
   * with files × fields.
   */
  private async csvPart(
    kind: ExportKind,
    csvs: readonly ExportObject[],
    uri: (o: ExportObject) => string,
  ): Promise<string> {
    const headers = await Promise.all(csvs.map((f) => this.csvHeader(f)));
    const groups = new Map<string, { header: string[]; files: ExportObject[] }>();
    csvs.forEach((file, i) => {
      const header = headers[i] ?? [];
      const key = JSON.stringify(header);
      const group = groups.get(key) ?? { header, files: [] };
      group.files.push(file);
      groups.set(key, group);
    });
    // The largest group is the default: the others are named by their files.
    const ordered = [...groups.values()].sort((a, b) => b.files.length - a.files.length);
    const groupColumn =
      ordered.length === 1
        ? '1'
        : `CASE ${ordered
            .slice(1)
            .map((g, i) => `WHEN "$path" IN (${g.files.map(uri).join(', ')}) THEN ${i + 2}`)
            .join(' ')} ELSE 1 END`;
    const byGroup = (value: (header: string[]) => string): string =>
      ordered.length === 1
        ? value(ordered[0]?.header ?? [])
        : `CASE header_group ${ordered.map((g, i) => `WHEN ${i + 1} THEN ${value(g.header)}`).join(' ')} END`;
    const fields = EXPORT_SCHEMA[kind].fields.map((f) => {
      const value = byGroup((header) => {
        const index = header.indexOf(f.name);
        return index >= 0 && index < CSV_COLUMNS ? csvColumn(index) : 'CAST(NULL AS VARCHAR)';
      });
      return `${value} AS t_${f.name}, CAST(NULL AS VARCHAR) AS jt_${f.name}`;
    });
    const cells = Array.from({ length: CSV_COLUMNS }, (_, i) => csvColumn(i)).join(', ');
    const width = (header: string[]): number => Math.max(1, Math.min(header.length, CSV_COLUMNS));
    // OpenCSVSerde pads a short row with NULLs (an empty cell is '') and drops cells past the table's
    // columns: a row whose cell count differs from its file's header shows as NULL in the header's
    // last column or a value in the one after it.
    const shape = byGroup((header) => {
      const w = width(header);
      const extra = w < CSV_COLUMNS ? ` OR ${csvColumn(w)} IS NOT NULL` : '';
      return `CASE WHEN ${csvColumn(w - 1)} IS NULL${extra} THEN 'WRONG_COLUMN_COUNT' ELSE 'OBJECT' END`;
    });
    const digest = byGroup((header) =>
      recordDigest('trino', csvRecordText(Array.from({ length: width(header) }, (_, i) => csvColumn(i)))),
    );
    const dts = [...new Set(csvs.map((f) => sqlString(f.dt)))].join(', ');
    return `SELECT file, dt, CAST(NULL AS BIGINT) AS line, concat_ws(',', ${cells}) AS raw, ${digest} AS raw_sha, 'csv' AS fmt, ${shape} AS rec_type, ${fields.join(', ')}
  FROM (SELECT "$path" AS file, dt, ${groupColumn} AS header_group, ${cells} FROM ${glueTableName(kind, 'csv')} WHERE dt IN (${dts}) AND "$path" IN (${csvs.map(uri).join(', ')})) rows`;
  }

  /** The Parquet objects of compacted partitions, as objects of the compacted place. */
  private compactedObjects(
    compacted: ReadonlyMap<string, CompactedPartition>,
  ): { bucket: string; key: string; size: number }[] {
    const place = this.options.compacted;
    if (place === undefined) return [];
    return [...compacted.values()].flatMap((e) =>
      e.files.map((f) => ({ bucket: place.bucket, key: `${place.prefix}${f.key}`, size: f.size })),
    );
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

  private async getText(place: Place, key: string): Promise<string | null> {
    try {
      const object = await this.options.s3.send(
        new GetObjectCommand({ Bucket: place.bucket, Key: `${place.prefix}${key}` }),
      );
      return (await object.Body?.transformToString('utf8')) ?? null;
    } catch (error) {
      if (isMissingKey(error)) return null;
      throw error;
    }
  }

  private async putText(place: Place, key: string, body: string): Promise<void> {
    await this.options.s3.send(
      new PutObjectCommand({
        Bucket: place.bucket,
        Key: `${place.prefix}${key}`,
        Body: body,
        ContentType: 'application/json',
      }),
    );
  }

  private async readManifest(place: Place, kind: ExportKind): Promise<CompactionManifest> {
    return parseManifest(await this.getText(place, manifestKey(kind)), kind);
  }

  private async writeManifest(place: Place, manifest: CompactionManifest): Promise<void> {
    await this.putText(place, manifestKey(manifest.kind), `${JSON.stringify(manifest)}\n`);
  }

  /** The verdicts remembered from earlier stages, by `bucket/key` (none without a compacted place). */
  private async readVerdicts(): Promise<Map<string, Verdict>> {
    if (this.options.compacted === undefined) return new Map();
    try {
      const parsed = JSON.parse((await this.getText(this.statePlace(), VERDICTS_KEY)) ?? '{}') as {
        objects?: Record<string, Verdict>;
      };
      return new Map(Object.entries(parsed.objects ?? {}));
    } catch {
      return new Map();
    }
  }

  /**
   * Keeps the verdicts of the objects read by this stage, and of those of recent partitions: a window's
   * objects are read again each night, a recent history partition's when a file of it changes.
   */
  private async writeVerdicts(
    before: ReadonlyMap<string, Verdict>,
    seen: ReadonlyMap<string, Verdict>,
    partitions: readonly string[],
  ): Promise<void> {
    if (this.options.compacted === undefined || seen.size === 0) return;
    const first = [...partitions].sort()[0] ?? '';
    const since = new Date(`${first}T00:00:00Z`);
    since.setUTCDate(since.getUTCDate() - VERDICT_DAYS_KEPT);
    const oldest = Number.isNaN(since.getTime()) ? '' : since.toISOString().slice(0, 10);
    const kept: Record<string, Verdict> = {};
    for (const [key, verdict] of before) {
      const dt = /\/dt=(\d{4}-\d{2}-\d{2})\//.exec(key)?.[1] ?? /\/(\d{4}\/\d{2}\/\d{2})\//.exec(key)?.[1] ?? '';
      if (dt.replaceAll('/', '-') >= oldest) kept[key] = verdict;
    }
    for (const [key, verdict] of seen) kept[key] = verdict;
    await this.putText(this.statePlace(), VERDICTS_KEY, `${JSON.stringify({ format: 1, objects: kept })}\n`);
  }

  /**
   * Reads each object that needs it (a gzip, a CSV) once in its life — its verdict is remembered by ETag and
   * size — and returns those Athena cannot read whole, or would read otherwise, with why.
   */
  private async refusals(
    objects: readonly ExportObject[],
    remembered: ReadonlyMap<string, Verdict>,
    seen: Map<string, Verdict>,
  ): Promise<Map<ExportObject, string>> {
    const refused = new Map<ExportObject, string>();
    const pending = objects.filter((o) => needsCheck(o.key));
    for (let i = 0; i < pending.length; i += 8) {
      await Promise.all(
        pending.slice(i, i + 8).map(async (o) => {
          const id = `${o.bucket}/${o.key}`;
          const known = remembered.get(id);
          let verdict: Verdict;
          if (known !== undefined && known.etag === o.etag && known.size === o.size) {
            verdict = known;
          } else {
            const body = await this.objectBody(o.bucket, o.key);
            verdict = { etag: o.etag, size: o.size, refusal: await objectRefusal(body, o.key) };
          }
          seen.set(id, verdict);
          if (verdict.refusal !== null) refused.set(o, verdict.refusal);
        }),
      );
    }
    return refused;
  }

  private async objectBody(bucket: string, key: string, range?: string): Promise<Readable> {
    const object = await this.options.s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, ...(range === undefined ? {} : { Range: range }) }),
    );
    const body = object.Body as Readable | undefined;
    if (body === undefined) throw new Error(`s3://${bucket}/${key} has no body`);
    return body;
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
      if (rejectsKey !== undefined) await this.putText(place, rejectsKey, JSON.stringify(own));
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
        keys.slice(i, i + 16).map(async (key) => (await this.getText(place, key)) ?? '[]'),
      );
      for (const text of texts) found.push(...(JSON.parse(text) as Reject[]));
    }
    return found;
  }

  /** The header of a CSV export: its first line, read from the first bytes of the object. */
  private async csvHeader(file: ExportObject): Promise<string[]> {
    const body = await this.objectBody(file.bucket, file.key, 'bytes=0-65535');
    const decompressed = file.key.toLowerCase().endsWith('.gz') ? body.pipe(createGunzip()) : body;
    let text = '';
    try {
      for await (const chunk of decompressed) {
        text += (chunk as Buffer).toString('utf8');
        if (/\r?\n/.test(text)) break;
      }
    } catch {
      // A ranged read ends mid-stream: what was decompressed is enough for the first line.
    } finally {
      decompressed.destroy();
      body.destroy();
    }
    const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
    return splitCsvRow(first).map((h) => h.trim());
  }

  /**
   * Athena does not number lines, so a rejected record's line is found in its file, streamed once through
   * a line reader, keeping only the lines that match. A line that cannot be found says so in its reason.
   */
  private async locateRejects(kind: ExportKind, bad: readonly Row[]): Promise<Reject[]> {
    const byFile = new Map<string, Row[]>();
    for (const r of bad) {
      const file = String(r.file);
      byFile.set(file, [...(byFile.get(file) ?? []), r]);
    }
    const limit = this.options.rawCharsKept ?? 4096;
    const rejects: Reject[] = [];
    for (const [file, rows] of byFile) {
      const [, bucket = '', key = ''] = /^s3:\/\/([^/]+)\/(.*)$/.exec(file) ?? [];
      const sought = rows.map((r) => ({ raw: String(r.raw ?? '') }));
      let lines: number[];
      try {
        lines = await locateLines(await this.objectBody(bucket, key), key, sought, limit);
      } catch {
        // The file could not be read through (it changed or broke since it was checked): no line is known.
        lines = sought.map(() => 0);
      }
      rows.forEach((r, i) => {
        const line = lines[i] ?? 0;
        rejects.push({
          kind,
          dt: String(r.dt),
          file: this.relative(key),
          line,
          // Never a silent 0: a record whose line is not found says so.
          reason: line > 0 ? String(r.reason) : `${String(r.reason)}:line_not_located`,
          raw: String(r.raw ?? ''),
        });
      });
    }
    return rejects;
  }
}
