import { mkdtemp, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDbQueryEngine } from '../../functions/adapters/duckdb.js';
import type { StageRequest, StageResult } from '../../functions/pipeline/ports.js';
import { EXPORT_KINDS } from '../../functions/sql/exports-schema.js';
import { csv, exportsDir, ndjson } from '../support/exports.js';

const NOW = Date.parse('2026-04-05T05:00:00Z') / 1000;
const WINDOW = ['2026-03-29', '2026-03-30'];

const contact = (id: string, at: string, extra: object = {}) => ({
  id,
  channel: 'voice',
  direction: 'inbound',
  offered_at: at,
  answered_at: at.replace(':00Z', ':12Z'),
  talk_s: 100,
  ...extra,
});
const ticket = (id: string, created: string, extra: object = {}) => ({
  id,
  created_at: created,
  updated_at: created,
  team: 'Nord',
  ...extra,
});

/** Exports of two window partitions and three history partitions, with every kind of reject. */
const EXPORTS: Record<string, string | Buffer> = {
  'contacts/dt=2026-03-29/a.ndjson': [
    JSON.stringify(contact('c1', '2026-03-29T08:00:00Z')),
    '{"id": "broken", ',
    JSON.stringify(contact('c2', '2026-03-29T09:00:00Z', { hold_s: -3 })),
    JSON.stringify(contact('c3', '2026-03-29T10:00:00Z', { updated_at: '2026-03-29T10:05:00Z' })),
    '',
    JSON.stringify(contact('huge', '2026-03-29T11:00:00Z', { transcript: 'x'.repeat(3 * 1024 * 1024) })),
  ].join('\n'),
  'contacts/dt=2026-03-29/b.csv.gz': csv(
    { id: 'c4', channel: 'chat', direction: 'inbound', offered_at: '2026-03-29T12:00:00Z', wait_s: 30 },
    { id: 'c5', channel: 'fax', direction: 'inbound', offered_at: '2026-03-29T12:00:00Z', wait_s: 30 },
  ),
  'contacts/dt=2026-03-30/a.ndjson.gz': ndjson(
    contact('c3', '2026-03-29T10:00:00Z', { updated_at: '2026-03-30T07:00:00Z', talk_s: 250 }),
    contact('c6', '2026-03-30T08:00:00Z'),
  ),
  'contacts/dt=2026-03-30/notes.txt': 'not an export',
  'tickets/dt=2026-03-20/t.ndjson': ndjson(
    ticket('t1', '2026-03-20T10:00:00Z'),
    ticket('t2', '2026-03-20T11:00:00Z', { resolved_at: '2026-03-19T11:00:00Z' }),
  ),
  'tickets/dt=2026-03-25/t.ndjson': ndjson(
    ticket('t1', '2026-03-20T10:00:00Z', { updated_at: '2026-03-25T09:00:00Z', resolved_at: '2026-03-25T09:00:00Z' }),
  ),
  'tickets/dt=2026-03-30/t.ndjson': ndjson(ticket('t3', '2026-03-30T10:00:00Z')),
  'surveys/dt=2026-03-29/s.ndjson': ndjson(
    { id: 's1', kind: 'csat', score: 5, answered_at: '2026-03-29T08:30:00Z' },
    { id: 's2', kind: 'nps', score: 11, answered_at: '2026-03-29T08:30:00Z' },
  ),
};

const engines: DuckDbQueryEngine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
});

async function open(exportsRoot: string, compactedRoot?: string): Promise<DuckDbQueryEngine> {
  const engine = await DuckDbQueryEngine.open({
    exportsRoot,
    maxLineBytes: 1024 * 1024,
    ...(compactedRoot === undefined ? {} : { compactedRoot }),
  });
  engines.push(engine);
  return engine;
}

/** What a stage gives the pipeline, in an order that does not depend on how it was read. */
async function staged(engine: DuckDbQueryEngine, result: StageResult) {
  const tables: Record<string, unknown[]> = {};
  for (const kind of EXPORT_KINDS) tables[kind] = await engine.query(`SELECT * FROM ${kind} ORDER BY ALL`, []);
  return {
    files: result.files,
    records: result.recordsByPartition,
    duplicates: result.duplicatesByPartition,
    rejects: result.rejects,
    tables,
  };
}

async function stageWith(engine: DuckDbQueryEngine, request: Partial<StageRequest> = {}) {
  const result = await engine.stageExports({ partitions: WINDOW, now: NOW, ...request });
  return { result, state: await staged(engine, result) };
}

const partitionsOf = (list: readonly { kind: string; dt: string }[] | undefined): string[] =>
  (list ?? []).map((p) => `${p.kind}/${p.dt}`).sort();

