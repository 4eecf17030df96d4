/**
 * Reading an export object as a stream, once: whether Athena can read it whole (a damaged gzip fails the
 * whole query that names it, docs/spec.md §1 quarantines the file instead), whether a CSV reads the same
 * through Athena's OpenCSVSerDe as through an RFC 4180 reader (it does not for a quoted cell that spans
 * lines, nor for a backslash, its escape character), and the lines of rejected records, found without
 * holding a file in memory. Used by both engines, so they refuse the same files for the same reason.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { exportFormatOf } from '../sql/exports-schema.js';
import { BlankLines } from './export-files.js';

/** True when an object's name says Athena (Hadoop's codec) reads it as gzip. */
export const isGzipName = (name: string): boolean => name.toLowerCase().endsWith('.gz');

/** Whether an object must be read once before a query names it: a gzip can be damaged, a CSV not portable. */
export const needsCheck = (name: string): boolean => isGzipName(name) || exportFormatOf(name) === 'csv';

/** The object's text as a stream: gunzipped when its name ends in `.gz`, as Athena reads it. */
export function objectText(body: Readable, name: string): Readable {
  if (!isGzipName(name)) return body;
  const gunzip = createGunzip();
  body.on('error', (error) => gunzip.destroy(error));
  return body.pipe(gunzip);
}

/**
 * The refusal of a CSV whose header is split by `;` (what spreadsheets write in French): not a damaged
 * file but one whose every row is a `wrong_delimiter` reject (`semicolonRows`), on both engines.
 */
export const SEMICOLON_HEADER = 'a header split by ";", not ","';

/** What ends a run the portability check can skip: inside a quoted cell, and outside one. */
const QUOTED_STOPS = /["\\\n\r]/g;
const UNQUOTED_STOPS = /["\\]/g;

/** The index of the first match of a global `pattern` at or after `from`, or the text's length. */
function indexOfAny(text: string, pattern: RegExp, from: number): number {
  pattern.lastIndex = from;
  return pattern.exec(text)?.index ?? text.length;
}

/**
 * Follows RFC 4180 quoting over a CSV's text, chunk by chunk, and stops at the first thing OpenCSVSerDe
 * would read otherwise: a backslash (its escape character: dropped, and the next character taken as is),
 * a line end inside a quoted cell (it reads physical lines, so the record splits in two), or a quote
 * inside an unquoted cell (text to RFC 4180; to opencsv, the start of a quoted cell).
 */
class CsvPortability {
  private quoted = false;
  private fieldStart = true;
  private pendingQuote = false;
  private line = 1;
  private header = '';
  /** A header split by `;`: every row is a `wrong_delimiter` reject, whatever its quoting. */
  private semicolons = false;
  refusal: string | null = null;

  push(text: string): void {
    for (let i = 0; i < text.length && this.refusal === null && !this.semicolons; i += 1) {
      // Past the header, runs of characters that change nothing are skipped at once (indexOf and a regular
      // expression instead of a loop per character: this read is the whole file's).
      if (this.line > 1 && !this.pendingQuote) {
        const next = this.quoted ? indexOfAny(text, QUOTED_STOPS, i) : indexOfAny(text, UNQUOTED_STOPS, i);
        if (next > i) {
          if (!this.quoted) this.skipUnquoted(text, i, next);
          i = next - 1;
          continue;
        }
      }
      const c = text[i];
      if (this.line === 1 && c !== undefined && c !== '\n') this.header += c;
      if (this.line === 1 && c === '\n' && !this.header.includes(',') && this.header.includes(';')) {
        this.semicolons = true;
        break;
      }
      if (this.pendingQuote) {
        // A quote inside a quoted cell: doubled, it is one literal quote; else it closed the cell.
        this.pendingQuote = false;
        if (c === '"') continue;
        this.quoted = false;
      }
      if (c === '\\') {
        this.refusal = `line ${this.line}: a backslash, which Athena's OpenCSVSerDe reads as an escape character and drops`;
      } else if (this.quoted) {
        if (c === '"') this.pendingQuote = true;
        else if (c === '\n' || c === '\r') {
          this.refusal = `line ${this.line}: a quoted cell spans lines, which Athena's OpenCSVSerDe cannot read`;
        }
      } else if (c === '"' && this.fieldStart) {
        this.quoted = true;
        this.fieldStart = false;
      } else if (c === '"') {
        this.refusal = `line ${this.line}: a quote inside an unquoted cell, which Athena's OpenCSVSerDe reads as opening a quoted one`;
      } else if (c === ',') {
        this.fieldStart = true;
      } else if (c === '\n') {
        this.line += 1;
        this.fieldStart = true;
      } else if (c !== '\r') {
        this.fieldStart = false;
      }
    }
  }

  /** The state after `[start, end)` of an unquoted run holding no quote nor backslash: lines and field start. */
  private skipUnquoted(text: string, start: number, end: number): void {
    for (let k = text.indexOf('\n', start); k !== -1 && k < end; k = text.indexOf('\n', k + 1)) this.line += 1;
    // A CR changes nothing; the last other character says whether a cell starts next.
    let last = end - 1;
    while (last >= start && text[last] === '\r') last -= 1;
    if (last >= start) this.fieldStart = text[last] === ',' || text[last] === '\n';
  }

  end(): void {
    if (this.semicolons) this.refusal = SEMICOLON_HEADER;
    else if (this.refusal === null && this.quoted && !this.pendingQuote) {
      this.refusal = `line ${this.line}: a quoted cell is never closed`;
    }
  }
}

/**
 * Reads an export object once, to its end: `null` when Athena reads it as an RFC 4180 reader would,
 * else why not, in one line (a damaged gzip: zlib's words; a CSV OpenCSVSerDe reads otherwise: where and why).
 * Plain NDJSON needs no reading: any object whose name does not `needsCheck` is `null` at once.
 */
export async function objectRefusal(body: Readable, name: string): Promise<string | null> {
  return readObject(body, name);
}

/**
 * `objectRefusal` of a CSV object and, in the same read, its lines of spaces, tabs or CRs (the embedded
 * engine's CSV reader skips them without numbering its rows past them): one read of the file, not two.
 */
export async function csvObjectProfile(
  body: Readable,
  name: string,
): Promise<{ readonly refusal: string | null; readonly blank: readonly number[] }> {
  const blank = new BlankLines();
  const refusal = await readObject(body, name, blank);
  return { refusal, blank: blank.lines };
}

async function readObject(body: Readable, name: string, blank?: BlankLines): Promise<string | null> {
  if (!needsCheck(name)) {
    body.destroy();
    return null;
  }
  const csv = exportFormatOf(name) === 'csv' ? new CsvPortability() : undefined;
  const text = objectText(body, name);
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of text) {
      if (csv === undefined) continue;
      blank?.push(chunk as Buffer);
      csv.push(decoder.decode(chunk as Buffer, { stream: true }));
      if (csv.refusal !== null) break;
    }
    csv?.end();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `gzip: ${message}`;
  } finally {
    text.destroy();
    body.destroy();
  }
  return csv?.refusal ?? null;
}

