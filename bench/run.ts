/**
 * The Vigie benchmark (issue #8): `npm run bench -- --sizes 100k,1M --reps 3 --days 90 --daily 10k`.
 *
 * For each size (contacts in one local day) it generates the exports once (bench/generate.ts, reused
 * while the options match), then runs, alternating the order each repetition, a bare DuckDB reference
 * query over the same files and `vigie run` for the day (the nightly pipeline, in-process as the CLI
 * calls it: read, validate, dedupe, facts, KPIs, report, render, outbox). Every measurement is its own
 * child process (bench/task.ts), so its peak RSS is its own. Then, on a `--days` set at `--daily`
 * contacts a day: the backfill of every day, and the weekly and monthly digests from the stored facts.
 * Prints a table and writes `--out` (default bench/results.json).
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';
import { DEFAULTS, ensureExports, formatCount, parseCount } from './generate.js';
import type { TaskResult, TaskSpec } from './task.js';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');

export interface BenchOptions {
  readonly sizes: readonly number[];
  readonly reps: number;
  readonly days: number;
  readonly daily: number;
  readonly out: string;
  /** Where generated exports live (kept between runs) and scratch outputs go. */
  readonly data: string;
  /** Single-day sets' local date; the period set ends on `periodEnd`. */
  readonly date: string;
  readonly periodEnd: string;
  readonly quiet?: boolean;
}

export interface Stat {
  readonly samples: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max − min) ÷ median, in percent. */
  readonly spreadPct: number;
}

export interface SizeResult {
  readonly label: string;
  readonly contacts: number;
  readonly files: number;
  readonly exportBytes: number;
  readonly referenceMs: Stat;
  readonly vigieMs: Stat;
  /** vigie median ÷ reference median (goal ≤ 1.3 at 1M). */
  readonly ratio: number;
  readonly referenceRssMb: number;
  readonly vigieRssMb: number;
  readonly vigieRssMbPerMillion: number;
  readonly htmlBytes: number;
  readonly reportJsonBytes: number;
  readonly factsBytes: number;
}

export interface PeriodResult {
  readonly daily: number;
  readonly days: number;
  readonly exportBytes: number;
  /** `vigie run` for one day at the daily volume (a one-day set): the "one day" of the ratios. */
  readonly oneDayMs: Stat;
  readonly oneDayRssMb: number;
  readonly backfillMs: number;
  readonly backfillRssMb: number;
  readonly backfillBytes: number;
  /** backfill ÷ (days × one day) (goal ≤ 1.2). */
  readonly backfillRatio: number;
  readonly weekly: DigestFigures;
  readonly monthly: DigestFigures;
}

export interface DigestFigures {
  readonly id: string;
  readonly ms: number;
  readonly rssMb: number;
  /** Raw export bytes read to file days missing from the store (0 when the store is complete). */
  readonly filingBytes: number;
  /** Raw export bytes of the targeted distinct-buyers query (orders). */
  readonly targetedBytes: number;
  /** digest time ÷ one nightly run at the daily volume. */
  readonly ratioToNightly: number;
  readonly htmlBytes: number;
}

export interface BenchResults {
  readonly command: string;
  readonly startedAt: string;
  readonly machine: { readonly cpus: number; readonly model: string; readonly memoryGb: number; readonly node: string };
  readonly note: string;
  readonly sizes: readonly SizeResult[];
  readonly period: PeriodResult;
}

/** Median, range and spread of a measurement's samples. */
export function stat(samples: readonly number[]): Stat {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  const min = sorted[0] ?? 0;
  const max = sorted.at(-1) ?? 0;
  return {
    samples: samples.map((s) => Math.round(s)),
    median: Math.round(median),
    min: Math.round(min),
    max: Math.round(max),
    spreadPct: median > 0 ? Math.round(((max - min) / median) * 1000) / 10 : 0,
  };
}

/**
 * Runs one measurement in a child process (`node --import tsx bench/task.ts`), with the code of
 * `checkout` (default: this one), so its peak RSS is its own.
 */
export async function measure(spec: TaskSpec, checkout = ROOT): Promise<TaskResult> {
  const task = join(checkout, 'bench', 'task.ts');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', task, JSON.stringify(spec)], {
    cwd: checkout,
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as TaskResult;
}

/** "now" for a run of `date`: 05:00 UTC the next day, as a nightly schedule would. */
export const nowAfter = (date: string): string =>
  `${DateTime.fromISO(date, { zone: 'utc' }).plus({ days: 1 }).toISODate()}T05:00:00Z`;

