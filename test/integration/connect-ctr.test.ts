import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFrom } from '../../functions/adapters/config-file.js';
import { DuckDbQueryEngine } from '../../functions/adapters/duckdb.js';
import { LocalFolderStore } from '../../functions/adapters/local-fs.js';
import { OutboxMailer } from '../../functions/adapters/outbox.js';
import { type ConnectConfig, DEFAULT_CONNECT } from '../../functions/engine/config.js';
import { dayPeriod } from '../../functions/engine/periods.js';
import { runNightly } from '../../functions/pipeline/nightly.js';
import type { StageResult } from '../../functions/pipeline/ports.js';
import { bucketFactsSql } from '../../functions/sql/facts.js';
import {
  CTR_DAY,
  CTR_DAY_FIGURES,
  CTR_LEDGER,
  CTR_NOW,
  CTR_TIMEZONE,
  ctrDayFolder,
} from '../fixtures/connect-ctr-day.js';
import { exportsDir } from '../support/exports.js';

const period = dayPeriod(CTR_DAY, CTR_TIMEZONE);
const thresholds = { serviceLevelSeconds: 20, shortAbandonSeconds: 5, socialReplySeconds: 3600 };
const at = (iso: string): number => Date.parse(iso) / 1000;

/** Stages the fixture day's CTRs on DuckDB with a mapping; returns the engine (open) and what staging said. */
async function stage(
  mapping: Partial<ConnectConfig> = {},
): Promise<{ engine: DuckDbQueryEngine; result: StageResult }> {
  const engine = await DuckDbQueryEngine.open({
    // Contacts come from the CTRs; an exports folder with a stray contacts file shows it is not read.
    exportsRoot: await exportsDir({ 'contacts/dt=2026-11-22/stray.ndjson': '{"id":"not-read"}\n' }),
    ctr: { root: await ctrDayFolder(), mapping: { ...DEFAULT_CONNECT, ...mapping }, deliveryDays: 2 },
  });
  const result = await engine.stageExports({ partitions: ['2026-11-21', '2026-11-22'], now: CTR_NOW });
  return { engine, result };
}

const sum = (rows: readonly Record<string, unknown>[], m: string) => rows.reduce((a, r) => a + Number(r[m]), 0);

