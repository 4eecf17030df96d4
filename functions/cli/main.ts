/**
 * The `vigie` command: parse flags, build the local adapters, call the pipeline, print where things
 * landed. Usage and config errors are one line on stderr and exit 2; a run that fails exits 1.
 */
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { DateTime } from 'luxon';
import { ConfigError, configFrom, readConfigFile } from '../adapters/config-file.js';
import { DuckDbQueryEngine, ExportsRootError } from '../adapters/duckdb.js';
import { LocalFolderStore } from '../adapters/local-fs.js';
import { OutboxMailer } from '../adapters/outbox.js';
import type { Config, RecipientScope } from '../engine/config.js';
import {
  dayPeriod,
  daysOf,
  localDate,
  nextPeriod,
  parsePeriod,
  periodContaining,
  previousPeriod,
  TRAILING_DEFAULT,
  trailingPeriods,
} from '../engine/periods.js';
import { reportSchema } from '../engine/report.js';
import { type BackfillProgress, runBackfill } from '../pipeline/backfill.js';
import { senderOf } from '../pipeline/deliver.js';
import { type DigestResult, digestsDue, runDigest } from '../pipeline/digest.js';
import { type RunPorts, type RunResult, runNightly } from '../pipeline/nightly.js';
import type { BackfillCommand } from '../pipeline/period-reports.js';
import type { Clock, CompactedPartitionInfo } from '../pipeline/ports.js';
import { composeMail } from '../render/mail.js';
import { renderAlert, renderScorecard } from '../render/scorecard.js';
import { cidOf, imagesUsed, reportSparklines, sparklineSource } from '../render/sparklines.js';
import { writeSample } from '../sample/write.js';
import { EXPORT_KINDS } from '../sql/exports-schema.js';

const systemClock: Clock = { now: () => new Date() };

function dateOption(value: string): string {
  try {
    localDate(value, 'UTC');
  } catch {
    throw new InvalidArgumentError(`not a date: ${value} (expected YYYY-MM-DD)`);
  }
  return value;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`not a positive integer: ${value}`);
  return n;
}

async function loadConfig(file: string | undefined): Promise<Config> {
  return file === undefined ? configFrom(undefined) : readConfigFile(file);
}

const show = (path: string): string => {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
};

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

/** Bytes in binary megabytes, as Athena bills them. */
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** A nightly run's lines, with what the same run would scan and cost on Athena. */
function printNightly(result: RunResult, out: (line: string) => void): void {
  printRun(result, out);
  const a = result.athenaEstimate;
  out(
    `  on Athena    ${a.queries} queries would scan ${mb(a.bytes)}, $${a.costUsd.toFixed(4)} (predicted from the files' sizes)`,
  );
}

/** Where the embedded default keeps compacted partitions, under the output folder. */
const COMPACTED_FOLDER = 'compacted';

