/**
 * Where alert state is kept: days in state/alerts.json (the nightly's), weeks and months each in a file of
 * their own, so the digest writes nothing the nightly owns (on AWS its role cannot). A week's entries kept
 * in the shared file by earlier versions are still honoured: an alert never fires twice for one period.
 */
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configFrom } from '../../functions/adapters/config-file.js';
import { LocalFolderStore } from '../../functions/adapters/local-fs.js';
import type { Report } from '../../functions/engine/report-schema.js';
import {
  ALERT_STATE_KEY,
  alertStateKey,
  commitAlertState,
  decideAlerts,
} from '../../functions/pipeline/alert-state.js';
import type { ObjectStore } from '../../functions/pipeline/ports.js';
import { reportDay } from '../fixtures/report-day.js';

const config = configFrom({
  alerts: [{ id: 'answer-target', kpi: 'answer_rate', type: 'below_target', scopes: ['team'] }],
});

/** A report's alerts decided and its state committed, as a job does around its delivery. */
async function applyAlerts(archive: ObjectStore, report: Report, cfg: typeof config): Promise<Report> {
  const reportKey = `reports/${report.period.kind}/${report.period.start}/report.json`;
  const decided = await decideAlerts(archive, { report, reportKey, config: cfg });
  await commitAlertState(archive, report.period.kind, decided.state);
  return decided.report;
}

const week = (): Report => ({
  ...reportDay(),
  period: { kind: 'week', start: '2026-11-16', end: '2026-11-22', timezone: 'Europe/Paris' },
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-alert-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const present = (key: string) =>
  access(join(dir, key)).then(
    () => true,
    () => false,
  );
/** The period kinds of a state file's entries (keyed `rule|kind|scope`). */
const kindsIn = async (key: string) => [
  ...new Set(
    Object.keys((JSON.parse(await readFile(join(dir, key), 'utf8')) as { entries: object }).entries).map(
      (entry) => entry.split('|')[1],
    ),
  ),
];

describe('alert state by period kind', () => {
  it('keeps days in state/alerts.json and weeks and months in files of their own', async () => {
    const archive = new LocalFolderStore(dir);

    const weekly = await applyAlerts(archive, week(), config);

    expect(alertStateKey('week')).toBe('state/alerts-week.json');
    expect(alertStateKey('month')).toBe('state/alerts-month.json');
    // The fixture's second team is below its answer-rate target: the rule fires on the week.
    expect(weekly.alerts.map((a) => a.rule)).toEqual(['answer-target']);
    expect(await present(alertStateKey('week'))).toBe(true);
    expect(await present(ALERT_STATE_KEY)).toBe(false);

    await applyAlerts(archive, reportDay(), config);
    expect(await kindsIn(ALERT_STATE_KEY)).toEqual(['day']);
    expect(await kindsIn(alertStateKey('week'))).toEqual(['week']);
  });

  it('honours the week entries of the shared file written by earlier versions, and leaves that file alone', async () => {
    // The week was evaluated (and alerted) when every kind shared state/alerts.json.
    const before = new LocalFolderStore(await mkdtemp(join(tmpdir(), 'vigie-alert-before-')));
    await applyAlerts(before, week(), config);
    await applyAlerts(before, reportDay(), config);
    const shared = JSON.parse(await readFile(join(before.locate(alertStateKey('week'))), 'utf8')) as {
      entries: Record<string, unknown>;
    };
    const dayState = JSON.parse(await readFile(before.locate(ALERT_STATE_KEY), 'utf8')) as {
      entries: Record<string, unknown>;
    };
    const legacy = `${JSON.stringify({ version: 1, entries: { ...dayState.entries, ...shared.entries } }, null, 2)}\n`;
    const archive = new LocalFolderStore(dir);
    await archive.put(ALERT_STATE_KEY, legacy);

    const again = await applyAlerts(archive, week(), config);

    // Already alerted for that week: not again.
    expect(again.alerts).toEqual([]);
    expect(await kindsIn(alertStateKey('week'))).toEqual(['week']);
    expect(await readFile(join(dir, ALERT_STATE_KEY), 'utf8')).toBe(legacy);
  });

  it('resets a state that no longer parses instead of failing the run', async () => {
    const archive = new LocalFolderStore(dir);
    await archive.put(alertStateKey('week'), '{"version": 2}');

    const weekly = await applyAlerts(archive, week(), config);

    expect(weekly.alerts.map((a) => a.rule)).toEqual(['answer-target']);
  });
});
