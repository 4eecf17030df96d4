/**
 * The `vigie` command: parse flags, build the local adapters, call the pipeline, print where things
 * landed. Usage and config errors are one line on stderr and exit 2; a run that fails exits 1.
 * Only the flags' parsers are loaded up front; a command's modules (DuckDB, MJML, charts) load when it
 * runs, so `vigie --help` and a bad flag answer at once.
 */
import { readFileSync, statSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { UsageError } from '../adapters/errors.js';
import type { RecipientScope } from '../engine/config.js';
import { localDate, parsePeriod } from '../engine/periods.js';
import { EXPORT_KINDS } from '../sql/exports-schema.js';
import type { CompactOptions } from './compact.js';
import type { BackfillOptions } from './local-jobs.js';
import type { PreviewOptions } from './preview.js';

function dateOption(value: string): string {
  try {
    localDate(value, 'UTC');
  } catch {
    throw new InvalidArgumentError(`not a date: ${value} (expected YYYY-MM-DD)`);
  }
  return value;
}

/** A flag naming a week or a month, checked as the calendar has it (the zone does not change which exist). */
function periodOption(kind: 'week' | 'month'): (value: string) => string {
  return (value) => {
    try {
      parsePeriod(kind, value, 'UTC');
    } catch (error) {
      throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
    }
    return value;
  };
}

/** An exports root: checked before any module of the job loads, so a mistyped folder is answered at once. */
function exportsFolder(value: string): string {
  if (!statSync(value, { throwIfNoEntry: false })?.isDirectory()) {
    throw new InvalidArgumentError(`exports root not found: ${value}`);
  }
  return value;
}

/** A folder of Amazon Connect CTR objects: checked up front, like the exports root. */
function ctrFolder(value: string): string {
  if (!statSync(value, { throwIfNoEntry: false })?.isDirectory()) {
    throw new InvalidArgumentError(`CTR folder not found: ${value}`);
  }
  return value;
}

const CTR_HELP =
  "Amazon Connect CTR folder in Firehose's layout (YYYY/MM/DD/HH/<objects>, gz or not): the contacts input; --exports then supplies the other kinds and may be empty";

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`not a positive integer: ${value}`);
  return n;
}

function checkRange(options: { from: string; to: string }): void {
  if (options.from > options.to) throw new UsageError(`--from ${options.from} is after --to ${options.to}`);
}

function recipientScope(value: string): RecipientScope {
  if (value === 'centre') return 'centre';
  const match = /^(team|queue):(.+)$/.exec(value);
  if (match === null)
    throw new InvalidArgumentError(`not a scope: ${value} (expected centre, team:NAME or queue:NAME)`);
  return match[1] === 'team' ? { team: match[2] ?? '' } : { queue: match[2] ?? '' };
}

