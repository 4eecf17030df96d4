import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KINDS,
  type Kind,
  MALFORMED_REASONS,
  type MalformedReason,
  resolveSampleOptions,
  SampleOptionsError,
  sampleFiles,
} from '../../functions/sample/generate.js';
import { Zone } from '../../functions/sample/time.js';
import { type SampleSummary, writeSample } from '../../functions/sample/write.js';
import { splitCsvLine } from '../support/raw-records.js';

const ZONE = 'Europe/Paris';

// An independent reading of docs/spec.md §1, deliberately not sharing code with the generator.
type Value = string | number | boolean | null;
type Row = Record<string, Value>;

interface ReadLine {
  readonly path: string;
  readonly kind: Kind;
  readonly dt: string;
  readonly line: number;
  /** The record, or the reason SPEC says it cannot be read. */
  readonly row: Row | null;
  readonly reason: MalformedReason | null;
}

const REQUIRED: Record<Kind, string[]> = {
  contacts: ['id', 'channel', 'direction', 'offered_at'],
  tickets: ['id', 'created_at'],
  surveys: ['id', 'kind', 'score', 'answered_at'],
  agent_days: ['agent', 'date', 'scheduled_s'],
  customers: ['id', 'acquired_at'],
  orders: ['id', 'customer', 'at'],
  costs: ['id', 'start', 'end', 'amount'],
};
const TIMESTAMPS: Record<Kind, string[]> = {
  contacts: ['offered_at', 'updated_at', 'answered_at', 'first_response_at', 'ended_at'],
  tickets: ['created_at', 'updated_at', 'first_response_at', 'resolved_at'],
  surveys: ['answered_at'],
  agent_days: [],
  customers: ['acquired_at', 'churned_at', 'updated_at'],
  orders: ['at'],
  costs: ['start', 'end'],
};
const DURATIONS: Record<Kind, string[]> = {
  contacts: ['wait_s', 'talk_s', 'hold_s', 'acw_s'],
  tickets: ['contacts_count'],
  surveys: [],
  agent_days: ['scheduled_s', 'absent_s'],
  customers: [],
  orders: [],
  costs: [],
};
const NUMBERS: Record<Kind, string[]> = {
  contacts: [],
  tickets: [],
  surveys: ['score', 'scale_min', 'scale_max'],
  agent_days: [],
  customers: [],
  orders: ['amount'],
  costs: ['amount'],
};
const MAIN: Record<Kind, string> = {
  contacts: 'offered_at',
  tickets: 'created_at',
  surveys: 'answered_at',
  agent_days: 'date',
  customers: 'acquired_at',
  orders: 'at',
  costs: 'start',
};
const CHANNELS = ['voice', 'email', 'chat', 'social', 'sms', 'bot'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/;

/** CSV cells are strings; typed the way a reader must (empty = absent). */
function csvValue(kind: Kind, key: string, cell: string): Value | undefined {
  if (cell === '') return undefined;
  if ([...DURATIONS[kind], ...NUMBERS[kind]].includes(key)) return /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell;
  if (cell === 'true' || cell === 'false') return cell === 'true';
  return cell;
}

function validate(kind: Kind, row: Row): MalformedReason | null {
  for (const key of REQUIRED[kind]) if (row[key] === undefined || row[key] === null) return 'missing_required';
  if (kind === 'contacts' && !CHANNELS.includes(String(row.channel))) return 'unknown_channel';
  for (const key of [...DURATIONS[kind], ...NUMBERS[kind]]) {
    if (row[key] !== undefined && typeof row[key] !== 'number') return 'wrong_type';
  }
  for (const key of DURATIONS[kind])
    if (typeof row[key] === 'number' && (row[key] as number) < 0) return 'negative_duration';
  for (const key of TIMESTAMPS[kind]) {
    const v = row[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !ISO.test(v)) return 'wrong_type';
    if (Date.parse(v) < Date.UTC(2000, 0, 1)) return 'timestamp_before_2000';
  }
  return null;
}

async function readSample(dir: string): Promise<ReadLine[]> {
  const out: ReadLine[] = [];
  for (const kind of KINDS) {
    const partitions = await readdir(join(dir, kind)).catch(() => []);
    for (const partition of partitions.sort()) {
      const dt = partition.replace(/^dt=/, '');
      for (const name of (await readdir(join(dir, kind, partition))).sort()) {
        const path = `${kind}/${partition}/${name}`;
        let bytes = await readFile(join(dir, path));
        if (name.endsWith('.gz')) bytes = gunzipSync(bytes);
        const lines = bytes
          .toString('utf8')
          .replace(/^\uFEFF/, '')
          .split(/\r?\n/);
        if (lines.at(-1) === '') lines.pop();
        const csv = name.includes('.csv');
        const header = csv ? (splitCsvLine(lines[0] ?? '') ?? []) : [];
        lines.forEach((text, i) => {
          if (csv && i === 0) return;
          const line = i + 1;
          let row: Row;
          if (csv) {
            const cells = splitCsvLine(text);
            if (!cells || cells.length !== header.length) {
              out.push({ path, kind, dt, line, row: null, reason: 'csv_column_count' });
              return;
            }
            row = {};
            header.forEach((key, j) => {
              const v = csvValue(kind, key, cells[j] ?? '');
              if (v !== undefined) row[key] = v;
            });
          } else {
            try {
              row = JSON.parse(text) as Row;
            } catch {
              out.push({ path, kind, dt, line, row: null, reason: 'bad_json' });
              return;
            }
          }
          const reason = validate(kind, row);
          out.push({ path, kind, dt, line, row: reason ? null : row, reason });
        });
      }
    }
  }
  return out;
}

async function hashDir(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(dir, rel), { withFileTypes: true });
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path);
      else hash.update(path).update(await readFile(join(dir, path)));
    }
  };
  await walk('');
  return hash.digest('hex');
}

