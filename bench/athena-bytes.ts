/**
 * Athena cost of one day of contacts: the bytes a query scans when the same contact events are stored as
 * NDJSON, NDJSON.gz or Parquet (written by DuckDB's COPY … (FORMAT parquet)).
 *
 * Athena bills the bytes it reads from S3 ($5 per TB scanned, 10 MB minimum per query). For gzip text it
 * must read (and decompress) whole files: it scans the compressed bytes, every column. For Parquet it
 * reads only the column chunks a query names (and skips row groups by min/max statistics), so the bytes
 * are those of the columns the facts SQL reads.
 *
 * `npx tsx bench/athena-bytes.ts [--exports bench/data/day-1M] [--out bench/athena-bytes.json]`
 * (the exports come from bench/generate.ts; the contacts of every partition are used).
 */

import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { EXPORT_SCHEMA } from '../functions/sql/exports-schema.js';
import { DEFAULTS, ensureExports } from './generate.js';
import { contactsSelect } from './task.js';

/** Contact columns the facts SQL and the staging (identity, latest version, derivations) read. */
export const COLUMNS_READ = EXPORT_SCHEMA.contacts.fields
  .map((f) => f.name)
  .filter((name) => name !== 'customer' && name !== 'ticket');
/** The columns of the bucket facts alone (no dedupe, no reasons/keywords), as a lower bound. */
export const COLUMNS_FACTS_ONLY = [
  'channel',
  'direction',
  'offered_at',
  'queue',
  'team',
  'agent',
  'answered_at',
  'first_response_at',
  'wait_s',
  'talk_s',
  'hold_s',
  'acw_s',
  'outcome',
  'resolved_first_contact',
  'converted',
  'selfcare_redirect',
];

const PRICE_PER_TB = 5;
const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const exportsRoot =
  flag('exports') ??
  (await ensureExports({ ...DEFAULTS, out: join('bench', 'data', 'day-1M'), contactsPerDay: 1_000_000 })).options.out;
const files: string[] = [];
for (const dir of await readdir(join(exportsRoot, 'contacts'))) {
  for (const name of await readdir(join(exportsRoot, 'contacts', dir)))
    files.push(join(exportsRoot, 'contacts', dir, name));
}
const scratch = await mkdtemp(join(tmpdir(), 'vigie-athena-'));
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
try {
  await db.run(`CREATE TABLE contacts AS ${contactsSelect(files)}`);
  const rows = Number((await db.runAndReadAll('SELECT count(*) FROM contacts')).getRows()[0]?.[0] ?? 0);
  const path = (name: string): string => join(scratch, name);
  // Timestamps as the exports write them (ISO-8601 UTC), not DuckDB's default text.
  const asText = `SELECT * REPLACE (${['updated_at', 'offered_at', 'answered_at', 'first_response_at', 'ended_at']
    .map((c) => `strftime(${c} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS ${c}`)
    .join(', ')}) FROM contacts`;
  await db.run(`COPY (${asText}) TO '${path('contacts.ndjson')}' (FORMAT json)`);
  await db.run(`COPY (${asText}) TO '${path('contacts.ndjson.gz')}' (FORMAT json, COMPRESSION gzip)`);
  await db.run(`COPY contacts TO '${path('contacts.snappy.parquet')}' (FORMAT parquet, COMPRESSION snappy)`);
  await db.run(`COPY contacts TO '${path('contacts.zstd.parquet')}' (FORMAT parquet, COMPRESSION zstd)`);
  const size = async (name: string): Promise<number> => (await stat(path(name))).size;
  const columnBytes = async (name: string, columns: readonly string[]): Promise<number> => {
    const list = columns.map((c) => `'${c}'`).join(', ');
    const reader = await db.runAndReadAll(
      `SELECT sum(total_compressed_size) FROM parquet_metadata('${path(name)}') WHERE path_in_schema IN (${list})`,
    );
    return Number(reader.getRows()[0]?.[0] ?? 0);
  };
  const figures = {
    rows,
    ndjson: await size('contacts.ndjson'),
    ndjsonGz: await size('contacts.ndjson.gz'),
    parquetSnappy: await size('contacts.snappy.parquet'),
    parquetSnappyColumnsRead: await columnBytes('contacts.snappy.parquet', COLUMNS_READ),
    parquetSnappyFactsOnly: await columnBytes('contacts.snappy.parquet', COLUMNS_FACTS_ONLY),
    parquetZstd: await size('contacts.zstd.parquet'),
    parquetZstdColumnsRead: await columnBytes('contacts.zstd.parquet', COLUMNS_READ),
    parquetZstdFactsOnly: await columnBytes('contacts.zstd.parquet', COLUMNS_FACTS_ONLY),
  };
  const perMillion = (bytes: number): number => (bytes / rows) * 1e6;
  const lines = [
    `| contacts stored as (per 1M contact events) | bytes | MB | Athena scans | $ per scan at $${PRICE_PER_TB}/TB |`,
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  const row = (label: string, bytes: number, scanned: number): string =>
    `| ${label} | ${Math.round(perMillion(bytes))} | ${(perMillion(bytes) / 1e6).toFixed(1)} | ${(perMillion(scanned) / 1e6).toFixed(1)} MB | ${((perMillion(scanned) / 1e12) * PRICE_PER_TB).toFixed(5)} |`;
  lines.push(row('NDJSON', figures.ndjson, figures.ndjson));
  lines.push(row('NDJSON.gz (whole file, compressed bytes)', figures.ndjsonGz, figures.ndjsonGz));
  lines.push(
    row('Parquet snappy, columns staging + facts read', figures.parquetSnappy, figures.parquetSnappyColumnsRead),
  );
  lines.push(row('Parquet snappy, bucket-facts columns only', figures.parquetSnappy, figures.parquetSnappyFactsOnly));
  lines.push(row('Parquet zstd, columns staging + facts read', figures.parquetZstd, figures.parquetZstdColumnsRead));
  lines.push(row('Parquet zstd, bucket-facts columns only', figures.parquetZstd, figures.parquetZstdFactsOnly));
  const out = flag('out') ?? join('bench', 'athena-bytes.json');
  await writeFile(out, `${JSON.stringify({ exports: exportsRoot, ...figures }, null, 2)}\n`);
  process.stdout.write(`${lines.join('\n')}\n(${rows} contact events from ${exportsRoot}; ${out})\n`);
} finally {
  db.closeSync();
  instance.closeSync();
  await rm(scratch, { recursive: true, force: true });
}
