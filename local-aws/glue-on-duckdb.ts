/**
 * The stack's Glue tables (local-aws/glue-catalog.json, from the synthesized template) emulated in the
 * Athena stand-in's DuckDB over the objects of local S3 buckets: a stand-in `prepare` hook. Objects are
 * mirrored to a temp folder (read once per ETag) and each table becomes a view with `"$path"` and its
 * partition columns, as Athena exposes them. What Athena does, the emulation does, strictly:
 *
 * - partition projection as declared: a `date` partition outside its range (`2000-01-01,NOW+1DAYS`) or
 *   not in its format is no partition; an `injected` one needs its value in the query;
 * - text is read as TextInputFormat reads it: lines end at `\n`, `\r` or `\r\n`, bytes decoded as UTF-8;
 *   a `.gz` object is gunzipped, and a damaged one fails the query that reads it (HIVE_CURSOR_ERROR);
 * - OpenCSVSerde as Hive's (opencsv 2.3): one physical line per row, the separator, quote and escape
 *   characters the table declares (a backslash escape drops the backslash), every column a string, an
 *   empty cell '' and a missing one NULL, a quoted cell that spans lines split into two broken rows;
 * - a query scans, and is billed for, each object it reads once per reference to its table (a common
 *   table expression named twice reads twice), pruned to the objects its `"$path"` or partition
 *   predicates name; a named object that is gone fails the query (HIVE_FILE_NOT_FOUND).
 * `glueUnload` is the stand-in's UNLOAD: Parquet written by DuckDB and uploaded where Athena would write it.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DuckDBConnection } from '@duckdb/node-api';
import { tableScans } from './athena-rules.js';
import type { UnloadStatement } from './athena-standin.js';
import { type CatalogTable, type GlueCatalog, stackCatalog } from './glue-catalog.js';

export interface GlueOnDuckDbOptions {
  readonly s3: S3Client;
  /** The stack's places in local S3, each `s3://bucket/prefix/` (`ctr` absent: no CTR table). */
  readonly places: { readonly exports: string; readonly ctr?: string; readonly archive: string };
  /** The tables; default: the stack's (`stackCatalog()`). */
  readonly catalog?: GlueCatalog;
  /** The clock of `NOW` in projection ranges. @default the system clock */
  readonly now?: () => Date;
}

/** One object of local S3 as the stand-in holds it. */
interface Mirrored {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  /** The object's bytes, gunzipped when its name says gzip; `null` when that failed. */
  readonly text: Buffer | null;
  /** Athena's error for a damaged object. */
  readonly damage: string | null;
  /** The raw object on disk (Parquet is read from there). */
  readonly path: string;
}

/** A table of the catalog placed in local S3. */
interface Placed {
  readonly spec: CatalogTable;
  readonly bucket: string;
  /** Key prefix of the table's location. */
  readonly prefix: string;
  /** The storage template as a pattern over keys, one group per partition key, and each key's projection. */
  readonly partitions: readonly { readonly name: string; readonly projection: Projection }[];
  readonly template: RegExp | null;
}

type Projection =
  | { readonly type: 'date'; readonly format: string; readonly from: string; readonly to: 'NOW+1DAYS' | string }
  | { readonly type: 'injected' };

const literal = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const DUCK_TYPES: Readonly<Record<string, string>> = {
  string: 'VARCHAR',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  int: 'INTEGER',
};
const duckType = (type: string): string => DUCK_TYPES[type] ?? 'VARCHAR';

/** Athena's words for a gzip it cannot read (the AWS Knowledge Center's list of HIVE_CURSOR_ERROR messages). */
function gzipError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/unexpected end of file/i.test(message)) return 'HIVE_CURSOR_ERROR: Unexpected end of input stream';
  return `HIVE_CURSOR_ERROR: ${message}`;
}

