/**
 * Export files as a careless feed or an attacker leaves them, read as docs/spec.md §1 (amended
 * 2026-12-05) says: damaged files are one `unreadable_file` and none of their records is used; links are
 * followed only inside the exports root; blank lines are not records; a lone CR is part of its line;
 * numbers are finite; offsets are real; a cost may end in the future; a JSON null is an absent field.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DuckDbQueryEngine } from '../../functions/adapters/duckdb.js';
import type { StageResult } from '../../functions/pipeline/ports.js';
import { csv, exportsDir, ndjson } from '../support/exports.js';

/**
 * Files named `vanishing-early…` are removed while the exports are listed (before their size is read),
 * `vanishing-late…` right after (between listing and reading).
 */
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    stat: async (path: Parameters<typeof fs.stat>[0], ...rest: [undefined]) => {
      if (String(path).includes('vanishing-early')) await fs.unlink(path);
      const info = await fs.stat(path, ...rest);
      if (String(path).includes('vanishing-late')) await fs.unlink(path);
      return info;
    },
  };
});

const NOW = Date.parse('2026-04-01T00:00:00Z') / 1000;
const DT = '2026-03-29';
const at = (i: number) => `2026-03-29T08:${String(i % 60).padStart(2, '0')}:00Z`;
const contact = (id: string, extra: object = {}) => ({
  id,
  channel: 'voice',
  direction: 'inbound',
  offered_at: '2026-03-29T08:00:00Z',
  answered_at: '2026-03-29T08:00:12Z',
  wait_s: 12,
  ...extra,
});
const contacts = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => contact(`${prefix}${i}`));

let engine: DuckDbQueryEngine | undefined;
const db = (): DuckDbQueryEngine => engine as DuckDbQueryEngine;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

async function stageRoot(root: string): Promise<{ result: StageResult; ids: string[] }> {
  engine = await DuckDbQueryEngine.open({ exportsRoot: root });
  const result = await engine.stageExports({ partitions: [DT], now: NOW });
  const ids = (await engine.query('SELECT id FROM contacts ORDER BY id', [])).map((r) => String(r.id));
  return { result, ids };
}

const stage = async (files: Record<string, string | Buffer>) => stageRoot(await exportsDir(files));
const seen = (result: StageResult) => result.rejects.map((r) => `${r.file.split('/').pop()}:${r.line} ${r.reason}`);

describe('damaged and unreachable files', () => {
  it('a cut gzip is one unreadable_file and none of its records is used', async () => {
    const whole = gzipSync(ndjson(...contacts(2000, 'cut-')));
    const root = await exportsDir({ 'contacts/dt=2026-03-29/ok.ndjson': ndjson(contact('ok')) });
    await writeFile(join(root, 'contacts/dt=2026-03-29/cut.ndjson.gz'), whole.subarray(0, whole.length >> 1));
    const { result, ids } = await stageRoot(root);
    expect(seen(result)).toEqual(['cut.ndjson.gz:0 unreadable_file']);
    expect(result.rejects[0]?.raw).toMatch(/^gzip: unexpected end of file/);
    expect(ids).toEqual(['ok']);
    // 1 good record + the unreadable file as one record (docs/spec.md §1).
    expect(result.recordsByPartition).toEqual({ [DT]: 2 });
  });

  it('a corrupt gzip (a byte changed, or garbage after the header) is one unreadable_file', async () => {
    const whole = gzipSync(ndjson(...contacts(50, 'c-')));
    const flipped = Buffer.from(whole);
    flipped[flipped.length - 6] = (flipped[flipped.length - 6] ?? 0) ^ 0xff; // in the CRC: inflates, fails the check
    const root = await exportsDir({});
    await mkdir(join(root, 'contacts/dt=2026-03-29'), { recursive: true });
    await writeFile(join(root, 'contacts/dt=2026-03-29/crc.ndjson.gz'), flipped);
    await writeFile(
      join(root, 'contacts/dt=2026-03-29/csv.csv.gz'),
      Buffer.concat([whole.subarray(0, 10), Buffer.from('garbage')]),
    );
    const { result, ids } = await stageRoot(root);
    expect(seen(result)).toEqual(['crc.ndjson.gz:0 unreadable_file', 'csv.csv.gz:0 unreadable_file']);
    expect(ids).toEqual([]);
  });

  it('refuses links that are broken, loop, or lead out of the exports root; follows one inside it', async () => {
    const outside = join(await exportsDir({ 'secret.ndjson': ndjson(contact('secret')) }), 'secret.ndjson');
    const root = await exportsDir({
      'contacts/dt=2026-03-29/ok.ndjson': ndjson(contact('ok')),
      'elsewhere/inside.ndjson': ndjson(contact('inside')),
    });
    const dir = join(root, 'contacts/dt=2026-03-29');
    await symlink(join(root, 'nothing-here.ndjson'), join(dir, 'dangling.ndjson'));
    await symlink(join(dir, 'loop-b.ndjson'), join(dir, 'loop-a.ndjson'));
    await symlink(join(dir, 'loop-a.ndjson'), join(dir, 'loop-b.ndjson'));
    await symlink(outside, join(dir, 'out.ndjson'));
    await symlink('../../elsewhere/inside.ndjson', join(dir, 'in.ndjson'));
    const { result, ids } = await stageRoot(root);
    expect(seen(result)).toEqual([
      'dangling.ndjson:0 unreadable_file',
      'loop-a.ndjson:0 unreadable_file',
      'loop-b.ndjson:0 unreadable_file',
      'out.ndjson:0 unreadable_file',
    ]);
    expect(result.rejects.map((r) => r.raw)).toEqual([
      expect.stringMatching(/^a link to a file that does not exist/),
      'a link that loops',
      'a link that loops',
      `a link that leads out of the exports root, to ${outside}`,
    ]);
    expect(ids).toEqual(['inside', 'ok']);
  });

  it('a file removed between listing and reading is one unreadable_file; the night goes on', async () => {
    const { result, ids } = await stage({
      'contacts/dt=2026-03-29/ok.ndjson': ndjson(contact('ok')),
      'contacts/dt=2026-03-29/vanishing-early.ndjson': ndjson(contact('gone1')),
      'contacts/dt=2026-03-29/vanishing-late.ndjson': ndjson(contact('gone2')),
      'contacts/dt=2026-03-29/vanishing-late.csv': csv(contact('gone3')),
    });
    expect(seen(result)).toEqual([
      'vanishing-early.ndjson:0 unreadable_file',
      'vanishing-late.csv:0 unreadable_file',
      'vanishing-late.ndjson:0 unreadable_file',
    ]);
    expect(ids).toEqual(['ok']);
  });
});

