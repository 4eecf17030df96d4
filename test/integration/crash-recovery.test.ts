/**
 * A crash at write points of a nightly run, injected through the ports (the n-th store write or mail; the
 * crashed run writes nothing after it), then a re-run: the same report and CSV, each mail sent exactly
 * once (one .eml per key, none handed to the mailer twice), every file reads back, no temporary file left.
 * One write point of each kind here; every write point, before and after it took effect, with a third
 * run, in test/e2e/full/crash-recovery.test.ts.
 */

import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CrashScenario, type Reference } from '../support/crash-scenario.js';
import { Crash, fullDiskAt } from '../support/faults.js';

let scenario: CrashScenario;
let reference: Reference;

beforeAll(async () => {
  scenario = await CrashScenario.create();
  reference = await scenario.reference();
}, 120_000);

/** The first write point of each kind (facts, report, pictures, pages, claims, mails, records, index, state). */
const KINDS = [
  /^put facts\/dt=2026-11-25\/facts\.json\.gz$/,
  /^put facts\/dt=2026-11-25\/folded\.json\.gz$/,
  /^put reports\/day\/2026-11-25\/report\.json$/,
  /^put reports\/day\/2026-11-25\/sparklines\//,
  /^put reports\/day\/2026-11-25\/scorecard\.en\.html$/,
  /^create sends\/day-2026-11-25-alert-fcr-drop-.*\/claim-1\.json$/,
  /^send day-2026-11-25-alert-fcr-drop-/,
  /^create sends\/day-2026-11-25-alert-fcr-drop-.*\/sent\.json$/,
  /^put reports\/day\/2026-11-25\/day-2026-11-25-alert-fcr-drop-.*\.eml$/,
  /^put reports\/index\.html$/,
  /^put state\/alerts\.json$/,
];

describe('a crash at a write point, then a re-run', () => {
  it('goes through every kind of write point, the alert state last', () => {
    expect(reference.alerts).toContain('fcr-drop');
    expect(reference.outbox.filter((f) => f.includes('-alert-fcr-drop-'))).toHaveLength(2);
    for (const kind of KINDS) expect(reference.points.some((p) => kind.test(p))).toBe(true);
    expect(reference.points.at(-1)).toBe('put state/alerts.json');
  });

  it('gives the same report and sends each mail once, whichever kind of write the crash hit', async () => {
    const failures: string[] = [];
    for (const kind of KINDS) {
      const at = reference.points.findIndex((p) => kind.test(p)) + 1;
      failures.push(...(await scenario.crashAndRecover(reference, at, 'before')));
    }
    // After the last write took effect (the state committed), then nothing: the run still failed.
    failures.push(...(await scenario.crashAndRecover(reference, reference.points.length, 'after')));
    expect(failures).toEqual([]);
  }, 300_000);

  it('on a full disk, fails naming the file it could not write; once there is room, finishes and sends once', async () => {
    const out = await mkdtemp(join(tmpdir(), 'vigie-full-disk-'));
    // The disk fills up while the alert mails go out (past the facts, the report and the scorecards).
    const full = await scenario.run(out, new Crash(), 1, { write: fullDiskAt(20).write }).catch((e: unknown) => e);

    expect(full).toBeInstanceOf(Error);
    expect((full as Error).message).toMatch(new RegExp(`^cannot write ${out}/\\S+: ENOSPC: no space left on device$`));
    const again = await scenario.run(out, new Crash(), 2);
    expect(again.result.delivered.unsent).toEqual([]);
    expect(await readdir(join(out, 'outbox'))).toEqual(reference.outbox);
    expect(await readFile(join(out, 'reports/day/2026-11-25/report.json'), 'utf8')).toBe(reference.report);
  }, 120_000);
});