/**
 * The rows of a CSV whose header is split by `;`, each to be rejected as `wrong_delimiter`: its physical
 * line and text (cut to `limit` characters). Lines of spaces, tabs or CRs are not records (docs/spec.md §1).
 */
export async function semicolonRows(
  body: Readable,
  name: string,
  limit: number,
): Promise<{ readonly line: number; readonly text: string }[]> {
  const text = objectText(body, name);
  const reader = createInterface({ input: text, crlfDelay: Number.POSITIVE_INFINITY });
  const rows: { line: number; text: string }[] = [];
  let n = 0;
  try {
    for await (const physical of reader) {
      n += 1;
      if (n === 1 || /^[ \t\r]*$/.test(physical)) continue;
      rows.push({ line: n, text: physical.replace(/\r$/, '').slice(0, limit) });
    }
  } finally {
    reader.close();
    text.destroy();
    body.destroy();
  }
  return rows;
}

/** A rejected record whose line is sought: its text as the engine gave it (cut at `limit` characters). */
export interface SoughtRecord {
  readonly raw: string;
}

/** Splits one CSV line (RFC 4180 quoting) into cells. */
export function splitCsvRow(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

/** The first `limit` characters of a text, counted in code points as SQL's substr counts them. */
function leading(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return Array.from(text).slice(0, limit).join('');
}

/**
 * Finds the physical line (1-based) of each sought record in an object's text, streaming it once and
 * keeping only the lines that match: the first line not yet claimed whose text (NDJSON) or cells joined
 * by `,` (CSV, header excluded) start with the record's text. A record not found is `0`; a stream that
 * fails throws, with what was found so far lost (the caller says so in the rejects' reasons).
 */
export async function locateLines(
  body: Readable,
  name: string,
  sought: readonly SoughtRecord[],
  limit: number,
): Promise<number[]> {
  const csv = exportFormatOf(name) === 'csv';
  const waiting = new Map<string, number[]>();
  sought.forEach((s, i) => {
    waiting.set(s.raw, [...(waiting.get(s.raw) ?? []), i]);
  });
  const lines = sought.map(() => 0);
  let left = sought.length;
  const text = objectText(body, name);
  const reader = createInterface({ input: text, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  try {
    for await (const physical of reader) {
      n += 1;
      if (left === 0) break;
      if (csv && n === 1) continue;
      const line = (n === 1 ? physical.replace(/^\uFEFF/, '') : physical).replace(/\r$/, '');
      const comparable = csv ? splitCsvRow(line).join(',') : line;
      const key = leading(comparable, limit);
      const queue = waiting.get(key);
      const index = queue?.shift();
      if (index === undefined) continue;
      lines[index] = n;
      left -= 1;
    }
  } finally {
    reader.close();
    text.destroy();
    body.destroy();
  }
  return lines;
}
