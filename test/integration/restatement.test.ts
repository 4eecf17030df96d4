import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFrom } from '../../functions/adapters/config-file.js';
import { DuckDbQueryEngine } from '../../functions/adapters/duckdb.js';
import { LocalFolderStore } from '../../functions/adapters/local-fs.js';
import { OutboxMailer } from '../../functions/adapters/outbox.js';
import { weekPeriod } from '../../functions/engine/periods.js';
import type { Report } from '../../functions/engine/report-schema.js';
import { runDigest } from '../../functions/pipeline/digest.js';
import { runNightly } from '../../functions/pipeline/nightly.js';
import type { QueryEngine } from '../../functions/pipeline/ports.js';
import { placementSql } from '../../functions/sql/ledger.js';
import { exportsDir, ndjson } from '../support/exports.js';

const call = (id: string, day: string, hour: number, answered: boolean, fcr: boolean) => ({
  id,
  channel: 'voice',
  direction: 'inbound',
  team: 'Nord',
  offered_at: `${day}T${String(hour).padStart(2, '0')}:00:00Z`,
  ...(answered ? { answered_at: `${day}T${String(hour).padStart(2, '0')}:00:10Z`, talk_s: 100 } : {}),
  resolved_first_contact: fcr,
});
const calls = (day: string, n: number, fcrShare: number) =>
  Array.from({ length: n }, (_, i) => call(`${day}-${i}`, day, 9 + (i % 8), i % 10 !== 0, i < n * fcrShare));

describe('late data and restatement', () => {
  it('refiles a past day whose exports changed, marks it revised, keeps its alert and never sends it twice', async () => {
    // Prepare: three weekdays; FCR falls from 80 % to 60 % on Wednesday, which the example rule alerts on.
    const root = await exportsDir({
      'contacts/dt=2026-11-23/a.ndjson': ndjson(...calls('2026-11-23', 100, 0.8)),
      'contacts/dt=2026-11-24/a.ndjson': ndjson(...calls('2026-11-24', 100, 0.8)),
      'contacts/dt=2026-11-25/a.ndjson': ndjson(...calls('2026-11-25', 100, 0.6)),
    });
    const out = await mkdtemp(join(tmpdir(), 'vigie-restate-'));
    const config = configFrom({ mail: { recipients: [{ email: 'sup@example.com', alerts: true }] } });
    const clock = { now: () => new Date('2026-11-26T02:30:00Z') };
    const run = async (date: string) => {
      const engine = await DuckDbQueryEngine.open({ exportsRoot: root });
      try {
        return await runNightly(
          { engine, archive: new LocalFolderStore(out), mailer: new OutboxMailer(join(out, 'outbox')), clock },
          { date, config },
        );
      } finally {
        await engine.close();
      }
    };
    const first = await run('2026-11-25');
    expect(first.report.alerts.map((a) => a.rule)).toContain('fcr-drop');
    // FCR 80 % → 60 %: a fall of 20 points, said in the first recipient's language (French by default).
    const drop = first.report.alerts.find((a) => a.rule === 'fcr-drop');
    expect(drop).toMatchObject({ kind: 'fired', type: 'drop_points', value: 0.6, previous: 0.8, delta: -20 });
    expect(drop?.message).toMatch(/^Le FCR a baissé de 20\spoints, à 60\s%$/u);
    expect(first.revised).toEqual([]);

    // Act: a late file lands in Tuesday's partition, then the same night is run again.
    await writeFile(
      join(root, 'contacts/dt=2026-11-24/late.ndjson'),
      ndjson(call('late-1', '2026-11-24', 10, true, true)),
    );
    const second = await run('2026-11-25');

    // Assess: Tuesday is refiled and reported as revised; Wednesday's report keeps the FCR alert the mail
    // announced (the archive never contradicts a mail that went out), and the alert mail is not sent again.
    expect(second.revised).toEqual(['2026-11-24']);
    expect(second.report.revised).toEqual(['2026-11-24']);
    expect(second.report.alerts.filter((a) => a.rule === 'fcr-drop')).toEqual(
      first.report.alerts.filter((a) => a.rule === 'fcr-drop'),
    );
    const archived = JSON.parse(await readFile(join(out, 'reports/day/2026-11-25/report.json'), 'utf8')) as Report;
    expect(archived.alerts.map((a) => a.rule)).toContain('fcr-drop');
    expect((await readdir(join(out, 'outbox'))).filter((f) => f.includes('-alert-fcr-drop-'))).toHaveLength(1);
    expect(second.report.scopes[0]?.kpis.fcr?.previous).toBeCloseTo(81 / 101, 12);
    const state = JSON.parse(await readFile(join(out, 'state/alerts.json'), 'utf8')) as { entries: object };
    expect(Object.keys(state.entries).length).toBeGreaterThan(0);

    // A digest over the week reads no raw export for days already filed, and lists the missing ones.
    const engine = await DuckDbQueryEngine.open({ exportsRoot: root });
    try {
      const digest = await runDigest(
        { engine, archive: new LocalFolderStore(out), mailer: new OutboxMailer(join(out, 'outbox')), clock },
        { period: weekPeriod('2026-W48', 'Europe/Paris'), config },
      );
      expect(digest.report.missing_days).toEqual(['2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29']);
      expect(digest.report.scopes[0]?.kpis.contacts_offered?.value).toBe(301);
    } finally {
      await engine.close();
    }
  });

  it('files no day again in a retry of the same scheduled run; a manual re-run or a new run refiles the day reported', async () => {
    const root = await exportsDir({
      'contacts/dt=2026-11-24/a.ndjson': ndjson(...calls('2026-11-24', 20, 0.8)),
      'contacts/dt=2026-11-25/a.ndjson': ndjson(...calls('2026-11-25', 20, 0.8)),
    });
    const out = await mkdtemp(join(tmpdir(), 'vigie-retry-'));
    const config = configFrom({ lookback_days: 1, mail: { recipients: [{ email: 'sup@example.com' }] } });
    const clock = { now: () => new Date('2026-11-26T02:30:00Z') };
    /** How many facts queries a nightly run for the 25th sends (8 per day filed; the ledger's one query aside). */
    const queriesOf = async (run?: string): Promise<number> => {
      const engine = await DuckDbQueryEngine.open({ exportsRoot: root });
      let queries = 0;
      const counting: QueryEngine = {
        stageExports: (request) => engine.stageExports(request),
        query: (sql, params) => {
          if (sql !== placementSql()) queries += 1;
          return engine.query(sql, params);
        },
        close: () => engine.close(),
      };
      try {
        const ports = {
          engine: counting,
          archive: new LocalFolderStore(out),
          mailer: new OutboxMailer(join(out, 'outbox')),
          clock,
        };
        await runNightly(ports, { date: '2026-11-25', config, ...(run === undefined ? {} : { run }) });
        return queries;
      } finally {
        await engine.close();
      }
    };

    // The scheduled run files the day before (look-back) and the day it reports.
    expect(await queriesOf('2026-11-26T02:30:00Z')).toBe(16);
    // Its retry (Lambda's, after a failure later in the run) finds both filed by itself from the same exports.
    expect(await queriesOf('2026-11-26T02:30:00Z')).toBe(0);
    // A manual re-run of the day, or another night's run, rebuilds the day it reports; the look-back day stays.
    expect(await queriesOf()).toBe(8);
    expect(await queriesOf('2026-11-27T02:30:00Z')).toBe(8);
  });
});
