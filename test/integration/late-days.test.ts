/**
 * Late files (docs/spec.md §1): a file that lands in a partition after the nightly look-back stopped
 * re-reading it is named in `inputs.late_days` with the backfill command that restates the days it
 * feeds; that backfill refiles exactly those days, and the next night names none.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFrom } from '../../functions/adapters/config-file.js';
import { DuckDbQueryEngine } from '../../functions/adapters/duckdb.js';
import { LocalFolderStore } from '../../functions/adapters/local-fs.js';
import { OutboxMailer } from '../../functions/adapters/outbox.js';
import { runBackfill } from '../../functions/pipeline/backfill.js';
import { runNightly } from '../../functions/pipeline/nightly.js';
import type { RunPorts } from '../../functions/pipeline/ports.js';
import { exportsDir, ndjson } from '../support/exports.js';

const call = (id: string, day: string) => ({
  id,
  channel: 'voice',
  direction: 'inbound',
  offered_at: `${day}T10:00:00Z`,
  answered_at: `${day}T10:00:09Z`,
});
const days = ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25'];
const config = configFrom({ lookback_days: 1, digests: { weekly_on_monday: false, monthly_on_first: false } });

describe('late files', () => {
  it('are named with the command that restates their days, which backfill then restates', async () => {
    const root = await exportsDir(
      Object.fromEntries(days.map((d) => [`contacts/dt=${d}/a.ndjson`, ndjson(call(`${d}-1`, d))])),
    );
    const out = await mkdtemp(join(tmpdir(), 'vigie-late-'));
    const withPorts = async <T>(job: (ports: RunPorts) => Promise<T>): Promise<T> => {
      const engine = await DuckDbQueryEngine.open({ exportsRoot: root });
      try {
        const clock = { now: () => new Date('2026-11-26T02:30:00Z') };
        return await job({
          engine,
          archive: new LocalFolderStore(out),
          mailer: new OutboxMailer(join(out, 'o')),
          clock,
        });
      } finally {
        await engine.close();
      }
    };
    const nightly = () =>
      withPorts((ports) =>
        runNightly(ports, {
          date: '2026-11-25',
          config,
          inFlightWaitMs: 0,
          backfillCommand: (from) => `restate ${from}`,
        }),
      );
    await withPorts((ports) => runBackfill(ports, { from: days[0] ?? '', to: '2026-11-25', config }));
    expect((await nightly()).report.inputs.late_days).toEqual([]);

    // A file lands in Saturday's partition (UTC), which feeds Paris's Saturday and Sunday.
    await writeFile(join(root, 'contacts/dt=2026-11-21/late.ndjson'), ndjson(call('late-1', '2026-11-21')));
    const named = await nightly();

    expect(named.report.inputs.late_days).toEqual([
      { date: '2026-11-21', command: 'restate 2026-11-21' },
      { date: '2026-11-22', command: 'restate 2026-11-22' },
    ]);
    const backfill = await withPorts((ports) => runBackfill(ports, { from: '2026-11-20', to: '2026-11-25', config }));
    expect(backfill.restated).toEqual(['2026-11-21', '2026-11-22']);
    expect(backfill.filed).toEqual(['2026-11-21', '2026-11-22']);
    expect((await nightly()).report.inputs.late_days).toEqual([]);
  }, 120_000);
});
