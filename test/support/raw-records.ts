/**
 * An independent, deliberately plain reader of export files for end-to-end checks: it parses NDJSON
 * with JSON.parse and CSV with a small quote-aware splitter, so tests can recompute KPIs without Vigie's SQL.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface RawRecord {
  readonly file: string; // relative to the exports root
  readonly line: number;
  readonly record: Record<string, unknown>;
}

/** Splits one CSV line on commas outside quotes (`""` is a quote); `null` when a quote is left open. */
export function splitCsvLine(line: string): string[] | null {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  if (quoted) return null;
  cells.push(cell);
  return cells;
}

function csvValue(v: string): unknown {
  if (v === '') return undefined;
  if (v === 'true' || v === 'false') return v === 'true';
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
}

/** Every parseable record of a kind in the given partitions (unparseable lines are skipped). */
export async function rawRecords(root: string, kind: string, partitions: readonly string[]): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for (const dt of partitions) {
    const dir = join(root, kind, `dt=${dt}`);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      let bytes = await readFile(join(dir, name));
      if (name.endsWith('.gz')) bytes = gunzipSync(bytes);
      const lines = bytes
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .split(/\r?\n/);
      const file = `${kind}/dt=${dt}/${name}`;
      if (name.replace(/\.gz$/, '').endsWith('.csv')) {
        const header = splitCsvLine(lines[0] ?? '') ?? [];
        lines.slice(1).forEach((text, i) => {
          if (text === '') return;
          const cells = splitCsvLine(text);
          if (cells === null || cells.length !== header.length) return;
          const record: Record<string, unknown> = {};
          header.forEach((h, j) => {
            const v = csvValue(cells[j] ?? '');
            if (v !== undefined) record[h] = v;
          });
          out.push({ file, line: i + 2, record });
        });
      } else {
        lines.forEach((text, i) => {
          if (text.trim() === '') return;
          try {
            const record = JSON.parse(text) as unknown;
            if (record && typeof record === 'object' && !Array.isArray(record))
              out.push({ file, line: i + 1, record: record as Record<string, unknown> });
          } catch {
            // Not JSON: Vigie rejects it; the test only needs the good records.
          }
        });
      }
    }
  }
  return out;
}
