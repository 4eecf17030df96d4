/**
 * What compaction saves on Athena, measured on an export set (bench/generate.ts):
 * `npx tsx bench/compaction-bytes.ts --exports DIR --date YYYY-MM-DD [--out DIR]`.
 *
 * 1. The nightly run of `--date` without compaction, twice (the first files the whole look-back, the next
 *    only the day): their predicted Athena scans (`on Athena` of `vigie run`).
 * 2. The same two nights with `compaction.enabled` in a second archive: the first compacts every partition
 *    older than the look-back window (its prediction includes the UNLOADs), the second reads them.
 *    The reports' figures must all be equal.
 * 3. Per kind, over the compacted partitions: the export bytes Athena scans today for each query naming the
 *    kind, the Parquet bytes (what the prediction counts: Athena reads no more), and the bytes of the Parquet
 *    columns the facts SQL names (what Athena would read for a facts query, from `parquet_metadata`).
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { configFrom } from '../functions/adapters/config-file.js';
import { DuckDbQueryEngine } from '../functions/adapters/duckdb.js';
import { LocalFolderStore } from '../functions/adapters/local-fs.js';
import { OutboxMailer } from '../functions/adapters/outbox.js';
import { dayPeriod } from '../functions/engine/periods.js';
import { manifestKey, parseManifest } from '../functions/pipeline/compacted-partitions.js';
import { type RunResult, runNightly } from '../functions/pipeline/nightly.js';
import { factsQueries } from '../functions/pipeline/read-facts.js';
import { kindsReadBy } from '../functions/sql/athena-scan.js';
import { columnOf, EXPORT_KINDS, EXPORT_SCHEMA } from '../functions/sql/exports-schema.js';

const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const exportsRoot = flag('exports');
const date = flag('date');
if (exportsRoot === undefined || date === undefined)
  throw new Error('usage: tsx bench/compaction-bytes.ts --exports DIR --date YYYY-MM-DD [--out DIR]');
const out = flag('out') ?? (await mkdtemp(join(tmpdir(), 'vigie-compaction-bytes-')));
const clock = { now: () => new Date(Date.parse(`${date}T00:00:00Z`) + 29 * 3_600_000) };
const MB = 2 ** 20;
const mb = (bytes: number): string => (bytes / MB).toFixed(1);

async function night(archive: string, compaction: boolean): Promise<RunResult & { ms: number }> {
  const config = configFrom({
    compaction: { enabled: compaction, max_partitions_per_run: 100 },
    digests: { weekly_on_monday: false, monthly_on_first: false },
  });
  const engine = await DuckDbQueryEngine.open({
    exportsRoot: exportsRoot ?? '',
    compactedRoot: join(archive, 'compacted'),
  });
  const t0 = performance.now();
  try {
    const ports = {
      engine,
      archive: new LocalFolderStore(archive),
      mailer: new OutboxMailer(join(archive, 'outbox')),
      clock,
    };
    const result = await runNightly(ports, { date: date ?? '', config });
    return { ...result, ms: performance.now() - t0 };
  } finally {
    await engine.close();
  }
}

const figures = (r: RunResult): string => JSON.stringify([r.report.scopes, r.report.inputs, r.report.rejects]);
// A first night files the whole look-back; the next ones file the day only: compare like with like.
const plain = await night(join(out, 'plain'), false);
const plainNext = await night(join(out, 'plain'), false);
const first = await night(join(out, 'compacted'), true);
const second = await night(join(out, 'compacted'), true);
if ([plainNext, first, second].some((r) => figures(r) !== figures(plain)))
  throw new Error('the reports differ with compaction');

// Columns a facts query names, per kind (an upper bound: every query naming the kind is counted).
const queries = factsQueries(dayPeriod(date, 'Europe/Paris'), {
  thresholds: { serviceLevelSeconds: 20, shortAbandonSeconds: 5, socialReplySeconds: 3600 },
  keywords: ['résiliation'],
  verbatims: 5,
}).map((q) => q.sql);
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
const rows: string[] = [];
for (const kind of EXPORT_KINDS) {
  const manifest = parseManifest(
    await readFile(join(out, 'compacted', 'compacted', manifestKey(kind)), 'utf8').catch(() => null),
    kind,
  );
  const entries = Object.values(manifest.partitions);
  if (entries.length === 0) continue;
  const sql = queries.filter((q) => kindsReadBy(q).includes(kind)).join('\n');
  const spec = EXPORT_SCHEMA[kind];
  const named = spec.fields.filter((f) => new RegExp(`\\b${columnOf(f)}\\b`).test(sql)).map((f) => `v_${f.name}`);
  // Staging reads these in every query: the identity and version that dedupe, and the reject reason.
  const always = [...spec.identity, 'updated_at'].map((n) => `v_${n}`).concat(['file', 'line', 'reason']);
  const columns = [...new Set([...always, ...named])];
  const files = entries.flatMap((e) => e.files.map((f) => `'${join(out, 'compacted', 'compacted', f.key)}'`));
  const reader = await db.runAndReadAll(
    `SELECT sum(total_compressed_size) AS bytes FROM parquet_metadata([${files.join(', ')}]) WHERE path_in_schema IN (${columns.map((c) => `'${c}'`).join(', ')})`,
  );
  const columnBytes = Number(reader.getRowObjectsJS()[0]?.bytes ?? 0);
  const source = entries.reduce((s, e) => s + e.sources.reduce((a, f) => a + f.size, 0), 0);
  const parquet = entries.reduce((s, e) => s + e.files.reduce((a, f) => a + f.size, 0), 0);
  rows.push(
    `| ${kind} | ${entries.length} | ${mb(source)} | ${mb(parquet)} (${((parquet / source) * 100).toFixed(0)} %) | ${mb(columnBytes)} (${((columnBytes / source) * 100).toFixed(0)} %) | ${columns.length} of ${spec.fields.length + 3} |`,
  );
}
db.closeSync();
instance.closeSync();

const line = (label: string, r: RunResult & { ms: number }): string =>
  `| ${label} | ${r.compaction?.written.length ?? 0} / ${r.compaction?.read.length ?? 0} | ${r.athenaEstimate.queries} | ${mb(r.athenaEstimate.bytes)} | ${r.athenaEstimate.costUsd.toFixed(4)} | ${(r.ms / 1000).toFixed(1)} |`;
console.log(`exports ${exportsRoot}, night of ${date}, archives under ${out}\n`);
console.log(
  '| nightly run | partitions compacted / read compacted | Athena queries (predicted) | MB scanned (predicted) | $ | DuckDB path s |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
console.log(line('without compaction, first night', plain));
console.log(line('without compaction, next night', plainNext));
console.log(line('compaction on, first night (compacts)', first));
console.log(line('compaction on, next night (reads compacted)', second));
console.log('\n| kind | compacted partitions | export MB | Parquet MB | columns a facts query reads, MB | columns |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