/** Opens the embedded default's ports (DuckDB over the exports, folders under `out`), runs `job`, closes them. */
async function withLocalPorts<T>(
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
async function runDay(
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

const SAMPLE_MANIFEST = '_SAMPLE.json';

function recipientScope(value: string): RecipientScope {
  if (value === 'centre') return 'centre';
  const match = /^(team|queue):(.+)$/.exec(value);
  if (match === null)
    throw new InvalidArgumentError(`not a scope: ${value} (expected centre, team:NAME or queue:NAME)`);
  return match[1] === 'team' ? { team: match[2] ?? '' } : { queue: match[2] ?? '' };
}

interface PreviewOptions {
  report: string;
  locale: 'fr' | 'en';
  template: 'scorecard' | 'alert';
  recipientScope: RecipientScope[];
  alert?: string;
  config?: string;
  out: string;
  eml?: string;
}

/** Renders a template from an archived report.json to files; sends nothing. */
async function preview(options: PreviewOptions, out: (line: string) => void): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(options.report, 'utf8'));
  } catch (cause) {
    throw new RangeError(`cannot read ${options.report} as JSON: ${(cause as Error).message.split('\n')[0]}`);
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RangeError(
      `${options.report} is not a Vigie report: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`,
    );
  }
  const report = parsed.data;
  const config = await loadConfig(options.config);
  const sparklines = await reportSparklines(report);
  // The .html preview opens in a browser, where cid: means nothing: its pictures are inlined as data: URIs.
  const dataUri = sparklineSource(sparklines, (i) => `data:image/png;base64,${Buffer.from(i.png).toString('base64')}`);
  const cid = sparklineSource(sparklines, (i) => `cid:${cidOf(i)}`);
  const render = async (sparkline: typeof cid) => {
    if (options.template === 'scorecard') {
      const scopes = options.recipientScope.length > 0 ? options.recipientScope : undefined;
      return renderScorecard(report, {
        locale: options.locale,
        sparkline,
        currency: config.currency,
        rules: config.alerts,
        ...(scopes ? { scopes } : {}),
      });
    }
    const alert = options.alert === undefined ? report.alerts[0] : report.alerts.find((a) => a.rule === options.alert);
    if (alert === undefined) {
      throw new RangeError(
        options.alert === undefined
          ? `${options.report} has no alert to preview`
          : `${options.report} has no alert of rule ${options.alert} (it has: ${report.alerts.map((a) => a.rule).join(', ') || 'none'})`,
      );
    }
    return renderAlert(report, alert, {
      locale: options.locale,
      rules: config.alerts,
      sparkline,
      currency: config.currency,
    });
  };
  const page = await render(dataUri);
  await mkdir(dirname(resolve(options.out)), { recursive: true });
  await writeFile(options.out, page.html);
  out(`preview  ${show(options.out)}  (${Buffer.byteLength(page.html)} bytes of HTML)`);
  out(`subject  ${page.subject}`);
  if (options.eml !== undefined) {
    const mail = await render(cid);
    const images = imagesUsed(sparklines, mail.html);
    const raw = await composeMail({
      from: senderOf(config),
      to: [config.mail.recipients[0]?.email ?? 'preview@example.com'],
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      messageId: `<preview.${report.period.kind}-${report.period.start}@vigie>`,
      date: new Date(),
      inlineImages: images.map((i) => ({
        cid: cidOf(i),
        filename: `${i.name}.png`,
        content: i.png,
        contentType: 'image/png' as const,
      })),
    });
    await mkdir(dirname(resolve(options.eml)), { recursive: true });
    await writeFile(options.eml, raw);
    out(`mail     ${show(options.eml)}  (${raw.byteLength} bytes, ${images.length} inline images)`);
  }
}

interface CompactOptions {
  exports: string;
  from: string;
  to: string;
  kinds?: string[];
  out: string;
  daysPerStage: number;
}

/**
 * Compacts the export partitions of [from, to] (and, for history kinds, every partition up to `to`) that
 * are not compacted yet, a few days per stage, and prints what they weigh before and after.
 */
