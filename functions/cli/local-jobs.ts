/**
 * The jobs of the `vigie` command on the embedded default: DuckDB over a local exports folder, an
 * archive folder and an outbox under `--out`. Loaded only when a job runs, so `vigie --help` stays quick.
 */
import { access, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configFrom, readConfigFile } from '../adapters/config-file.js';
import { DuckDbQueryEngine } from '../adapters/duckdb.js';
import { UsageError } from '../adapters/errors.js';
import { LocalFolderStore } from '../adapters/local-fs.js';
import { OutboxMailer } from '../adapters/outbox.js';
import type { Config } from '../engine/config.js';
import { parsePeriod, periodContaining, previousPeriod, TRAILING_DEFAULT, trailingPeriods } from '../engine/periods.js';
import { type BackfillProgress, runBackfill } from '../pipeline/backfill.js';
import { type DigestResult, digestsDue, runDigest } from '../pipeline/digest.js';
import { type RunPorts, type RunResult, runNightly } from '../pipeline/nightly.js';
import type { BackfillCommand } from '../pipeline/period-reports.js';
import type { Clock } from '../pipeline/ports.js';
import { mb, show } from './output.js';
import { SAMPLE_MANIFEST, writeSampleExports } from './sample.js';

const systemClock: Clock = { now: () => new Date() };

/** The config file's, or the defaults when no file is named. */
export async function loadConfig(file: string | undefined): Promise<Config> {
  return file === undefined ? configFrom(undefined) : readConfigFile(file);
}

function printRun(result: Pick<RunResult, 'report' | 'delivered' | 'rejectFiles'>, out: (line: string) => void): void {
  const { report, delivered } = result;
  const p = report.period;
  out(`Vigie — ${p.kind} ${p.start}${p.end !== p.start ? ` → ${p.end}` : ''} (${p.timezone}), ${report.centre}`);
  out(`  report.json  ${show(delivered.reportJson)}`);
  for (const html of delivered.html) out(`  scorecard    ${show(html)}`);
  for (const eml of delivered.mails) out(`  mail (.eml)  ${show(eml)}`);
  const i = report.inputs;
  out(
    `  inputs       ${i.files} files, ${i.records} records, ${i.duplicates} duplicates merged, ${report.rejects.count} rejected`,
  );
  if (result.rejectFiles.length > 0) out(`  rejects      ${show(join(result.rejectFiles[0] ?? '', '..', '..', '..'))}`);
}

/** A nightly run's lines, with what the same run would scan and cost on Athena. */
function printNightly(result: RunResult, out: (line: string) => void): void {
  printRun(result, out);
  const a = result.athenaEstimate;
  out(
    `  on Athena    ${a.queries} queries would scan ${mb(a.bytes)}, $${a.costUsd.toFixed(4)} (predicted from the files' sizes)`,
  );
}

/** Where the embedded default keeps compacted partitions, under the output folder. */
export const COMPACTED_FOLDER = 'compacted';

/** Opens the embedded default's ports (DuckDB over the exports, folders under `out`), runs `job`, closes them. */
export async function withLocalPorts<T>(
  options: { exports: string; out: string },
  job: (ports: RunPorts) => Promise<T>,
): Promise<T> {
  const engine = await DuckDbQueryEngine.open({
    exportsRoot: options.exports,
    compactedRoot: join(options.out, COMPACTED_FOLDER),
  });
  try {
    const archive = new LocalFolderStore(options.out);
    const mailer = new OutboxMailer(join(options.out, 'outbox'));
    return await job({ engine, archive, mailer, clock: systemClock });
  } finally {
    await engine.close();
  }
}

