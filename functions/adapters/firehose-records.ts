/**
 * The records of an object Kinesis Data Firehose wrote: JSON values one after another, with a newline
 * between them only when the delivery stream has a delimiter processor (AWS's data-analytics sample adds
 * `AppendDelimiterToRecord`; a plain stream writes `{…}{…}`), gzipped or not whatever the object's name.
 *
 * The splitter finds where each value ends without parsing it (brackets counted outside strings), so a
 * `}{` inside a string never splits a record, a record's limit applies to the record and not to the
 * object, and the record's text reaches the SQL checks as it was written: validity is theirs to judge.
 * A JSON parser would not do: it stops at the first bad record and gives values, not their text.
 */
import { createGunzip } from 'node:zlib';

/** One record of an object, numbered from 1 in the object: a reject names it by object and number. */
export type FirehoseItem =
  | {
      readonly kind: 'record';
      readonly number: number;
      /** The record on one line: newlines between its tokens (a pretty-printed record) become spaces. */
      readonly text: string;
    }
  | {
      /** A record the splitter can already tell is unusable. */
      readonly kind: 'reject';
      readonly number: number;
      /** `line_too_long` (over the record limit), `bad_json` (cut short, or a raw control character), `bad_encoding`. */
      readonly reason: 'line_too_long' | 'bad_json' | 'bad_encoding';
      /** The record's start, as read. */
      readonly raw: string;
    };

export interface SplitOptions {
  /** Longest record, in bytes (docs/spec.md §1: 2 MB, as an NDJSON line). */
  readonly maxRecordBytes?: number;
  /** Characters of a rejected record kept. */
  readonly rawCharsKept?: number;
}

const DEFAULT_MAX_RECORD_BYTES = 2 * 1024 * 1024;
const DEFAULT_RAW_CHARS = 4096;

/** True when bytes start as a gzip stream does (RFC 1952 magic number 1f 8b), whatever the object is called. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isWhitespace = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/** Splits a byte stream of concatenated JSON values into records; see the module's comment. */
export class FirehoseSplitter {
  private readonly maxBytes: number;
  private readonly rawChars: number;
  private number = 0;
  /** Nesting depth of the record being read; 0 between records or in a bare (non-bracket) record. */
  private depth = 0;
  private inRecord = false;
  /** A record that does not start with a bracket: a scalar or stray text, ended by whitespace or a bracket. */
  private bare = false;
  private inString = false;
  private escaped = false;
  /** A raw control character inside a string, or outside one other than whitespace: not JSON. */
  private invalid = false;
  private parts: Uint8Array[] = [];
  private size = 0;
  private first = true;

  constructor(options: SplitOptions = {}) {
    this.maxBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.rawChars = options.rawCharsKept ?? DEFAULT_RAW_CHARS;
  }

  /** The records that end in this chunk. */
  push(chunk: Uint8Array): FirehoseItem[] {
    const out: FirehoseItem[] = [];
    let i = 0;
    if (this.first && chunk.length > 0) {
      this.first = false;
      // A byte-order mark opens the object, not its first record.
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    let start = this.inRecord ? i : -1;
    for (; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (!this.inRecord) {
        if (isWhitespace(b)) continue;
        this.begin(b);
        start = i;
        continue;
      }
      if (this.bare) {
        if (isWhitespace(b) || b === OPEN_OBJECT || b === OPEN_ARRAY) {
          this.keep(chunk, start, i);
          out.push(this.end());
          start = -1;
          i--; // the byte opens the next record, or is skipped as whitespace
        } else if (b < 0x20) this.invalid = true;
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) this.inString = false;
        else if (b < 0x20) this.invalid = true;
        continue;
      }
      if (b === QUOTE) this.inString = true;
      else if (b === OPEN_OBJECT || b === OPEN_ARRAY) this.depth++;
      else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        this.depth--;
        if (this.depth === 0) {
          this.keep(chunk, start, i + 1);
          out.push(this.end());
          start = -1;
        }
      } else if (b < 0x20 && !isWhitespace(b)) this.invalid = true;
    }
    if (this.inRecord && start >= 0) this.keep(chunk, start, chunk.length);
    return out;
  }

  /** The last record at the end of the object: a bracket record still open was cut short. */
  finish(): FirehoseItem[] {
    if (!this.inRecord) return [];
    const cut = !this.bare;
    const item = this.end();
    return cut && item.kind === 'record'
      ? [{ kind: 'reject', number: item.number, reason: 'bad_json', raw: item.text }]
      : [item];
  }

  private begin(b: number): void {
    this.inRecord = true;
    this.number++;
    this.bare = b !== OPEN_OBJECT && b !== OPEN_ARRAY;
    this.depth = this.bare ? 0 : 1;
    this.inString = false;
    this.escaped = false;
    this.invalid = !this.bare ? false : b < 0x20;
    this.parts = [];
    this.size = 0;
  }

  /** Keeps bytes of the record being read, up to the limit plus what a reject shows. */
  private keep(chunk: Uint8Array, from: number, to: number): void {
    const room = this.maxBytes + 1 - this.size;
    if (room > 0) this.parts.push(chunk.subarray(from, from + Math.min(to - from, room)));
    this.size += to - from;
  }

  private end(): FirehoseItem {
    this.inRecord = false;
    const number = this.number;
    const bytes = Buffer.concat(this.parts);
    this.parts = [];
    const raw = (): string => lenient.decode(bytes.subarray(0, this.rawChars * 4)).slice(0, this.rawChars);
    if (this.size > this.maxBytes) return { kind: 'reject', number, reason: 'line_too_long', raw: raw() };
    if (this.invalid) return { kind: 'reject', number, reason: 'bad_json', raw: raw() };
    let text: string;
    try {
      text = strict.decode(bytes);
    } catch {
      return { kind: 'reject', number, reason: 'bad_encoding', raw: raw() };
    }
    // Only whitespace between tokens can hold a raw CR or LF here (inside a string it made the record invalid).
    return { kind: 'record', number, text: /[\r\n]/.test(text) ? text.replace(/[\r\n]/g, ' ') : text };
  }
}

/**
 * Every record of one object's bytes (gunzipped when they start as gzip does). Throws when a gzip
 * stream is corrupt or cut short: such an object is unreadable as a whole, none of its records is used.
 */
export async function firehoseRecords(
  chunks: AsyncIterable<Uint8Array>,
  options: SplitOptions = {},
): Promise<FirehoseItem[]> {
  const items: FirehoseItem[] = [];
  const splitter = new FirehoseSplitter(options);
  for await (const chunk of await decompressed(chunks)) items.push(...splitter.push(chunk));
  items.push(...splitter.finish());
  return items;
}

/** The stream's bytes, gunzipped when its first bytes are gzip's magic number. */
async function decompressed(chunks: AsyncIterable<Uint8Array>): Promise<AsyncIterable<Uint8Array>> {
  const iterator = chunks[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headSize = 0;
  let done = false;
  while (headSize < 2 && !done) {
    const next = await iterator.next();
    if (next.done) done = true;
    else {
      head.push(next.value);
      headSize += next.value.length;
    }
  }
  async function* rest(): AsyncGenerator<Uint8Array> {
    yield* head;
    if (done) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  if (!isGzip(Buffer.concat(head))) return rest();
  const gunzip = createGunzip();
  // Fed from the source as gunzip reads: a corrupt or truncated stream rejects the iteration below.
  void (async () => {
    try {
      for await (const chunk of rest()) if (!gunzip.write(chunk)) await new Promise((r) => gunzip.once('drain', r));
      gunzip.end();
    } catch (error) {
      gunzip.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();
  return gunzip;
}
