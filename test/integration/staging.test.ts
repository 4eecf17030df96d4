import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDbQueryEngine, ExportsRootError } from '../../functions/adapters/duckdb.js';
import { csv, exportsDir, ndjson } from '../support/exports.js';

const NOW = Date.parse('2026-04-01T00:00:00Z') / 1000;
const DAY = ['2026-03-29'];
const contact = (id: string, extra: object = {}) => ({
  id,
  channel: 'voice',
  direction: 'inbound',
  offered_at: '2026-03-29T08:00:00Z',
  answered_at: '2026-03-29T08:00:12Z',
  talk_s: 100,
  ...extra,
});

let engine: DuckDbQueryEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

async function stage(files: Record<string, string | Buffer>, partitions = DAY) {
  engine = await DuckDbQueryEngine.open({ exportsRoot: await exportsDir(files) });
  const result = await engine.stageExports({ partitions, now: NOW });
  return { result, engine };
}

describe('reading and validating exports in DuckDB', () => {
  it('rejects each kind of bad record by reason, with file and line, and keeps the good ones', async () => {
    // Prepare: one file holding one of each bad-input case among good records.
    const lines = [
      JSON.stringify(contact('ok1')),
      '{"id": "broken", ',
      JSON.stringify(contact('nochannel', { channel: undefined })),
      JSON.stringify(contact('fax', { channel: 'fax' })),
      JSON.stringify(contact('negative', { hold_s: -4 })),
      JSON.stringify(contact('wrongtype', { talk_s: 'long' })),
      JSON.stringify(contact('old', { offered_at: '1999-12-31T23:00:00Z', answered_at: undefined })),
      JSON.stringify(contact('future', { offered_at: '2026-04-03T00:00:00Z', answered_at: undefined })),
      JSON.stringify(contact('nooffset', { offered_at: '2026-03-29T08:00:00', answered_at: undefined })),
      '[1, 2, 3]',
      '',
      JSON.stringify(contact('ok2')),
    ];
    // Act
    const { result, engine } = await stage({ 'contacts/dt=2026-03-29/part.ndjson': `${lines.join('\n')}\n` });
    // Assess
    const seen = result.rejects.map((r) => `${r.line} ${r.reason}`);
    expect(seen).toEqual([
      '2 bad_json',
      '3 missing_field:channel',
      '4 unknown_value:channel',
      '5 negative_duration:hold_s',
      '6 wrong_type:talk_s',
      '7 timestamp_out_of_range:offered_at',
      '8 timestamp_out_of_range:offered_at',
      '9 bad_timestamp:offered_at',
      '10 not_an_object',
    ]);
    expect(result.rejects[0]).toMatchObject({
      kind: 'contacts',
      dt: '2026-03-29',
      file: 'contacts/dt=2026-03-29/part.ndjson',
    });
    expect(result.rejects.filter((r) => r.reason === 'timestamp_out_of_range:offered_at')).toHaveLength(2);
    expect(result.recordsByPartition).toEqual({ '2026-03-29': 11 }); // the blank line is not a record
    expect(result.files).toEqual([
      { kind: 'contacts', dt: '2026-03-29', file: 'contacts/dt=2026-03-29/part.ndjson', size: expect.any(Number) },
    ]);
    const ids = await engine.query('SELECT id FROM contacts ORDER BY id', []);
    expect(ids.map((r) => r.id)).toEqual(['ok1', 'ok2']);
  });

  it('reads a UTF-8 BOM, CRLF line ends, gzip, an empty file, and rejects a 10 MB line and a bad CSV row', async () => {
    const crlf = `\uFEFF${[JSON.stringify(contact('bom')), JSON.stringify(contact('crlf'))].join('\r\n')}\r\n`;
    const huge = `${JSON.stringify(contact('huge', { transcript: 'x'.repeat(10 * 1024 * 1024) }))}\n${JSON.stringify(contact('afterhuge'))}\n`;
    const table = `id,channel,direction,offered_at,talk_s\nc1,voice,inbound,2026-03-29T08:00:00Z,10\nc2,voice,inbound\nc3,voice,inbound,2026-03-29T09:00:00Z,\n`;
    const { result, engine } = await stage({
      'contacts/dt=2026-03-29/a.ndjson': crlf,
      'contacts/dt=2026-03-29/b.ndjson.gz': huge,
      'contacts/dt=2026-03-29/c.csv.gz': table,
      'contacts/dt=2026-03-29/empty.ndjson': '',
      'contacts/dt=2026-03-29/_SUCCESS': '',
    });
    expect(result.rejects.map((r) => `${r.file.split('/').pop()}:${r.line} ${r.reason}`)).toEqual([
      'b.ndjson.gz:1 line_too_long',
      'c.csv.gz:3 wrong_column_count',
    ]);
    const ids = await engine.query('SELECT id, talk_s FROM contacts ORDER BY id', []);
    expect(ids).toEqual([
      { id: 'afterhuge', talk_s: 100 },
      { id: 'bom', talk_s: 100 },
      { id: 'c1', talk_s: 10 },
      { id: 'c3', talk_s: null },
      { id: 'crlf', talk_s: 100 },
    ]);
  });

  it('keeps one record per id: the latest updated_at, else the last read', async () => {
    const { result, engine } = await stage({
      'contacts/dt=2026-03-29/a.ndjson': ndjson(
        contact('x', { talk_s: 1, updated_at: '2026-03-29T10:00:00Z' }),
        contact('x', { talk_s: 3, updated_at: '2026-03-29T12:00:00Z' }),
        contact('x', { talk_s: 2, updated_at: '2026-03-29T11:00:00Z' }),
        contact('y', { talk_s: 1 }),
        contact('y', { talk_s: 2 }),
      ),
    });
    expect(result.duplicatesByPartition).toEqual({ '2026-03-29': 3 });
    expect(await engine.query('SELECT id, talk_s FROM contacts ORDER BY id', [])).toEqual([
      { id: 'x', talk_s: 3 },
      { id: 'y', talk_s: 2 },
    ]);
  });

  it('derives outcome and wait as docs/spec.md §1 says when they are absent', async () => {
    const { engine } = await stage({
      'contacts/dt=2026-03-29/a.ndjson': ndjson(
        contact('answered', { wait_s: undefined }),
        {
          id: 'gone',
          channel: 'chat',
          direction: 'inbound',
          offered_at: '2026-03-29T08:00:00Z',
          ended_at: '2026-03-29T08:00:40Z',
        },
        { id: 'mail', channel: 'email', direction: 'inbound', offered_at: '2026-03-29T08:00:00Z' },
        contact('given', { wait_s: 7, outcome: 'handled' }),
      ),
    });
    expect(await engine.query('SELECT id, outcome, wait_s FROM contacts ORDER BY id', [])).toEqual([
      { id: 'answered', outcome: 'handled', wait_s: 12 },
      { id: 'given', outcome: 'handled', wait_s: 7 },
      { id: 'gone', outcome: 'abandoned', wait_s: 40 },
      { id: 'mail', outcome: null, wait_s: null },
    ]);
  });

  it('gives identical staged records from CSV and from NDJSON, gzipped or not', async () => {
    const records = [
      {
        ...contact('a'),
        resolved_first_contact: true,
        converted: false,
        queue: 'facturation, pro',
        reason: 'Facture "mars"',
      },
      { ...contact('b', { answered_at: undefined, ended_at: '2026-03-29T10:01:00+02:00' }), hold_s: 3.5 },
    ];
    const stageAll = async (name: string, text: string) => {
      const { engine } = await stage({ [`contacts/dt=2026-03-29/${name}`]: text });
      const rows = await engine.query('SELECT * FROM contacts ORDER BY id', []);
      await engine.close();
      return rows;
    };
    const fromNdjson = await stageAll('a.ndjson', ndjson(...records));
    const fromNdjsonGz = await stageAll('a.ndjson.gz', ndjson(...records));
    const fromCsv = await stageAll('a.csv', csv(...records));
    const fromCsvGz = await stageAll('a.csv.gz', csv(...records));
    engine = undefined;
    expect(fromNdjson).toHaveLength(2);
    expect(fromNdjsonGz).toEqual(fromNdjson);
    expect(fromCsv).toEqual(fromNdjson);
    expect(fromCsvGz).toEqual(fromNdjson);
  });

  it('reads every older partition of history kinds, and only the window of window kinds', async () => {
    const { engine } = await stage({
      'contacts/dt=2026-03-20/a.ndjson': ndjson(
        contact('old', { offered_at: '2026-03-20T08:00:00Z', answered_at: undefined }),
      ),
      'contacts/dt=2026-03-29/a.ndjson': ndjson(contact('today')),
      'tickets/dt=2026-03-01/t.ndjson': ndjson({
        id: 't1',
        created_at: '2026-03-01T08:00:00Z',
        resolved_at: '2026-03-29T09:00:00Z',
      }),
      'tickets/dt=2026-03-30/t.ndjson': ndjson({ id: 't2', created_at: '2026-03-30T08:00:00Z' }),
    });
    expect((await engine.query('SELECT id FROM contacts', [])).map((r) => r.id)).toEqual(['today']);
    expect((await engine.query('SELECT id FROM tickets', [])).map((r) => r.id)).toEqual(['t1']);
  });

  it('rejects text in count and amount fields of every kind without failing the run', async () => {
    // DuckDB evaluates a CAST even behind a CASE guard, so every check must use TRY_CAST.
    const { result } = await stage({
      'tickets/dt=2026-03-29/t.ndjson': ndjson(
        { id: 't1', created_at: '2026-03-29T08:00:00Z', contacts_count: 'deux' },
        { id: 't2', created_at: '2026-03-29T08:00:00Z', contacts_count: 1.5 },
        { id: 't3', created_at: '2026-03-29T08:00:00Z', contacts_count: 2 },
      ),
      'orders/dt=2026-03-29/o.csv': csv({ id: 'o1', customer: 'k', at: '2026-03-29T08:00:00Z', amount: 'abc' }),
      'contacts/dt=2026-03-29/c.csv': csv(contact('c1', { wait_s: 'abc' })),
    });
    expect(result.rejects.map((r) => `${r.kind}:${r.line} ${r.reason}`).sort()).toEqual([
      'contacts:2 wrong_type:wait_s',
      'orders:2 wrong_type:amount',
      'tickets:1 wrong_type:contacts_count',
      'tickets:2 wrong_type:contacts_count',
    ]);
  });

  it('checks survey scores against their scale, defaulting the scale per kind', async () => {
    const survey = (id: string, kind: string, score: number, extra: object = {}) => ({
      id,
      kind,
      score,
      answered_at: '2026-03-29T08:00:00Z',
      ...extra,
    });
    const { result, engine } = await stage({
      'surveys/dt=2026-03-29/s.csv': csv(
        survey('a', 'csat', 5),
        survey('b', 'csat', 6),
        survey('c', 'nps', 0),
        survey('d', 'csat', 9, { scale_min: 0, scale_max: 10 }),
        survey('e', 'ces', 8),
      ),
    });
    expect(result.rejects.map((r) => `${r.line} ${r.reason}`)).toEqual([
      '3 out_of_range:score',
      '6 out_of_range:score',
    ]);
    expect(await engine.query('SELECT id, scale_min, scale_max FROM surveys ORDER BY id', [])).toEqual([
      { id: 'a', scale_min: 1, scale_max: 5 },
      { id: 'c', scale_min: 0, scale_max: 10 },
      { id: 'd', scale_min: 0, scale_max: 10 },
    ]);
  });

  it('reads each JSON value as docs/spec.md §1 says: non-objects, JSON types, exact member names, first of duplicates', async () => {
    const at = '"channel":"voice","direction":"inbound","offered_at":"2026-03-29T08:00:00Z"';
    const lines = [
      `{"id":"dup1","id":"dup2",${at}}`,
      `{"id":12,${at}}`,
      `{"id":1.50,${at}}`,
      `{"id":1E2,${at}}`,
      `{"id":true,${at}}`,
      `{"id":{"x":1},${at}}`,
      `{"id":[1],${at}}`,
      `{"id":null,${at}}`,
      `{"ID":"upper",${at}}`,
      `{"id":"esc\\"q\\u00e9",${at},"team":"T\\u00e9am"}`,
      `{"id":"strnum",${at},"talk_s":"100"}`,
      `{"id":"numbool",${at},"converted":1}`,
      `{"id":"numts","channel":"voice","direction":"inbound","offered_at":1774771200}`,
      `{"id":"objq",${at},"queue":{"name":"x"}}`,
      `{"id":"trailing-comma",${at},}`,
      `  {"id":"lead-space",${at}}`,
      `\t{"id":"lead-tab",${at}}`,
      '[1,2]',
      ' [1]',
      '3',
      'null',
      '{bad}',
      '{"id":"x"} trailing',
      '\t',
      '   ',
    ];
    const { result, engine } = await stage({ 'contacts/dt=2026-03-29/a.ndjson': `${lines.join('\n')}\n` });
    expect(result.rejects.map((r) => `${r.line} ${r.reason}`)).toEqual([
      '5 wrong_type:id',
      '6 wrong_type:id',
      '7 wrong_type:id',
      '8 missing_field:id',
      '9 missing_field:id',
      '11 wrong_type:talk_s',
      '12 wrong_type:converted',
      '13 bad_timestamp:offered_at',
      '14 wrong_type:queue',
      '18 not_an_object',
      '19 not_an_object',
      '20 not_an_object',
      '21 not_an_object',
      '22 bad_json',
      '23 bad_json',
      // 24 (a tab) and 25 (spaces) are blank lines: not records (docs/spec.md §1).
    ]);
    // A string field given as a number keeps its text as written (JSON parsers rewrite 1.50 as 1.5, 1E2 as 100.0).
    expect(await engine.query('SELECT id, team FROM contacts ORDER BY id', [])).toEqual([
      { id: '1.50', team: null },
      { id: '12', team: null },
      { id: '1E2', team: null },
      { id: 'dup1', team: null },
      { id: 'esc"qé', team: 'Téam' },
      { id: 'lead-space', team: null },
      { id: 'lead-tab', team: null },
      { id: 'trailing-comma', team: null },
    ]);
  });

  it('tells JSON types apart for every kind of field: strings, enums, numbers, booleans, timestamps', async () => {
    const at = '"channel":"voice","direction":"inbound","offered_at":"2026-03-29T08:00:00Z"';
    const values = ['true', '"true"', '1', '"1"', '-5', 'NaN', '{}', '[1]', '"{x"', '"[x"', '""', '"voice"'];
    const fields = ['queue', 'outcome', 'talk_s', 'converted', 'answered_at'];
    const lines = fields.flatMap((field) => values.map((v, i) => `{"id":"${field}-${i}",${at},"${field}":${v}}`));
    const { result, engine } = await stage({ 'contacts/dt=2026-03-29/a.ndjson': `${lines.join('\n')}\n` });
    const reasons = Object.fromEntries(
      fields.map((field, f) => [
        field,
        values.map((v, i) => {
          const reject = result.rejects.find((r) => r.line === f * values.length + i + 1);
          return `${v} ${reject?.reason ?? 'ok'}`;
        }),
      ]),
    );
    expect(reasons).toMatchSnapshot();
    expect(
      await engine.query(
        `SELECT id, queue, talk_s, converted FROM contacts WHERE id LIKE 'queue-%' OR id LIKE 'talk_s-%' OR id LIKE 'converted-%' ORDER BY id`,
        [],
      ),
    ).toMatchSnapshot();
  });

  it('numbers lines per file when a kind has several files, one with an unsplittable line, one unreadable', async () => {
    const root = await exportsDir({
      'contacts/dt=2026-03-29/a.ndjson': ndjson(contact('a1'), contact('a2', { channel: 'fax' })),
      'contacts/dt=2026-03-29/b.ndjson': `${ndjson(contact('b1'))}{"id":"long","x":"${'y'.repeat(3 * 1024 * 1024)}"}\n${ndjson(contact('b2', { hold_s: -1 }))}`,
      'contacts/dt=2026-03-29/c.ndjson.gz': ndjson(contact('c1'), contact('c2', { talk_s: 'x' })),
      // Member names are exact: `id` is not the field here, and `Channel` is not `channel`.
      'contacts/dt=2026-03-29/d.csv': `ID,channel,direction,offered_at\nX,voice,inbound,2026-03-29T08:00:00Z\n`,
      'contacts/dt=2026-03-29/e.csv': `id,Channel,direction,offered_at\ne1,voice,inbound,2026-03-29T08:00:00Z\n`,
      'tickets/dt=2026-03-29/t1.ndjson': ndjson({ id: 't1', created_at: '2026-03-29T08:00:00Z' }, { id: 't2' }),
    });
    // A gzip header and no deflate stream after it.
    await writeFile(
      join(root, 'tickets/dt=2026-03-29/t2.ndjson.gz'),
      Buffer.from([0x1f, 0x8b, 8, 0, 0x67, 0x61, 0x72]),
    );
    engine = await DuckDbQueryEngine.open({ exportsRoot: root });
    const result = await engine.stageExports({ partitions: DAY, now: NOW });
    // By kind, then file, then line, whichever reader found them.
    expect(result.rejects.map((r) => `${r.file.split('/').pop()}:${r.line} ${r.reason}`)).toEqual([
      'a.ndjson:2 unknown_value:channel',
      'b.ndjson:2 line_too_long',
      'b.ndjson:3 negative_duration:hold_s',
      'c.ndjson.gz:2 wrong_type:talk_s',
      'd.csv:2 missing_field:id',
      'e.csv:2 missing_field:channel',
      't1.ndjson:2 missing_field:created_at',
      't2.ndjson.gz:0 unreadable_file',
    ]);
    // 11 lines, and the unreadable file as one record, rejected (docs/spec.md §1).
    expect(result.recordsByPartition).toEqual({ '2026-03-29': 12 });
    expect((await engine.query('SELECT id FROM contacts ORDER BY id', [])).map((r) => r.id)).toEqual([
      'a1',
      'b1',
      'c1',
    ]);
  });

  it('fails with a clear error when the exports root does not exist', async () => {
    engine = await DuckDbQueryEngine.open({ exportsRoot: '/nonexistent/vigie/exports' });
    await expect(engine.stageExports({ partitions: DAY, now: NOW })).rejects.toThrow(ExportsRootError);
  });
});
