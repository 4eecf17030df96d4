/**
 * Files Vigie wrote that were cut afterwards (an older version's crash, a disk fault): a later run names
 * each one, rebuilds facts from the exports and starts a damaged alert state afresh, and gives the same
 * report without sending anything again.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { CrashScenario } from '../support/crash-scenario.js';
import { Crash } from '../support/faults.js';

let scenario: CrashScenario;
beforeAll(async () => {
  scenario = await CrashScenario.create();
}, 60_000);

/** Cuts a file to half its bytes, as a crash while writing it in place would have left it. */
async function cut(path: string): Promise<void> {
  const bytes = await readFile(path);
  await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
}

describe('a run meeting damaged files', () => {
  it('names cut facts and a cut alert state, rebuilds them, and reports and sends as before', async () => {
    const out = await mkdtemp(join(tmpdir(), 'vigie-damaged-'));
    const first = await scenario.run(out, new Crash(), 1);
    const report = await readFile(join(out, 'reports/day/2026-11-25/report.json'), 'utf8');
    const damaged = ['facts/dt=2026-11-24/folded.json.gz', 'facts/dt=2026-11-24/facts.json.gz', 'state/alerts.json'];
    for (const file of damaged) await cut(join(out, file));

    const second = await scenario.run(out, new Crash(), 2);

    expect(second.result.damaged.map((d) => d.file)).toEqual(damaged.map((f) => join(out, f)));
    expect(second.result.damaged[0]?.problem).toMatch(/unexpected end of file; .*filed again/);
    expect(second.result.damaged[2]?.problem).toMatch(/; the alert rules start afresh$/);
    expect(await readFile(join(out, 'reports/day/2026-11-25/report.json'), 'utf8')).toBe(report);
    expect(second.mailer.delivered).toEqual([]);
    expect(first.result.report.alerts).toEqual(second.result.report.alerts);
    // Rebuilt: whole again, so a third run finds nothing to name.
    for (const file of damaged.slice(0, 2)) expect(() => gunzipSync(readFileSync(join(out, file)))).not.toThrow();
    expect((await scenario.run(out, new Crash(), 3)).result.damaged).toEqual([]);
  }, 120_000);

  it('names a cut archived report whose alerts were decided: they are decided again, not resent', async () => {
    const out = await mkdtemp(join(tmpdir(), 'vigie-damaged-'));
    await scenario.run(out, new Crash(), 1);
    await cut(join(out, 'reports/day/2026-11-25/report.json'));

    const again = await scenario.run(out, new Crash(), 2);

    expect(again.result.damaged.map((d) => d.file)).toEqual([join(out, 'reports/day/2026-11-25/report.json')]);
    expect(again.mailer.delivered).toEqual([]);
  }, 120_000);

  it('a digest files again a day whose stored facts are cut', async () => {
    const out = await mkdtemp(join(tmpdir(), 'vigie-damaged-'));
    await scenario.run(out, new Crash(), 1);
    await cut(join(out, 'facts/dt=2026-11-24/folded.json.gz'));
    await cut(join(out, 'facts/dt=2026-11-24/facts.json.gz'));

    const digest = await scenario.digest(out);

    expect(digest.damaged.map((d) => d.file)).toEqual([
      join(out, 'facts/dt=2026-11-24/folded.json.gz'),
      join(out, 'facts/dt=2026-11-24/facts.json.gz'),
    ]);
    expect(digest.filed).toContain('2026-11-24');
    expect(digest.report.scopes[0]?.kpis.contacts_offered?.value).toBe(120);
  }, 120_000);
});
