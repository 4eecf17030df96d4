/**
 * The typed read against the exact path, whole runs (docs/decisions/0007-typed-read.md): `vigie run` on the
 * sample and on the benchmark's generated exports (bench/generate.ts: several parts per kind, duplicates
 * across files, unreadable lines, CSV and NDJSON) with `VIGIE_STAGING=exact` and with the default give the
 * same report.json (but `generated_at`) and the same quarantined rejects. The stage-level comparison on the corpus and generated lines is
 * test/integration/typed-read.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, generateExports } from '../../../bench/generate.js';
import { SAMPLE_RUN_DATE as DATE, vigie } from '../../support/cli.js';

const exec = promisify(execFile);
const VIGIE = join(import.meta.dirname, '..', '..', '..', 'bin', 'vigie.mjs');

/** `vigie run` on one staging path into a fresh `<work>/out` (one path: reports name it in commands); returns it. */
async function run(exportsRoot: string, work: string, staging: 'exact' | 'typed'): Promise<string> {
  const out = join(work, 'out');
  await rm(out, { recursive: true, force: true });
  await exec(process.execPath, [VIGIE, 'run', '--exports', exportsRoot, '--date', DATE, '--out', out], {
    env: { ...process.env, VIGIE_STAGING: staging },
    maxBuffer: 16 * 1024 * 1024,
  });
  return out;
}

/** The report without the time it was written, and every file under rejects/, by path. */
async function outcome(out: string): Promise<{ report: unknown; rejects: Record<string, string> }> {
  const { generated_at: _, ...report } = JSON.parse(
    await readFile(join(out, 'reports', 'day', DATE, 'report.json'), 'utf8'),
  ) as Record<string, unknown>;
  const rejects: Record<string, string> = {};
  const folder = join(out, 'rejects');
  for (const e of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) {
      const path = join(e.parentPath, e.name);
      rejects[relative(folder, path)] = (await readFile(path)).toString('base64');
    }
  }
  return { report, rejects };
}

describe('the typed read on whole runs', () => {
  it('writes the report and rejects the exact path writes, on the sample', async () => {
    const work = await mkdtemp(join(tmpdir(), 'vigie-typed-e2e-'));
    const exportsRoot = join(work, 'exports');
    await vigie('sample', '--out', exportsRoot, '--days', '5', '--end', '2026-03-31', '--seed', '7');
    const exact = await outcome(await run(exportsRoot, work, 'exact'));
    const typed = await outcome(await run(exportsRoot, work, 'typed'));
    expect(Object.keys(exact.rejects).length).toBeGreaterThan(0);
    expect(typed).toEqual(exact);
  }, 240_000);

  it("writes the report and rejects the exact path writes, on the benchmark's generated exports", async () => {
    const work = await mkdtemp(join(tmpdir(), 'vigie-typed-e2e-'));
    const exportsRoot = join(work, 'exports');
    // 20k contacts in 5k-line parts: the bench sets' shape (duplicates across parts, 0.05 % unreadable lines).
    await generateExports({ ...DEFAULTS, out: exportsRoot, contactsPerDay: 20_000, partRecords: 5_000, endDate: DATE });
    const exact = await outcome(await run(exportsRoot, work, 'exact'));
    const typed = await outcome(await run(exportsRoot, work, 'typed'));
    expect(Object.keys(exact.rejects).length).toBeGreaterThan(0);
    expect(typed).toEqual(exact);
  }, 240_000);

  it('refuses a VIGIE_STAGING it does not know, naming it (exit 2)', async () => {
    const work = await mkdtemp(join(tmpdir(), 'vigie-typed-e2e-'));
    const failed = await exec(process.execPath, [VIGIE, 'run', '--exports', work, '--date', DATE, '--out', work], {
      env: { ...process.env, VIGIE_STAGING: 'fast' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain('VIGIE_STAGING');
  }, 60_000);
});