describe('lines and rows', () => {
  it('reads the rest of a CSV file after a row over 2 MB (line_too_long)', async () => {
    const rows = [contact('before'), contact('huge', { transcript: 'x'.repeat(3 * 1024 * 1024) }), contact('after')];
    const { result, ids } = await stage({ 'contacts/dt=2026-03-29/c.csv': csv(...rows) });
    expect(seen(result)).toEqual(['c.csv:3 line_too_long']);
    expect(ids).toEqual(['after', 'before']);
  });

  it('rejects lines that are not UTF-8 as bad_encoding, in NDJSON and CSV, and reads the others', async () => {
    const bad = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]); // {"\xff\xfe"}
    const { result, ids } = await stage({
      'contacts/dt=2026-03-29/a.ndjson': Buffer.concat([
        Buffer.from(ndjson(contact('n1'))),
        bad,
        Buffer.from(`\n${ndjson(contact('n2'))}`),
      ]),
      'contacts/dt=2026-03-29/b.csv': Buffer.concat([
        Buffer.from(csv(contact('c1'))),
        Buffer.from('c2,voice,inbound,'),
        Buffer.from([0xe9]),
        Buffer.from(`,,,\n`),
      ]),
    });
    expect(seen(result)).toEqual(['a.ndjson:2 bad_encoding', 'b.csv:3 bad_encoding']);
    expect(ids).toEqual(['c1', 'n1', 'n2']);
  });

  it('skips lines of spaces, tabs or CRs in NDJSON and CSV: they are not records, and lines keep their numbers', async () => {
    const fax = contact('fax', { channel: 'fax' });
    const row = (r: Record<string, string | number>) => csv(r).split('\n')[1];
    const { result, ids } = await stage({
      'contacts/dt=2026-03-29/a.ndjson': `${JSON.stringify(contact('a'))}\n\t\n   \n\r\n \t\r\n\n${JSON.stringify(contact('b'))}\n${JSON.stringify(fax)}\n`,
      'contacts/dt=2026-03-29/b.csv': `${csv(contact('c')).trimEnd()}\n\t\n   \n\r\n\n${row(contact('d'))}\n${row(fax)}\n`,
    });
    expect(seen(result)).toEqual(['a.ndjson:8 unknown_value:channel', 'b.csv:8 unknown_value:channel']);
    expect(result.recordsByPartition).toEqual({ [DT]: 6 });
    expect(ids).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps a lone CR inside an NDJSON line: the file is read, the line is one record', async () => {
    const lines = [
      JSON.stringify(contact('a')),
      `{"id":"b",\r"channel":"voice","direction":"inbound","offered_at":"${at(1)}"}`,
      `{"id":"c\rd","channel":"voice","direction":"inbound","offered_at":"${at(2)}"}`,
      JSON.stringify(contact('e')),
    ];
    const { result, ids } = await stage({ 'contacts/dt=2026-03-29/a.ndjson': `${lines.join('\r\n')}\r\n` });
    // A CR between tokens is JSON whitespace; one inside a string must be escaped, so that line is bad JSON.
    expect(seen(result)).toEqual(['a.ndjson:3 bad_json']);
    expect(ids).toEqual(['a', 'b', 'e']);
  });

  it('says a CSV separated by ";" has the wrong delimiter, on every row', async () => {
    const text = 'id;channel;direction;offered_at\nc1;voice;inbound;2026-03-29T08:00:00Z\nc2;voice;inbound;"12,5"\n';
    const { result, ids } = await stage({ 'contacts/dt=2026-03-29/excel.csv': text });
    expect(seen(result)).toEqual(['excel.csv:2 wrong_delimiter', 'excel.csv:3 wrong_delimiter']);
    expect(result.recordsByPartition).toEqual({ [DT]: 2 });
    expect(ids).toEqual([]);
  });
});

