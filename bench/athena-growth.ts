/**
 * Does a night on Athena grow with the history it sits on? The real Athena engine (functions/adapters/
 * athena.ts) is driven over a listing of 30, 365 and 730 days of exports, 1 or 24 files a day, NDJSON or
 * CSV (gzipped), held in an in-memory S3 (local-aws/memory-s3.ts: sizes as listed, bodies of a few bytes),
 * against a recording Athena that refuses what the strict stand-in refuses (local-aws/athena-rules.ts: the
 * size quota, `?` outside WHERE, Trino's grammar) and answers UNLOADs by writing a state object whose size
 * follows the centre's model below. A first night reads the history and keeps the state snapshot; late
 * versions then land in old partitions (tickets resolved, customers churned); the second night is measured:
 * the largest query text the engine sends, and the bytes it predicts to scan (the engine's own accounting,
 * per reference, as `vigie run` prints it).
 *
 *   npx tsx bench/athena-growth.ts --out FILE [--days 30,365,730] [--files 1,24] [--formats ndjson,csv]
 *
 * Writes `{ "rows": [ { days, files_per_day, format, max_query_bytes, predicted_bytes_per_night } ] }`.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { AthenaQueryEngine, type AthenaSql } from '../functions/adapters/athena.js';
import { dayPeriod, trailingPeriods, utcDatesBetween } from '../functions/engine/periods.js';
import { filesAsScanned } from '../functions/pipeline/filing.js';
import type { StageResult } from '../functions/pipeline/ports.js';
import { factsQueries } from '../functions/pipeline/read-facts.js';
import { estimateScan } from '../functions/sql/athena-scan.js';
import { EXPORT_KINDS, type ExportKind } from '../functions/sql/exports-schema.js';
import { checkGrammar, checkPlaceholders, checkQueryStringSize } from '../local-aws/athena-rules.js';
import { type MemoryObject, memoryS3 } from '../local-aws/memory-s3.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    days: { type: 'string', default: '30,365,730' },
    files: { type: 'string', default: '1,24' },
    formats: { type: 'string', default: 'ndjson,csv' },
  },
});
if (values.out === undefined) throw new Error('usage: npx tsx bench/athena-growth.ts --out FILE [--days …]');
const list = (text: string): string[] => text.split(',').map((s) => s.trim());

const MB = 2 ** 20;
const ZONE = 'Europe/Paris';
const LOOKBACK = 3;
const END = '2026-11-22';
/**
 * The centre: a day of exports as bench/generate.ts writes them at 1M contacts a day, gzipped
 * (bench/README.md, "Inputs of the cost estimate"); costs and agent days small.
 */
const BYTES_PER_DAY: Readonly<Record<ExportKind, number>> = {
  contacts: 41.8 * MB,
  tickets: 8.4 * MB,
  surveys: 2.8 * MB,
  agent_days: 0.1 * MB,
  customers: 0.6 * MB,
  orders: 0.3 * MB,
  costs: 0.01 * MB,
};
/** Each night, late versions land in old partitions: tickets resolved (created up to a week before), churned customers. */
const LATE = { ticketDays: 7, churnedCustomers: 20 };
/**
 * What the state holds after `days` of history, in Parquet bytes: open tickets are a few days' worth
 * whatever the history, the customer base grows (2,000 acquired a day, 1,000 churned), each customer keeps
 * its first order beside the orders of the look-back, and cost spans not ended are a handful.
 */
function stateBytes(kind: string, days: number): number {
  const customers = 100_000 + 1_000 * days;
  switch (kind) {
    case 'tickets':
      return 90_000 * 40;
    case 'customers':
      return customers * 20;
    case 'orders':
      return (40_000 + customers * 0.6) * 30;
    default:
      return 20 * 60;
  }
}

