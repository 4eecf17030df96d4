/**
 * The Glue tables of the stack (`<kind>_lines`, `<kind>_csv`, `<kind>_checked`, `connect_ctr_lines`),
 * emulated in the Athena stand-in's DuckDB over the objects of local S3 buckets: a stand-in `prepare`
 * hook. Objects are mirrored to a temp folder (downloaded once per ETag) and each table becomes a view
 * exposing `"$path"` as `s3://bucket/key` and the partition column `dt`, as Athena does. `glueUnload`
 * is the stand-in's UNLOAD: Parquet written by DuckDB and uploaded where Athena would write it.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DuckDBConnection } from '@duckdb/node-api';
import { EXPORT_KINDS } from '../functions/sql/exports-schema.js';
import { CSV_COLUMNS, CTR_TABLE, glueTableName } from '../functions/sql/glue-tables.js';
import { checkedColumns } from '../functions/sql/staging.js';
import type { UnloadStatement } from './athena-standin.js';

export interface GlueOnDuckDbOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  /** Exports root prefix (`""` or ending in `/`). */
  readonly exportsPrefix: string;
  /** Where CTR objects are staged as NDJSON (`connect_ctr_lines`, partitioned by `dt=`), when CTRs are on. */
  readonly ctr?: { readonly bucket: string; readonly prefix: string };
  /** Location of the `<kind>_checked` tables (compacted partitions). */
  readonly compacted?: { readonly bucket: string; readonly prefix: string };
}

interface Mirrored {
  readonly bucket: string;
  readonly key: string;
  readonly path: string;
  readonly size: number;
}

const literal = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const column = (i: number): string => `c${String(i + 1).padStart(2, '0')}`;