/** Splits text into lines as Hadoop's LineReader does: at `\n`, `\r` or `\r\n`; no empty last line. */
export function textLines(text: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * One row of OpenCSVSerde: opencsv 2.3's `CSVParser.parseLineMulti` over a single physical line, as
 * `OpenCSVSerde.deserialize` reads it (a quoted cell left open at the line's end is dropped with the rest).
 */
export function openCsvCells(line: string, separator: string, quote: string, escaper: string): string[] | null {
  if (line === '') return null;
  const tokens: string[] = [];
  let sb = '';
  let inQuotes = false;
  let inField = false;
  const escapable = (i: number, quoted: boolean): boolean =>
    quoted && line.length > i + 1 && (line[i + 1] === quote || line[i + 1] === escaper);
  const escapedQuote = (i: number, quoted: boolean): boolean => quoted && line.length > i + 1 && line[i + 1] === quote;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i] as string;
    if (c === escaper) {
      if (escapable(i, inQuotes || inField)) {
        sb += line[i + 1];
        i += 1;
      }
    } else if (c === quote) {
      if (escapedQuote(i, inQuotes || inField)) {
        sb += line[i + 1];
        i += 1;
      } else {
        // opencsv's "tricky case" of a quote in the middle of a field: kept as text.
        if (i > 2 && line[i - 1] !== separator && line.length > i + 1 && line[i + 1] !== separator) {
          if (sb.length > 0 && sb.trim() === '') sb = '';
          else sb += c;
        }
        inQuotes = !inQuotes;
      }
      inField = !inField;
    } else if (c === separator && !inQuotes) {
      tokens.push(sb);
      sb = '';
      inField = false;
    } else {
      sb += c;
      inField = true;
    }
  }
  // A quoted cell still open at the end of the line is pending in opencsv: never returned.
  if (!inQuotes) tokens.push(sb);
  return tokens;
}

/** The projection of each partition key of a table, from its parameters. */
function projections(spec: CatalogTable): { name: string; projection: Projection }[] {
  if (spec.parameters['projection.enabled'] !== 'true') return [];
  return spec.partitionKeys.map((key) => {
    const type = spec.parameters[`projection.${key.name}.type`];
    if (type === 'injected') return { name: key.name, projection: { type: 'injected' } };
    if (type !== 'date') throw new Error(`the stand-in does not project ${type} partitions (${spec.name}.${key.name})`);
    const [from = '', to = ''] = (spec.parameters[`projection.${key.name}.range`] ?? '').split(',');
    const format = spec.parameters[`projection.${key.name}.format`] ?? 'yyyy-MM-dd';
    const unit = spec.parameters[`projection.${key.name}.interval.unit`] ?? 'DAYS';
    const interval = spec.parameters[`projection.${key.name}.interval`] ?? '1';
    if (unit !== 'DAYS' || interval !== '1')
      throw new Error(`the stand-in projects dates by the day only (${spec.name})`);
    return { name: key.name, projection: { type: 'date', format, from: from.trim(), to: to.trim() } };
  });
}

/** A date as a projection `format` writes it (the formats the stack uses: yyyy-MM-dd, yyyy/MM/dd). */
function formatDate(date: Date, format: string): string {
  const iso = date.toISOString();
  return format.replace('yyyy', iso.slice(0, 4)).replace('MM', iso.slice(5, 7)).replace('dd', iso.slice(8, 10));
}

/** True when a value is a partition of a date projection at `now`: in its format, within its range. */
function projected(value: string, projection: Projection, now: Date): boolean {
  if (projection.type === 'injected') return true;
  const pattern = new RegExp(
    `^${projection.format.replace('yyyy', '\\d{4}').replace('MM', '\\d{2}').replace('dd', '\\d{2}')}$`,
  );
  if (!pattern.test(value)) return false;
  const tomorrow = new Date(now.getTime() + 86_400_000);
  const to = projection.to === 'NOW+1DAYS' ? formatDate(tomorrow, projection.format) : projection.to;
  return value >= projection.from && value <= to;
}