describe('Amazon Connect CTRs on the embedded default (docs/spec.md §1, docs/connect.md)', () => {
  let engine: DuckDbQueryEngine;
  let result: StageResult;
  beforeAll(async () => {
    ({ engine, result } = await stage());
  });
  afterAll(async () => engine.close());

  it('accounts for every record read: contacts, rejects, merged deliveries and records set aside', async () => {
    const records = Object.values(result.recordsByPartition).reduce((a, n) => a + n, 0);
    expect(records).toBe(CTR_LEDGER.records);
    const reasons: Record<string, number> = {};
    for (const r of result.rejects) reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
    expect(reasons).toEqual(CTR_LEDGER.rejects);
    expect(Object.values(result.duplicatesByPartition).reduce((a, n) => a + n, 0)).toBe(CTR_LEDGER.duplicates);
    const excluded: Record<string, number> = {};
    for (const byReason of Object.values(result.excludedByPartition ?? {}))
      for (const [reason, n] of Object.entries(byReason)) excluded[reason] = (excluded[reason] ?? 0) + n;
    expect(excluded).toEqual(CTR_LEDGER.excluded);
    const [row] = await engine.query('SELECT count(*) AS n FROM contacts', []);
    expect(Number(row?.n)).toBe(CTR_LEDGER.contacts);
    // Records count under the UTC day they were offered: the next day's contact under 2026-11-23.
    expect(result.recordsByPartition['2026-11-23']).toBe(1);
  });

  it('names a reject by its object and its record number in it', () => {
    expect(result.rejects.map((r) => ({ file: r.file, line: r.line, reason: r.reason }))).toEqual([
      {
        file: '2026/11/22/09/vigie-ctr-1-2026-11-22-09-25-00-1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e',
        line: 4,
        reason: 'missing_field:id',
      },
      {
        file: '2026/11/22/14/vigie-ctr-1-2026-11-22-14-15-00-4e5f6a7b-8c9d-4e0f-8a1b-3c4d5e6f7a8b',
        line: 11,
        reason: 'unknown_value:channel',
      },
    ]);
  });

  it('gives the figures of Amazon Connect’s definitions (test/fixtures/connect-ctr-day.ts)', async () => {
    const rows = await engine.query(
      bucketFactsSql({ start: period.start, end: period.end }, thresholds).sql,
      bucketFactsSql({ start: period.start, end: period.end }, thresholds).params,
    );
    const f = CTR_DAY_FIGURES;
    expect(sum(rows, 'offered')).toBe(f.contacts_offered);
    expect(sum(rows, 'handled')).toBe(f.contacts_handled);
    expect(sum(rows, 'abandoned')).toBe(f.contacts_abandoned);
    expect(sum(rows, 'handled') / sum(rows, 'offered')).toBeCloseTo(f.answer_rate, 10);
    expect(
      (sum(rows, 'abandoned') - sum(rows, 'short_abandoned')) / (sum(rows, 'offered') - sum(rows, 'short_abandoned')),
    ).toBeCloseTo(f.abandon_rate, 10);
    expect(sum(rows, 'handled_within_t') / sum(rows, 'offered')).toBeCloseTo(f.service_level, 10);
    expect(sum(rows, 'handled_wait_sum') / sum(rows, 'handled_wait_n')).toBeCloseTo(f.asa, 10);
    expect(sum(rows, 'offered_wait_sum') / sum(rows, 'offered_wait_n')).toBeCloseTo(f.avg_wait, 10);
    expect((sum(rows, 'talk_sum') + sum(rows, 'hold_sum') + sum(rows, 'acw_sum')) / sum(rows, 'handled')).toBeCloseTo(
      f.aht,
      10,
    );
    expect(sum(rows, 'outbound')).toBe(f.outbound_contacts);
    expect(sum(rows, 'inbound')).toBe(f.inbound);
  });

  it('counts a chain once, as its last leg: its queue, agent and wait', async () => {
    const rows = await engine.query(
      "SELECT id, queue, agent, team, wait_s, outcome, offered_at FROM contacts WHERE id IN ('cb-callback', 'qt-second', 'qt2-second', 'tr-first', 'tr-second') ORDER BY id",
      [],
    );
    expect(rows).toEqual([
      {
        id: 'cb-callback',
        queue: 'Rappels',
        agent: 'bob',
        team: 'Nord',
        wait_s: 120,
        outcome: 'handled',
        offered_at: at('2026-11-22T10:03:39Z'),
      },
      {
        id: 'qt-second',
        queue: 'Support EN',
        agent: null,
        team: null,
        wait_s: 50,
        outcome: 'abandoned',
        offered_at: at('2026-11-22T11:00:30Z'),
      },
      {
        id: 'qt2-second',
        queue: 'Facturation',
        agent: 'carol',
        team: 'Sud',
        wait_s: 25,
        outcome: 'handled',
        offered_at: at('2026-11-22T11:30:10Z'),
      },
      {
        id: 'tr-first',
        queue: 'Support FR',
        agent: 'alice',
        team: 'Nord',
        wait_s: 10,
        outcome: 'handled',
        offered_at: at('2026-11-22T12:00:00Z'),
      },
      {
        id: 'tr-second',
        queue: 'Facturation',
        agent: 'dave',
        team: 'Sud',
        wait_s: 20,
        outcome: 'handled',
        offered_at: at('2026-11-22T12:02:10Z'),
      },
    ]);
  });

  it('reads direction from the initiation method and channel, and an explicit null as an absent value', async () => {
    const rows = await engine.query(
      "SELECT id, channel, direction, outcome, offered_at, queue FROM contacts WHERE id IN ('out-agent', 'out-api', 'chat-api', 'mail-reply', 'in-ivr', 'webrtc') ORDER BY id",
      [],
    );
    expect(rows).toEqual([
      {
        id: 'chat-api',
        channel: 'chat',
        direction: 'inbound',
        outcome: 'handled',
        offered_at: at('2026-11-22T14:00:05Z'),
        queue: 'Chat',
      },
      {
        id: 'in-ivr',
        channel: 'voice',
        direction: 'inbound',
        outcome: 'deflected',
        offered_at: at('2026-11-22T09:20:00Z'),
        queue: null,
      },
      {
        id: 'mail-reply',
        channel: 'email',
        direction: 'outbound',
        outcome: 'handled',
        offered_at: at('2026-11-22T13:40:00Z'),
        queue: null,
      },
      // EnqueueTimestamp null: offered when initiated, not rejected.
      {
        id: 'out-agent',
        channel: 'voice',
        direction: 'outbound',
        outcome: 'handled',
        offered_at: at('2026-11-22T13:00:00Z'),
        queue: 'Sortant',
      },
      {
        id: 'out-api',
        channel: 'voice',
        direction: 'outbound',
        outcome: 'handled',
        offered_at: at('2026-11-22T13:10:05Z'),
        queue: 'Sortant',
      },
      {
        id: 'webrtc',
        channel: 'voice',
        direction: 'inbound',
        outcome: 'handled',
        offered_at: at('2026-11-22T14:30:00Z'),
        queue: 'Support FR',
      },
    ]);
  });

  it('keeps the latest delivery of a contact, delivered the next day', async () => {
    const [row] = await engine.query("SELECT reason, acw_s, team FROM contacts WHERE id = 'in-answered'", []);
    expect(row).toEqual({ reason: 'facturation', acw_s: 35, team: 'Nord' });
  });
});

