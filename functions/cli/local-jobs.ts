/**
 * The jobs of the `vigie` command on the embedded default: DuckDB over a local exports folder, an
 * archive folder and an outbox under `--out`. Loaded only when a job runs, so `vigie --help` stays quick.
 */
import { access, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configFrom, readConfigFile } from '../adapters/config-file.js';
import { DEFAULT_MEMORY_BUDGET_MB, DuckDbQueryEngine, type StagingPath } from '../adapters/duckdb.js';
import { UsageError } from '../adapters/errors.js';
import { LocalFolderStore } from '../adapters/local-fs.js';
import { OutboxMailer } from '../adapters/outbox.js';
import { localRunIdentity } from '../adapters/run-identity.js';
import type { Config } from '../engine/config.js';
import {
  daysOf,
  parsePeriod,
  periodContaining,
  previousPeriod,
  TRAILING_DEFAULT,
  trailingPeriods,
} from '../engine/periods.js';
import { type BackfillProgress, runBackfill } from '../pipeline/backfill.js';
import type { DamagedFile } from '../pipeline/damage.js';
import type { Delivered, UnsentMail } from '../pipeline/deliver.js';
import { type DigestResult, digestsDue, runDigest } from '../pipeline/digest.js';
import { type RunResult, runNightly } from '../pipeline/nightly.js';
import type { Clock, RunPorts } from '../pipeline/ports.js';
import type { BackfillCommand } from '../pipeline/stored-reports.js';
import { mb, show } from './output.js';
import { SAMPLE_MANIFEST, writeSampleExports } from './sample.js';

const systemClock: Clock = { now: () => new Date() };

/** The config file's, or the defaults when no file is named. */
export async function loadConfig(file: string | undefined): Promise<Config> {
  return file === undefined ? configFrom(undefined) : readConfigFile(file);
}

/** A run left mails unsent: the command fails, naming each recipient and period. */
export class UnsentMailsError extends Error {
  override readonly name = 'UnsentMailsError';
  constructor(readonly unsent: readonly UnsentMail[]) {
    super(
      `${unsent.length} mail${unsent.length > 1 ? 's' : ''} not sent (run the command again to send ${unsent.length > 1 ? 'them' : 'it'}): ${unsent
        .map((m) => `${m.period} to ${m.to} (${m.reason})`)
        .join('; ')}`,
    );
  }
}

/** Throws when any of the deliveries left a mail unsent, after everything else was printed. */
function failOnUnsent(deliveries: readonly Delivered[]): void {
  const unsent = deliveries.flatMap((d) => d.unsent);
  if (unsent.length > 0) throw new UnsentMailsError(unsent);
}

function printRun(
  result: Pick<RunResult, 'report' | 'delivered' | 'rejectFiles' | 'damaged'>,
  out: (line: string) => void,
): void {
  const { report, delivered } = result;
  const p = report.period;
  out(`Vigie — ${p.kind} ${p.start}${p.end !== p.start ? ` → ${p.end}` : ''} (${p.timezone}), ${report.centre}`);
  out(`  report.json  ${show(delivered.reportJson)}`);
  for (const html of delivered.html) out(`  scorecard    ${show(html)}`);
  for (const eml of delivered.mails) out(`  mail (.eml)  ${show(eml)}`);
  const i = report.inputs;
  const excluded = Object.values(i.excluded ?? {}).reduce((a, b) => a + b, 0);
  const outside = Object.values(i.outside_window ?? {}).reduce((a, b) => a + b, 0);
  out(
    `  inputs       ${i.files} files, ${i.records} records: ${i.accepted ?? '?'} accepted, ${report.rejects.count} rejected, ${i.duplicates} duplicates merged${excluded > 0 ? `, ${excluded} excluded` : ''}${outside > 0 ? `, ${outside} outside the days filed` : ''}`,
  );
  if ((i.incomplete_days ?? []).length > 0)
    out(`  incomplete   ${i.incomplete_days?.join(', ')} (a file could not be read: see rejects, unreadable_file)`);
  for (const late of i.late_days ?? []) out(`  late files   ${late.date} changed since it was filed: ${late.command}`);
  if (result.rejectFiles.length > 0) out(`  rejects      ${show(join(result.rejectFiles[0] ?? '', '..', '..', '..'))}`);
  printDamaged(result.damaged, out);
  for (const m of delivered.unsent) out(`  NOT SENT     ${m.period} to ${m.to}: ${m.reason}`);
}