const PARTITION_DATE = (end: string, back: number): string => {
  const d = new Date(`${end}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - back);
  return d.toISOString().slice(0, 10);
};

/** A few bytes that read as the format, gzipped: what the engine downloads to check an object or read a header. */
function body(format: string): Buffer {
  return gzipSync(format === 'csv' ? 'id,created_at\nx,2026-01-01T00:00:00Z\n' : '{"id":"x"}\n');
}

/** The exports of `days` of history to `end`: `files` objects a day per kind, sizes as listed. */
function history(days: number, files: number, format: string, end: string): Map<string, MemoryObject> {
  const objects = new Map<string, MemoryObject>();
  const content = body(format);
  for (let back = 0; back < days; back += 1) {
    const dt = PARTITION_DATE(end, back);
    for (const kind of EXPORT_KINDS) {
      for (let f = 0; f < files; f += 1) {
        const key = `${kind}/dt=${dt}/part-${String(f).padStart(2, '0')}.${format}.gz`;
        objects.set(key, { body: content, size: Math.round(BYTES_PER_DAY[kind] / files) });
      }
    }
  }
  return objects;
}

/** Late versions written before the night of `date`: tickets into the last week's partitions, customers anywhere. */
function lateVersions(objects: Map<string, MemoryObject>, date: string, days: number, format: string): void {
  const content = body(format);
  for (let back = 1; back <= LATE.ticketDays; back += 1) {
    objects.set(`tickets/dt=${PARTITION_DATE(date, back)}/late-${date}.${format}.gz`, {
      body: content,
      size: Math.round((BYTES_PER_DAY.tickets * 0.1) / LATE.ticketDays),
    });
  }
  for (let i = 0; i < LATE.churnedCustomers; i += 1) {
    const back = 1 + ((i * 7919) % Math.max(1, days - 1));
    objects.set(`customers/dt=${PARTITION_DATE(date, back)}/churn-${date}-${i}.${format}.gz`, {
      body: content,
      size: 400,
    });
  }
}

/** A recording Athena as strict as the stand-in; an UNLOAD writes a state object of the model's size. */
function athena(s3: ReturnType<typeof memoryS3>, days: () => number): AthenaSql & { texts: number[] } {
  const texts: number[] = [];
  const shapes = new Set<string>();
  return {
    texts,
    run: async (sql, params) => {
      texts.push(Buffer.byteLength(sql, 'utf8'));
      checkQueryStringSize(sql);
      checkPlaceholders(sql);
      // The grammar once per shape (the same statement over other files): parsing each would take hours.
      const shape = sql.replace(/'(?:[^']|'')*'/g, "''").replace(/(?:'', )+''/g, "''");
      if (!shapes.has(shape)) {
        checkGrammar(sql);
        shapes.add(shape);
      }
      const unload = /^UNLOAD .* TO 's3:\/\/([^/]+)\/(compacted\/state\/([a-z_]+)\/[^']+)'/s.exec(sql);
      if (unload !== null) {
        const [, bucket = '', prefix = '', kind = ''] = unload;
        const objects = s3.buckets.get(bucket) ?? new Map<string, MemoryObject>();
        s3.buckets.set(bucket, objects);
        objects.set(`${prefix}data-0.parquet`, { body: Buffer.from('PAR1'), size: stateBytes(kind, days()) });
      }
      void params;
      return { rows: [], stats: { bytesScanned: 0 } };
    },
  };
}

/** One night: its stage and the facts queries of every day of its look-back; the engine's predicted scan. */
async function night(engine: AthenaQueryEngine, date: string): Promise<{ stage: StageResult; bytes: number }> {
  const days = trailingPeriods(dayPeriod(date, ZONE), LOOKBACK + 1);
  const partitions = [...new Set(days.flatMap((d) => utcDatesBetween(d.start, d.end)))].sort();
  const stage = await engine.stageExports({
    partitions,
    now: Date.parse(`${date}T23:59:00Z`) / 1000 + 3 * 3600,
    snapshot: true,
  });
  const options = {
    thresholds: { serviceLevelSeconds: 20, shortAbandonSeconds: 5, socialReplySeconds: 3600 },
    keywords: ['panne', 'résiliation'],
    verbatims: 5,
  };
  const queries = days.flatMap((d) => factsQueries(d, options));
  for (const q of queries) await engine.query(q.sql, q.params);
  const estimate = estimateScan(
    filesAsScanned(stage),
    queries.map((q) => q.sql),
    stage.stagingScans === undefined ? {} : { staging: stage.stagingScans },
  );
  return { stage, bytes: estimate.bytes };
}

interface Row {
  readonly days: number;
  readonly files_per_day: number;
  readonly format: string;
  readonly max_query_bytes: number;
  readonly predicted_bytes_per_night: number;
  /** The first night, which reads the whole history into the state: its largest query and its bytes. */
  readonly first_night_max_query_bytes: number;
  readonly first_night_predicted_bytes: number;
}

const rows: Row[] = [];
for (const format of list(values.formats)) {
  for (const files of list(values.files).map(Number)) {
    for (const days of list(values.days).map(Number)) {
      const started = Date.now();
      const yesterday = PARTITION_DATE(END, 1);
      const s3 = memoryS3(new Map([['acme-exports', history(days, files, format, yesterday)]]));
      let historyDays = days;
      const recorder = athena(s3, () => historyDays);
      const engine = new AthenaQueryEngine({
        athena: recorder,
        s3: s3.client,
        exportsBucket: 'acme-exports',
        exportsPrefix: '',
        compacted: { bucket: 'acme-archive', prefix: 'compacted/' },
      });
      const first = await night(engine, yesterday);
      const firstTexts = recorder.texts.splice(0);
      // The next day's files, and the late versions that land in old partitions.
      const exports = s3.buckets.get('acme-exports') as Map<string, MemoryObject>;
      for (const [key, object] of history(1, files, format, END)) exports.set(key, object);
      lateVersions(exports, END, days, format);
      historyDays = days + 1;
      const second = await night(engine, END);
      await engine.close();
      const row: Row = {
        days,
        files_per_day: files,
        format,
        max_query_bytes: Math.max(...recorder.texts),
        predicted_bytes_per_night: second.bytes,
        first_night_max_query_bytes: Math.max(...firstTexts),
        first_night_predicted_bytes: first.bytes,
      };
      rows.push(row);
      process.stderr.write(
        `${format} ${files}/day ${days} days: ${((Date.now() - started) / 1000).toFixed(1)} s, ${second.stage.files.length} files listed\n`,
      );
    }
  }
}

const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
const mb = (bytes: number): string => (bytes / MB).toFixed(1);
console.log('| format | files/day | days | largest query (KB) | predicted MB/night | first night: largest (KB), MB |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(
    `| ${r.format} | ${r.files_per_day} | ${r.days} | ${kb(r.max_query_bytes)} | ${mb(r.predicted_bytes_per_night)} | ${kb(r.first_night_max_query_bytes)}, ${mb(r.first_night_predicted_bytes)} |`,
  );
}
await writeFile(values.out, `${JSON.stringify({ rows }, null, 2)}\n`);