/** The version in package.json, read when asked for. */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Builds the command tree; `out`/`err` are where it writes (tests capture them). */
export function buildProgram(out: (line: string) => void, err: (line: string) => void): Command {
  const program = new Command('vigie')
    .description('Nightly KPI reporting for customer-service and contact-centre teams (contract: docs/spec.md).')
    .showHelpAfterError('(run vigie --help for usage)')
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => err(s.trimEnd()) })
    .version(packageVersion(), '-V, --version', 'print the version of vigie')
    .exitOverride();

  program
    .command('run')
    .description('run the nightly job for one local day: report.json, HTML scorecard and .eml in the outbox')
    .requiredOption(
      '--exports <dir>',
      'exports root: <dir>/<kind>/dt=YYYY-MM-DD/*.ndjson[.gz]|*.csv[.gz]',
      exportsFolder,
    )
    .requiredOption('--date <YYYY-MM-DD>', "the local day to report, in the config's time zone", dateOption)
    .option('--ctr <dir>', CTR_HELP, ctrFolder)
    .option('--config <file>', 'YAML or JSON config (defaults apply to every key it leaves out)')
    .option('--out <dir>', 'output folder: reports/, outbox/, rejects/', 'out')
    .action(async (options: { exports: string; date: string; config?: string; out: string; ctr?: string }) => {
      const { runDay } = await import('./local-jobs.js');
      await runDay(options, out);
    });

  program
    .command('digest')
    .description('weekly or monthly digest, rolled up from stored daily facts (missing days are filed first)')
    .requiredOption('--exports <dir>', 'exports root (read only for days missing from the facts store)', exportsFolder)
    .option('--week <YYYY-Www>', 'an ISO week, e.g. 2026-W47', periodOption('week'))
    .option('--month <YYYY-MM>', 'a calendar month, e.g. 2026-11', periodOption('month'))
    .option('--ctr <dir>', CTR_HELP, ctrFolder)
    .option('--config <file>', 'YAML or JSON config')
    .option('--out <dir>', 'output folder (also holds the facts store and alert state)', 'out')
    .action(
      async (options: {
        exports: string;
        week?: string;
        month?: string;
        config?: string;
        out: string;
        ctr?: string;
      }) => {
        if ((options.week === undefined) === (options.month === undefined)) {
          throw new UsageError('digest needs exactly one of --week YYYY-Www or --month YYYY-MM');
        }
        const { digest } = await import('./local-jobs.js');
        await digest(options, out);
      },
    );

  program
    .command('backfill')
    .description('file the daily facts of every day in [--from, --to] not yet in the store (resumable)')
    .requiredOption('--exports <dir>', 'exports root', exportsFolder)
    .requiredOption('--from <YYYY-MM-DD>', 'first local day', dateOption)
    .requiredOption('--to <YYYY-MM-DD>', 'last local day', dateOption)
    .option('--ctr <dir>', CTR_HELP, ctrFolder)
    .option('--config <file>', 'YAML or JSON config')
    .option('--out <dir>', 'output folder holding the facts store', 'out')
    .option(
      '--days-per-stage <n>',
      'days read from the exports at once: fewer needs less memory (7 days of 1M contacts: ~10 GB), more is faster',
      positiveInt,
      7,
    )
    .action(async (options: BackfillOptions) => {
      checkRange(options);
      const { backfill } = await import('./local-jobs.js');
      await backfill(options, out);
    });

  program
    .command('compact')
    .description(
      'store settled export partitions as Parquet checked records, which later runs read instead of the exports',
    )
    .requiredOption('--exports <dir>', 'exports root', exportsFolder)
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
      checkRange(options);
      const { compact } = await import('./compact.js');
      await compact(options, out);
    });

  program
    .command('sample')
    .description(
      'write deterministic sample exports (all seven kinds, with planted duplicates and bad records), or Amazon Connect CTRs',
    )
    .option('--out <dir>', 'folder to write the exports into')
    .option(
      '--ctr <dir>',
      "folder to write Amazon Connect CTR objects into, in Firehose's layout (YYYY/MM/DD/HH/), for --ctr of run, digest, backfill",
    )
    .option('--days <n>', 'how many local days', positiveInt, 120)
    .option('--seed <n>', 'random seed', positiveInt, 42)
    .option('--end <YYYY-MM-DD>', 'last local day (default: yesterday in Europe/Paris)', dateOption)
    .option(
      '--customers <n>',
      'customers at the start (±10 %); 300000 fits ~2,000 contacts a day',
      positiveInt,
      300_000,
    )
    .action(
      async (options: { out?: string; ctr?: string; days: number; seed: number; end?: string; customers: number }) => {
        if (options.out === undefined && options.ctr === undefined) {
          throw new UsageError('sample needs --out DIR (exports), --ctr DIR (Amazon Connect CTRs), or both');
        }
        const { writeSampleCtr, writeSampleExports } = await import('./sample.js');
        if (options.out !== undefined) await writeSampleExports({ ...options, out: options.out }, out);
        if (options.ctr !== undefined) await writeSampleCtr({ ...options, ctr: options.ctr }, out);
      },
    );

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
      const { preview } = await import('./preview.js');
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
      const { start } = await import('./local-jobs.js');
      await start(options, out);
    });

  return program;
}

/**
 * The exit status and the line to print for what a command threw: 2 for what the user supplied (a
 * flag, a config, an exports root), 1 for a run that failed — a bug included, which is never a bad flag.
 */
export function exitOf(error: unknown): { readonly code: 0 | 1 | 2; readonly line: string | null } {
  // Commander has already printed its message; help and version are "errors" to it but successes here.
  if (error instanceof CommanderError) return { code: error.exitCode === 0 ? 0 : 2, line: null };
  if (error instanceof UsageError) return { code: 2, line: `vigie: ${error.message}` };
  return {
    code: 1,
    line: `vigie: run failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
  };
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
    const { code, line } = exitOf(error);
    if (line !== null) err(line);
    if (code === 1 && process.env.VIGIE_DEBUG) err(error instanceof Error ? (error.stack ?? '') : '');
    return code;
  }
}