describe('values', () => {
  it('rejects NaN, Infinity and 1e309 as wrong_type, in NDJSON as in CSV, and keeps the others whole', async () => {
    const base = `"channel":"voice","direction":"inbound","offered_at":"${at(0)}","answered_at":"2026-03-29T08:00:30Z"`;
    const { result } = await stage({
      'contacts/dt=2026-03-29/a.ndjson': [
        `{"id":"nan",${base},"wait_s":NaN}`,
        `{"id":"inf",${base},"wait_s":Infinity}`,
        `{"id":"minf",${base},"talk_s":-Infinity}`,
        `{"id":"big",${base},"wait_s":1e309}`,
        `{"id":"ok",${base},"wait_s":30}`,
        '',
      ].join('\n'),
      'contacts/dt=2026-03-29/b.csv': `id,channel,direction,offered_at,wait_s\ncnan,voice,inbound,${at(0)},NaN\ncbig,voice,inbound,${at(0)},1e309\n`,
    });
    expect(seen(result)).toEqual([
      'a.ndjson:1 wrong_type:wait_s',
      'a.ndjson:2 wrong_type:wait_s',
      'a.ndjson:3 wrong_type:talk_s',
      'a.ndjson:4 wrong_type:wait_s',
      'b.csv:2 wrong_type:wait_s',
      'b.csv:3 wrong_type:wait_s',
    ]);
    // One good record: the average wait is its own, not blanked by a NaN.
    expect(await db().query('SELECT avg(wait_s) AS w FROM contacts', [])).toEqual([{ w: 30 }]);
  });

  it('accepts offsets from −12:00 to +14:00 with minutes below 60; anything else is bad_timestamp', async () => {
    const offsets = [
      '+99:99',
      '+24:00',
      '+14:01',
      '-12:30',
      '+05:60',
      '-1300',
      '+14:00',
      '-12:00',
      '+05:45',
      '-0330',
      'Z',
      '+01',
    ];
    const { result, ids } = await stage({
      'contacts/dt=2026-03-29/a.ndjson': ndjson(
        ...offsets.map((o, i) => contact(`o${i}`, { offered_at: `2026-03-29T12:00:00${o}`, answered_at: undefined })),
      ),
    });
    expect(seen(result)).toEqual([1, 2, 3, 4, 5, 6].map((l) => `a.ndjson:${l} bad_timestamp:offered_at`));
    expect(ids).toEqual(['o10', 'o11', 'o6', 'o7', 'o8', 'o9']);
  });

  it("lets a cost's end lie in the future, not its start", async () => {
    const root = await exportsDir({
      'costs/dt=2026-03-01/c.ndjson': ndjson(
        { id: 'march', start: '2026-03-01T00:00:00+01:00', end: '2026-04-01T00:00:00+02:00', amount: 150000 },
        { id: 'later', start: '2026-05-01T00:00:00+02:00', end: '2026-06-01T00:00:00+02:00', amount: 1 },
      ),
    });
    engine = await DuckDbQueryEngine.open({ exportsRoot: root });
    const result = await engine.stageExports({
      partitions: ['2026-03-15'],
      now: Date.parse('2026-03-15T00:00:00Z') / 1000,
    });
    expect(seen(result)).toEqual(['c.ndjson:2 timestamp_out_of_range:start']);
    expect(await engine.query('SELECT id FROM costs', [])).toEqual([{ id: 'march' }]);
  });

  it('reads a JSON null as an absent field, for every field; a required one null is missing_field', async () => {
    const nulls = {
      updated_at: null,
      queue: null,
      answered_at: null,
      wait_s: null,
      outcome: null,
      converted: null,
      resolved_first_contact: null,
      transcript: null,
    };
    const { result } = await stage({
      'contacts/dt=2026-03-29/a.ndjson': ndjson(
        { ...contact('nulls'), ...nulls },
        { ...contact('noid'), id: null },
        { ...contact('nochannel'), channel: null },
      ),
    });
    expect(seen(result)).toEqual(['a.ndjson:2 missing_field:id', 'a.ndjson:3 missing_field:channel']);
    expect(await db().query('SELECT id, queue, answered_at, wait_s, outcome, converted FROM contacts', [])).toEqual([
      { id: 'nulls', queue: null, answered_at: null, wait_s: null, outcome: 'abandoned', converted: null },
    ]);
  });
});
