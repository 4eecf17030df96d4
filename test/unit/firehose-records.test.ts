import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FirehoseSplitter, firehoseRecords, isGzip } from '../../functions/adapters/firehose-records.js';

/** The bytes as a stream cut into chunks of `size` bytes (a record may straddle any two chunks). */
async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
const split = (text: string | Uint8Array, size = 7, options = {}) =>
  firehoseRecords(chunked(typeof text === 'string' ? Buffer.from(text) : text, size), options);

describe('Firehose objects split into records', () => {
  it('splits concatenated objects, keeps "}{" inside a string, and numbers records from 1', async () => {
    const text = '{"ContactId":"a","Attributes":{"note":"}{ \\"x\\" }{"}}{"ContactId":"b"}\n{"ContactId":"c"}';
    for (const size of [1, 3, 7, 1000]) {
      expect(await split(text, size)).toEqual([
        { kind: 'record', number: 1, text: '{"ContactId":"a","Attributes":{"note":"}{ \\"x\\" }{"}}' },
        { kind: 'record', number: 2, text: '{"ContactId":"b"}' },
        { kind: 'record', number: 3, text: '{"ContactId":"c"}' },
      ]);
    }
  });

  it('reads gzip by its magic number, whatever the name, and rejects a cut gzip as a whole', async () => {
    const gz = gzipSync(Buffer.from('{"a":1}{"a":2}'));
    expect(isGzip(gz)).toBe(true);
    expect(isGzip(Buffer.from('{"a":1}'))).toBe(false);
    expect((await split(gz)).map((r) => r.kind === 'record' && r.text)).toEqual(['{"a":1}', '{"a":2}']);
    await expect(split(gz.subarray(0, gz.length - 6))).rejects.toThrow();
  });

  it('puts a pretty-printed record on one line and skips a leading byte-order mark and blank lines', async () => {
    const text = '\uFEFF{\r\n  "a": 1,\n  "b": "x y"\n}\n\n  \n{"c":2}\n';
    expect(await split(text, 4)).toEqual([
      { kind: 'record', number: 1, text: '{    "a": 1,   "b": "x y" }' },
      { kind: 'record', number: 2, text: '{"c":2}' },
    ]);
  });

  it('applies the length limit per record, not per object', async () => {
    const long = `{"a":"${'x'.repeat(50)}"}`;
    const items = await split(`{"a":1}${long}{"a":2}`, 5, { maxRecordBytes: 40, rawCharsKept: 10 });
    expect(items).toEqual([
      { kind: 'record', number: 1, text: '{"a":1}' },
      { kind: 'reject', number: 2, reason: 'line_too_long', raw: '{"a":"xxxx' },
      { kind: 'record', number: 3, text: '{"a":2}' },
    ]);
  });

  it('leaves bad JSON to the checks but rejects what cannot be one line of it', async () => {
    const items = await split('{"a":1}garbage {"a":"raw\nnewline"} 42 {"cut":');
    expect(items).toEqual([
      { kind: 'record', number: 1, text: '{"a":1}' },
      // Not JSON, but one record: the checks say bad_json with its text.
      { kind: 'record', number: 2, text: 'garbage' },
      // A raw newline inside a string is not JSON and would split the line.
      { kind: 'reject', number: 3, reason: 'bad_json', raw: '{"a":"raw\nnewline"}' },
      { kind: 'record', number: 4, text: '42' },
      // Cut short at the end of the object.
      { kind: 'reject', number: 5, reason: 'bad_json', raw: '{"cut":' },
    ]);
  });

  it('rejects invalid UTF-8 as bad_encoding, even split across chunks', async () => {
    const bytes = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}{"a":"é"}')]);
    const items = await split(bytes, 3);
    expect(items.map((i) => (i.kind === 'reject' ? i.reason : i.text))).toEqual(['bad_encoding', '{"a":"é"}']);
  });

  it('streams: records come out as their last byte arrives', () => {
    const splitter = new FirehoseSplitter();
    expect(splitter.push(Buffer.from('{"a":"}'))).toEqual([]);
    expect(splitter.push(Buffer.from('"}{"b"'))).toEqual([{ kind: 'record', number: 1, text: '{"a":"}"}' }]);
    expect(splitter.push(Buffer.from(':2}'))).toEqual([{ kind: 'record', number: 2, text: '{"b":2}' }]);
    expect(splitter.finish()).toEqual([]);
  });
});