export async function bench(options: BenchOptions): Promise<BenchResults> {
  const log = (line: string): void => {
    if (!options.quiet) process.stderr.write(`${line}\n`);
  };
  const scratch = join(options.data, 'runs');
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  let seq = 0;
  const freshOut = (): string => join(scratch, `out-${++seq}`);

  /** `reps` alternating pairs of reference and vigie over one single-day set. */
  async function compare(contacts: number): Promise<{
    set: Awaited<ReturnType<typeof ensureExports>>;
    reference: TaskResult[];
    vigie: TaskResult[];
  }> {
    const label = formatCount(contacts);
    const set = await ensureExports({
      ...DEFAULTS,
      out: join(options.data, `day-${label}`),
      contactsPerDay: contacts,
      endDate: options.date,
    });
    log(
      `${label}: ${set.files} files, ${(set.bytes / 1e6).toFixed(1)} MB (${set.reused ? 'reused' : `generated in ${(set.ms / 1000).toFixed(1)} s`})`,
    );
    const common = { exports: set.options.out, date: options.date, now: nowAfter(options.date) };
    const reference: TaskResult[] = [];
    const vigie: TaskResult[] = [];
    for (let rep = 0; rep < options.reps; rep++) {
      const order = rep % 2 === 0 ? (['reference', 'nightly'] as const) : (['nightly', 'reference'] as const);
      for (const task of order) {
        if (task === 'reference') reference.push(await measure({ task, ...common }));
        else {
          const out = freshOut();
          vigie.push(await measure({ task, ...common, out }));
          await rm(out, { recursive: true, force: true });
        }
        const last = task === 'reference' ? reference.at(-1) : vigie.at(-1);
        log(`  rep ${rep + 1} ${task.padEnd(9)} ${((last?.ms ?? 0) / 1000).toFixed(2)} s, ${last?.rssMb} MB`);
      }
    }
    return { set, reference, vigie };
  }

  const sizes: SizeResult[] = [];
  for (const contacts of options.sizes) {
    const { set, reference, vigie } = await compare(contacts);
    const referenceMs = stat(reference.map((r) => r.ms));
    const vigieMs = stat(vigie.map((r) => r.ms));
    const vigieRssMb = Math.max(...vigie.map((r) => r.rssMb));
    const last = vigie.at(-1);
    sizes.push({
      label: formatCount(contacts),
      contacts,
      files: set.files,
      exportBytes: set.bytes,
      referenceMs,
      vigieMs,
      ratio: Math.round((vigieMs.median / referenceMs.median) * 100) / 100,
      referenceRssMb: Math.max(...reference.map((r) => r.rssMb)),
      vigieRssMb,
      vigieRssMbPerMillion: Math.round(vigieRssMb / (contacts / 1e6)),
      htmlBytes: last?.htmlBytes ?? 0,
      reportJsonBytes: last?.reportJsonBytes ?? 0,
      factsBytes: last?.factsBytes ?? 0,
    });
  }

  // The period set: backfill every day, then the digests from the stored facts.
  const oneDay = await compare(options.daily);
  const oneDayMs = stat(oneDay.vigie.map((r) => r.ms));
  const periodSet = await ensureExports({
    ...DEFAULTS,
    out: join(options.data, `period-${options.days}d-${formatCount(options.daily)}`),
    contactsPerDay: options.daily,
    days: options.days,
    endDate: options.periodEnd,
  });
  log(
    `period: ${options.days} days × ${formatCount(options.daily)}: ${periodSet.files} files, ${(periodSet.bytes / 1e6).toFixed(1)} MB (${periodSet.reused ? 'reused' : `generated in ${(periodSet.ms / 1000).toFixed(1)} s`})`,
  );
  const from = DateTime.fromISO(options.periodEnd, { zone: 'utc' })
    .minus({ days: options.days - 1 })
    .toISODate();
  const store = freshOut();
  const now = nowAfter(options.periodEnd);
  const exports = periodSet.options.out;
  const backfill = await measure({
    task: 'backfill',
    exports,
    out: store,
    from: from ?? '',
    to: options.periodEnd,
    now,
  });
  log(`  backfill ${(backfill.ms / 1000).toFixed(1)} s, ${backfill.rssMb} MB`);
  const end = DateTime.fromISO(options.periodEnd, { zone: 'utc' });
  // The week and month that end on or before the period's end: the last complete ones.
  // (or, on a set too short to hold one, the week or month of its last day).
  const first = DateTime.fromISO(from ?? '', { zone: 'utc' });
  let weekEnd = end.weekday === 7 ? end : end.minus({ days: end.weekday });
  if (weekEnd.minus({ days: 6 }) < first) weekEnd = end;
  const week = weekEnd.toFormat("kkkk-'W'WW");
  let monthEnd = end.plus({ days: 1 }).day === 1 ? end : end.startOf('month').minus({ days: 1 });
  if (monthEnd.startOf('month') < first) monthEnd = end;
  const month = monthEnd.toFormat('yyyy-MM');
  const digest = async (kind: 'week' | 'month', id: string): Promise<DigestFigures> => {
    const r = await measure({ task: 'digest', exports, out: store, kind, id, now });
    log(`  ${kind} ${id} ${(r.ms / 1000).toFixed(2)} s, ${r.rssMb} MB, filing ${r.filingBytes} B`);
    return {
      id,
      ms: Math.round(r.ms),
      rssMb: r.rssMb,
      filingBytes: r.filingBytes ?? 0,
      targetedBytes: r.targetedBytes ?? 0,
      ratioToNightly: Math.round((r.ms / oneDayMs.median) * 100) / 100,
      htmlBytes: r.htmlBytes ?? 0,
    };
  };
  const weekly = await digest('week', week);
  const monthly = await digest('month', month);
  await rm(scratch, { recursive: true, force: true });

  return {
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    note: 'Absolute times follow the load of the machine: compare the ratios of one run; medians, spreads and every sample are kept.',
    sizes,
    period: {
      daily: options.daily,
      days: options.days,
      exportBytes: periodSet.bytes,
      oneDayMs,
      oneDayRssMb: Math.max(...oneDay.vigie.map((r) => r.rssMb)),
      backfillMs: Math.round(backfill.ms),
      backfillRssMb: backfill.rssMb,
      backfillBytes: backfill.bytes ?? 0,
      backfillRatio: Math.round((backfill.ms / (options.days * oneDayMs.median)) * 100) / 100,
      weekly,
      monthly,
    },
  };
}