function printDamaged(damaged: readonly DamagedFile[], out: (line: string) => void): void {
  for (const d of damaged) out(`  damaged      ${show(d.file)}: ${d.problem}`);
}

/** A nightly run's lines, with what the same run would scan and cost on Athena. */
function printNightly(result: RunResult, out: (line: string) => void): void {
  printRun(result, out);
  const a = result.athenaEstimate;
  out(
    `  on Athena    ${a.queries} queries would scan ${mb(a.bytes)}, $${a.costUsd.toFixed(4)} (predicted from the files' sizes)`,
  );
}

/**
 * How the embedded default reads export files: `VIGIE_STAGING=exact` forces the exact path (to compare
 * it with the typed read, docs/decisions/0007-typed-read.md); unset or `typed`, the typed read.
 */
export function stagingPathOf(env: NodeJS.ProcessEnv): StagingPath {
  const value = env.VIGIE_STAGING;
  if (value === undefined || value === '' || value === 'typed') return 'typed';
  if (value === 'exact') return 'exact';
  throw new UsageError(`VIGIE_STAGING must be "typed" or "exact", got "${value}"`);
}

/** The smallest `VIGIE_MEMORY_MB` taken: below it, Node and its modules alone would not fit. */
export const MIN_MEMORY_BUDGET_MB = 256;

/**
 * The embedded default's memory budget in MB from `VIGIE_MEMORY_MB` (default: the Lambda's 1,769): DuckDB
 * is held to half of it and spills beyond (docs/decisions/0008-memory-budget.md).
 */
export function memoryBudgetOf(env: NodeJS.ProcessEnv): number {
  const value = env.VIGIE_MEMORY_MB;
  if (value === undefined || value === '') return DEFAULT_MEMORY_BUDGET_MB;
  const mb = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(mb) || mb < MIN_MEMORY_BUDGET_MB)
    throw new UsageError(
      `VIGIE_MEMORY_MB must be a whole number of MB, at least ${MIN_MEMORY_BUDGET_MB}, got "${value}"`,
    );
  return mb;
}

/** Where the embedded default keeps compacted partitions, under the output folder. */
export const COMPACTED_FOLDER = 'compacted';

/**
 * Opens the embedded default's ports (DuckDB over the exports, folders under `out`), runs `job`, closes
 * them. Contacts come from Amazon Connect CTRs when `--ctr` or the config's `connect.ctr` names a folder.
 */
export async function withLocalPorts<T>(
  options: { exports: string; out: string; ctr?: string },
  job: (ports: RunPorts) => Promise<T>,
  config?: Config,
): Promise<T> {
  const ctr = options.ctr ?? config?.connect.ctr;
  const engine = await DuckDbQueryEngine.open({
    exportsRoot: options.exports,
    compactedRoot: join(options.out, COMPACTED_FOLDER),
    staging: stagingPathOf(process.env),
    memoryBudgetMb: memoryBudgetOf(process.env),
    ...(ctr === undefined || config === undefined
      ? {}
      : { ctr: { root: ctr, mapping: config.connect, deliveryDays: config.connect.delivery_days } }),
  });
  try {
    const archive = new LocalFolderStore(options.out);
    const mailer = new OutboxMailer(join(options.out, 'outbox'));
    return await job({ engine, archive, mailer, clock: systemClock, identity: localRunIdentity() });
  } finally {
    await engine.close();
  }
}

/** A word of a command line, quoted for a POSIX shell when it needs to be. */
const shellWord = (word: string): string =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * The `vigie backfill` command, with this run's exports, config and output, that files the days of
 * [from, to]: what a late day's restatement and a trend's gaps name.
 */
