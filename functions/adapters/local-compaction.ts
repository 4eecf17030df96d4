/**
 * Compacted partitions on the embedded engine (docs/decisions/0004-compacted-partitions.md): the manifest of a
 * kind's compacted partitions in a local folder, the SELECT reading them back as checked records, and the
 * writing of settled partitions' checked records as Parquet.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type CompactedPartition,
  type CompactionManifest,
  type CompactionSource,
  compactedFigures,
  manifestKey,
  parseManifest,
  partitionPrefix,
} from '../pipeline/compacted-partitions.js';
import type { DamagedFile } from '../pipeline/damage.js';
import type { CompactedPartitionInfo, Reject } from '../pipeline/ports.js';
import type { ExportKind } from '../sql/exports-schema.js';
import { checkedColumns } from '../sql/record-checks.js';
import { sqlString } from '../sql/values.js';
import type { DuckDbSession } from './duckdb-session.js';
import { exportsPrefix } from './export-listing.js';
import { writeWhole } from './local-fs.js';

/** A kind's compacted partitions in the session's compacted folder. */
export class LocalCompaction {
  constructor(private readonly session: DuckDbSession) {}

  /**
   * The manifest of a kind's compacted partitions (empty when there is no compacted root or none yet); a
   * damaged one is named in `damaged`, and its partitions are read from their exports and compacted again.
   */
  async readManifest(kind: ExportKind, damaged: DamagedFile[]): Promise<CompactionManifest> {
    const root = this.session.options.compactedRoot;
    if (root === undefined) return parseManifest(null, kind);
    const path = join(root, manifestKey(kind));
    const text = await readFile(path, 'utf8').catch(() => null);
    return parseManifest(text, kind, (problem) =>
      damaged.push({ file: path, problem: `${problem}; its partitions are read from their exports` }),
    );
  }

  async writeManifest(root: string, manifest: CompactionManifest): Promise<void> {
    // Written aside, then renamed: a reader sees the old manifest or the new one, never half of one.
    await writeWhole(join(root, manifestKey(manifest.kind)), `${JSON.stringify(manifest)}\n`, rename);
  }

  /** The checked records of compacted partitions, as `checkedSelect` gives them. */
  compactedSelect(kind: ExportKind, compacted: ReadonlyMap<string, CompactedPartition>): string {
    const root = this.session.options.compactedRoot ?? '';
    const paths = [...compacted.values()].flatMap((e) => e.files.map((f) => sqlString(join(root, f.key))));
    const columns = checkedColumns(kind)
      .map((c) => c.name)
      .join(', ');
    return `SELECT ${sqlString(exportsPrefix(this.session.options.exportsRoot))} || file AS file, regexp_extract(filename, 'dt=([0-9]{4}-[0-9]{2}-[0-9]{2})/[^/]*$', 1) AS dt, ${columns}
FROM read_parquet([${paths.join(', ')}], filename = true)`;
  }

  /**
   * Writes the checked records of settled partitions (in `checked_<kind>`, plus the records DuckDB could not
   * split) as one Parquet file each, and records them in the kind's manifest.
   */
  async compact(
    kind: ExportKind,
    dts: readonly string[],
    context: {
      readonly manifest: CompactionManifest;
      readonly checks: string;
      readonly listing: ReadonlyMap<string, readonly CompactionSource[]>;
      readonly unsplitByPartition: ReadonlyMap<string, readonly Reject[]>;
      readonly now: number;
    },
  ): Promise<CompactedPartitionInfo[]> {
    const root = this.session.options.compactedRoot;
    if (root === undefined) return [];
    // Entries about to be rewritten are withdrawn first: a run stopped halfway leaves those partitions
    // to be read from their exports, never from half-written files.
    const manifest: CompactionManifest = { ...context.manifest, partitions: { ...context.manifest.partitions } };
    for (const dt of dts) delete manifest.partitions[dt];
    await this.writeManifest(root, manifest);
    const columns = checkedColumns(kind);
    const typed = columns.map((c) => `CAST(${c.name} AS ${c.type.toUpperCase()}) AS ${c.name}`).join(', ');
    const names = columns.map((c) => c.name).join(', ');
    const written: CompactedPartitionInfo[] = [];
    for (const dt of dts) {
      const key = `${partitionPrefix(kind, dt)}checked.parquet`;
      const path = join(root, key);
      await rm(dirname(path), { recursive: true, force: true });
      await mkdir(dirname(path), { recursive: true });
      await this.session.connection.run(
        'CREATE OR REPLACE TEMP TABLE unsplit_rows (file VARCHAR, line BIGINT, raw VARCHAR, reason VARCHAR)',
      );
      for (const r of context.unsplitByPartition.get(dt) ?? []) {
        await this.session.connection.run('INSERT INTO unsplit_rows VALUES (?, ?, ?, ?)', [
          r.file,
          r.line,
          r.raw,
          r.reason,
        ]);
      }
      const records = `SELECT substr(file, ${exportsPrefix(this.session.options.exportsRoot).length + 1}) AS file, ${names} FROM checked_${kind} WHERE dt = ${sqlString(dt)}
UNION ALL BY NAME SELECT file, line, raw, reason FROM unsplit_rows`;
      // Written aside, then renamed; the name is this run's own, so two runs never write one file.
      const aside = join(dirname(path), `.vigie-tmp-checked.${process.pid}.${randomBytes(4).toString('hex')}.parquet`);
      await this.session.connection.run(
        `COPY (SELECT CAST(file AS VARCHAR) AS file, ${typed} FROM (${records})) TO ${sqlString(aside)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      await rename(aside, path);
      const [counts] = await this.session.rows(
        `SELECT count(*) AS records, count(*) FILTER (WHERE reason IS NOT NULL) AS rejects FROM read_parquet(${sqlString(path)})`,
      );
      const entry: CompactedPartition = {
        checks: context.checks,
        sources: [...(context.listing.get(dt) ?? [])],
        files: [{ key, size: (await stat(path)).size }],
        records: Number(counts?.records ?? 0),
        rejects: Number(counts?.rejects ?? 0),
        now: context.now,
      };
      manifest.partitions[dt] = entry;
      written.push(compactedFigures(kind, dt, entry));
    }
    await this.session.connection.run('DROP TABLE IF EXISTS unsplit_rows');
    await this.writeManifest(root, manifest);
    return written;
  }
}
