/**
 * The typed read against the exact path (docs/decisions/0007-typed-read.md): the same exports staged both
 * ways give the same files, records, duplicates, rejects (file, line, reason, raw) and staged tables, on
 * the malformed corpus, on the sample, and on generated files of awkward lines, NDJSON and CSV. The whole reports are
 * compared on the sample in test/e2e/full/typed-read-reports.test.ts.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DuckDbQueryEngine, type StagingPath, type TypedReadFigures } from '../../functions/adapters/duckdb.js';
import type { Row, StageRequest, StageResult } from '../../functions/pipeline/ports.js';
import { EXPORT_KINDS, EXPORT_SCHEMA } from '../../functions/sql/exports-schema.js';
import { writeCorpus } from '../fixtures/malformed/corpus.js';
import { sampleExportsDir } from '../support/exports.js';

interface Staged {
  readonly stage: StageResult;
  readonly tables: Record<string, Row[]>;
  readonly typed: readonly TypedReadFigures[];
}

/** Stages `root` on one path; returns the stage's result, every staged table in a stable order, and the typed read's figures. */
async function stage(root: string, request: StageRequest, staging: StagingPath): Promise<Staged> {
  const engine = await DuckDbQueryEngine.open({ exportsRoot: root, staging });
  try {
    const result = await engine.stageExports(request);
    const tables: Record<string, Row[]> = {};
    for (const kind of EXPORT_KINDS.filter((k) => request.kinds === undefined || request.kinds.includes(k))) {
      const order = EXPORT_SCHEMA[kind].identity.map((name) => `"${name}"`).join(', ');
      tables[kind] = await engine.query(`SELECT * FROM ${kind} ORDER BY ${order.replace('"date"', 'local_date')}`, []);
    }
    return { stage: result, tables, typed: engine.typedReads };
  } finally {
    await engine.close();
  }
}

/** Both paths over `root`: the typed one must give what the exact one gives. */
async function compare(root: string, request: StageRequest): Promise<readonly TypedReadFigures[]> {
  const exact = await stage(root, request, 'exact');
  const typed = await stage(root, request, 'typed');
  expect(exact.typed).toEqual([]);
  expect(typed.stage).toEqual(exact.stage);
  expect(typed.tables).toEqual(exact.tables);
  return typed.typed;
}

const sum = (figures: readonly TypedReadFigures[], key: 'files' | 'read' | 'rechecked'): number =>
  figures.reduce((n, f) => n + f[key], 0);

