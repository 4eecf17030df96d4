/**
 * The history kinds' state snapshots on the embedded engine (docs/decisions/0006-state-snapshot.md): which
 * partitions a stage reads, the merge of its checked records into the last snapshot, and the next snapshot.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fingerprint } from '../common/fingerprint.js';
import type { Row, StageRequest } from '../pipeline/ports.js';
import {
  horizonSeconds,
  type ListedFile,
  parseStateManifest,
  partitionHashes,
  partitionsToRead,
  type StateManifest,
  snapshotPrefix,
  snapshotUsable,
  stateManifestKey,
} from '../pipeline/state-snapshot.js';
import type { ExportKind } from '../sql/exports-schema.js';
import { checksFingerprint } from '../sql/record-checks.js';
import { emptyStateSelect, stateDuplicatesSelect, stateMergeSelect, stateStagedSelect } from '../sql/state.js';
import { sqlString } from '../sql/values.js';
import type { DuckDbSession } from './duckdb-session.js';
import { type ExportFile, exportsPrefix } from './export-listing.js';

/** How a history kind is staged through its state: the partitions read, and the state they merge into. */
export interface StatePlan {
  readonly read: ReadonlySet<string>;
  /** A relation with the state's columns: the snapshot, or an empty state. */
  readonly previous: string;
  /** The snapshot this stage starts from, if any. */
  readonly manifest: StateManifest | null;
  readonly hashes: ReadonlyMap<string, string>;
  readonly bytes: number;
}

/** What a kind's snapshot was built under: its checks and the merge SQL (another means reading the history again). */
function stateChecks(kind: ExportKind): string {
  return fingerprint(
    [
      checksFingerprint(kind, 'duckdb'),
      stateMergeSelect(kind, { checked: 'c', previous: 'p', partitions: [], stage: 's' }, 0),
    ].join('\n'),
  );
}

/** The state snapshots of a session's history kinds, kept under `root` (none when it is unset). */
export class LocalStateSnapshots {
  constructor(
    private readonly session: DuckDbSession,
    private readonly root: string | undefined,
  ) {}

  /**
   * How a history kind is staged: from its snapshot when the stage is a nightly one and the snapshot serves
   * it, reading only the partitions of its window and those whose listing changed; else from every partition.
   */
  async statePlan(
    kind: ExportKind,
    listed: readonly ExportFile[],
    request: StageRequest,
  ): Promise<StatePlan | undefined> {
    const root = this.root;
    if (root === undefined) return undefined;
    const hashes = partitionHashes(listed, (f) => this.listed(f));
    const text =
      request.snapshot === true ? await readFile(join(root, stateManifestKey(kind)), 'utf8').catch(() => null) : null;
    const found = parseStateManifest(text, kind);
    const objects = found?.objects.map((o) => join(root, o.key)) ?? [];
    const present = (
      await Promise.all(
        objects.map((o) =>
          stat(o).then(
            () => true,
            () => false,
          ),
        ),
      )
    ).every(Boolean);
    const manifest =
      present && snapshotUsable(found, { window: request.partitions, checks: stateChecks(kind) }) ? found : null;
    return {
      read: new Set(partitionsToRead(hashes, manifest, request.partitions)),
      previous:
        manifest === null || objects.length === 0
          ? emptyStateSelect(kind)
          : `SELECT * FROM read_parquet([${objects.map(sqlString).join(', ')}])`,
      manifest,
      hashes,
      bytes: manifest === null ? 0 : manifest.objects.reduce((sum, o) => sum + o.size, 0),
    };
  }

  /** An export file as a listing names it: its path under the exports root, size and modification time. */
  listed(file: ExportFile): ListedFile {
    return { file: relative(this.session.options.exportsRoot, file.path), size: file.size, version: file.version };
  }

  /**
   * Merges the kind's checked records into its state (the snapshot, or nothing), stages the kind from the
   * result, and on a nightly stage writes it as the next snapshot. Returns the merged duplicates per partition.
   */
  async stageThroughState(
    kind: ExportKind,
    plan: StatePlan,
    context: { readonly request: StageRequest; readonly stage: string; readonly listed: ReadonlyMap<string, string> },
  ): Promise<{ readonly duplicates: Row[]; readonly bytes: number | undefined }> {
    const { request, stage } = context;
    // Paths under the exports root, so that a snapshot's file keys compare with tonight's wherever the root is.
    const checked = `SELECT * REPLACE (substr(file, ${exportsPrefix(this.session.options.exportsRoot).length + 1}) AS file) FROM checked_${kind}`;
    const merge = { checked, previous: plan.previous, partitions: [...plan.read].sort(), stage };
    const first = [...request.partitions].sort()[0];
    // Only a nightly stage keeps just what later nights need; another may ask about any earlier period.
    const horizon = request.snapshot === true && first !== undefined ? horizonSeconds(first) : undefined;
    const duplicates = await this.session.rows(stateDuplicatesSelect(kind, merge));
    await this.session.connection.run(
      `CREATE OR REPLACE TEMP TABLE state_${kind} AS ${stateMergeSelect(kind, merge, horizon)}`,
    );
    await this.session.connection.run(`CREATE OR REPLACE TABLE ${kind} AS ${stateStagedSelect(kind, `state_${kind}`)}`);
    const root = this.root;
    let bytes: number | undefined;
    if (request.snapshot === true && root !== undefined && first !== undefined) {
      bytes = await this.writeSnapshot(root, kind, {
        horizon: first,
        through: [...request.partitions].sort().at(-1) ?? first,
        partitions: context.listed,
      });
    }
    await this.session.connection.run(`DROP TABLE state_${kind}`);
    return { duplicates, bytes };
  }

  /** Writes `state_<kind>` as the kind's next snapshot, names it in the manifest, removes older ones; returns its bytes. */
  async writeSnapshot(
    root: string,
    kind: ExportKind,
    built: { readonly horizon: string; readonly through: string; readonly partitions: ReadonlyMap<string, string> },
  ): Promise<number> {
    const id = randomUUID();
    const key = `${snapshotPrefix(kind, id)}state.parquet`;
    const path = join(root, key);
    await mkdir(dirname(path), { recursive: true });
    await this.session.connection.run(
      `COPY state_${kind} TO ${sqlString(`${path}.tmp`)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    await rename(`${path}.tmp`, path);
    const { size } = await stat(path);
    const manifest: StateManifest = {
      format: 1,
      kind,
      checks: stateChecks(kind),
      horizon: built.horizon,
      through: built.through,
      objects: [{ key, size }],
      partitions: Object.fromEntries([...built.partitions].sort(([a], [b]) => a.localeCompare(b))),
    };
    const manifestPath = join(root, stateManifestKey(kind));
    await writeFile(`${manifestPath}.tmp`, `${JSON.stringify(manifest)}\n`);
    await rename(`${manifestPath}.tmp`, manifestPath);
    // A stage reads its snapshot into memory before writing the next: no reader is left on an older one.
    for (const entry of await readdir(join(root, kind), { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== id)
        await rm(join(root, kind, entry.name), { recursive: true, force: true });
    }
    return size;
  }
}
