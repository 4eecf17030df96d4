/**
 * The Glue tables of the stack (`<kind>_lines`, `<kind>_csv`, `connect_ctr_lines`), emulated in the
 * Athena stand-in's DuckDB over the objects of a local S3 bucket: a stand-in `prepare` hook. Objects
 * are mirrored to a temp folder (downloaded once per ETag) and each table becomes a view exposing
 * `"$path"` as `s3://bucket/key` and the partition column `dt`, as Athena does.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { DuckDBConnection } from '@duckdb/node-api';
import { EXPORT_KINDS } from '../../functions/sql/exports-schema.js';
import { CSV_COLUMNS, CTR_TABLE, glueTableName } from '../../functions/sql/glue-tables.js';

export interface GlueOnDuckDbOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  /** Exports root prefix (`""` or ending in `/`). */
  readonly exportsPrefix: string;
  readonly ctrPrefix?: string;
}

interface Mirrored {
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

  async function refresh(): Promise<Mirrored[]> {
    root ??= await mkdtemp(join(tmpdir(), 'vigie-glue-'));
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const page = await options.s3.send(
        new ListObjectsV2Command({ Bucket: options.bucket, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        seen.add(o.Key);
        const etag = `${o.ETag ?? ''}:${o.Size ?? 0}`;
        if (mirror.get(o.Key)?.etag === etag) continue;
        const body = await options.s3.send(new GetObjectCommand({ Bucket: options.bucket, Key: o.Key }));
        const path = join(root, o.Key);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, (await body.Body?.transformToByteArray()) ?? new Uint8Array());
        mirror.set(o.Key, { key: o.Key, path, size: o.Size ?? 0, etag });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    for (const key of [...mirror.keys()]) if (!seen.has(key)) mirror.delete(key);
    return [...mirror.values()];
  }

  const uri = (key: string): string => `s3://${options.bucket}/${key}`;

  /** A view of one row per physical line, as LazySimpleSerDe with a delimiter that never occurs gives. */
  function linesView(name: string, files: readonly { path: string; key: string; dt: string }[]): string {
    if (files.length === 0) {
      return `CREATE OR REPLACE VIEW ${name} AS SELECT CAST(NULL AS VARCHAR) AS line, CAST(NULL AS VARCHAR) AS dt, CAST(NULL AS VARCHAR) AS "$path" WHERE false`;
    }
    const parts = files.map(
      (f) =>
        `SELECT line, ${literal(f.dt)} AS dt, ${literal(uri(f.key))} AS "$path" FROM read_csv(${literal(f.path)}, columns = {'line': 'VARCHAR'}, header = false, auto_detect = false, delim = E'\\x01', quote = '', escape = '', new_line = '\\n', null_padding = true, ignore_errors = true)`,
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
    const objects = await refresh();
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
    const ctrPrefix = options.ctrPrefix;
    const ctrs =
      ctrPrefix === undefined
        ? []
        : objects
            .filter((o) => o.key.startsWith(ctrPrefix) && o.size > 0)
            .map((o) => ({ ...o, dt: /^(\d{4}\/\d{2}\/\d{2})\//.exec(o.key.slice(ctrPrefix.length))?.[1] ?? '' }))
            .filter((o) => o.dt !== '');
    await connection.run(linesView(CTR_TABLE, ctrs));
    if (sql.includes(CTR_TABLE)) for (const o of ctrs) read.add(o.key);
    // Athena bills what it reads: the objects under the tables the query names, pruned to the files
    // its `"$path" IN (…)` lists name (Athena skips the others before reading them).
    const named = new Set([...sql.matchAll(/'(s3:\/\/[^']+)'/g)].map((m) => m[1]));
    const bytesScanned = objects
      .filter((o) => read.has(o.key) && (named.size === 0 || named.has(uri(o.key))))
      .reduce((sum, o) => sum + o.size, 0);
    return { bytesScanned };
  };
}
