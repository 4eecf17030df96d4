/**
 * The Athena engine over an in-memory S3, its queries answered by a script: what it does around Athena.
 * A damaged gzip or a CSV that OpenCSVSerDe misreads is a reject before any query names it (and read once in
 * its life), a reject's line is found by streaming its file, and one that cannot be found says so.
 */
import { gzipSync } from 'node:zlib';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { AthenaQueryEngine, type AthenaSql } from '../../functions/adapters/athena.js';
import type { Row } from '../../functions/pipeline/ports.js';
import { type MemoryObject, memoryS3 } from '../../local-aws/memory-s3.js';

const NOW = Date.parse('2026-11-23T02:00:00Z') / 1000;
const URI = 's3://acme-exports/';

function setUp(files: Record<string, string | Buffer>, answer: (sql: string) => Row[] = () => []) {
  const exports = new Map<string, MemoryObject>(
    Object.entries(files).map(([key, body]) => [key, { body: typeof body === 'string' ? Buffer.from(body) : body }]),
  );
  const s3 = memoryS3(new Map([['acme-exports', exports]]));
  const gets: string[] = [];
  const send = s3.client.send.bind(s3.client);
  s3.client.send = ((command: unknown) => {
    if (command instanceof GetObjectCommand) gets.push(command.input.Key ?? '');
    return send(command as never);
  }) as typeof s3.client.send;
  const statements: string[] = [];
  const athena: AthenaSql = {
    run: async (sql) => {
      statements.push(sql);
      return { rows: answer(sql), stats: { bytesScanned: 0 } };
    },
  };
  const engine = new AthenaQueryEngine({
    athena,
    s3: s3.client,
    exportsBucket: 'acme-exports',
    exportsPrefix: '',
    compacted: { bucket: 'acme-archive', prefix: 'compacted/' },
  });
  return { engine, statements, gets };
}

describe('the Athena engine around its queries', () => {
  it('quarantines a damaged gzip and a CSV OpenCSVSerDe misreads, whole, before any query names them', async () => {
    const whole = gzipSync('{"id":"t1","created_at":"2026-11-01T00:00:00Z"}\n'.repeat(20));
    const { engine, statements, gets } = setUp({
      'tickets/dt=2026-11-01/sound.ndjson.gz': whole,
      'tickets/dt=2026-11-01/cut.ndjson.gz': whole.subarray(0, whole.length - 10),
      'contacts/dt=2026-11-22/multi.csv': 'id,transcript\nc1,"two\nlines"\n',
      'contacts/dt=2026-11-22/fine.csv': 'id,channel\nc2,voice\n',
    });

    const stage = await engine.stageExports({ partitions: ['2026-11-22'], now: NOW, snapshot: true });

    expect(stage.rejects.map((r) => [r.file, r.line, r.reason, r.raw])).toEqual([
      [
        'contacts/dt=2026-11-22/multi.csv',
        0,
        'unreadable_file',
        "line 2: a quoted cell spans lines, which Athena's OpenCSVSerDe cannot read",
      ],
      ['tickets/dt=2026-11-01/cut.ndjson.gz', 0, 'unreadable_file', 'gzip: unexpected end of file'],
    ]);
    const all = statements.join('\n');
    expect(all).not.toContain('cut.ndjson.gz');
    expect(all).not.toContain('multi.csv');
    expect(all).toContain(`${URI}tickets/dt=2026-11-01/sound.ndjson.gz`);
    expect(all).toContain(`${URI}contacts/dt=2026-11-22/fine.csv`);

    // Read once in its life: the next stage remembers each verdict by ETag.
    const before = gets.filter((k) => k.endsWith('cut.ndjson.gz')).length;
    const again = await engine.stageExports({ partitions: ['2026-11-22'], now: NOW });
    expect(gets.filter((k) => k.endsWith('cut.ndjson.gz')).length).toBe(before);
    expect(again.rejects.filter((r) => r.reason === 'unreadable_file')).toHaveLength(2);
  });

  it("finds a reject's line by streaming its file, and says so when it cannot", async () => {
    const file = 'surveys/dt=2026-11-22/a.ndjson.gz';
    const { engine } = setUp({ [file]: gzipSync('{"id":"s1"}\n{"broken"\n{"id":"s2"}\n') }, (sql) =>
      sql.includes('GROUPING SETS')
        ? [
            { dt: '2026-11-22', file: null, reason: null, raw: null, n: 3, whole: 1 },
            { dt: '2026-11-22', file: `${URI}${file}`, reason: 'bad_json', raw: '{"broken"', n: 1, whole: 0 },
            {
              dt: '2026-11-22',
              file: `${URI}${file}`,
              reason: 'missing_field:kind',
              raw: '{"id":"s9"}',
              n: 1,
              whole: 0,
            },
          ]
        : [],
    );

    const stage = await engine.stageExports({ partitions: ['2026-11-22'], now: NOW, kinds: ['surveys'] });

    expect(stage.rejects.map((r) => [r.line, r.reason])).toEqual([
      [0, 'missing_field:kind:line_not_located'],
      [2, 'bad_json'],
    ]);
    expect(stage.recordsByPartition).toEqual({ '2026-11-22': 3 });
  });
});