export function backfillCommandFor(options: {
  exports: string;
  out: string;
  config?: string;
  ctr?: string;
}): BackfillCommand {
  const flags = [
    '--exports',
    options.exports,
    ...(options.ctr === undefined ? [] : ['--ctr', options.ctr]),
    ...(options.config === undefined ? [] : ['--config', options.config]),
    ...(options.out === 'out' ? [] : ['--out', options.out]),
  ];
  return (from, to) => ['vigie', 'backfill', ...flags, '--from', from, '--to', to].map(shellWord).join(' ');
}

/** Runs the nightly job for one day, then the digests the schedule config makes due that day. */
export async function runDay(
  options: { exports: string; date: string; config?: string; out: string; ctr?: string },
  out: (line: string) => void,
): Promise<void> {
  const config = await loadConfig(options.config);
  const backfillCommand = backfillCommandFor(options);
  await withLocalPorts(
    options,
    async (ports) => {
      const nightly = await runNightly(ports, { date: options.date, config, backfillCommand });
      printNightly(nightly, out);
      const deliveries = [nightly.delivered];
      for (const period of digestsDue(options.date, config)) {
        const result = await runDigest(ports, { period, config, backfillCommand });
        printDigest(result, out);
        deliveries.push(result.delivered);
      }
      failOnUnsent(deliveries);
    },
    config,
  );
}

function printDigest(result: DigestResult, out: (line: string) => void): void {
  printRun({ ...result, rejectFiles: [] }, out);
  const missing = result.report.missing_days;
  const { start, end } = result.report.period;
  if (missing.length > 0 && missing.length === daysOf({ startDate: start, endDate: end }).length)
    out(`  missing days ${missing.join(', ')}: no exports for any day of it, every figure reads no data`);
  else if (missing.length > 0) out(`  missing days ${missing.join(', ')} (figures cover the other days only)`);
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
  options: { exports: string; week?: string; month?: string; config?: string; out: string; ctr?: string },
  out: (line: string) => void,
): Promise<void> {
  const config = await loadConfig(options.config);
  const period = options.week
    ? parsePeriod('week', options.week, config.timezone)
    : parsePeriod('month', options.month ?? '', config.timezone);
  const backfillCommand = backfillCommandFor(options);
  await withLocalPorts(
    options,
    async (ports) => {
      const result = await runDigest(ports, { period, config, backfillCommand });
      printDigest(result, out);
      failOnUnsent([result.delivered]);
    },
    config,
  );
}

export interface BackfillOptions {
  exports: string;
  from: string;
  to: string;
  config?: string;
  out: string;
  daysPerStage: number;
  ctr?: string;
}

/** `vigie backfill`: files the facts of every day of [from, to] the store lacks. */
export async function backfill(options: BackfillOptions, out: (line: string) => void): Promise<void> {
  const config = await loadConfig(options.config);
  const t0 = Date.now();
  const result = await withLocalPorts(
    options,
    (ports) =>
      runBackfill(ports, {
        from: options.from,
        to: options.to,
        config,
        chunkDays: options.daysPerStage,
        onProgress: progressPrinter(out),
      }),
    config,
  );
  out(
    `backfill ${options.from} → ${options.to}: ${result.filed.length} days filed (${result.restated.length} restated from changed exports), ${result.skipped.length} already done, ${result.bytes} export bytes read, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
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
  await withLocalPorts(
    options,
    async (ports) => {
      const t1 = Date.now();
      // One stage for the whole span: history kinds (tickets, customers, orders) are read once, not weekly.
      const filed = await runBackfill(ports, { from, to: endDate, config, chunkDays: 200 });
      if (filed.filed.length > 0) {
        out(
          `Vigie — filed ${filed.filed.length} days (${from} → ${endDate}) for the 12-week trend, ${((Date.now() - t1) / 1000).toFixed(1)} s`,
        );
      }
      const nightly = await runNightly(ports, { date: endDate, config, backfillCommand });
      printNightly(nightly, out);
      const digest = await runDigest(ports, { period: week, config, backfillCommand });
      printDigest(digest, out);
      failOnUnsent([nightly.delivered, digest.delivered]);
    },
    config,
  );
  out(`  took         ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