describe('compacted partitions on DuckDB', () => {
  it('stages the same records, counts and rejects from compacted partitions as from the exports', async () => {
    // Prepare: the exports read once without compaction, as the reference.
    const root = await exportsDir(EXPORTS);
    const reference = await stageWith(await open(root));
    expect(reference.state.rejects.map((r) => `${r.file}:${r.line} ${r.reason}`)).toEqual([
      'contacts/dt=2026-03-29/a.ndjson:2 bad_json',
      'contacts/dt=2026-03-29/a.ndjson:3 negative_duration:hold_s',
      'contacts/dt=2026-03-29/a.ndjson:6 line_too_long',
      'contacts/dt=2026-03-29/b.csv.gz:3 unknown_value:channel',
      'contacts/dt=2026-03-30/notes.txt:0 unsupported_file',
      'tickets/dt=2026-03-20/t.ndjson:2 inconsistent:resolved_at',
      'surveys/dt=2026-03-29/s.ndjson:2 out_of_range:score',
    ]);
    const compacted = await mkdtemp(join(tmpdir(), 'vigie-compacted-'));

    // Act: a run that compacts every partition it reads, then one that reads them back.
    const writing = await stageWith(await open(root, compacted), { compact: { before: '2026-04-01' } });
    const reading = await stageWith(await open(root, compacted));

    // Assess
    expect(partitionsOf(writing.result.compaction?.written)).toEqual([
      'contacts/2026-03-29',
      'contacts/2026-03-30',
      'surveys/2026-03-29',
      'tickets/2026-03-20',
      'tickets/2026-03-25',
      'tickets/2026-03-30',
    ]);
    expect(writing.result.compaction?.read).toEqual([]);
    expect(partitionsOf(reading.result.compaction?.read)).toEqual(partitionsOf(writing.result.compaction?.written));
    expect(reading.result.compaction?.written).toEqual([]);
    expect(writing.state).toEqual(reference.state);
    expect(reading.state).toEqual(reference.state);
    const manifest = JSON.parse(await readFile(join(compacted, 'contacts/_partitions.json'), 'utf8'));
    expect(manifest.partitions['2026-03-29']).toMatchObject({
      records: 7,
      rejects: 4,
      files: [{ key: 'contacts/dt=2026-03-29/checked.parquet', size: expect.any(Number) }],
    });
  });

  it('compacts only partitions dated before `compact.before`, and at most `atMost` of them, oldest first', async () => {
    const root = await exportsDir(EXPORTS);
    const compacted = await mkdtemp(join(tmpdir(), 'vigie-compacted-'));
    const first = await stageWith(await open(root, compacted), { compact: { before: '2026-03-30', atMost: 1 } });
    expect(partitionsOf(first.result.compaction?.written)).toEqual([
      'contacts/2026-03-29',
      'surveys/2026-03-29',
      'tickets/2026-03-20',
    ]);
    const second = await stageWith(await open(root, compacted), { compact: { before: '2026-03-30' } });
    expect(partitionsOf(second.result.compaction?.written)).toEqual(['tickets/2026-03-25']);
    expect(partitionsOf(second.result.compaction?.read)).toEqual(partitionsOf(first.result.compaction?.written));
  });

  it('reads a partition from its exports again when a file arrived, changed or the checks differ, and recompacts it', async () => {
    // Prepare: everything compacted.
    const root = await exportsDir(EXPORTS);
    const compacted = await mkdtemp(join(tmpdir(), 'vigie-compacted-'));
    await stageWith(await open(root, compacted), { compact: { before: '2026-04-01' } });
    // A late file in one partition, another partition's file rewritten, the survey checks "changed".
    await writeFile(join(root, 'tickets/dt=2026-03-25/late.ndjson'), ndjson(ticket('t9', '2026-03-25T12:00:00Z')));
    await writeFile(
      join(root, 'contacts/dt=2026-03-30/a.ndjson.gz'),
      await readFile(join(root, 'contacts/dt=2026-03-30/a.ndjson.gz')),
    );
    const manifestPath = join(compacted, 'surveys/_partitions.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    manifest.partitions['2026-03-29'].checks = 'other-checks';
    await writeFile(manifestPath, JSON.stringify(manifest));

    // Act
    const again = await stageWith(await open(root, compacted), { compact: { before: '2026-04-01' } });
    const reference = await stageWith(await open(root));

    // Assess: the three partitions were read from their exports and compacted again; nothing differs.
    const stale = ['contacts/2026-03-30', 'surveys/2026-03-29', 'tickets/2026-03-25'];
    expect(partitionsOf(again.result.compaction?.written)).toEqual(stale);
    expect(partitionsOf(again.result.compaction?.read)).toEqual([
      'contacts/2026-03-29',
      'tickets/2026-03-20',
      'tickets/2026-03-30',
    ]);
    expect(again.state).toEqual(reference.state);
    expect((again.state.tables.tickets ?? []).map((t) => (t as { id: string }).id)).toContain('t9');
  });

  it('reads the compacted copy, not the exports, while a partition lists the same files', async () => {
    // Prepare: compacted, then a file rewritten in place with the same size and modification time
    // (what a listing cannot see): the compacted copy is what is read.
    const root = await exportsDir(EXPORTS);
    const path = join(root, 'tickets/dt=2026-03-30/t.ndjson');
    // Whole seconds: a time set to the millisecond may read back a millisecond off.
    await utimes(path, 1_700_000_000, 1_700_000_000);
    const compacted = await mkdtemp(join(tmpdir(), 'vigie-compacted-'));
    await stageWith(await open(root, compacted), { compact: { before: '2026-04-01' } });
    await writeFile(path, (await readFile(path, 'utf8')).replace('"Nord"', '"Sud_"'));
    await utimes(path, 1_700_000_000, 1_700_000_000);
    // Act
    const read = await stageWith(await open(root, compacted));
    // Assess
    expect(partitionsOf(read.result.compaction?.read)).toContain('tickets/2026-03-30');
    expect(await engines.at(-1)?.query(`SELECT team FROM tickets WHERE id = 't3'`, [])).toEqual([{ team: 'Nord' }]);
  });
});
