/**
 * Five runs at once on one output folder (two days, each its own engine and identity, all alive): every
 * run finishes, reading only whole files while the others write; each mail is sent once; the alert
 * state keeps what each run decided.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localRunIdentity } from '../../functions/adapters/run-identity.js';
import { reportSchema } from '../../functions/engine/report-schema.js';
import { CrashScenario } from '../support/crash-scenario.js';
import { Crash } from '../support/faults.js';

describe('concurrent runs on one store', () => {
  it('all finish, each mail goes out once, and the state holds both days', async () => {
    const scenario = await CrashScenario.create();
    const out = await mkdtemp(join(tmpdir(), 'vigie-concurrent-'));
    const days = ['2026-11-25', '2026-11-24', '2026-11-25', '2026-11-24', '2026-11-25'];

    const runs = await Promise.allSettled(
      days.map((date, n) =>
        scenario.run(out, new Crash(), n, { date, who: localRunIdentity(), inFlightWaitMs: 60_000 }),
      ),
    );

    expect(runs.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(days.map(() => 'ok'));
    for (const r of runs) if (r.status === 'fulfilled') expect(r.value.result.delivered.unsent).toEqual([]);
    const handed = runs.flatMap((r) => (r.status === 'fulfilled' ? r.value.mailer.delivered : []));
    expect(handed.length).toBe(new Set(handed).size);
    const outbox = await readdir(join(out, 'outbox'));
    expect(outbox.filter((f) => f.startsWith('day-2026-11-25-scorecard-'))).toHaveLength(2);
    expect(outbox.filter((f) => f.startsWith('day-2026-11-24-scorecard-'))).toHaveLength(2);
    expect(outbox.filter((f) => f.startsWith('day-2026-11-25-alert-fcr-drop-'))).toHaveLength(2);
    for (const day of ['2026-11-24', '2026-11-25']) {
      const report = JSON.parse(await readFile(join(out, 'reports/day', day, 'report.json'), 'utf8'));
      expect(reportSchema.safeParse(report).success).toBe(true);
    }
    const state = JSON.parse(await readFile(join(out, 'state/alerts.json'), 'utf8')) as {
      entries: Record<string, { kind: string; last_period: string }>;
    };
    expect(state.entries['fcr-drop|day|all']?.last_period).toBe('2026-11-25');
  }, 300_000);
});
