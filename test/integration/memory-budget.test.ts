/**
 * The embedded engine's memory budget (docs/decisions/0008-memory-budget.md): it reaches DuckDB as
 * `memory_limit` with a temp directory in the engine's scratch folder, a tenth of the default budget stages the same records and rejects, and a bad `VIGIE_MEMORY_MB` is
 * a usage error naming it. The whole report under such a budget: test/e2e/full/memory-budget-report.test.ts.
 */
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_BUDGET_MB, DuckDbQueryEngine } from '../../functions/adapters/duckdb.js';
import { UsageError } from '../../functions/adapters/errors.js';
import { memoryBudgetOf } from '../../functions/cli/local-jobs.js';
import { EXPORT_KINDS, EXPORT_SCHEMA } from '../../functions/sql/exports-schema.js';
import { sampleExportsDir } from '../support/exports.js';

const setting = async (engine: DuckDbQueryEngine, name: string): Promise<unknown> =>
  (await engine.query(`SELECT current_setting('${name}') AS v`, []))[0]?.v;

describe('the memory budget', () => {
  it('reaches DuckDB: half the budget as memory_limit, spilling into the engine scratch folder', async () => {
    const engine = await DuckDbQueryEngine.open({ exportsRoot: tmpdir(), memoryBudgetMb: 1000 });
    try {
      expect(await setting(engine, 'memory_limit')).toBe('500.0 MiB');
      expect(String(await setting(engine, 'temp_directory'))).toMatch(/vigie-duckdb-[^/]+\/spill$/);
      // Both readers number lines by rowid: insertion order must stay preserved.
      expect(await setting(engine, 'preserve_insertion_order')).toBe(true);
    } finally {
      await engine.close();
    }
    // Without a budget, the Lambda's: 1,769 MB, so DuckDB gets 884 MiB, not 80 % of the machine's memory.
    const byDefault = await DuckDbQueryEngine.open({ exportsRoot: tmpdir() });
    try {
      expect(DEFAULT_MEMORY_BUDGET_MB).toBe(1769);
      expect(await setting(byDefault, 'memory_limit')).toBe('884.0 MiB');
    } finally {
      await byDefault.close();
    }
  });

  it('stages the same records and rejects under a tenth of the default budget', async () => {
    const root = await sampleExportsDir(2, '2026-11-24');
    const stage = async (memoryBudgetMb: number | undefined) => {
      const engine = await DuckDbQueryEngine.open({
        exportsRoot: root,
        ...(memoryBudgetMb === undefined ? {} : { memoryBudgetMb }),
      });
      try {
        const result = await engine.stageExports({
          partitions: ['2026-11-23', '2026-11-24'],
          now: Date.parse('2026-11-25T05:00:00Z') / 1000,
        });
        const tables: Record<string, unknown[]> = {};
        for (const kind of EXPORT_KINDS) {
          const order = EXPORT_SCHEMA[kind].identity.map((name) => `"${name}"`).join(', ');
          tables[kind] = await engine.query(
            `SELECT * FROM ${kind} ORDER BY ${order.replace('"date"', 'local_date')}`,
            [],
          );
        }
        return { result, tables, limit: await setting(engine, 'memory_limit') };
      } finally {
        await engine.close();
      }
    };
    // 128 MB: DuckDB gets 64 MiB, a tenth of the default. At 40 MiB the sample's stage fails now and then
    // ("could not allocate block": DuckDB's JSON reader alone needs about 32 MiB), so not lower.
    const tight = await stage(128);
    const roomy = await stage(undefined);
    expect(tight.limit).toBe('64.0 MiB');
    expect(tight.result.rejects.length).toBeGreaterThan(0);
    expect(tight.result).toEqual(roomy.result);
    expect(tight.tables).toEqual(roomy.tables);
    // Measured: one stage of the 4-day sample 4.7–6.5 s at load 12 on 2 cores, 30 s at load 13–17 (5.5 s
    // of CPU); two days here.
  }, 240_000);

  it('reads VIGIE_MEMORY_MB: unset or empty is the default, a whole number of MB at least 256 is taken', () => {
    expect(memoryBudgetOf({})).toBe(DEFAULT_MEMORY_BUDGET_MB);
    expect(memoryBudgetOf({ VIGIE_MEMORY_MB: '' })).toBe(DEFAULT_MEMORY_BUDGET_MB);
    expect(memoryBudgetOf({ VIGIE_MEMORY_MB: '3008' })).toBe(3008);
    expect(memoryBudgetOf({ VIGIE_MEMORY_MB: '256' })).toBe(256);
  });

  it.each(['2G', '1.5', '-1', '0', '255', 'lots', ' 1024'])('refuses VIGIE_MEMORY_MB=%j, naming it', (value) => {
    expect(() => memoryBudgetOf({ VIGIE_MEMORY_MB: value })).toThrow(UsageError);
    expect(() => memoryBudgetOf({ VIGIE_MEMORY_MB: value })).toThrow(/^VIGIE_MEMORY_MB must be a whole number of MB/);
  });
});
