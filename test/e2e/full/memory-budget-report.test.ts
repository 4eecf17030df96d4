/**
 * The memory budget on a whole night (docs/decisions/0008-memory-budget.md): the sample's nightly under a tenth
 * of the default budget (64 MiB for DuckDB) writes the report the default budget writes (but `generated_at`), and
 * `vigie run` refuses a `VIGIE_MEMORY_MB` that is not a whole number of MB (exit 2, naming it).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { configFrom } from '../../../functions/adapters/config-file.js';
import { DuckDbQueryEngine } from '../../../functions/adapters/duckdb.js';
import { LocalFolderStore } from '../../../functions/adapters/local-fs.js';
import { OutboxMailer } from '../../../functions/adapters/outbox.js';
import { runNightly } from '../../../functions/pipeline/nightly.js';
import { sampleExportsDir } from '../../support/exports.js';

const exec = promisify(execFile);
const VIGIE = join(import.meta.dirname, '..', '..', '..', 'bin', 'vigie.mjs');
const DATE = '2026-11-24';

describe('the memory budget on whole runs', () => {
  it('writes the same report under a tenth of the default budget, on the sample', async () => {
    const root = await sampleExportsDir(4, DATE);
    const work = await mkdtemp(join(tmpdir(), 'vigie-memory-e2e-'));
    // One output path for both runs: reports name it in their commands.
    const out = join(work, 'out');
    const config = configFrom(undefined);
    const clock = { now: () => new Date('2026-11-25T05:00:00Z') };
    const night = async (memoryBudgetMb: number | undefined) => {
      await rm(out, { recursive: true, force: true });
      const engine = await DuckDbQueryEngine.open({
        exportsRoot: root,
        ...(memoryBudgetMb === undefined ? {} : { memoryBudgetMb }),
      });
      try {
        await runNightly(
          { engine, archive: new LocalFolderStore(out), mailer: new OutboxMailer(join(out, 'outbox')), clock },
          { date: DATE, config },
        );
        const { generated_at: _, ...report } = JSON.parse(
          await readFile(join(out, 'reports', 'day', DATE, 'report.json'), 'utf8'),
        ) as Record<string, unknown>;
        return report;
      } finally {
        await engine.close();
      }
    };
    // 128 MB: DuckDB gets 64 MiB, a tenth of the default (see test/integration/memory-budget.test.ts).
    const tight = await night(128);
    const roomy = await night(undefined);
    expect(tight).toEqual(roomy);
  }, 240_000);

  it('refuses a VIGIE_MEMORY_MB that is not a whole number of MB, naming it (exit 2)', async () => {
    const work = await mkdtemp(join(tmpdir(), 'vigie-memory-e2e-'));
    const failed = await exec(process.execPath, [VIGIE, 'run', '--exports', work, '--date', DATE, '--out', work], {
      env: { ...process.env, VIGIE_MEMORY_MB: '2G' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toMatch(/^vigie: VIGIE_MEMORY_MB must be a whole number of MB/m);
  }, 60_000);
});
