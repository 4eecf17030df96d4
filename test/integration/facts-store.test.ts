import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFrom } from '../../functions/adapters/config-file.js';
import { LocalFolderStore } from '../../functions/adapters/local-fs.js';
import { type BreakdownFact, type BucketFact, MEASURES, zeroMeasures } from '../../functions/engine/facts.js';
import { dayPeriod } from '../../functions/engine/periods.js';
import {
  FACTS_FORMAT,
  factsFingerprint,
  factsKey,
  foldedFactsKey,
  hoursFingerprint,
  loadDayFacts,
  loadFiledDay,
  type StoredDayFacts,
  saveDayFacts,
} from '../../functions/pipeline/facts-store.js';
import { FactsReader } from '../../functions/pipeline/stored-reports.js';

const bucket = (n: number, team: string | null, agent: string | null): BucketFact =>
  ({
    bucket: 1_763_500_000 - (1_763_500_000 % 900) + n * 900,
    team,
    queue: 'Particuliers',
    channel: 'voice',
    agent,
    // Each measure its own value, so a column stored in the wrong place shows.
    ...Object.fromEntries(MEASURES.map((m, i) => [m, n * 100 + i + 0.5])),
    ...{ inbound: n },
  }) as BucketFact;

const day: StoredDayFacts = {
  format: FACTS_FORMAT,
  date: '2026-11-18',
  timezone: 'Europe/Paris',
  fingerprint: 'f1',
  sources: 's1',
  inputs: {
    '2026-11-18': {
      files: 2,
      records: 10,
      duplicates: 1,
      rejectsByReason: { bad_json: 1 },
      rejectsByKind: { contacts: { bad_json: 1 } },
      excluded: {},
      placed: { '2026-11-18': 8 },
      unreadable: 0,
    },
  },
  facts: {
    buckets: [bucket(1, 'Sud', 'A-1'), bucket(2, null, null), { ...bucket(3, 'Nord', 'B-2'), ...zeroMeasures() }],
    breakdowns: [
      {
        bucket: 900,
        team: 'Sud',
        queue: null,
        channel: 'email',
        agent: 'A-1',
        breakdown: 'reason',
        key: 'facturation',
        count: 3,
      },
      {
        bucket: 1800,
        team: null,
        queue: 'Pros',
        channel: null,
        agent: null,
        breakdown: 'keyword',
        key: '"<b>',
        count: 1,
      },
    ] satisfies BreakdownFact[],
    agentDays: [
      { date: '2026-11-18', team: 'Sud', agent: 'A-1', scheduled_s: 25200, absent_s: 0, days_worked: 1, days: 1 },
    ],
    costs: [],
    state: { backlogAtEnd: [], customersAtStart: 10, customersAtEnd: 12, buyers: 3, repeatBuyers: 1 },
    verbatims: [],
  },
};

let root: string;
let store: LocalFolderStore;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigie-facts-'));
  store = new LocalFolderStore(root);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('the facts store', () => {
  it('gives back exactly the day it filed', async () => {
    await saveDayFacts(store, day, { hours: 'h1', facts: day.facts });
    expect(await loadDayFacts(store, day.date, 'f1')).toEqual(day);
  });

  it('stores bucket and breakdown rows as tables, column names once', async () => {
    const bytes = await store.get(factsKey(day.date));
    const file = JSON.parse(gunzipSync(bytes ?? new Uint8Array()).toString('utf8'));
    expect(file.facts.buckets.columns.slice(0, 5)).toEqual(['bucket', 'team', 'queue', 'channel', 'agent']);
    expect(file.facts.buckets.rows).toHaveLength(3);
    expect(file.facts.breakdowns.rows[1]).toEqual([1800, null, 'Pros', null, null, 'keyword', '"<b>', 1]);
  });

  it('reads a day filed under another configuration or format as missing', async () => {
    expect(await loadDayFacts(store, day.date, 'other')).toBeNull();
    await store.put(factsKey('2026-11-17'), gzipSync(JSON.stringify({ ...day, date: '2026-11-17', format: 4 })));
    expect(await loadDayFacts(store, '2026-11-17', 'f1')).toBeNull();
  });

  it('reads a day whose columns differ from this build as missing, not misread', async () => {
    const bytes = await store.get(factsKey(day.date));
    const file = JSON.parse(gunzipSync(bytes ?? new Uint8Array()).toString('utf8'));
    file.facts.buckets.columns = [...file.facts.buckets.columns.slice(0, -1), 'renamed'];
    await store.put(factsKey('2026-11-16'), gzipSync(JSON.stringify({ ...file, date: '2026-11-16' })));
    expect(await loadDayFacts(store, '2026-11-16', 'f1')).toBeNull();
  });

  it('is absent before anything is filed', async () => {
    expect(await loadDayFacts(store, '2020-01-01', 'f1')).toBeNull();
  });

  describe('a filed day as reports read it', () => {
    const config = configFrom({ centre: 'Test', timezone: 'Europe/Paris' }, 'test');
    const otherHours = configFrom(
      { centre: 'Test', timezone: 'Europe/Paris', business_hours: { start: '09:00', end: '18:00' } },
      'test',
    );
    // The folded rows differ from the full ones, so which file was read shows.
    const filed: StoredDayFacts = { ...day, date: '2026-11-10', fingerprint: factsFingerprint(config) };
    const folded = { ...filed.facts, buckets: [bucket(1, 'Sud', 'A-1')] };

    it('is the folded file when it was summed under the same business hours', async () => {
      await saveDayFacts(store, filed, { hours: hoursFingerprint(config), facts: folded });
      expect(await store.get(foldedFactsKey(filed.date))).not.toBeNull();
      expect((await loadFiledDay(store, filed.date, config))?.facts).toEqual(folded);
    });

    it('is the full facts when the business hours changed since, or the folded file is absent', async () => {
      expect(hoursFingerprint(otherHours)).not.toBe(hoursFingerprint(config));
      expect(factsFingerprint(otherHours)).toBe(factsFingerprint(config));
      expect((await loadFiledDay(store, filed.date, otherHours))?.facts).toEqual(filed.facts);
      await store.put(factsKey('2026-11-11'), (await store.get(factsKey(filed.date))) ?? new Uint8Array());
      expect((await loadFiledDay(store, '2026-11-11', config))?.facts).toEqual(filed.facts);
    });

    it('reaches the reader folded: its folded file, or its full facts folded when that does not match', async () => {
      const paris = dayPeriod('2026-11-12', 'Europe/Paris');
      // 10:00 and 11:00, both within business hours: one row once folded.
      const at = (hour: number): BucketFact => ({ ...bucket(1, 'Sud', 'A-1'), bucket: paris.start + hour * 3600 });
      const full: StoredDayFacts = {
        ...filed,
        date: '2026-11-12',
        facts: { ...filed.facts, buckets: [at(10), at(11)] },
      };
      await saveDayFacts(store, full, { hours: hoursFingerprint(otherHours), facts: full.facts });
      const reader = new FactsReader(store, config);
      expect((await reader.day('2026-11-12'))?.facts.buckets.map((b) => [b.bucket, b.inbound])).toEqual([
        [paris.start + 10 * 3600, 2],
      ]);
      expect((await reader.day(filed.date))?.facts).toEqual(folded);
    });

    it('is missing when neither file matches the configuration', async () => {
      const otherZone = configFrom({ centre: 'Test', timezone: 'Europe/London' }, 'test');
      expect(await loadFiledDay(store, filed.date, otherZone)).toBeNull();
    });
  });
});
