/**
 * The `vigie` command: parse flags, build the local adapters, call the pipeline, print where things
 * landed. Usage and config errors are one line on stderr and exit 2; a run that fails exits 1.
 */
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { DateTime } from 'luxon';
import { ConfigError, configFrom, readConfigFile } from '../adapters/config-file.js';
import { DuckDbQueryEngine, ExportsRootError } from '../adapters/duckdb.js';
import { LocalFolderStore } from '../adapters/local-fs.js';
import { OutboxMailer } from '../adapters/outbox.js';
import type { Config } from '../engine/config.js';
import { localDate } from '../engine/periods.js';
import { type RunResult, runNightly } from '../pipeline/nightly.js';
import type { Clock } from '../pipeline/ports.js';
import { writeSample } from '../sample/write.js';

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

function printRun(result: RunResult, out: (line: string) => void): void {
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

/** Runs the nightly job for one day on the embedded default and prints where its outputs landed. */
async function runDay(options: { exports: string; date: string; config?: string; out: string }): Promise<RunResult> {
  const config = await loadConfig(options.config);
  const engine = await DuckDbQueryEngine.open({ exportsRoot: options.exports });
  try {
    const archive = new LocalFolderStore(options.out);
    const mailer = new OutboxMailer(join(options.out, 'outbox'));
    return await runNightly({ engine, archive, mailer, clock: systemClock }, { date: options.date, config });
  } finally {
    await engine.close();
  }
}

const SAMPLE_MANIFEST = '_SAMPLE.json';

/** Builds the command tree; `out`/`err` are where it writes (tests capture them). */
export function buildProgram(out: (line: string) => void, err: (line: string) => void): Command {
  const program = new Command('vigie')
    .description('Nightly KPI reporting for customer-service and contact-centre teams (SPEC: ../shared/SPEC.md).')
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
      printRun(await runDay(options), out);
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
    .command('start')
    .description('the quick start: sample exports if missing, then the nightly job for the latest sample day')
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
      const result = await runDay({
        exports: options.exports,
        date: endDate,
        out: options.out,
        config: options.config,
      });
      printRun(result, out);
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