/** A stand-in `prepare` hook: refreshes the mirror and (re)creates the tables' views; returns bytes scanned. */
export function glueOnDuckDb(
  options: GlueOnDuckDbOptions,
): (connection: DuckDBConnection, sql: string) => Promise<{ bytesScanned: number }> {
  const catalog = options.catalog ?? stackCatalog();
  const clock = options.now ?? (() => new Date());
  const tables: Placed[] = catalog.tables.flatMap((spec) => {
    const place = (text: string): string | null => {
      let out = text.replaceAll('{exports}', options.places.exports).replaceAll('{archive}', options.places.archive);
      if (out.includes('{ctr}')) {
        if (options.places.ctr === undefined) return null;
        out = out.replaceAll('{ctr}', options.places.ctr);
      }
      return out;
    };
    const location = place(spec.location);
    const template = place(spec.parameters['storage.location.template'] ?? '');
    if (location === null) return [];
    const [, bucket = '', prefix = ''] = /^s3:\/\/([^/]+)\/(.*)$/.exec(location) ?? [];
    const partitions = projections(spec);
    let pattern: RegExp | null = null;
    if (partitions.length > 0 && template !== null && template !== '') {
      // `s3://b/tickets/dt=${dt}/` → ^s3://b/tickets/dt=([^/]+)/ (an object may sit deeper, as CTR hours do).
      const pieces = template.split(/\$\{\w+\}/).map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      pattern = new RegExp(`^${pieces.join('([^/]+)')}`);
    }
    return [{ spec: { ...spec }, bucket, prefix, partitions, template: pattern }];
  });
  const mirror = new Map<string, Mirrored>();
  let root: string | undefined;

  /** Mirrors every object of a bucket (once per ETag); returns them. */
  async function refresh(bucket: string): Promise<Mirrored[]> {
    root ??= await mkdtemp(join(tmpdir(), 'vigie-glue-'));
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const page = await options.s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined || o.Key.endsWith('/')) continue;
        const id = `${bucket}/${o.Key}`;
        seen.add(id);
        const etag = `${o.ETag ?? ''}:${o.Size ?? 0}`;
        if (mirror.get(id)?.etag === etag) continue;
        const body = await options.s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }));
        const bytes = Buffer.from((await body.Body?.transformToByteArray()) ?? new Uint8Array());
        const path = join(root, 'objects', bucket, o.Key);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, bytes);
        let text: Buffer | null = bytes;
        let damage: string | null = null;
        if (o.Key.endsWith('.gz')) {
          try {
            text = gunzipSync(bytes);
          } catch (error) {
            text = null;
            damage = gzipError(error);
          }
        }
        mirror.set(id, { bucket, key: o.Key, size: o.Size ?? 0, etag, text, damage, path });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    for (const id of [...mirror.keys()]) if (id.startsWith(`${bucket}/`) && !seen.has(id)) mirror.delete(id);
    return [...mirror.values()].filter((m) => m.bucket === bucket);
  }

  /** The objects of a table Athena sees: under its location, not hidden, in a projected partition. */
  function visible(
    table: Placed,
    objects: readonly Mirrored[],
    now: Date,
  ): { object: Mirrored; values: Record<string, string> }[] {
    return objects.flatMap((object) => {
      if (object.bucket !== table.bucket || !object.key.startsWith(table.prefix)) return [];
      const name = object.key.slice(object.key.lastIndexOf('/') + 1);
      if (name.startsWith('_') || name.startsWith('.')) return [];
      if (table.partitions.length === 0) return [{ object, values: {} }];
      const match = table.template?.exec(`s3://${object.bucket}/${object.key}`);
      if (match === null || match === undefined) return [];
      const values: Record<string, string> = {};
      for (const [i, p] of table.partitions.entries()) {
        const value = match[i + 1] ?? '';
        if (!projected(value, p.projection, now)) return [];
        values[p.name] = value;
      }
      return [{ object, values }];
    });
  }

  /** An object's rows as the table's SerDe reads them. */
  function rowsOf(table: Placed, object: Mirrored): (string | null)[][] {
    const text = (object.text ?? Buffer.alloc(0)).toString('utf8');
    const skip = Number(table.spec.parameters['skip.header.line.count'] ?? '0');
    const lines = textLines(text).slice(skip);
    const width = table.spec.columns.length;
    if (table.spec.serde.library.endsWith('OpenCSVSerde')) {
      const p = table.spec.serde.parameters;
      return lines.map((line) => {
        const cells = openCsvCells(line, p.separatorChar ?? ',', p.quoteChar ?? '"', p.escapeChar ?? '\\');
        return Array.from({ length: width }, (_, i) =>
          cells !== null && i < cells.length ? (cells[i] ?? null) : null,
        );
      });
    }
    const delimiter = table.spec.serde.parameters['field.delim'] ?? '\u0001';
    return lines.map((line) => {
      const fields = line.split(delimiter);
      return Array.from({ length: width }, (_, i) => fields[i] ?? null);
    });
  }

  /** Which object versions each text table's rows table holds (`bucket/key` → etag). */
  const loaded = new Map<string, Map<string, string>>();

  /**
   * Keeps a text table's rows, object by object, in a DuckDB table (`"$path"` and partition values with
   * each row): an object is read when it appears or changes, dropped when it goes.
   */
  async function syncRows(
    connection: DuckDBConnection,
    table: Placed,
    seen: readonly { object: Mirrored; values: Record<string, string> }[],
  ): Promise<void> {
    const rows = `"_rows_${table.spec.name}"`;
    const columns = [...table.spec.columns, ...table.spec.partitionKeys];
    let held = loaded.get(table.spec.name);
    if (held === undefined) {
      held = new Map();
      loaded.set(table.spec.name, held);
      await connection.run(
        `CREATE OR REPLACE TABLE ${rows} (${columns.map((c) => `${c.name} VARCHAR`).join(', ')}, "$path" VARCHAR)`,
      );
    }
    const current = new Map(seen.map((s) => [`s3://${s.object.bucket}/${s.object.key}`, s]));
    for (const [path, etag] of [...held]) {
      if (current.get(path)?.object.etag !== etag) {
        await connection.run(`DELETE FROM ${rows} WHERE "$path" = ${literal(path)}`);
        held.delete(path);
      }
    }
    const file = join(root ?? '', 'rows.ndjson');
    for (const [path, { object, values }] of current) {
      if (held.has(path) || object.damage !== null) continue;
      const lines = rowsOf(table, object).map((row) =>
        JSON.stringify([...row, ...table.spec.partitionKeys.map((k) => values[k.name] ?? null), path]),
      );
      held.set(path, object.etag);
      if (lines.length === 0) continue;
      await writeFile(file, lines.join('\n'));
      const picks = [...columns.map((c, i) => `r[${i + 1}] AS ${c.name}`), `r[${columns.length + 1}] AS "$path"`];
      await connection.run(
        `INSERT INTO ${rows} SELECT ${picks.join(', ')} FROM (SELECT json_transform(json, '["VARCHAR"]') AS r FROM read_json_objects(${literal(file)}, format = 'newline_delimited'))`,
      );
    }
  }

  /** The view of a table over the objects Athena would see. */
  async function view(
    connection: DuckDBConnection,
    table: Placed,
    seen: readonly { object: Mirrored; values: Record<string, string> }[],
  ): Promise<string> {
    const columns = table.spec.columns;
    const keys = table.spec.partitionKeys;
    const all = [...columns, ...keys];
    const name = table.spec.name;
    const readable = seen.filter((s) => s.object.damage === null);
    const typed = all.map((c) => `CAST(${c.name} AS ${duckType(c.type)}) AS ${c.name}`).join(', ');
    if (readable.length === 0) {
      const nulls = all.map((c) => `CAST(NULL AS ${duckType(c.type)}) AS ${c.name}`).join(', ');
      return `CREATE OR REPLACE VIEW ${name} AS SELECT ${nulls}, CAST(NULL AS VARCHAR) AS "$path" WHERE false`;
    }
    if (!table.spec.serde.library.toLowerCase().includes('parquet')) {
      await syncRows(connection, table, seen);
      const paths = readable.map((s) => literal(`s3://${s.object.bucket}/${s.object.key}`)).join(', ');
      return `CREATE OR REPLACE VIEW ${name} AS SELECT ${typed}, "$path" FROM "_rows_${name}" WHERE "$path" IN (${paths})`;
    }
    const parts = readable.map(({ object, values }) => {
      const partitionValues = keys.map((k) => `${literal(values[k.name] ?? '')} AS ${k.name}`).join(', ');
      const path = literal(`s3://${object.bucket}/${object.key}`);
      const list = columns.map((c) => `CAST(${c.name} AS ${duckType(c.type)}) AS ${c.name}`).join(', ');
      return `SELECT ${list}${partitionValues === '' ? '' : `, ${partitionValues}`}, ${path} AS "$path" FROM read_parquet(${literal(object.path)})`;
    });
    return `CREATE OR REPLACE VIEW ${name} AS ${parts.join(' UNION ALL ')}`;
  }

  return async (connection, sql) => {
    const now = clock();
    const buckets = [...new Set(tables.map((t) => t.bucket))];
    const objects = (await Promise.all(buckets.map(refresh))).flat();
    const existing = new Set(objects.map((o) => `s3://${o.bucket}/${o.key}`));
    const byName = new Map(tables.map((t) => [t.spec.name.toLowerCase(), t]));
    let bytesScanned = 0;
    const seenBy = new Map<string, { object: Mirrored; values: Record<string, string> }[]>();
    for (const scan of tableScans(sql)) {
      const table = byName.get(scan.table);
      if (table === undefined) continue;
      const seen = seenBy.get(table.spec.name) ?? visible(table, objects, now);
      seenBy.set(table.spec.name, seen);
      const location = `s3://${table.bucket}/${table.prefix}`;
      const named = [...scan.scope.matchAll(/'(s3:\/\/[^']+)'/g)]
        .map((m) => (m[1] ?? '').replaceAll("''", "'"))
        .filter((uri) => uri.startsWith(location));
      for (const uri of named) {
        if (!existing.has(uri)) throw new Error(`HIVE_FILE_NOT_FOUND: File does not exist: ${uri}`);
      }
      let selected = seen;
      if (named.length > 0) {
        const wanted = new Set(named);
        selected = seen.filter((s) => wanted.has(`s3://${s.object.bucket}/${s.object.key}`));
      } else {
        for (const key of table.partitions) {
          const values = partitionValues(scan.scope, key.name);
          if (values === null) {
            if (key.projection.type === 'injected') {
              throw new Error(
                `CONSTRAINT_VIOLATION: For the injected projected partition column ${key.name}, the WHERE clause must contain only static equality conditions, and at least one such condition must be present`,
              );
            }
            continue;
          }
          selected = selected.filter((s) => values.has(s.values[key.name] ?? ''));
        }
      }
      for (const s of selected) {
        if (s.object.damage !== null) throw new Error(`${s.object.damage} (s3://${s.object.bucket}/${s.object.key})`);
        bytesScanned += s.object.size;
      }
    }
    // Views of the tables this query reads (the others are not needed, and cost a rebuild each).
    for (const table of tables) {
      const seen = seenBy.get(table.spec.name);
      if (seen !== undefined) await connection.run(await view(connection, table, seen));
    }
    return { bytesScanned };
  };
}

/** The values a query's text gives a partition column (`k = '…'` or `k IN ('…', …)`), or `null` for none. */
function partitionValues(scope: string, key: string): Set<string> | null {
  const values = new Set<string>();
  for (const m of scope.matchAll(new RegExp(`\\b${key}\\s*=\\s*'([^']*)'`, 'g'))) values.add(m[1] ?? '');
  for (const m of scope.matchAll(new RegExp(`\\b${key}\\s+IN\\s*\\(([^)]*)\\)`, 'gi'))) {
    for (const v of (m[1] ?? '').matchAll(/'([^']*)'/g)) values.add(v[1] ?? '');
  }
  return values.size === 0 ? null : values;
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
