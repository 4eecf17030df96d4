/**
 * The day file as DuckDB writes it (functions/pipeline/facts-in-engine.ts) against the JavaScript writer
 * (`saveDayFacts`): awkward values (quotes, escapes, line breaks, control characters, fractions, large
 * sums, nulls, no rows at all) come back as JavaScript wrote them; and the reader of day files. Whole
 * nights filed both ways are compared in test/e2e/full/facts-in-engine-reports.test.ts.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DuckDbQueryEngine } from '../../functions/adapters/duckdb.js';
import { LocalFolderStore } from '../../functions/adapters/local-fs.js';
import { type BreakdownFact, type BucketFact, MEASURES } from '../../functions/engine/facts.js';
import { dayPeriod } from '../../functions/engine/periods.js';
import { foldDay } from '../../functions/engine/rollup.js';
import {
  bucketCells,
  dayFileParts,
  FACTS_FORMAT,
  factsKey,
  gzipDayFile,
  loadDayFacts,
  type StoredDayFacts,
  saveDayFacts,
  saveDayFiles,
} from '../../functions/pipeline/facts-store.js';
import type { SqlParam } from '../../functions/pipeline/ports.js';
import { factsFromRows } from '../../functions/pipeline/read-facts.js';
import {
  BREAKDOWN_COLUMNS,
  BUCKET_COLUMNS,
  foldedBreakdownsSql,
  foldedBucketsSql,
  rowLinesSql,
} from '../../functions/sql/facts-file.js';
import { stableDay } from '../support/stored-facts.js';

const bucketRow = (n: number, team: string | null, agent: string | null): BucketFact =>
  ({
    bucket: 1_795_000_000 - (1_795_000_000 % 900) + n * 900,
    team,
    queue: 'Particuliers',
    channel: 'voice',
    agent,
    // Each measure its own value, a fraction and a large one among them, so a misplaced column shows.
    ...Object.fromEntries(MEASURES.map((m, i) => [m, n * 100 + i + (i % 3 === 0 ? 0.25 : 0)])),
    ...{ talk_sum: 2 ** 52 + 1 },
  }) as BucketFact;

const AWKWARD = [
  'guillemets "doubles", virgule',
  'barre \\ oblique',
  'ligne\ncoupée\r',
  '\u0001\u001f\u2028',
  'été 🎧',
  '',
];

/** A table of `rows` in DuckDB, its columns typed as the facts SQL types them. */
async function keepRows(engine: DuckDbQueryEngine, name: string, columns: readonly string[], rows: readonly object[]) {
  const type = (c: string) =>
    ['team', 'queue', 'channel', 'agent', 'breakdown', 'key'].includes(c)
      ? 'VARCHAR'
      : c === 'count'
        ? 'BIGINT'
        : 'DOUBLE';
  const params: SqlParam[] = [];
  const select = (row: object | null) =>
    `SELECT ${columns
      .map((c) => {
        params.push(row === null ? null : ((row as Record<string, SqlParam>)[c] ?? null));
        return `CAST(? AS ${type(c)}) AS "${c}"`;
      })
      .join(', ')}`;
  // No rows: one typed row filtered out, so the table has its columns and nothing else.
  const sql = rows.length === 0 ? `${select(null)} WHERE false` : rows.map(select).join(' UNION ALL ');
  await engine.keep(name, sql, params);
}

describe('the engine writer gives what the JavaScript writer gives', () => {
  async function bothWays(day: StoredDayFacts) {
    const engine = await DuckDbQueryEngine.open({ exportsRoot: await mkdtemp(join(tmpdir(), 'vigie-none-')) });
    try {
      await keepRows(engine, 'b', BUCKET_COLUMNS, day.facts.buckets);
      await keepRows(engine, 'd', BREAKDOWN_COLUMNS, day.facts.breakdowns);
      const [head, middle, tail] = dayFileParts(day);
      const engineBytes = await gzipDayFile([
        head,
        await engine.writeLines(rowLinesSql('b', BUCKET_COLUMNS), []),
        middle,
        await engine.writeLines(rowLinesSql('d', BREAKDOWN_COLUMNS), []),
        tail,
      ]);
      const engineStore = new LocalFolderStore(await mkdtemp(join(tmpdir(), 'vigie-writer-engine-')));
      await saveDayFiles(engineStore, day.date, engineBytes, engineBytes);
      const jsStore = new LocalFolderStore(await mkdtemp(join(tmpdir(), 'vigie-writer-js-')));
      await saveDayFacts(jsStore, day, { hours: 'h', facts: day.facts });
      return {
        engine: stableDay(await loadDayFacts(engineStore, day.date, 'f')),
        js: stableDay(await loadDayFacts(jsStore, day.date, 'f')),
        text: gunzipSync(engineBytes).toString('utf8'),
      };
    } finally {
      await engine.close();
    }
  }

  it('for awkward texts, nulls, fractions and large sums', async () => {
    const buckets = AWKWARD.map((t, i) => bucketRow(i + 1, t, i % 2 === 0 ? null : t));
    const breakdowns: BreakdownFact[] = AWKWARD.map((t, i) => ({
      bucket: 1_795_000_500 - (1_795_000_500 % 900),
      team: i % 2 === 0 ? null : t,
      queue: null,
      channel: 'email',
      agent: null,
      breakdown: i % 2 === 0 ? 'reason' : 'keyword',
      key: t,
      count: i + 1,
    }));
    const { engine, js, text } = await bothWays(stored(buckets, breakdowns));
    expect(js?.facts.buckets).toHaveLength(AWKWARD.length);
    expect(engine).toEqual(js);
    // The rows are lines of their own (no line longer than a row), and the file one JSON document.
    expect(text.split('\n').length).toBeGreaterThan(AWKWARD.length * 2);
  });

  it('for a day without rows', async () => {
    const { engine, js, text } = await bothWays(stored([], []));
    expect(js).not.toBeNull();
    expect(engine).toEqual(js);
    expect(text).toContain('"rows":[]');
  });
});