/** A path as a shell word: quoted when it holds anything but plain path characters. */
const shellWord = (text: string): string => (/^[\w./:@=+-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`);

/** The `vigie backfill` command, with this run's own flags, that would file the days of [from, to]. */
function backfillCommandFor(options: { exports: string; out: string; config?: string }): BackfillCommand {
  const flags = [
    `--exports ${shellWord(options.exports)}`,
    ...(options.config === undefined ? [] : [`--config ${shellWord(options.config)}`]),
    ...(options.out === 'out' ? [] : [`--out ${shellWord(options.out)}`]),
  ].join(' ');
  return (from, to) => `vigie backfill ${flags} --from ${from} --to ${to}`;
}

/** Runs the nightly job for one day, then the digests the schedule config makes due that day. */
export async function runDay(
  options: { exports: string; date: string; config?: string; out: string },
  out: (line: string) => void,
): Promise<void> {
  const config = await loadConfig(options.config);
  const backfillCommand = backfillCommandFor(options);
  await withLocalPorts(options, async (ports) => {
    printNightly(await runNightly(ports, { date: options.date, config, backfillCommand }), out);
    for (const period of digestsDue(options.date, config))
      printDigest(await runDigest(ports, { period, config, backfillCommand }), out);
  });
}

function printDigest(result: DigestResult, out: (line: string) => void): void {
  printRun({ ...result, rejectFiles: [] }, out);
  const missing = result.report.missing_days;
  if (missing.length > 0) out(`  missing days ${missing.join(', ')} (figures cover the other days only)`);
  if (result.filed.length > 0)
    out(`  filed first  ${result.filed.length} missing days from exports (${result.filingBytes} bytes read)`);
  out(
    `  raw exports  ${result.filingBytes} bytes for missing days, ${result.targetedBytes} bytes for distinct buyers (orders)`,
  );
}

/** A progress line: a bar with an ETA on a terminal, plain lines otherwise (logs, CI). */
function progressPrinter(out: (line: string) => void): (p: BackfillProgress) => void {
  const t0 = Date.now();
  const tty = process.stdout.isTTY === true;
  return ({ done, total, lastDay }) => {
    const eta = done > 0 ? ((Date.now() - t0) / done) * (total - done) : 0;
    const text = `${done}/${total} days (up to ${lastDay}), ETA ${(eta / 1000).toFixed(0)} s`;
    if (!tty) return out(`  backfill ${text}`);
    const width = 24;
    const bar = '█'.repeat(Math.round((done / total) * width)).padEnd(width, '░');
    process.stdout.write(`\r  ${bar} ${text}${done === total ? '\n' : ''}`);
  };
}

/** `vigie digest`: the weekly or monthly digest of one period. */
export async function digest(
  options: { exports: string; week?: string; month?: string; config?: string; out: string },
  out: (line: string) => void,
): Promise<void> {
  const config = await loadConfig(options.config);
  const period = options.week
    ? parsePeriod('week', options.week, config.timezone)
    : parsePeriod('month', options.month ?? '', config.timezone);
  const backfillCommand = backfillCommandFor(options);
  await withLocalPorts(options, async (ports) =>
    printDigest(await runDigest(ports, { period, config, backfillCommand }), out),
  );
}

export interface BackfillOptions {
  exports: string;
  from: string;
  to: string;
  config?: string;
  out: string;
  daysPerStage: number;
}

/** `vigie backfill`: files the facts of every day of [from, to] the store lacks. */
export async function backfill(options: BackfillOptions, out: (line: string) => void): Promise<void> {
  const config = await loadConfig(options.config);
  const t0 = Date.now();
  const result = await withLocalPorts(options, (ports) =>
    runBackfill(ports, {
      from: options.from,
      to: options.to,
      config,
      chunkDays: options.daysPerStage,
      onProgress: progressPrinter(out),
    }),
  );
  out(
    `backfill ${options.from} → ${options.to}: ${result.filed.length} days filed, ${result.skipped.length} already done, ${result.bytes} export bytes read, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
}

/**
 * `vigie start`: sample exports if missing, the 12 weeks of the weekly trend filed, the nightly job for the
 * latest sample day, the last weekly digest.
 */
export async function start(
  options: { exports: string; out: string; config?: string },
  out: (line: string) => void,
): Promise<void> {
  const manifest = join(options.exports, SAMPLE_MANIFEST);
  const exists = await access(manifest).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await mkdir(options.exports, { recursive: true });
    await writeSampleExports({ out: options.exports, days: 120, seed: 42 }, out);
  }
  const { endDate } = JSON.parse(await readFile(manifest, 'utf8')) as { endDate: string };
  if (typeof endDate !== 'string') throw new UsageError(`${manifest}: not a sample manifest (no endDate)`);
  const t0 = Date.now();
  const config = await loadConfig(options.config);
  // The latest complete ISO week of the sample: the one ending on its last day if that is a Sunday.
  const ended = periodContaining('week', endDate, config.timezone);
  const week = ended.endDate === endDate ? ended : previousPeriod(ended);
  // The digest's trend shows 12 weeks: file them all first (once; a second start finds them filed).
  const from = trailingPeriods(week, TRAILING_DEFAULT.week)[0]?.startDate ?? week.startDate;
  const backfillCommand = backfillCommandFor(options);
  await withLocalPorts(options, async (ports) => {
    const t1 = Date.now();
    // One stage for the whole span: history kinds (tickets, customers, orders) are read once, not weekly.
    const filed = await runBackfill(ports, { from, to: endDate, config, chunkDays: 200 });
    if (filed.filed.length > 0) {
      out(
        `Vigie — filed ${filed.filed.length} days (${from} → ${endDate}) for the 12-week trend, ${((Date.now() - t1) / 1000).toFixed(1)} s`,
      );
    }
    printNightly(await runNightly(ports, { date: endDate, config, backfillCommand }), out);
    printDigest(await runDigest(ports, { period: week, config, backfillCommand }), out);
  });
  out(`  took         ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