/** A stand-in `prepare` hook: refreshes the mirror and (re)creates the tables' views; returns bytes "scanned". */
export function glueOnDuckDb(
  options: GlueOnDuckDbOptions,
): (connection: DuckDBConnection, sql: string) => Promise<{ bytesScanned: number }> {
  const mirror = new Map<string, Mirrored & { etag: string }>();
  let root: string | undefined;

  /** Mirrors the objects of a bucket under a prefix; returns them. */
  async function refresh(bucket: string, prefix = ''): Promise<Mirrored[]> {
    root ??= await mkdtemp(join(tmpdir(), 'vigie-glue-'));
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const page = await options.s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        const id = `${bucket}/${o.Key}`;
        seen.add(id);
        const etag = `${o.ETag ?? ''}:${o.Size ?? 0}`;
        if (mirror.get(id)?.etag === etag) continue;
        const body = await options.s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }));
        const path = join(root, bucket, o.Key);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, (await body.Body?.transformToByteArray()) ?? new Uint8Array());
        mirror.set(id, { bucket, key: o.Key, path, size: o.Size ?? 0, etag });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    const own = `${bucket}/${prefix}`;
    for (const id of [...mirror.keys()]) if (id.startsWith(own) && !seen.has(id)) mirror.delete(id);
    return [...mirror.values()].filter((m) => m.bucket === bucket && m.key.startsWith(prefix));
  }

  const uri = (key: string, bucket = options.bucket): string => `s3://${bucket}/${key}`;

  /** A view of compacted checked records: Parquet read by column name, `dt` from the folder. */
  function checkedView(
    kind: (typeof EXPORT_KINDS)[number],
    files: readonly { path: string; key: string; bucket: string; dt: string }[],
  ): string {
    const columns = [{ name: 'file', type: 'varchar' }, ...checkedColumns(kind)];
    const name = glueTableName(kind, 'checked');
    if (files.length === 0) {
      const nulls = columns.map((c) => `CAST(NULL AS ${c.type}) AS ${c.name}`).join(', ');
      return `CREATE OR REPLACE VIEW ${name} AS SELECT ${nulls}, CAST(NULL AS VARCHAR) AS dt, CAST(NULL AS VARCHAR) AS "$path" WHERE false`;
    }
    const list = columns.map((c) => c.name).join(', ');
    const parts = files.map(
      (f) =>
        `SELECT ${list}, ${literal(f.dt)} AS dt, ${literal(uri(f.key, f.bucket))} AS "$path" FROM read_parquet(${literal(f.path)})`,
    );
    return `CREATE OR REPLACE VIEW ${name} AS ${parts.join(' UNION ALL ')}`;
  }

  /** A view of one row per physical line, as LazySimpleSerDe with a delimiter that never occurs gives. */
  function linesView(
    name: string,
    files: readonly { path: string; key: string; bucket: string; dt: string }[],
  ): string {
    if (files.length === 0) {
      return `CREATE OR REPLACE VIEW ${name} AS SELECT CAST(NULL AS VARCHAR) AS line, CAST(NULL AS VARCHAR) AS dt, CAST(NULL AS VARCHAR) AS "$path" WHERE false`;
    }
    const parts = files.map(
      (f) =>
        `SELECT line, ${literal(f.dt)} AS dt, ${literal(uri(f.key, f.bucket))} AS "$path" FROM read_csv(${literal(f.path)}, columns = {'line': 'VARCHAR'}, header = false, auto_detect = false, delim = E'\\x01', quote = '', escape = '', new_line = '\\n', null_padding = true, ignore_errors = true)`,
    );
    return `CREATE OR REPLACE VIEW ${name} AS ${parts.join(' UNION ALL ')}`;
  }

  /** A view of CSV rows as OpenCSVSerde gives them: positional string columns, empty cells as ''. */
  function csvView(name: string, files: readonly { path: string; key: string; dt: string }[]): string {
    const columns = Array.from({ length: CSV_COLUMNS }, (_, i) => column(i));
    if (files.length === 0) {
      return `CREATE OR REPLACE VIEW ${name} AS SELECT ${columns.map((c) => `CAST(NULL AS VARCHAR) AS ${c}`).join(', ')}, CAST(NULL AS VARCHAR) AS dt, CAST(NULL AS VARCHAR) AS "$path" WHERE false`;
    }
    const spec = `{${columns.map((c) => `'${c}': 'VARCHAR'`).join(', ')}}`;
    const parts = files.map(
      (f) =>
        `SELECT ${columns.join(', ')}, ${literal(f.dt)} AS dt, ${literal(uri(f.key))} AS "$path" FROM read_csv(${literal(f.path)}, columns = ${spec}, header = false, skip = 1, auto_detect = false, delim = ',', quote = '"', escape = '"', null_padding = true, nullstr = E'\\x02', ignore_errors = true)`,
    );
    return `CREATE OR REPLACE VIEW ${name} AS ${parts.join(' UNION ALL ')}`;
  }

  return async (connection, sql) => {
    const objects = await refresh(options.bucket);
    const read = new Set<string>();
    for (const kind of EXPORT_KINDS) {
      const under = objects
        .filter((o) => o.key.startsWith(`${options.exportsPrefix}${kind}/`) && o.size > 0)
        .map((o) => ({ ...o, dt: /\/dt=([^/]+)\//.exec(o.key)?.[1] ?? '' }))
        .filter((o) => o.dt !== '');
      const lines = under.filter((o) => /\.(ndjson|jsonl|json)(\.gz)?$/i.test(o.key));
      const csvs = under.filter((o) => /\.csv(\.gz)?$/i.test(o.key));
      await connection.run(linesView(glueTableName(kind, 'lines'), lines));
      await connection.run(csvView(glueTableName(kind, 'csv'), csvs));
      if (new RegExp(`\\b${kind}_(lines|csv)\\b`).test(sql)) for (const o of under) read.add(o.key);
    }
    const ctr = options.ctr;
    const ctrs =
      ctr === undefined
        ? []
        : (await refresh(ctr.bucket, ctr.prefix))
            .filter((o) => o.size > 0)
            .map((o) => ({ ...o, dt: /^dt=(\d{4}-\d{2}-\d{2})\//.exec(o.key.slice(ctr.prefix.length))?.[1] ?? '' }))
            .filter((o) => o.dt !== '' && /\.ndjson(\.gz)?$/.test(o.key));
    await connection.run(linesView(CTR_TABLE, ctrs));
    const ctrRead = sql.includes(CTR_TABLE) ? ctrs : [];
    const compacted = options.compacted;
    const checked: Mirrored[] = [];
    if (compacted !== undefined) {
      const under = await refresh(compacted.bucket, compacted.prefix);
      for (const kind of EXPORT_KINDS) {
        const files = under
          .map((o) => ({ ...o, match: /\/dt=([^/]+)\/([^/]+)$/.exec(o.key.slice(compacted.prefix.length)) }))
          .filter((o) => o.key.startsWith(`${compacted.prefix}${kind}/`) && o.match !== null)
          .filter((o) => !(o.match?.[2] ?? '').startsWith('_') && !(o.match?.[2] ?? '').startsWith('.'))
          .map((o) => ({ ...o, dt: o.match?.[1] ?? '' }));
        await connection.run(checkedView(kind, files));
        if (new RegExp(`\\b${glueTableName(kind, 'checked')}\\b`).test(sql)) checked.push(...files);
      }
    }
    // Athena bills what it reads: the objects under the tables the query names, pruned to the files
    // its `"$path" IN (…)` lists name (Athena skips the others before reading them). Parquet is billed
    // whole here, where Athena reads only the columns named: an upper bound.
    const named = new Set([...sql.matchAll(/'(s3:\/\/[^']+)'/g)].map((m) => m[1]));
    const bytesScanned = [...objects.filter((o) => read.has(o.key)), ...ctrRead, ...checked]
      .filter((o) => named.size === 0 || named.has(uri(o.key, o.bucket)))
      .reduce((sum, o) => sum + o.size, 0);
    return { bytesScanned };
  };
}

/**
 * The stand-in's UNLOAD: DuckDB writes the SELECT as Parquet (zstd), partitioned as asked, and the files are
 * uploaded under the TO location. As on Athena, an unpartitioned UNLOAD refuses a location holding objects.
 */
export function glueUnload(options: {
  readonly s3: S3Client;
}): (connection: DuckDBConnection, statement: UnloadStatement) => Promise<void> {
  return async (connection, statement) => {
    const [, bucket = '', prefix = ''] = /^s3:\/\/([^/]+)\/(.*)$/.exec(statement.location) ?? [];
    if (statement.partitionedBy.length === 0) {
      const existing = await options.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }));
      if ((existing.Contents ?? []).length > 0) {
        throw new Error(`HIVE_PATH_ALREADY_EXISTS: Target directory for UNLOAD already exists: ${statement.location}`);
      }
    }
    const dir = await mkdtemp(join(tmpdir(), 'vigie-unload-'));
    try {
      const partitioned = statement.partitionedBy.length > 0;
      const format = partitioned
        ? `FORMAT parquet, COMPRESSION zstd, PARTITION_BY (${statement.partitionedBy.join(', ')}), FILENAME_PATTERN 'data_{uuid}'`
        : 'FORMAT parquet, COMPRESSION zstd';
      await connection.run(
        `COPY (${statement.select}) TO ${literal(partitioned ? dir : join(dir, 'data_0.parquet'))} (${format})`,
      );
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      for (const e of entries.filter((e) => e.isFile())) {
        const path = join(e.parentPath, e.name);
        await options.s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: `${prefix}${relative(dir, path).split('\\').join('/')}`,
            Body: await readFile(path),
          }),
        );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}
