import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  locateLines,
  needsCheck,
  objectRefusal,
  SEMICOLON_HEADER,
  semicolonRows,
} from '../../functions/adapters/export-objects.js';

const stream = (bytes: string | Buffer): Readable =>
  Readable.from([typeof bytes === 'string' ? Buffer.from(bytes) : bytes]);

describe('objectRefusal: what Athena cannot read whole, or reads otherwise', () => {
  it('reads nothing of a plain NDJSON object: nothing in it can fail a query', async () => {
    expect(needsCheck('tickets/dt=2026-11-22/a.ndjson')).toBe(false);
    expect(await objectRefusal(stream('not even json'), 'a.ndjson')).toBeNull();
  });

  it('refuses a truncated or corrupt gzip, with zlib words', async () => {
    const whole = gzipSync(`${'{"id":"t"}\n'.repeat(100)}`);
    expect(await objectRefusal(stream(whole), 'a.ndjson.gz')).toBeNull();
    expect(await objectRefusal(stream(whole.subarray(0, whole.length - 9)), 'a.ndjson.gz')).toMatch(
      /^gzip: unexpected end of file/,
    );
    expect(await objectRefusal(stream('plain text named .gz'), 'a.ndjson.gz')).toMatch(/^gzip: incorrect header check/);
  });

  it('refuses a CSV that OpenCSVSerDe reads otherwise: a quoted cell over two lines, a backslash', async () => {
    expect(await objectRefusal(stream('id,note\nt1,"say ""hi"", then go"\n'), 'a.csv')).toBeNull();
    expect(await objectRefusal(stream('id,note\nt1,"two\nlines"\n'), 'a.csv')).toBe(
      "line 2: a quoted cell spans lines, which Athena's OpenCSVSerDe cannot read",
    );
    expect(await objectRefusal(stream(gzipSync('id,path\nt1,C:\\temp\n')), 'a.csv.gz')).toBe(
      "line 2: a backslash, which Athena's OpenCSVSerDe reads as an escape character and drops",
    );
    // A quote inside an unquoted cell is text to an RFC 4180 reader, the start of a quoted cell to opencsv.
    expect(await objectRefusal(stream('id,note\nt1,5" screen\nt2,x\n'), 'a.csv')).toBe(
      "line 2: a quote inside an unquoted cell, which Athena's OpenCSVSerDe reads as opening a quoted one",
    );
  });
});

describe('a CSV split by ";": every row a wrong_delimiter, not a damaged file', () => {
  const text = 'id;note\r\nt1;"12,5"\r\n \t\r\nt2;5" screen\n';

  it('is told apart from a damaged one whatever its quoting', async () => {
    expect(await objectRefusal(stream(text), 'excel.csv')).toBe(SEMICOLON_HEADER);
    expect(await objectRefusal(stream(gzipSync(text)), 'excel.csv.gz')).toBe(SEMICOLON_HEADER);
    // A header with a comma is split by commas: its cells may hold a ';'.
    expect(await objectRefusal(stream('id,note\nt1,a;b\n'), 'a.csv')).toBeNull();
  });

  it('gives each row after the header with its physical line, blank lines skipped, text cut', async () => {
    expect(await semicolonRows(stream(gzipSync(text)), 'excel.csv.gz', 6)).toEqual([
      { line: 2, text: 't1;"12' },
      { line: 4, text: 't2;5" ' },
    ]);
  });
});

describe('locateLines: the line of each rejected record, one pass over the file', () => {
  it('finds NDJSON lines by their text (a BOM and CRLF aside), duplicates claimed in order', async () => {
    const text = '\uFEFF{"id":1}\r\n{"bad"\r\n\r\n{"bad"\r\n{"id":2}\r\n';
    const lines = await locateLines(
      stream(text),
      'a.ndjson',
      [{ raw: '{"bad"' }, { raw: '{"bad"' }, { raw: '{"id":1}' }],
      4096,
    );
    expect(lines).toEqual([2, 4, 1]);
  });

  it('matches a raw text cut at the limit, and CSV rows by their cells, the header skipped', async () => {
    const csv = gzipSync('id,note\nt1,"a,b"\nt2,"long note here"\n');
    expect(await locateLines(stream(csv), 'a.csv.gz', [{ raw: 't2,long' }, { raw: 't1,a,b' }], 7)).toEqual([3, 2]);
  });

  it('gives 0 for a record it cannot find, and throws on a stream that breaks', async () => {
    expect(await locateLines(stream('{"id":1}\n'), 'a.ndjson', [{ raw: '{"id":9}' }], 4096)).toEqual([0]);
    const broken = gzipSync('{"id":1}\n'.repeat(50));
    await expect(
      locateLines(stream(broken.subarray(0, broken.length - 9)), 'a.ndjson.gz', [{ raw: '{"id":2}' }], 4096),
    ).rejects.toThrow(/unexpected end of file/);
  });
});

/**
 * The portability check skips runs of characters that change nothing: it must refuse what a check of every
 * character (the rule as first written, kept here as the reference) refuses, with the same words, however
 * the text is cut into chunks.
 */
class CharByChar {
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

  end(): void {
    if (this.semicolons) this.refusal = SEMICOLON_HEADER;
    else if (this.refusal === null && this.quoted && !this.pendingQuote) {
      this.refusal = `line ${this.line}: a quoted cell is never closed`;
    }
  }
}

describe('the portability check, run by run', () => {
  it('says what a check of every character says, whatever the chunks', async () => {
    const text = fc.array(fc.constantFrom('a', ',', '"', '""', '\\', '\n', '\r', '\r\n', ';', ' ', 'é'), {
      maxLength: 40,
    });
    await fc.assert(
      fc.asyncProperty(text, fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 12 }), async (parts, cuts) => {
        const whole = `id,note\n${parts.join('')}`;
        const reference = new CharByChar();
        reference.push(whole);
        reference.end();
        const chunks: Buffer[] = [];
        let rest = Buffer.from(whole);
        for (const cut of cuts) {
          chunks.push(rest.subarray(0, cut));
          rest = rest.subarray(cut);
        }
        chunks.push(rest);
        expect(await objectRefusal(Readable.from(chunks), 'a.csv')).toBe(reference.refusal);
      }),
      { numRuns: 300 },
    );
  });
});