async function compact(options: CompactOptions, out: (line: string) => void): Promise<void> {
  const kinds = options.kinds ?? [...EXPORT_KINDS];
  const unknown = kinds.filter((k) => !(EXPORT_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0)
    throw new RangeError(`--kinds: unknown kind ${unknown.join(', ')} (expected some of ${EXPORT_KINDS.join(', ')})`);
  const dates = daysOf({ startDate: options.from, endDate: options.to });
  const t0 = Date.now();
  const written: CompactedPartitionInfo[] = [];
  const already = new Set<string>();
  await withLocalPorts(options, async ({ engine, clock }) => {
    for (let i = 0; i < dates.length; i += options.daysPerStage) {
      const chunk = dates.slice(i, i + options.daysPerStage);
      const stage = await engine.stageExports({
        partitions: chunk,
        now: Math.floor(clock.now().getTime() / 1000),
        kinds,
        // Asked for, a partition is settled: every one read up to the chunk's last day is compacted.
        compact: { before: nextPeriod(dayPeriod(chunk.at(-1) ?? options.to, 'UTC')).startDate },
      });
      written.push(...(stage.compaction?.written ?? []));
      for (const p of stage.compaction?.read ?? []) already.add(`${p.kind}/${p.dt}`);
    }
  });
  const weigh = (ps: readonly CompactedPartitionInfo[]) => ({
    source: mb(ps.reduce((sum, p) => sum + p.sourceBytes, 0)),
    parquet: mb(ps.reduce((sum, p) => sum + p.bytes, 0)),
  });
  for (const kind of kinds) {
    const own = written.filter((p) => p.kind === kind);
    if (own.length === 0) continue;
    const { source, parquet } = weigh(own);
    out(
      `  ${kind.padEnd(11)} ${String(own.length).padStart(4)} partitions  ${source} of exports → ${parquet} of Parquet`,
    );
  }
  const { source, parquet } = weigh(written);
  const compacted = new Set(written.map((p) => `${p.kind}/${p.dt}`));
  const kept = [...already].filter((p) => !compacted.has(p)).length;
  out(
    `compact ${options.from} → ${options.to}: ${written.length} partitions compacted (${source} → ${parquet}), ${kept} already compacted, into ${show(join(options.out, COMPACTED_FOLDER))}, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
}

interface BackfillOptions {
  exports: string;
  from: string;
  to: string;
  config?: string;
  out: string;
  daysPerStage: number;
}

/** Builds the command tree; `out`/`err` are where it writes (tests capture them). */
export function buildProgram(out: (line: string) => void, err: (line: string) => void): Command {
  const program = new Command('vigie')
    .description('Nightly KPI reporting for customer-service and contact-centre teams (contract: docs/spec.md).')
    .showHelpAfterError('(run vigie --help for usage)')
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => err(s.trimEnd()) })
    .exitOverride();

  program
    .command('run')
    .description('run the nightly job for one local day: report.json, HTML scorecard and .eml in the outbox')
    .requiredOption('--exports <dir>', 'exports root: <dir>/<kind>/dt=YYYY-MM-DD/*.ndjson[.gz]|*.csv[.gz]')
    .requiredOption('--date <YYYY-MM-DD>', "the local day to report, in the config's time zone", dateOption)
    .option('--config <file>', 'YAML or JSON config (defaults apply to every key it leaves out)')
    .option('--out <dir>', 'output folder: reports/, outbox/, rejects/', 'out')
    .action(async (options: { exports: string; date: string; config?: string; out: string }) => {
      await runDay(options, out);
    });

  program
    .command('digest')
    .description('weekly or monthly digest, rolled up from stored daily facts (missing days are filed first)')
    .requiredOption('--exports <dir>', 'exports root (read only for days missing from the facts store)')
    .option('--week <YYYY-Www>', 'an ISO week, e.g. 2026-W47')
    .option('--month <YYYY-MM>', 'a calendar month, e.g. 2026-11')
    .option('--config <file>', 'YAML or JSON config')
    .option('--out <dir>', 'output folder (also holds the facts store and alert state)', 'out')
    .action(async (options: { exports: string; week?: string; month?: string; config?: string; out: string }) => {
      if ((options.week === undefined) === (options.month === undefined)) {
        throw new RangeError('digest needs exactly one of --week YYYY-Www or --month YYYY-MM');
      }
      const config = await loadConfig(options.config);
      const period = options.week
        ? parsePeriod('week', options.week, config.timezone)
        : parsePeriod('month', options.month ?? '', config.timezone);
      const backfillCommand = backfillCommandFor(options);
      await withLocalPorts(options, async (ports) =>
        printDigest(await runDigest(ports, { period, config, backfillCommand }), out),
      );
    });

  program
    .command('backfill')
    .description('file the daily facts of every day in [--from, --to] not yet in the store (resumable)')
    .requiredOption('--exports <dir>', 'exports root')
    .requiredOption('--from <YYYY-MM-DD>', 'first local day', dateOption)
    .requiredOption('--to <YYYY-MM-DD>', 'last local day', dateOption)
    .option('--config <file>', 'YAML or JSON config')
    .option('--out <dir>', 'output folder holding the facts store', 'out')
    .option(
      '--days-per-stage <n>',
      'days read from the exports at once: fewer needs less memory (7 days of 1M contacts: ~10 GB), more is faster',
      positiveInt,
      7,
    )
    .action(async (options: BackfillOptions) => {
      if (options.from > options.to) throw new RangeError(`--from ${options.from} is after --to ${options.to}`);
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
    });

  program
    .command('compact')
    .description(
      'store settled export partitions as Parquet checked records, which later runs read instead of the exports',
    )
    .requiredOption('--exports <dir>', 'exports root')
    .requiredOption('--from <YYYY-MM-DD>', 'first partition date (UTC)', dateOption)
    .requiredOption(
      '--to <YYYY-MM-DD>',
      'last partition date (UTC); history kinds: every partition up to it',
      dateOption,
    )
    .option('--kinds <list>', `comma-separated kinds (default: all of ${EXPORT_KINDS.join(', ')})`, (v: string) =>
      v.split(',').map((k) => k.trim()),
    )
    .option('--out <dir>', 'output folder: the compacted partitions go to <out>/compacted', 'out')
    .option('--days-per-stage <n>', 'partitions read from the exports at once', positiveInt, 7)
    .action(async (options: CompactOptions) => {
      if (options.from > options.to) throw new RangeError(`--from ${options.from} is after --to ${options.to}`);
      await compact(options, out);
    });

  program
    .command('sample')
    .description('write deterministic sample exports (all seven kinds, with planted duplicates and bad records)')
    .requiredOption('--out <dir>', 'folder to write the exports into')
    .option('--days <n>', 'how many local days', positiveInt, 120)
    .option('--seed <n>', 'random seed', positiveInt, 42)
    .option('--end <YYYY-MM-DD>', 'last local day (default: yesterday in Europe/Paris)', dateOption)
    .action(async (options: { out: string; days: number; seed: number; end?: string }) => {
      const endDate = options.end ?? yesterday('Europe/Paris');
      const t0 = Date.now();
      const summary = await writeSample(options.out, {
        days: options.days,
        seed: options.seed,
        endDate,
        timezone: 'Europe/Paris',
      });
      await writeFile(
        join(options.out, SAMPLE_MANIFEST),
        `${JSON.stringify({ ...options, endDate, summary }, null, 2)}\n`,
      );
      out(
        `sample exports: ${show(options.out)} (${options.days} days to ${endDate}, ${summary.files} files, ${Date.now() - t0} ms)`,
      );
    });

  program
    .command('preview')
    .description('render a scorecard or alert mail from an archived report.json, without sending anything')
    .requiredOption('--report <file>', 'an archived report.json')
    .requiredOption('--out <file.html>', 'where to write the HTML (sparklines inlined as data: URIs)')
    .option(
      '--locale <fr|en>',
      'language of the mail',
      (v: string) => {
        if (v !== 'fr' && v !== 'en') throw new InvalidArgumentError(`not a locale: ${v} (expected fr or en)`);
        return v;
      },
      'fr',
    )
    .option(
      '--template <scorecard|alert>',
      'which mail',
      (v: string) => {
        if (v !== 'scorecard' && v !== 'alert')
          throw new InvalidArgumentError(`not a template: ${v} (expected scorecard or alert)`);
        return v;
      },
      'scorecard',
    )
    .option(
      '--recipient-scope <scope>',
      'scorecard as a recipient following centre, team:NAME or queue:NAME sees it (repeatable)',
      (v: string, previous: RecipientScope[]) => [...previous, recipientScope(v)],
      [] as RecipientScope[],
    )
    .option('--alert <rule>', "with --template alert: the alert of this rule id (default: the report's first alert)")
    .option('--config <file>', 'YAML or JSON config (alert rules, sender, currency)')
    .option('--eml <file.eml>', 'also write the MIME message (cid: images as inline parts)')
    .action(async (options: PreviewOptions) => {
      await preview(options, out);
    });

  program
    .command('start')
    .description(
      'the quick start: sample exports if missing, the nightly job for the latest sample day, and the last weekly digest',
    )
    .option('--exports <dir>', 'sample exports folder', 'samples/exports')
    .option('--out <dir>', 'output folder', 'out')
    .option('--config <file>', 'YAML or JSON config')
    .action(async (options: { exports: string; out: string; config?: string }) => {
      const manifest = join(options.exports, SAMPLE_MANIFEST);
      const exists = await access(manifest).then(
        () => true,
        () => false,
      );
      if (!exists) {
        await mkdir(options.exports, { recursive: true });
        await program.parseAsync(['sample', '--out', options.exports], { from: 'user' });
      }
      const { endDate } = JSON.parse(await readFile(manifest, 'utf8')) as { endDate: string };
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
    });

  return program;
}

function yesterday(timezone: string): string {
  return DateTime.now().setZone(timezone).minus({ days: 1 }).toISODate() ?? '';
}

/** Entry point: returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const err = (line: string): void => void process.stderr.write(`${line}\n`);
  const program = buildProgram(out, err);
  if (argv.length === 0) {
    program.outputHelp();
    return 2;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander but successes to the user.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof ConfigError || error instanceof ExportsRootError || error instanceof RangeError) {
      err(`vigie: ${error.message}`);
      return 2;
    }
    err(`vigie: run failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    if (process.env.VIGIE_DEBUG) err(error instanceof Error ? (error.stack ?? '') : '');
    return 1;
  }
}
