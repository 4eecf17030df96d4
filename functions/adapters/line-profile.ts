/**
 * What the typed read of an NDJSON file must know of its bytes to be trusted (docs/decisions/0007): that the
 * file inflates whole, that its lines are plain (no blank line, lone CR, byte-order mark or line over the
 * limit, which DuckDB's JSON reader would skip, split or read where the exact path rejects), how many there
 * are, and the text of the few lines the typed read could not accept, to check them exactly.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { firstLineOf } from './errors.js';

const LF = 0x0a;
const CR = 0x0d;
const BRACE = 0x7b;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A file the typed read may stand for: its line count and the wanted lines' text (CRLF's CR removed). */
export interface PlainLines {
  readonly kind: 'plain';
  readonly lines: number;
  readonly texts: ReadonlyMap<number, string>;
}

/**
 * What a file's bytes say: plain lines, or why only the exact path reads it as it should (a file that
 * cannot be read whole is left to it too: it names the problem as it always has).
 */
export type LineProfile = PlainLines | { readonly kind: 'irregular'; readonly why: string };

/** Whether bytes `[start, end)` of a buffer are only spaces, tabs and CRs. */
function blank(chunk: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = chunk[i];
    if (b !== 0x20 && b !== 0x09 && b !== CR) return false;
  }
  return true;
}

/**
 * Reads a file to its end (inflating it when gzipped) and profiles its lines; keeps the text of the
 * lines in `wanted`. A line counts as over the limit a little before `maxLineBytes`, so that a line the
 * exact path might refuse is never trusted to the typed read.
 */
export async function lineProfile(
  path: string,
  options: { readonly gzipped: boolean; readonly maxLineBytes: number; readonly wanted: ReadonlySet<number> },
): Promise<LineProfile> {
  const limit = options.maxLineBytes - 8;
  const texts = new Map<number, string>();
  let why: string | null = null;
  let line = 1;
  let length = 0;
  let first = -1; // first byte of the current line, -1 before any
  let blankSoFar = true;
  let pendingCr = false; // the previous piece ended with a CR, not yet known to be a CRLF
  let parts: Buffer[] = [];
  let nextCr = -1; // the current chunk's next CR at or after the piece read, -1 when none
  const irregular = (reason: string): void => {
    why ??= reason;
  };
  const piece = (chunk: Buffer, start: number, end: number): void => {
    if (start === end) return;
    if (pendingCr) irregular(`a CR inside line ${line}`);
    if (first === -1) {
      first = chunk[start] ?? -1;
      if (line === 1 && first === 0xef) irregular('a byte-order mark');
    }
    if (first !== BRACE && blankSoFar) blankSoFar = blank(chunk, start, end);
    // The chunk's next CR is looked for once per CR, not once per line: a search from each line would
    // scan the rest of the chunk every time.
    for (; nextCr !== -1 && nextCr < end; nextCr = chunk.indexOf(CR, nextCr + 1)) {
      if (nextCr < end - 1) irregular(`a CR inside line ${line}`);
    }
    pendingCr = chunk[end - 1] === CR;
    length += end - start;
    if (length > limit) irregular(`line ${line} is near or over the line limit`);
    if (options.wanted.has(line)) parts.push(chunk.subarray(start, end));
  };
  const finish = (): void => {
    if (first === -1 || (first !== BRACE && blankSoFar)) irregular(`line ${line} is blank`);
    if (parts.length > 0) {
      let bytes = Buffer.concat(parts);
      if (bytes.at(-1) === CR) bytes = bytes.subarray(0, -1);
      try {
        texts.set(line, utf8.decode(bytes));
      } catch {
        irregular(`line ${line} is not UTF-8`);
      }
      parts = [];
    }
    line += 1;
    length = 0;
    first = -1;
    blankSoFar = true;
    pendingCr = false;
  };
  try {
    const file = createReadStream(path);
    const bytes = options.gzipped ? file.pipe(createGunzip()) : file;
    // A gzip stream's errors reach the reader through the pipe; the file's own are forwarded.
    if (options.gzipped) file.on('error', (error) => bytes.destroy(error));
    for await (const chunk of bytes as AsyncIterable<Buffer>) {
      if (why !== null) break;
      let start = 0;
      nextCr = chunk.indexOf(CR);
      for (let end = chunk.indexOf(LF, start); end !== -1; end = chunk.indexOf(LF, start)) {
        piece(chunk, start, end);
        finish();
        start = end + 1;
      }
      piece(chunk, start, chunk.length);
    }
  } catch (error) {
    return { kind: 'irregular', why: `it cannot be read whole: ${firstLineOf(error)}` };
  }
  if (why === null && first !== -1) {
    if (pendingCr) irregular('a CR ends the file');
    finish();
  }
  return why === null ? { kind: 'plain', lines: line - 1, texts } : { kind: 'irregular', why };
}