describe('the typed read gives what the exact path gives', () => {
  it('on the malformed corpus', async () => {
    const root = join(await mkdtemp(join(tmpdir(), 'vigie-typed-corpus-')), 'exports');
    await writeCorpus(root);
    const figures = await compare(root, {
      partitions: ['2026-11-24', '2026-11-25'],
      now: Date.parse('2026-11-26T02:30:00Z') / 1000,
    });
    // Most corpus files are read by the typed reader, their bad lines checked again; odd ones are not.
    expect(sum(figures, 'read')).toBeGreaterThan(0);
    expect(sum(figures, 'rechecked')).toBeGreaterThan(0);
    expect(sum(figures, 'read')).toBeLessThan(sum(figures, 'files'));
  });

  it('on the sample, with its planted defects', async () => {
    const root = await sampleExportsDir(4, '2026-11-24');
    const figures = await compare(root, {
      partitions: ['2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24'],
      now: Date.parse('2026-11-25T02:30:00Z') / 1000,
    });
    expect(sum(figures, 'read')).toBeGreaterThan(0);
  });

  it('on generated lines that the two readers could take apart', async () => {
    // Values chosen where the typed read could differ: texts that look like other JSON types, numbers in
    // text fields, escapes, nulls, nested values, non-finite numbers, odd offsets.
    const value = fc.constantFrom<unknown>(
      'a',
      '',
      'true',
      '{x',
      '[1]',
      '1.50',
      '1e3',
      'é\u2028"\\',
      '2026-11-24T10:00:00Z',
      '2026-11-24T10:00:00+14:30',
      '2026-11-24 10:00:00.123456789+01:00',
      'voice',
      'handled',
      'inbound',
      0,
      -1,
      1.5,
      1e3,
      2 ** 64,
      true,
      false,
      null,
      { a: 1 },
      [1, 'b'],
    );
    const field = fc.constantFrom(...EXPORT_SCHEMA.contacts.fields.map((f) => f.name));
    const good = {
      channel: 'voice',
      direction: 'inbound',
      offered_at: '2026-11-24T09:00:00Z',
    };
    const line = fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .record({ id: fc.integer({ min: 0, max: 9 }), changes: fc.dictionary(field, value, { maxKeys: 3 }) })
          .map(({ id, changes }) => JSON.stringify({ id: `c${id}`, ...good, ...changes })),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '{"id":"t1","channel":"voi',
          '[1,2]',
          '42',
          '{"id":"d1","id":"d2","channel":"voice","direction":"inbound","offered_at":"2026-11-24T09:00:00Z"}',
          '{"id":"n1","channel":"voice","direction":"inbound","offered_at":"2026-11-24T09:00:00Z","wait_s":NaN}',
          '{"id":"k1","channel":"voice","direction":"inbound","offered_at":"2026-11-24T09:00:00Z",}',
          '{"id":"x1"} trailing',
          '  {"id":"s1","channel":"voice","direction":"inbound","offered_at":"2026-11-24T09:00:00Z"}',
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom('', '   ', '\t') },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(line, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        async (files, end, gzipped) => {
          const root = await mkdtemp(join(tmpdir(), 'vigie-typed-gen-'));
          for (const [i, lines] of files.entries()) {
            const path = join(root, 'contacts', 'dt=2026-11-24', `part-${i}.ndjson${gzipped ? '.gz' : ''}`);
            await mkdir(dirname(path), { recursive: true });
            const bytes = Buffer.from(`${lines.join(end)}${end}`);
            await writeFile(path, gzipped ? gzipSync(bytes) : bytes);
          }
          await compare(root, {
            partitions: ['2026-11-24'],
            now: Date.parse('2026-11-25T02:30:00Z') / 1000,
            kinds: ['contacts'],
          });
        },
      ),
      { numRuns: 15 },
    );
    // About 25 s alone; a busy machine (other suites, benchmarks) can make it several times that.
  }, 240_000);

  it('on generated CSV files of awkward rows', async () => {
    // Cells where the two CSV checks could differ: quoting, commas and quotes in cells, texts of other
    // types, timestamps with offsets (two texts of one instant tie two versions of a record on updated_at,
    // so the digest of their text decides), bad timestamps, non-finite numbers; and, rarely, what refuses a
    // file whole (a cell over two lines, a backslash, a quote inside an unquoted cell).
    const cell = fc.constantFrom(
      'a',
      '',
      '"a, b"',
      '"say ""hi"""',
      'é\u2028',
      'true',
      '1.50',
      'NaN',
      '-3',
      '2026-11-24T10:00:00Z',
      '2026-11-24T11:00:00+01:00',
      '2026-11-24 10:00:00',
      'not a time',
      'voice',
      'inbound',
      'handled',
    );
    const rare = fc.constantFrom('"two\nlines"', 'C:\\temp', '5" screen', '"never closed');
    const columns = ['id', 'channel', 'direction', 'offered_at', 'updated_at', 'wait_s', 'outcome'];
    const good = ['voice', 'inbound', '2026-11-24T09:00:00Z', '2026-11-24T10:00:00Z', '12', 'handled'];
    const row = fc.oneof(
      {
        weight: 8,
        arbitrary: fc
          .record({
            id: fc.integer({ min: 0, max: 4 }),
            changes: fc.dictionary(fc.constantFrom('1', '2', '3', '4', '5', '6'), cell, { maxKeys: 2 }),
            width: fc.constantFrom(0, 0, 0, 0, -1, 1),
          })
          .map(({ id, changes, width }) => {
            const cells = [`c${id}`, ...good.map((g, i) => changes[String(i + 1)] ?? g)];
            return (width < 0 ? cells.slice(0, width) : width > 0 ? [...cells, 'extra'] : cells).join(',');
          }),
      },
      { weight: 1, arbitrary: fc.constantFrom('', '   ', '\t', 'c9;voice;inbound', '""') },
      {
        // Good versions of one record tied on updated_at (one instant, two texts): the digest decides.
        weight: 3,
        arbitrary: fc
          .record({
            updated: fc.constantFrom('2026-11-24T10:00:00Z', '2026-11-24T11:00:00+01:00'),
            wait: fc.constantFrom('1', '2', '3', '1.50'),
          })
          .map(({ updated, wait }) => `c5,voice,inbound,2026-11-24T09:00:00Z,${updated},${wait},handled`),
      },
    );
    const header = fc.constantFrom(
      columns.join(','),
      columns.join(','),
      `\uFEFF${columns.join(',')}`,
      columns.join(';'),
      columns.filter((c) => c !== 'direction').join(','),
      `${columns.join(',')},note`,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            header,
            rows: fc.array(row, { minLength: 1, maxLength: 14 }),
            rare: fc.option(rare, { freq: 8 }),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        async (files, end, gzipped) => {
          const root = await mkdtemp(join(tmpdir(), 'vigie-typed-csv-'));
          for (const [i, f] of files.entries()) {
            const path = join(root, 'contacts', 'dt=2026-11-24', `digital-${i}.csv${gzipped ? '.gz' : ''}`);
            await mkdir(dirname(path), { recursive: true });
            const rows = f.rare === null ? f.rows : [...f.rows, `c8,voice,inbound,${f.rare}`];
            const bytes = Buffer.from(`${[f.header, ...rows].join(end)}${end}`);
            await writeFile(path, gzipped ? gzipSync(bytes) : bytes);
          }
          await compare(root, {
            partitions: ['2026-11-24'],
            now: Date.parse('2026-11-25T02:30:00Z') / 1000,
            kinds: ['contacts'],
          });
        },
      ),
      { numRuns: 16 },
    );
    // About 10-20 s alone; sized for a busy machine, as the one above.
  }, 240_000);
});
