/** The real `vigie` command in a child process, as a user runs it, and the sample run the CLI tests share. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Report } from '../../functions/engine/report-schema.js';

const exec = promisify(execFile);
const VIGIE = join(import.meta.dirname, '..', '..', 'bin', 'vigie.mjs');

/** Runs `vigie …`; rejects with `{ code, stderr }` on a non-zero exit. */
export const vigie = (...args: string[]) => exec(process.execPath, [VIGIE, ...args], { maxBuffer: 16 * 1024 * 1024 });

/** A Monday; its 3-day lookback window reaches back over the spring DST Sunday (a 23-hour day in Paris). */
export const SAMPLE_RUN_DATE = '2026-03-30';

/** What `sampleRun` leaves: the folders, what `vigie run` printed and the report it wrote. */
export interface SampleRun {
  readonly work: string;
  readonly exportsRoot: string;
  readonly out: string;
  readonly stdout: string;
  readonly report: Report;
}

/**
 * Writes a 5-day sample (27–31 March 2026, seed 7, a base of 20,000 customers: no test of it reads a customer
 * KPI, and the default 300,000 takes seconds) and runs the nightly job for `SAMPLE_RUN_DATE` on it.
 */
export async function sampleRun(): Promise<SampleRun> {
  const work = await mkdtemp(join(tmpdir(), 'vigie-e2e-'));
  const exportsRoot = join(work, 'exports');
  const out = join(work, 'out');
  await vigie(
    'sample',
    '--out',
    exportsRoot,
    '--days',
    '5',
    '--end',
    '2026-03-31',
    '--seed',
    '7',
    '--customers',
    '20000',
  );
  const { stdout } = await vigie('run', '--exports', exportsRoot, '--date', SAMPLE_RUN_DATE, '--out', out);
  const reportFile = join(out, 'reports', 'day', SAMPLE_RUN_DATE, 'report.json');
  const report = JSON.parse(await readFile(reportFile, 'utf8')) as Report;
  return { work, exportsRoot, out, stdout, report };
}