const s = (ms: number): string => (ms / 1000).toFixed(2);
const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

/** The results as a Markdown table (stdout and bench/README.md). */
export function table(r: BenchResults): string {
  const lines = [
    '| contacts | export MB (gz) | reference s (spread) | vigie run s (spread) | ratio | vigie peak RSS MB | MB / M contacts | scorecard HTML KB | report.json KB |',
    '| -------: | -------------: | -------------------: | -------------------: | ----: | ----------------: | --------------: | ----------------: | -------------: |',
    ...r.sizes.map(
      (x) =>
        `| ${x.label} | ${mb(x.exportBytes)} | ${s(x.referenceMs.median)} (±${x.referenceMs.spreadPct} %) | ${s(x.vigieMs.median)} (±${x.vigieMs.spreadPct} %) | ${x.ratio} | ${x.vigieRssMb} | ${x.vigieRssMbPerMillion} | ${(x.htmlBytes / 1024).toFixed(1)} | ${(x.reportJsonBytes / 1024).toFixed(0)} |`,
    ),
    '',
    `| ${r.period.days} days × ${formatCount(r.period.daily)} contacts | time s | ratio | peak RSS MB | raw export bytes read |`,
    '| --- | ---: | ---: | ---: | ---: |',
    `| one day (\`vigie run\`) | ${s(r.period.oneDayMs.median)} (±${r.period.oneDayMs.spreadPct} %) | 1 | ${r.period.oneDayRssMb} | — |`,
    `| backfill of ${r.period.days} days | ${s(r.period.backfillMs)} | ${r.period.backfillRatio} × (${r.period.days} × one day) | ${r.period.backfillRssMb} | ${r.period.backfillBytes} |`,
    `| weekly digest ${r.period.weekly.id} | ${s(r.period.weekly.ms)} | ${r.period.weekly.ratioToNightly} × one day | ${r.period.weekly.rssMb} | ${r.period.weekly.filingBytes} filing + ${r.period.weekly.targetedBytes} orders |`,
    `| monthly digest ${r.period.monthly.id} | ${s(r.period.monthly.ms)} | ${r.period.monthly.ratioToNightly} × one day | ${r.period.monthly.rssMb} | ${r.period.monthly.filingBytes} filing + ${r.period.monthly.targetedBytes} orders |`,
  ];
  return lines.join('\n');
}

function parseArgs(args: readonly string[]): BenchOptions {
  const get = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const positive = (name: string, fallback: number): number => {
    const n = Number(get(name) ?? fallback);
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`--${name} must be a positive integer`);
    return n;
  };
  return {
    sizes: (get('sizes') ?? '100k,1M').split(',').map(parseCount),
    reps: positive('reps', 3),
    days: positive('days', 90),
    daily: parseCount(get('daily') ?? '10k'),
    out: get('out') ?? join(HERE, 'results.json'),
    data: get('data') ?? join(HERE, 'data'),
    date: get('date') ?? DEFAULTS.endDate,
    periodEnd: get('period-end') ?? '2026-11-22',
    quiet: args.includes('--quiet'),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options = parseArgs(process.argv.slice(2));
  const results = await bench(options);
  await mkdir(dirname(options.out), { recursive: true });
  await writeFile(options.out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${table(results)}\n\n${results.note}\nresults: ${options.out}\n`);
}
