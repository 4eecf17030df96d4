/**
 * Days filed by DuckDB itself (functions/pipeline/facts-in-engine.ts) against days filed through
 * JavaScript (`saveDayFacts`), whole nights: the sample's night gives the same report.json (but
 * `generated_at`), kpis.csv, rejects and stored facts both ways, and each writer's stored days are read by
 * the other's next run to the same report. The writers themselves are compared on awkward values in
 * test/integration/facts-in-engine.test.ts.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFrom } from '../../../functions/adapters/config-file.js';
import { DuckDbQueryEngine } from '../../../functions/adapters/duckdb.js';
import { LocalFolderStore } from '../../../functions/adapters/local-fs.js';
import { OutboxMailer } from '../../../functions/adapters/outbox.js';
import type { Config } from '../../../functions/engine/config.js';
import { dayPeriod, trailingPeriods } from '../../../functions/engine/periods.js';
import { filesInEngine } from '../../../functions/pipeline/facts-in-engine.js';
import { factsFingerprint, loadDayFacts, loadFoldedDay } from '../../../functions/pipeline/facts-store.js';
import { runNightly } from '../../../functions/pipeline/nightly.js';
import type { QueryEngine } from '../../../functions/pipeline/ports.js';
import { sampleExportsDir } from '../../support/exports.js';
import { stableDay } from '../../support/stored-facts.js';

const DATE = '2026-11-24';
const clock = { now: () => new Date('2026-11-25T02:30:00Z') };

/** The same engine without the capabilities to file days itself: the JavaScript writer's path. */
function withoutFiling(engine: QueryEngine): QueryEngine {
  return {
    stageExports: (r) => engine.stageExports(r),
    query: (sql, params) => engine.query(sql, params),
    close: () => engine.close(),
  };
}

/** A nightly run of the sample into `out`, filing in DuckDB (`engine`) or in JavaScript (`js`). */
async function night(root: string, out: string, config: Config, writer: 'engine' | 'js'): Promise<void> {
  const duckdb = await DuckDbQueryEngine.open({ exportsRoot: root });
  const engine = writer === 'engine' ? duckdb : withoutFiling(duckdb);
  expect(filesInEngine(engine)).toBe(writer === 'engine');
  try {
    await runNightly(
      { engine, archive: new LocalFolderStore(out), mailer: new OutboxMailer(join(out, 'outbox')), clock },
      { date: DATE, config },
    );
  } finally {
    await engine.close();
  }
}

/** The report without the time it was written, its CSV, and every rejects file, by path. */
async function outcome(out: string): Promise<unknown> {
  const reports = join(out, 'reports', 'day', DATE);
  const { generated_at: _, ...report } = JSON.parse(await readFile(join(reports, 'report.json'), 'utf8'));
  const rejects: Record<string, string> = {};
  for (const e of await readdir(join(out, 'rejects'), { recursive: true, withFileTypes: true })) {
    if (e.isFile())
      rejects[relative(out, join(e.parentPath, e.name))] = await readFile(join(e.parentPath, e.name), 'utf8');
  }
  return { report, csv: await readFile(join(reports, 'kpis.csv'), 'utf8'), rejects };
}

/** Every filed day of the night, both files, as the store reads them. */
async function storedDays(out: string, config: Config) {
  const store = new LocalFolderStore(out);
  const days = trailingPeriods(dayPeriod(DATE, config.timezone), config.lookback_days + 1);
  return Promise.all(
    days.map(async (d) => ({
      facts: stableDay(await loadDayFacts(store, d.startDate, factsFingerprint(config))),
      folded: stableDay(await loadFoldedDay(store, d.startDate, config)),
    })),
  );
}

describe('days filed by DuckDB and by JavaScript', () => {
  it('give the same reports, rejects and stored facts on the sample, and read each other', async () => {
    const root = await sampleExportsDir(4, DATE);
    const config = configFrom({ mail: { recipients: [{ email: 'sup@example.com' }] } });
    const engineOut = await mkdtemp(join(tmpdir(), 'vigie-filing-engine-'));
    const jsOut = await mkdtemp(join(tmpdir(), 'vigie-filing-js-'));
    await night(root, engineOut, config, 'engine');
    await night(root, jsOut, config, 'js');

    const written = await storedDays(engineOut, config);
    expect(written.every((d) => d.facts !== null && d.folded !== null)).toBe(true);
    expect(written.some((d) => (d.facts?.facts.buckets.length ?? 0) > (d.folded?.facts.buckets.length ?? 0))).toBe(
      true,
    );
    expect(written).toEqual(await storedDays(jsOut, config));
    const reported = await outcome(engineOut);
    expect(reported).toEqual(await outcome(jsOut));

    // Each writer's past days read by the other's next run: the same report again.
    await night(root, engineOut, config, 'js');
    await night(root, jsOut, config, 'engine');
    expect(await outcome(engineOut)).toEqual(reported);
    expect(await outcome(jsOut)).toEqual(reported);
  }, 240_000);
});
