/**
 * Where a nightly's memory goes (docs/decisions/0008-memory-budget.md): after each SQL statement the engine
 * runs, the process RSS, JS heap, external memory and DuckDB's own accounting (`duckdb_memory()`: in
 * memory and spilled), on stderr when RSS is over 600 MB or grew 50 MB; a 50 ms RSS sampler names the
 * step of the peak. Runtime access to the engine's private connection: for profiling only.
 *
 *   node --import tsx bench/memory-probe.ts <exports> <out> <date> <now> [budgetMb]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configFrom } from '../functions/adapters/config-file.js';
import { DuckDbQueryEngine } from '../functions/adapters/duckdb.js';
import { LocalFolderStore } from '../functions/adapters/local-fs.js';
import { OutboxMailer } from '../functions/adapters/outbox.js';
import { runNightly } from '../functions/pipeline/nightly.js';

const [exportsRoot, out, date, now, memoryMb] = process.argv.slice(2) as [string, string, string, string, string?];
const rssNow = (): number => {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'));
  return Math.round(Number(m?.[1] ?? 0) / 1024);
};
let phase = 'open';
let peak = 0;
let peakPhase = '';
const timer = setInterval(() => {
  const r = rssNow();
  if (r > peak) {
    peak = r;
    peakPhase = phase;
  }
}, 50);
const t0 = performance.now();
const engine = await DuckDbQueryEngine.open({
  exportsRoot,
  ...(memoryMb === undefined ? {} : { memoryBudgetMb: Number(memoryMb) }),
});
const connection = (engine as unknown as { connection: Record<string, (...a: unknown[]) => Promise<unknown>> })
  .connection;
const original = connection.run?.bind(connection) as (...a: unknown[]) => Promise<unknown>;
let inProbe = false;
connection.run = async (...args: unknown[]) => {
  const label = String(args[0]).replace(/\s+/g, ' ').trim().slice(0, 70);
  phase = label;
  const r0 = rssNow();
  const result = await original(...args);
  if (!inProbe) {
    inProbe = true;
    const mem = (await original(
      'SELECT sum(memory_usage_bytes)::BIGINT AS m, sum(temporary_storage_bytes)::BIGINT AS t FROM duckdb_memory()',
    )) as { getRowObjectsJS(): Promise<Record<string, bigint>[]> };
    inProbe = false;
    const [row] = await mem.getRowObjectsJS();
    const m = process.memoryUsage();
    const r1 = rssNow();
    if (r1 > 600 || r1 - r0 > 50)
      process.stderr.write(
        `${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s rss ${String(r0).padStart(5)}→${String(r1).padStart(5)} heap ${Math.round(m.heapUsed / 2 ** 20)} ext ${Math.round(m.external / 2 ** 20)} ab ${Math.round(m.arrayBuffers / 2 ** 20)} duck ${Math.round(Number(row?.m ?? 0) / 2 ** 20)} tmp ${Math.round(Number(row?.t ?? 0) / 2 ** 20)} | ${label}\n`,
      );
  }
  phase = `js after ${label.slice(0, 40)}`;
  return result;
};
const result = await runNightly(
  {
    engine,
    archive: new LocalFolderStore(out),
    mailer: new OutboxMailer(join(out, 'outbox')),
    clock: { now: () => new Date(now) },
  },
  { date, config: configFrom(undefined) },
);
await engine.close();
clearInterval(timer);
const maxRss = Math.round(process.resourceUsage().maxRSS / 1024);
process.stderr.write(
  `done ${((performance.now() - t0) / 1000).toFixed(1)} s, maxRSS ${maxRss} MB, sampled peak ${peak} MB during: ${peakPhase}; records ${result.report.inputs.records}\n`,
);