describe('the day file reader', () => {
  it('reads rows led by commas on lines of their own, in any order of members', async () => {
    const day = stored([bucketRow(1, 'Sud', 'A-1')], []);
    const [head, middle, tail] = dayFileParts(day);
    const cells = JSON.stringify(bucketCells(day.facts.buckets[0] as BucketFact));
    const bytes = await gzipDayFile([head, `${cells}\n`, `,${cells}\n`, middle, tail]);
    const store = new LocalFolderStore(await mkdtemp(join(tmpdir(), 'vigie-reader-')));
    await saveDayFiles(store, day.date, bytes, bytes);
    const read = await loadDayFacts(store, day.date, 'f');
    expect(read?.facts.buckets).toEqual([day.facts.buckets[0], day.facts.buckets[0]]);
    expect(read?.facts.breakdowns).toEqual([]);
    expect(read?.run).toBe(day.run);
  });

  it('names a file cut short as damaged and reads the day as not filed', async () => {
    const day = stored([bucketRow(1, 'Sud', 'A-1')], []);
    const store = new LocalFolderStore(await mkdtemp(join(tmpdir(), 'vigie-reader-')));
    const [head] = dayFileParts(day);
    await saveDayFiles(store, day.date, await gzipDayFile([head]), await gzipDayFile([head]));
    const damaged: string[] = [];
    expect(await loadDayFacts(store, day.date, 'f', (d) => damaged.push(d.file))).toBeNull();
    expect(damaged).toEqual([store.locate(factsKey(day.date))]);
  });
});

/** A filed day of these rows, fingerprint `f`. */
function stored(buckets: readonly BucketFact[], breakdowns: readonly BreakdownFact[]): StoredDayFacts {
  return {
    format: FACTS_FORMAT,
    date: '2026-11-18',
    timezone: 'Europe/Paris',
    fingerprint: 'f',
    sources: 's',
    inputs: {},
    facts: {
      buckets,
      breakdowns,
      agentDays: [],
      costs: [],
      state: { backlogAtEnd: [], customersAtStart: 1, customersAtEnd: 2, buyers: 0, repeatBuyers: 0 },
      verbatims: [],
    },
    run: '2026-11-19T05:00:00Z',
  };
}

describe('the fold in SQL', () => {
  it('folds as foldDay does: by dimensions and business hours, earliest bucket kept, rows outside the day as they are', async () => {
    const day = dayPeriod('2026-11-18', 'Europe/Paris');
    const at = (hour: number, quarter: number) => day.start + hour * 3600 + quarter * 900;
    const isOpen = (b: number) => b >= at(9, 0) && b < at(18, 0);
    const open: number[] = [];
    for (let b = day.start; b < day.end; b += 900) if (isOpen(b)) open.push(b);
    // Small sums: both folds add in their own order, exact only below 2^53.
    const row = (bucket: number, team: string | null, agent: string | null, n: number): BucketFact => ({
      ...bucketRow(n, team, agent),
      bucket,
      talk_sum: n * 7.5,
    });
    const buckets = [
      row(at(8, 3), 'Sud', 'A', 1),
      row(at(9, 0), 'Sud', 'A', 2),
      row(at(10, 1), 'Sud', 'A', 3),
      row(at(20, 0), 'Sud', 'A', 4),
      row(at(9, 0), 'Sud', null, 5),
      row(at(12, 0), null, null, 6),
      row(at(11, 0), null, null, 7),
      row(day.end, 'Sud', 'A', 8),
      row(day.start - 900, 'Sud', 'A', 9),
    ];
    const mention = (bucket: number, key: string, count: number): BreakdownFact => ({
      bucket,
      team: 'Sud',
      queue: null,
      channel: 'email',
      agent: null,
      breakdown: 'reason',
      key,
      count,
    });
    const breakdowns = [
      mention(at(20, 0), 'facture', 2),
      mention(at(9, 0), 'facture', 3),
      mention(at(10, 0), 'livraison', 1),
      mention(day.end, 'facture', 4),
    ];
    const engine = await DuckDbQueryEngine.open({ exportsRoot: await mkdtemp(join(tmpdir(), 'vigie-none-')) });
    try {
      await keepRows(engine, 'b', BUCKET_COLUMNS, buckets);
      await keepRows(engine, 'd', BREAKDOWN_COLUMNS, breakdowns);
      const inSql = factsFromRows([
        await engine.query(foldedBucketsSql('b', day.start, day.end, open), []),
        await engine.query(foldedBreakdownsSql('d', day.start, day.end), []),
        ...[[], [], [], [], [], []],
      ]);
      const inJs = foldDay(stored(buckets, breakdowns).facts, day, isOpen);
      // Nine rows fold to six: A open (9:00, 10:15), A closed (8:45, 20:00), Sud without an agent, the
      // centre's two (11:00, 12:00), and the two outside the day as they are.
      expect(inSql.buckets).toHaveLength(6);
      expect(stableDay(stored(inSql.buckets, inSql.breakdowns))).toEqual(
        stableDay(stored(inJs.buckets, inJs.breakdowns)),
      );
    } finally {
      await engine.close();
    }
  });
});