const good = (lines: readonly ReadLine[]) => lines.filter((l): l is ReadLine & { row: Row } => l.row !== null);
const localOf = (ts: Value) => DateTime.fromISO(String(ts), { setZone: true }).setZone(ZONE);

let tmp: string;
// Friday 27 to Tuesday 31 March 2026: the spring change on Sunday 29 (a 23-hour day).
const spring = { days: 5, seed: 42, endDate: '2026-03-31' };
// Saturday 24 to Monday 26 October 2026: the autumn change on Sunday 25 (a 25-hour day). Its tests read
// contacts only: a small customer base keeps it quick (the default is 300,000).
const autumn = { days: 3, seed: 42, endDate: '2026-10-26', customers: 20_000 };
/** Samples whose tests read no customer figure: a small base. */
const small = { ...spring, customers: 20_000 };
let springSummary: SampleSummary;
let springLines: ReadLine[];
let autumnLines: ReadLine[];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vigie-sample-'));
  springSummary = await writeSample(join(tmp, 'spring'), spring);
  springLines = await readSample(join(tmp, 'spring'));
  await writeSample(join(tmp, 'autumn'), autumn);
  autumnLines = await readSample(join(tmp, 'autumn'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('sample options', () => {
  it('applies defaults and names the key at fault', () => {
    expect(resolveSampleOptions({ endDate: '2026-11-22' })).toEqual({
      days: 120,
      seed: 42,
      endDate: '2026-11-22',
      timezone: ZONE,
      customers: 300_000,
    });
    expect(() => resolveSampleOptions({ endDate: '2026-02-30' })).toThrow(/endDate/);
    expect(() => resolveSampleOptions({ endDate: '2026-11-22', timezone: 'Europe/Pariss' })).toThrow(
      SampleOptionsError,
    );
    expect(() => resolveSampleOptions({ endDate: '2026-11-22', dayz: 3 } as never)).toThrow(/dayz/);
  });
});

describe('determinism', () => {
  it('writes byte-identical files for the same options, and other files for another seed', async () => {
    // Prepare
    const [one, two] = [join(tmp, 'one'), join(tmp, 'two')];
    // Act
    await writeSample(one, small);
    await writeSample(two, small);
    // Assess
    expect(await hashDir(two)).toBe(await hashDir(one));
    const texts = (seed: number) => {
      const h = createHash('sha256');
      for (const f of sampleFiles({ days: 2, seed, endDate: '2026-03-31', customers: 20_000 }))
        h.update(f.path).update(f.text);
      return h.digest('hex');
    };
    expect(texts(7)).not.toBe(texts(8));
  });

  it('replaces an earlier sample but refuses a folder of foreign exports', async () => {
    const again = join(tmp, 'again');
    await writeSample(again, { ...small, days: 2 });
    const partitions = await readdir(join(again, 'contacts'));
    expect(partitions.every((p) => p >= 'dt=2026-03-29')).toBe(true);

    const foreign = join(tmp, 'foreign');
    await writeSample(foreign, { ...small, days: 1 });
    await rm(join(foreign, '.vigie-sample'));
    await expect(writeSample(foreign, { ...small, days: 1 })).rejects.toThrow(/not a Vigie sample/);
  });
});

describe('exports layout', () => {
  it('writes every kind, in NDJSON and CSV, gzipped and not', () => {
    for (const kind of KINDS)
      expect(
        good(springLines).some((l) => l.kind === kind),
        kind,
      ).toBe(true);
    const names = new Set(springLines.map((l) => l.path.replace(/^.*part-\d+/, '')));
    expect([...names].sort()).toEqual(['.csv', '.csv.gz', '.ndjson', '.ndjson.gz']);
  });

  it('partitions every readable record by the UTC date of its main timestamp', () => {
    const misplaced: string[] = [];
    const rows = good([...springLines, ...autumnLines]);
    for (const l of rows) {
      const main = l.row[MAIN[l.kind]];
      const expected =
        l.kind === 'agent_days' ? String(main) : new Date(Date.parse(String(main))).toISOString().slice(0, 10);
      if (l.dt !== expected) misplaced.push(`${l.path}:${l.line} ${String(main)}`);
    }
    expect(rows.length).toBeGreaterThan(50_000);
    expect(misplaced).toEqual([]);
  });

  it('counts in the summary what is in the files', () => {
    for (const kind of KINDS) {
      const rows = good(springLines).filter((l) => l.kind === kind);
      expect(rows.length, kind).toBe(springSummary.records[kind]);
      const keys = new Set(
        rows.map((l) => (kind === 'agent_days' ? `${l.row.agent}|${l.row.date}` : String(l.row.id))),
      );
      expect(rows.length - keys.size, kind).toBe(springSummary.duplicates.byKind[kind]);
    }
    expect(springSummary.files).toBe(new Set(springLines.map((l) => l.path)).size);
  });
});

describe('planted defects', () => {
  it('plants exactly the unreadable records the summary lists, each for the reason it gives', () => {
    const bad = springLines.filter((l) => l.reason !== null).map((l) => `${l.path}:${l.line}:${l.reason}`);
    const planted = springSummary.malformed.defects.map((d) => `${d.path}:${d.line}:${d.reason}`);
    expect(bad.sort()).toEqual(planted.sort());
    const total = springLines.length;
    expect(planted.length / total).toBeGreaterThan(0.0004);
    expect(planted.length / total).toBeLessThan(0.003);
    for (const reason of MALFORMED_REASONS) {
      expect(springSummary.malformed.byReason[reason]).toBe(planted.filter((p) => p.endsWith(`:${reason}`)).length);
    }
  });

  it('plants duplicates in one partition, superseded by a later updated_at when they differ', () => {
    const byKey = new Map<string, (ReadLine & { row: Row })[]>();
    for (const l of good(springLines)) {
      if (l.kind === 'agent_days') continue;
      const key = `${l.kind}|${String(l.row.id)}`;
      byKey.set(key, [...(byKey.get(key) ?? []), l]);
    }
    const groups = [...byKey.values()].filter((g) => g.length > 1);
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) {
      expect(new Set(group.map((l) => l.path)).size).toBe(1);
      const distinct = new Set(group.map((l) => JSON.stringify(l.row)));
      if (distinct.size === 1) continue; // an identical re-delivery
      const stamps = group.map((l) => Date.parse(String(l.row.updated_at)));
      expect(stamps.every(Number.isFinite), group[0]?.path).toBe(true);
      expect(new Set(stamps).size).toBe(group.length);
    }
  });
});

describe('local time and DST', () => {
  const OPEN: Record<number, [number, number] | null> = {
    1: [8, 19],
    2: [8, 19],
    3: [8, 19],
    4: [8, 19],
    5: [8, 19],
    6: [9, 17],
    7: null,
  };

  it.each([
    ['spring', () => springLines, '2026-03-29'],
    ['autumn', () => autumnLines, '2026-10-25'],
  ])('%s: offsets are the zone’s and calls are handled in local opening hours', (_, lines, changeDay) => {
    const rows = good(lines());
    const zoneOffsets = new Map<number, string>();
    const wrongOffsets: string[] = [];
    let offsets = 0;
    for (const l of rows) {
      for (const key of TIMESTAMPS[l.kind]) {
        const v = l.row[key];
        if (typeof v !== 'string' || v.endsWith('Z')) continue;
        offsets++;
        // Paris changes offset on the hour: one zone lookup per UTC hour is exact.
        const hour = Math.floor(Date.parse(v) / 3_600_000);
        let expected = zoneOffsets.get(hour);
        if (expected === undefined) {
          expected = DateTime.fromMillis(hour * 3_600_000, { zone: ZONE }).toFormat('ZZ');
          zoneOffsets.set(hour, expected);
        }
        if (v.slice(-6) !== expected) wrongOffsets.push(`${l.path}:${l.line} ${key}=${v}, zone says ${expected}`);
      }
    }
    expect(offsets).toBeGreaterThan(1000);
    expect(wrongOffsets).toEqual([]);

    const handledVoice = rows.filter(
      (l) => l.kind === 'contacts' && l.row.channel === 'voice' && l.row.direction === 'inbound' && l.row.answered_at,
    );
    expect(handledVoice.length).toBeGreaterThan(500);
    const outOfHours = handledVoice
      .map((l) => localOf(l.row.offered_at ?? null))
      .filter((t) => {
        const open = OPEN[t.weekday];
        return !open || t.hour < open[0] || t.hour >= open[1];
      })
      .map((t) => t.toISO());
    expect(outOfHours).toEqual([]);

    // Both sides of the change have their morning peak at the same local hours.
    for (const date of [
      DateTime.fromISO(changeDay).minus({ days: 1 }),
      DateTime.fromISO(changeDay).plus({ days: 1 }),
    ]) {
      const hours = new Array<number>(24).fill(0);
      for (const l of handledVoice) {
        const t = localOf(l.row.offered_at ?? null);
        if (t.toISODate() === date.toISODate()) hours[t.hour] = (hours[t.hour] ?? 0) + 1;
      }
      const peak = hours.indexOf(Math.max(...hours));
      expect([9, 10, 11, 14, 15], `${date.toISODate()} ${hours.join(',')}`).toContain(peak);
    }

    // The DST day itself has contacts (digital channels around the clock), all at real local instants.
    const onChange = rows.filter(
      (l) => l.kind === 'contacts' && localOf(l.row.offered_at ?? null).toISODate() === changeDay,
    );
    expect(onChange.length).toBeGreaterThan(100);
  });

  it('cuts local days into their real 15-minute slots: 92 on the 23-hour day, 100 on the 25-hour day', () => {
    const zone = new Zone(ZONE);
    const count = (date: string, hour: number) => zone.day(date).slotHours.filter((h) => h === hour).length;
    expect(zone.day('2026-03-29').slotStarts).toHaveLength(92);
    expect(count('2026-03-29', 2)).toBe(0);
    expect(zone.day('2026-10-25').slotStarts).toHaveLength(100);
    expect(count('2026-10-25', 2)).toBe(8);
    expect(zone.day('2026-10-26').slotStarts).toHaveLength(96);
  });

  it('writes one agent-day row per agent and local day, dated in local time', () => {
    const rows = good(springLines).filter((l) => l.kind === 'agent_days');
    const dates = [...new Set(rows.map((l) => String(l.row.date)))].sort();
    expect(dates).toEqual(['2026-03-27', '2026-03-28', '2026-03-29', '2026-03-30', '2026-03-31']);
    expect(rows.length).toBe(40 * 5);
  });
});

describe('realism', () => {
  it('has a weekday of 2,000–3,500 inbound contacts with 3–10 % abandons', () => {
    const monday = good(springLines).filter(
      (l) =>
        l.kind === 'contacts' &&
        l.row.direction === 'inbound' &&
        localOf(l.row.offered_at ?? null).toISODate() === '2026-03-30',
    );
    expect(monday.length).toBeGreaterThan(2000);
    expect(monday.length).toBeLessThan(3500);
    const queued = monday.filter((l) => (l.row.channel === 'voice' || l.row.channel === 'chat') && l.row.queue);
    const abandoned = queued.filter(
      (l) => (l.row.outcome ?? (l.row.answered_at ? 'handled' : 'abandoned')) === 'abandoned',
    );
    expect(abandoned.length / queued.length).toBeGreaterThan(0.03);
    expect(abandoned.length / queued.length).toBeLessThan(0.1);
    const transcripts = monday.map((l) => String(l.row.transcript ?? '')).join(' ');
    for (const word of ['résiliation', 'remboursement', 'concurrent', 'retard']) expect(transcripts).toContain(word);
  });

  it('serves a customer base sized for its contacts: a contact rate of 0.3–1.5 % a day, not 8 %', () => {
    // contact_rate = inbound contacts ÷ active customers (docs/spec.md §3). A centre of ~2,500 inbound
    // contacts a weekday serves hundreds of thousands of customers: a monthly rate of 10–40 %, not 182 %.
    // Instants as epoch milliseconds (Date.parse reads ISO-8601 with an offset): a third of a million rows.
    const end = DateTime.fromISO('2026-04-01', { zone: ZONE }).toMillis();
    const latest = new Map<string, Row>();
    for (const { row } of good(springLines).filter((l) => l.kind === 'customers')) {
      const before = latest.get(String(row.id));
      if (before === undefined || String(row.updated_at ?? '') >= String(before.updated_at ?? '')) {
        latest.set(String(row.id), row);
      }
    }
    const active = [...latest.values()].filter(
      (c) =>
        Date.parse(String(c.acquired_at)) < end && (c.churned_at == null || Date.parse(String(c.churned_at)) >= end),
    ).length;
    const inbound = good(springLines).filter(
      (l) =>
        l.kind === 'contacts' &&
        l.row.direction === 'inbound' &&
        localOf(l.row.offered_at ?? null).toISODate() === '2026-03-31',
    ).length;
    expect(inbound / active).toBeGreaterThan(0.003);
    expect(inbound / active).toBeLessThan(0.015);
  });
});
