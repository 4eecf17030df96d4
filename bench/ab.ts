/**
 * This checkout against another, on the same exports, alternating which goes first each repetition:
 *
 *   npx tsx bench/ab.ts nightly --exports DIR --date YYYY-MM-DD --base CHECKOUT [--reps 3]
 *   npx tsx bench/ab.ts staging --exports DIR --date YYYY-MM-DD --base CHECKOUT [--reps 3]
 *
 * `CHECKOUT` is another worktree (`git worktree add --detach /tmp/wt-base <commit>`, then `npm ci` there).
 * `nightly` runs bench/task.ts's nightly task of each checkout in its own child process (time and peak
 * RSS, as `npm run bench` measures `vigie run`). `staging` stages the night's partitions in this process
 * with each checkout's DuckDbQueryEngine, then checks both gave the same StageResult and the same staged
 * rows (EXCEPT ALL both ways). Both print every run, the medians, spreads and the ratio this ÷ base.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { DuckDbQueryEngine } from '../functions/adapters/duckdb.js';
import { dayPeriod, trailingPeriods, utcDatesBetween } from '../functions/engine/periods.js';
import type { StageResult } from '../functions/pipeline/ports.js';
import { EXPORT_KINDS } from '../functions/sql/exports-schema.js';
import { measure, nowAfter, stat } from './run.js';

type Variant = 'base' | 'this';
type Engine = Pick<DuckDbQueryEngine, 'stageExports' | 'query' | 'close'>;

const HERE = resolve(fileURLToPath(import.meta.url), '..', '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    exports: { type: 'string' },
    date: { type: 'string' },
    base: { type: 'string' },
    reps: { type: 'string', default: '3' },
    scratch: { type: 'string', default: '/tmp/vigie-ab' },
  },
});
const what = positionals[0];
const { exports: root, date, base } = values;
if ((what !== 'nightly' && what !== 'staging') || !root || !date || !base) {
  throw new Error('usage: tsx bench/ab.ts nightly|staging --exports DIR --date YYYY-MM-DD --base CHECKOUT [--reps N]');
}
const reps = Number(values.reps);
const checkouts: Record<Variant, string> = { base: resolve(base), this: HERE };

/** Runs `once` for each variant, `reps` times, alternating the order; returns the milliseconds of each. */
async function alternate(once: (v: Variant, rep: number) => Promise<{ ms: number; note: string }>) {
  const times: Record<Variant, number[]> = { base: [], this: [] };
  for (let rep = 0; rep < reps; rep++) {
    for (const v of rep % 2 === 0 ? (['base', 'this'] as const) : (['this', 'base'] as const)) {
      const { ms, note } = await once(v, rep);
      times[v].push(ms);
      process.stdout.write(`rep ${rep + 1} ${v.padEnd(4)} ${(ms / 1000).toFixed(2)} s${note}\n`);
    }
  }
  const [b, t] = [stat(times.base), stat(times.this)];
  process.stdout.write(
    `median base ${(b.median / 1000).toFixed(2)} s (±${b.spreadPct} %), this ${(t.median / 1000).toFixed(2)} s (±${t.spreadPct} %), this/base ${(t.median / b.median).toFixed(3)}\n`,
  );
}

async function nightly(): Promise<void> {
  const peak: Record<Variant, number> = { base: 0, this: 0 };
  await alternate(async (v) => {
    const out = join(values.scratch, v);
    await rm(out, { recursive: true, force: true });
    const spec = { task: 'nightly', exports: resolve(root ?? ''), out, date: date ?? '', now: nowAfter(date ?? '') };
    const r = await measure(spec as Parameters<typeof measure>[0], checkouts[v]);
    await rm(out, { recursive: true, force: true });
    peak[v] = Math.max(peak[v], r.rssMb);
    return { ms: r.ms, note: `, ${r.rssMb} MB` };
  });
  process.stdout.write(`peak RSS base ${peak.base} MB, this ${peak.this} MB\n`);
}

async function staging(): Promise<void> {
  const baseModule = (await import(pathToFileURL(join(checkouts.base, 'functions/adapters/duckdb.ts')).href)) as {
    DuckDbQueryEngine: { open(o: { exportsRoot: string }): Promise<Engine> };
  };
  const open = (v: Variant, o: { exportsRoot: string }) =>
    v === 'base' ? baseModule.DuckDbQueryEngine.open(o) : DuckDbQueryEngine.open(o);
  const nights = trailingPeriods(dayPeriod(date ?? '', 'Europe/Paris'), 4);
  const partitions = [...new Set(nights.flatMap((d) => utcDatesBetween(d.start, d.end)))].sort();
  const now = Math.floor(Date.parse(nowAfter(date ?? '')) / 1000);
  await rm(values.scratch, { recursive: true, force: true });
  const results: Partial<Record<Variant, StageResult>> = {};
  await alternate(async (v, rep) => {
    const engine = await open(v, { exportsRoot: root ?? '' });
    const t0 = performance.now();
    const result = await engine.stageExports({ partitions, now });
    const ms = performance.now() - t0;
    if (rep === 0) {
      results[v] = result;
      const dir = join(values.scratch, v);
      await mkdir(dir, { recursive: true });
      for (const kind of EXPORT_KINDS) await engine.query(`COPY ${kind} TO '${join(dir, `${kind}.parquet`)}'`, []);
    }
    await engine.close();
    return { ms, note: ` (rss now ${Math.round(process.memoryUsage().rss / 1e6)} MB)` };
  });
  process.stdout.write(`StageResult identical: ${isDeepStrictEqual(results.base, results.this)}\n`);
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  let differing = 0;
  for (const kind of EXPORT_KINDS) {
    const [x, y] = (['base', 'this'] as const).map(
      (v) => `read_parquet('${join(values.scratch, v, `${kind}.parquet`)}')`,
    );
    const reader = await db.runAndReadAll(
      `SELECT (SELECT count(*) FROM (SELECT * FROM ${x} EXCEPT ALL SELECT * FROM ${y})) + (SELECT count(*) FROM (SELECT * FROM ${y} EXCEPT ALL SELECT * FROM ${x})) AS d, (SELECT count(*) FROM ${y}) AS n`,
    );
    const [d, n] = reader.getRowsJS()[0] ?? [];
    differing += Number(d);
    process.stdout.write(`  ${kind.padEnd(10)} ${String(n).padStart(9)} rows, ${d} differ\n`);
  }
  process.stdout.write(`staged rows identical: ${differing === 0}\n`);
  db.closeSync();
  instance.closeSync();
}

await (what === 'nightly' ? nightly() : staging());