describe('where scopes come from (connect: in the config)', () => {
  it('reads the team from a contact attribute, so an abandoned call has one too', async () => {
    const { engine } = await stage({
      team: { kind: 'attribute', name: 'team' },
      customer: { kind: 'attribute', name: 'customer' },
    });
    try {
      const rows = await engine.query(
        "SELECT id, team, customer FROM contacts WHERE id IN ('in-abandoned', 'tr-second') ORDER BY id",
        [],
      );
      expect(rows).toEqual([
        { id: 'in-abandoned', team: 'Sud', customer: null },
        // The flow's attribute, not the agent's hierarchy (dave is in Sud).
        { id: 'tr-second', team: 'Nord', customer: null },
      ]);
    } finally {
      await engine.close();
    }
  });

  it('counts tasks as contacts of a channel when asked', async () => {
    const { engine, result } = await stage({ task_channel: 'email' });
    try {
      const [row] = await engine.query("SELECT channel, direction FROM contacts WHERE id = 'task'", []);
      expect(row).toEqual({ channel: 'email', direction: 'inbound' });
      const excluded = Object.values(result.excludedByPartition ?? {}).flatMap((r) => Object.keys(r));
      expect(excluded).not.toContain('not_a_contact:task');
    } finally {
      await engine.close();
    }
  });
});

describe('a late delivery (docs/spec.md §1: updates arrive later)', () => {
  it('restates the days whose contacts it holds, as a late export file would', async () => {
    const root = await ctrDayFolder();
    const late = '2026/11/23/03/vigie-ctr-1-2026-11-23-03-02-00-5f6a7b8c-9d0e-4f1a-9b2c-4d5e6f7a8b9c';
    const held = await readFile(join(root, late));
    await rm(join(root, late));
    const out = await mkdtemp(join(tmpdir(), 'vigie-ctr-late-'));
    const config = configFrom({ timezone: CTR_TIMEZONE, lookback_days: 1 });
    const night = async (date: string) => {
      const engine = await DuckDbQueryEngine.open({
        exportsRoot: await exportsDir({}),
        ctr: { root, mapping: config.connect, deliveryDays: config.connect.delivery_days },
      });
      try {
        const clock = { now: () => new Date(CTR_NOW * 1000) };
        return await runNightly(
          { engine, archive: new LocalFolderStore(out), mailer: new OutboxMailer(join(out, 'outbox')), clock },
          { date, config },
        );
      } finally {
        await engine.close();
      }
    };
    expect((await night('2026-11-22')).revised).toEqual([]);
    // The third delivery of `in-answered` arrives the next night, filed under 2026-11-23.
    await writeFile(join(root, late), held);
    const next = await night('2026-11-23');
    expect(next.revised).toEqual(['2026-11-22']);
  });
});
