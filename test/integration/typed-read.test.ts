/**
 * The typed read against the exact path (docs/decisions/0007-typed-read.md): the same exports staged both
 * ways give the same files, records, duplicates, rejects (file, line, reason, raw) and staged tables, on
 * the malformed corpus, on the sample, and on generated files of awkward lines. The whole reports are
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
  });
});
