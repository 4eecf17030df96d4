/**
 * What the embedded engine checks of an export file outside DuckDB: whether a gzip stream is whole
 * (DuckDB reads a cut one as its first part and says nothing), a CSV header, and the lines of a file
 * DuckDB's reader cannot split (a lone CR inside an NDJSON line) split as docs/spec.md §1 says:
 * records end at LF, one CR before it is part of the line end, a CR elsewhere is part of the line.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { firstLineOf } from './errors.js';

/** The bytes of a file, inflated when it is gzipped. */
function bytesOf(path: string, gzipped: boolean): NodeJS.ReadableStream {
  const file = createReadStream(path);
  return gzipped ? file.pipe(createGunzip()) : file;
}

/**
 * Why a gzip file cannot be read whole (cut, corrupt: its CRC or length does not match), or `null` when
 * it inflates to its end. Every member of a multi-member file is checked.
 */
export async function gzipProblem(path: string): Promise<string | null> {
  try {
    await pipeline(
      createReadStream(path),
      createGunzip(),
      new Writable({
        write: (_chunk, _encoding, done) => done(),
      }),
    );
    return null;
  } catch (error) {
    return `gzip: ${firstLineOf(error)}`;
  }
}

const LF = 0x0a;
const CR = 0x0d;
const BOM = '\uFEFF';
const utf8 = new TextDecoder('utf-8', { fatal: true });
const lossy = new TextDecoder('utf-8');

/** One line of an export file: its text, or why it cannot be a record (too long, not UTF-8). */
export interface ExportLine {
  /** 1-based physical line. */
  readonly line: number;
  readonly text: string;
  readonly problem: 'line_too_long' | 'bad_encoding' | null;
}

/** Whether a line holds only whitespace (spaces, tabs, CRs): not a record (docs/spec.md §1). */
export const isBlank = (text: string): boolean => /^[ \t\r]*$/.test(text);

/**
 * The lines of a file (inflated when gzipped), blank ones left out: split at LF; a CR right before it
 * ends the line with it, any other CR belongs to the line. A line longer than `maxLineBytes` is kept as
 * its first `keptChars` characters, marked `line_too_long`; one that is not UTF-8 is marked `bad_encoding`.
 */
export async function* exportLines(
  path: string,
  options: { readonly gzipped: boolean; readonly maxLineBytes: number; readonly keptChars: number },
): AsyncGenerator<ExportLine> {
  let parts: Buffer[] = [];
  let length = 0;
  let tooLong = false;
  let line = 0;
  const finish = (): ExportLine | null => {
    line += 1;
    let bytes = Buffer.concat(parts);
    parts = [];
    const long = tooLong || length > options.maxLineBytes;
    length = 0;
    tooLong = false;
    if (bytes.at(-1) === CR) bytes = bytes.subarray(0, -1);
    if (long) return { line, text: lossy.decode(bytes).slice(0, options.keptChars), problem: 'line_too_long' };
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      return { line, text: lossy.decode(bytes).slice(0, options.keptChars), problem: 'bad_encoding' };
    }
    if (line === 1 && text.startsWith(BOM)) text = text.slice(1);
    return isBlank(text) ? null : { line, text, problem: null };
  };
  for await (const chunk of bytesOf(path, options.gzipped) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(LF, start); end !== -1; end = chunk.indexOf(LF, start)) {
      keep(chunk.subarray(start, end));
      const done = finish();
      if (done !== null) yield done;
      start = end + 1;
    }
    keep(chunk.subarray(start));
  }
  if (length > 0 || parts.length > 0) {
    const done = finish();
    if (done !== null) yield done;
  }

  /** Keeps a piece of the current line, up to a little over the limit (enough to show it and to know). */
  function keep(piece: Buffer): void {
    if (piece.length === 0) return;
    length += piece.length;
    if (tooLong) return;
    if (length > options.maxLineBytes + 4) {
      tooLong = true;
      const room = Math.max(0, options.keptChars * 4 - (length - piece.length));
      if (room > 0) parts.push(piece.subarray(0, room));
      return;
    }
    parts.push(piece);
  }
}

/** Whether bytes `[start, end)` of a buffer are only spaces, tabs and CRs. */
function blankBytes(chunk: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = chunk[i];
    if (b !== 0x20 && b !== 0x09 && b !== CR) return false;
  }
  return true;
}

/**
 * The physical lines of spaces, tabs or CRs of bytes given chunk by chunk. DuckDB skips empty lines of a
 * CSV without numbering its rows past them, so knowing them keeps every record's line number physical.
 */
export class BlankLines {
  readonly lines: number[] = [];
  private line = 1;
  private current = true; // the current line is blank so far

  push(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(LF, start); end !== -1; end = chunk.indexOf(LF, start)) {
      if (this.current && blankBytes(chunk, start, end)) this.lines.push(this.line);
      this.line += 1;
      this.current = true;
      start = end + 1;
    }
    this.current &&= blankBytes(chunk, start, chunk.length);
  }
}

/**
 * Writes a file's lines to `target` (plain), each ended by LF alone: a CR before LF dropped, a line of
 * spaces, tabs or CRs written empty. What DuckDB's CSV reader cannot split (line ends that mix LF, CRLF
 * and CR-only lines) it can read from the copy, each record on the same line number as in the file.
 */
export async function copyWithLineFeeds(path: string, gzipped: boolean, target: string): Promise<void> {
  const out = createWriteStream(target);
  const write = (bytes: Buffer | string): Promise<void> =>
    new Promise((resolve, reject) => {
      if (out.write(bytes)) resolve();
      else out.once('drain', resolve).once('error', reject);
    });
  try {
    let pending: Buffer[] = [];
    const flush = async (): Promise<void> => {
      let bytes = Buffer.concat(pending);
      pending = [];
      if (bytes.at(-1) === CR) bytes = bytes.subarray(0, -1);
      if (!blankBytes(bytes, 0, bytes.length)) await write(bytes);
      await write('\n');
    };
    for await (const chunk of bytesOf(path, gzipped) as AsyncIterable<Buffer>) {
      let start = 0;
      for (let end = chunk.indexOf(LF, start); end !== -1; end = chunk.indexOf(LF, start)) {
        pending.push(chunk.subarray(start, end));
        await flush();
        start = end + 1;
      }
      if (start < chunk.length) pending.push(chunk.subarray(start));
    }
    if (pending.length > 0) await flush();
  } finally {
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
}

/** The first line of a file that is not blank (a CSV header), BOM and line end removed; `null` for an empty file. */
export async function firstLine(path: string, gzipped: boolean, maxLineBytes: number): Promise<ExportLine | null> {
  for await (const found of exportLines(path, { gzipped, maxLineBytes, keptChars: 4096 })) return found;
  return null;
}

/** The names of a CSV header: cells split at commas outside double quotes (`""` is a quote). */
export function headerNames(header: string): string[] {
  const names: string[] = [];
  let name = '';
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i];
    if (c === '"' && quoted && header[i + 1] === '"') {
      name += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      names.push(name);
      name = '';
    } else name += c;
  }
  names.push(name);
  return names;
}
