/**
 * Smoke test of the benchmarks on a tiny set: bench/run.ts with 2k contacts, one repetition, eight days,
 * then every other maintained script of bench/ on its data (compaction bytes, folded read, the Lambda
 * path, the A/B tool against this very checkout, the growth of a night on Athena), so none of them can rot. It checks the plumbing and
 * that each prints its figures, not the performance.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../bench/generate.js';
import { type BenchResults, table } from '../../bench/run.js';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every leaf of the results that must be a finite number. */
function numbers(r: BenchResults): Record<string, unknown> {
  const size = r.sizes[0];
  const p = r.period;
  return {
    cpus: r.machine.cpus,
    contacts: size?.contacts,
    files: size?.files,
    exportBytes: size?.exportBytes,
    referenceMedian: size?.referenceMs.median,
    referenceSpread: size?.referenceMs.spreadPct,
    vigieMedian: size?.vigieMs.median,
    vigieSpread: size?.vigieMs.spreadPct,
    ratio: size?.ratio,
    referenceRssMb: size?.referenceRssMb,
    vigieRssMb: size?.vigieRssMb,
    vigieRssMbPerMillion: size?.vigieRssMbPerMillion,
    htmlBytes: size?.htmlBytes,
    reportJsonBytes: size?.reportJsonBytes,
    factsBytes: size?.factsBytes,
    periodExportBytes: p.exportBytes,
    oneDayMedian: p.oneDayMs.median,
    oneDayRssMb: p.oneDayRssMb,
    backfillMs: p.backfillMs,
    backfillRssMb: p.backfillRssMb,
    backfillBytes: p.backfillBytes,
    backfillRatio: p.backfillRatio,
    weeklyMs: p.weekly.ms,
    weeklyRssMb: p.weekly.rssMb,
    weeklyFilingBytes: p.weekly.filingBytes,
    weeklyTargetedBytes: p.weekly.targetedBytes,
    weeklyRatio: p.weekly.ratioToNightly,
    weeklyHtmlBytes: p.weekly.htmlBytes,
    monthlyMs: p.monthly.ms,
    monthlyRssMb: p.monthly.rssMb,
    monthlyFilingBytes: p.monthly.filingBytes,
    monthlyTargetedBytes: p.monthly.targetedBytes,
    monthlyRatio: p.monthly.ratioToNightly,
    monthlyHtmlBytes: p.monthly.htmlBytes,
  };
}

describe('bench/run on a tiny set', () => {
  let dir = '';
  let results: BenchResults;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-bench-'));
    const out = join(dir, 'results.json');
    // The real command, as `npm run bench` runs it, into the temp folder.
    await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/run.ts',
        ...['--sizes', '2k', '--reps', '1', '--days', '8', '--daily', '2k'],
        ...['--data', join(dir, 'data'), '--out', out, '--quiet'],
      ],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
    );
    results = JSON.parse(await readFile(out, 'utf8')) as BenchResults;
  }, 180_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes every figure as a finite number', () => {
    expect(results.sizes).toHaveLength(1);
    for (const [name, value] of Object.entries(numbers(results))) {
      expect.soft(typeof value, name).toBe('number');
      expect.soft(Number.isFinite(value), name).toBe(true);
    }
  });

  const script = async (...args: string[]): Promise<string> =>
    (await run(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 })).stdout;

  it('compaction-bytes: two nights without, two with compaction, the same reports, bytes per kind', async () => {
    const stdout = await script(
      'bench/compaction-bytes.ts',
      ...['--exports', join(dir, 'data', 'period-8d-2k'), '--date', '2026-11-22', '--out', join(dir, 'cb')],
    );
    expect(stdout).toMatch(/\| compaction on, next night \(reads compacted\) \| 0 \/ \d+ \|/);
    expect(stdout).toMatch(/\| tickets \| \d+ \|/);
  }, 180_000);

  it('folded-read: reads each filed day from its full and its folded facts', async () => {
    const stdout = await script(
      'bench/folded-read.ts',
      ...['--out', join(dir, 'cb', 'plain'), '--from', '2026-11-22', '--to', '2026-11-22'],
    );
    expect(stdout).toMatch(/^2026-11-22 {2}full: read \d+ ms \+ fold \d+ ms \(\d+ bucket rows\)/m);
  }, 120_000);

  it('lambda-path: the nightly handler on the local AWS, with its peak memory', async () => {
    const stdout = await script(
      'bench/lambda-path.ts',
      ...['--exports', join(dir, 'data', 'day-2k'), '--date', DEFAULTS.endDate],
    );
    const measured = JSON.parse(stdout) as { records: number; queries: number; peakRssMb: number; mails: number };
    expect(measured.records).toBeGreaterThan(2000);
    expect(measured.queries).toBeGreaterThan(0);
    expect(measured.peakRssMb).toBeGreaterThan(0);
    expect(measured.mails).toBeGreaterThan(0);
  }, 300_000);

  it('ab: this checkout against itself, nightly and staging, with identical staged rows', async () => {
    const common = ['--exports', join(dir, 'data', 'day-2k'), '--date', DEFAULTS.endDate];
    const base = ['--base', ROOT, '--reps', '1', '--scratch', join(dir, 'ab')];
    expect(await script('bench/ab.ts', 'nightly', ...common, ...base)).toMatch(/this\/base \d+\.\d{3}/);
    const staging = await script('bench/ab.ts', 'staging', ...common, ...base);
    expect(staging).toContain('StageResult identical: true');
    expect(staging).toContain('staged rows identical: true');
  }, 300_000);

  it('athena-growth: a night over a short history, both formats, every row written', async () => {
    const out = join(dir, 'growth.json');
    const stdout = await script('bench/athena-growth.ts', ...['--out', out, '--days', '4,9', '--files', '2']);
    expect(stdout).toMatch(/^\| ndjson \| 2 \| 9 \| \d+\.\d \| \d+\.\d \|/m);
    const { rows } = JSON.parse(await readFile(out, 'utf8')) as { rows: Record<string, number | string>[] };
    expect(rows.map((r) => `${r.format} ${r.days}`)).toEqual(['ndjson 4', 'ndjson 9', 'csv 4', 'csv 9']);
    for (const r of rows) {
      expect(r.max_query_bytes).toBeGreaterThan(1000);
      expect(r.predicted_bytes_per_night).toBeGreaterThan(0);
    }
  }, 300_000);

  it('measured real work: records read, a scorecard rendered, the days filed', () => {
    const size = results.sizes[0];
    expect(size?.vigieMs.samples).toHaveLength(1);
    expect(size?.referenceMs.median).toBeGreaterThan(0);
    expect(size?.vigieMs.median).toBeGreaterThan(0);
    expect(size?.htmlBytes).toBeGreaterThan(1000);
    expect(results.period.backfillBytes).toBeGreaterThan(0);
    expect(results.period.weekly.targetedBytes).toBeGreaterThan(0);
    expect(table(results)).toContain('| 2k |');
  });
});
