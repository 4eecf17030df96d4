/**
 * The state snapshot of the history kinds on the embedded engine (docs/decisions/0006-state-snapshot.md):
 * night after night, with tickets resolved and customers churned into old partitions, the facts of every
 * day of the look-back are those of a stage that reads the whole history, while a night reads only its
 * window and the partitions that changed.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDbQueryEngine } from '../../functions/adapters/duckdb.js';
import type { PeriodFacts } from '../../functions/engine/facts.js';
import { dayPeriod, utcDatesBetween } from '../../functions/engine/periods.js';
import type { StageResult } from '../../functions/pipeline/ports.js';
import { readPeriodFacts } from '../../functions/pipeline/read-facts.js';
import { ndjson } from '../support/exports.js';

const OPTIONS = {
  thresholds: { serviceLevelSeconds: 20, shortAbandonSeconds: 5, socialReplySeconds: 3600 },
  keywords: ['panne'],
  verbatims: 5,
};
const ZONE = 'Europe/Paris';
const LOOKBACK = 2;

const contact = (id: string, at: string) => ({
  id,
  channel: 'voice',
  direction: 'inbound',
  offered_at: at,
  answered_at: at.replace(':00Z', ':20Z'),
  talk_s: 60,
  transcript: 'une panne',
});
const ticket = (id: string, created: string, extra: object = {}) => ({
  id,
  created_at: created,
  updated_at: created,
  team: 'Nord',
  contacts_count: 1,
  ...extra,
});

/**
 * What lands in the exports before each night: day by day, with late versions written into the old
 * partitions of their creation (tickets) or acquisition (customers), a duplicate tie, and a cost span.
 */
const ARRIVALS: Record<string, Record<string, string>> = {
  '2026-03-08': {
    'customers/dt=2026-01-15/a.ndjson': ndjson(
      { id: 'k1', acquired_at: '2026-01-15T10:00:00Z' },
      { id: 'k2', acquired_at: '2026-01-15T11:00:00Z', churned_at: '2026-02-01T00:00:00Z' },
    ),
    'orders/dt=2026-02-10/a.ndjson': ndjson({ id: 'o1', customer: 'k1', at: '2026-02-10T10:00:00Z' }),
    'costs/dt=2026-03-01/a.ndjson': ndjson({
      id: 'm3',
      start: '2026-03-01T00:00:00Z',
      end: '2026-04-01T00:00:00Z',
      amount: 3100,
    }),
    'tickets/dt=2026-02-20/a.ndjson': ndjson(
      ticket('t1', '2026-02-20T10:00:00Z'),
      ticket('t2', '2026-02-20T11:00:00Z', { resolved_at: '2026-02-21T11:00:00Z' }),
    ),
    'tickets/dt=2026-03-06/a.ndjson': ndjson(ticket('t3', '2026-03-06T10:00:00Z')),
    'tickets/dt=2026-03-07/a.ndjson': ndjson(
      ticket('t4', '2026-03-07T09:00:00Z', { resolved_at: '2026-03-07T15:00:00Z', updated_at: '2026-03-07T15:00:00Z' }),
    ),
    'contacts/dt=2026-03-06/a.ndjson': ndjson(contact('c1', '2026-03-06T09:00:00Z')),
    'contacts/dt=2026-03-07/a.ndjson': ndjson(contact('c2', '2026-03-07T09:00:00Z')),
    'contacts/dt=2026-03-08/a.ndjson': ndjson(contact('c3', '2026-03-08T09:00:00Z')),
  },
  '2026-03-09': {
    // t1, open since February, is resolved: its new version lands in its creation's partition.
    'tickets/dt=2026-02-20/b.ndjson': ndjson(
      ticket('t1', '2026-02-20T10:00:00Z', { resolved_at: '2026-03-09T08:00:00Z', updated_at: '2026-03-09T08:00:00Z' }),
    ),
    // Two versions of t5 with the same updated_at: the later file key wins, on every engine.
    'tickets/dt=2026-03-09/a.ndjson': ndjson(ticket('t5', '2026-03-09T07:00:00Z', { team: 'Sud' })),
    'tickets/dt=2026-03-09/b.ndjson': ndjson(ticket('t5', '2026-03-09T07:00:00Z', { team: 'Est' })),
    'customers/dt=2026-01-15/b.ndjson': ndjson({
      id: 'k1',
      acquired_at: '2026-01-15T10:00:00Z',
      churned_at: '2026-03-09T12:00:00Z',
      updated_at: '2026-03-09T12:00:00Z',
    }),
    'customers/dt=2026-03-09/a.ndjson': ndjson({ id: 'k3', acquired_at: '2026-03-09T09:00:00Z' }),
    'orders/dt=2026-03-09/a.ndjson': ndjson(
      { id: 'o2', customer: 'k1', at: '2026-03-09T10:00:00Z' },
      { id: 'o3', customer: 'k3', at: '2026-03-09T11:00:00Z' },
    ),
    'contacts/dt=2026-03-09/a.ndjson': ndjson(contact('c4', '2026-03-09T09:00:00Z')),
  },
  '2026-03-10': {
    'tickets/dt=2026-03-06/b.ndjson': ndjson(
      ticket('t3', '2026-03-06T10:00:00Z', { resolved_at: '2026-03-10T09:00:00Z', updated_at: '2026-03-10T09:00:00Z' }),
    ),
    'orders/dt=2026-03-10/a.ndjson': ndjson({ id: 'o4', customer: 'k3', at: '2026-03-10T10:00:00Z' }),
    'contacts/dt=2026-03-10/a.ndjson': ndjson(contact('c5', '2026-03-10T09:00:00Z')),
  },
  '2026-03-11': {
    'contacts/dt=2026-03-11/a.ndjson': ndjson(contact('c6', '2026-03-11T09:00:00Z')),
  },
};

let folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.map((f) => rm(f, { recursive: true, force: true })));
  folders = [];
});

async function temp(name: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), `vigie-${name}-`));
  folders.push(folder);
  return folder;
}

async function land(root: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, name)), { recursive: true });
    await writeFile(join(root, name), text);
  }
}

/** The local days of a night's look-back, oldest first, and the UTC partitions they span. */
function windowOf(date: string): string[] {
  return [...new Set(lookback(date).flatMap((d) => utcDatesBetween(d.start, d.end)))].sort();
}

function lookback(date: string) {
  return Array.from({ length: LOOKBACK + 1 }, (_, i) => {
    const d = new Date(`${date}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() - LOOKBACK + i);
    return dayPeriod(d.toISOString().slice(0, 10), ZONE);
  });
}

/** The nightly stage of a date and the facts of each day of its look-back. */
async function night(
  engine: DuckDbQueryEngine,
  date: string,
  snapshot: boolean,
): Promise<{ stage: StageResult; facts: PeriodFacts[] }> {
  const days = lookback(date);
  const partitions = windowOf(date);
  const now = Date.parse(`${date}T23:30:00Z`) / 1000;
  const stage = await engine.stageExports({ partitions, now, ...(snapshot ? { snapshot: true } : {}) });
  const facts: PeriodFacts[] = [];
  for (const day of days) facts.push(sorted(await readPeriodFacts(engine, day, OPTIONS)));
  return { stage, facts };
}

/** Facts with their rows in one order: the SQL does not order them, and two engines may not agree. */
function sorted(facts: PeriodFacts): PeriodFacts {
  const order = <T>(rows: readonly T[]): T[] =>
    [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return {
    ...facts,
    buckets: order(facts.buckets),
    breakdowns: order(facts.breakdowns),
    agentDays: order(facts.agentDays),
    costs: order(facts.costs),
    state: { ...facts.state, backlogAtEnd: order(facts.state.backlogAtEnd) },
  };
}

describe('the state snapshot on DuckDB', () => {
  it('gives every look-back day the facts of a full read, night after night, reading only what changed', async () => {
    const exportsRoot = await temp('exports');
    const stateRoot = await temp('state');
    const read: Record<string, string[]> = {};
    for (const [date, files] of Object.entries(ARRIVALS)) {
      await land(exportsRoot, files);
      const withState = await DuckDbQueryEngine.open({ exportsRoot, stateRoot });
      const full = await DuckDbQueryEngine.open({ exportsRoot });
      try {
        const incremental = await night(withState, date, true);
        const reference = await night(full, date, false);
        expect(incremental.facts, date).toEqual(reference.facts);
        // A report counts the records of its own days' partitions, all of which every night reads.
        const own = (counts: Readonly<Record<string, number>>) =>
          Object.fromEntries(Object.entries(counts).filter(([dt]) => windowOf(date).includes(dt)));
        expect(own(incremental.stage.recordsByPartition), date).toEqual(own(reference.stage.recordsByPartition));
        expect(own(incremental.stage.duplicatesByPartition), date).toEqual(own(reference.stage.duplicatesByPartition));
        // Every file is listed (a day's sources are its listing), whatever was read.
        expect(incremental.stage.files).toEqual(reference.stage.files);
        read[date] = Object.keys(incremental.stage.recordsByPartition).sort();
      } finally {
        await withState.close();
        await full.close();
      }
    }
    // The tie of t5 went to the later file key (b.ndjson): team Est.
    const engine = await DuckDbQueryEngine.open({ exportsRoot, stateRoot });
    try {
      await night(engine, '2026-03-11', true);
      expect(await engine.query("SELECT team FROM tickets WHERE id = 't5'", [])).toEqual([{ team: 'Est' }]);
      // Kept: t3 (resolved in the window) and t5 (open); gone: t2 and t4 (resolved before the horizon),
      // t1 (resolved 03-09, before the 03-09 horizon of the night of the 11th? no: kept, 03-09 ≥ 03-08).
      expect((await engine.query('SELECT id FROM tickets ORDER BY id', [])).map((r) => r.id)).toEqual([
        't1',
        't3',
        't5',
      ]);
      // k2 churned in February: not a customer any night from the horizon on needs.
      expect((await engine.query('SELECT id FROM customers ORDER BY id', [])).map((r) => r.id)).toEqual(['k1', 'k3']);
      // o1 stays as k1's first order; o2, o3, o4 are recent.
      expect((await engine.query('SELECT id FROM orders ORDER BY id', [])).map((r) => r.id)).toEqual([
        'o1',
        'o2',
        'o3',
        'o4',
      ]);
    } finally {
      await engine.close();
    }
    // Each night reads its window, and of the history only the partitions a late version landed in.
    expect(read).toEqual({
      '2026-03-08': ['2026-01-15', '2026-02-10', '2026-02-20', '2026-03-01', '2026-03-06', '2026-03-07', '2026-03-08'],
      '2026-03-09': ['2026-01-15', '2026-02-20', '2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09'],
      '2026-03-10': ['2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10'],
      '2026-03-11': ['2026-03-08', '2026-03-09', '2026-03-10', '2026-03-11'],
    });
  });

  it('reads the history again for an earlier window than its snapshot serves, or under other checks', async () => {
    const exportsRoot = await temp('exports');
    const stateRoot = await temp('state');
    for (const files of Object.values(ARRIVALS)) await land(exportsRoot, files);
    const engine = await DuckDbQueryEngine.open({ exportsRoot, stateRoot });
    try {
      const first = await night(engine, '2026-03-11', true);
      const second = await night(engine, '2026-03-11', true);
      const earlier = await night(engine, '2026-03-09', true);
      const reference = await DuckDbQueryEngine.open({ exportsRoot });
      try {
        expect(second.facts).toEqual(first.facts);
        expect(earlier.facts).toEqual((await night(reference, '2026-03-09', false)).facts);
      } finally {
        await reference.close();
      }
      // The re-run of the 11th starts from its own snapshot: it reads no partition of February again.
      expect(Object.keys(first.stage.recordsByPartition)).toContain('2026-02-20');
      expect(Object.keys(second.stage.recordsByPartition).sort()).toEqual(windowOf('2026-03-11'));
      // The 9th is before the snapshot's horizon: the whole history again.
      expect(Object.keys(earlier.stage.recordsByPartition)).toContain('2026-02-20');
      // A snapshot built under other checks is not trusted.
      const manifest = join(stateRoot, 'tickets', '_manifest.json');
      await writeFile(manifest, (await readFile(manifest, 'utf8')).replace(/"checks":"[^"]*"/, '"checks":"other"'));
      const rechecked = await night(engine, '2026-03-11', true);
      expect(Object.keys(rechecked.stage.recordsByPartition)).toContain('2026-02-20');
      expect(rechecked.facts).toEqual(first.facts);
    } finally {
      await engine.close();
    }
  });
});
