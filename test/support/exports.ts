/** Builds small export folders for tests: `await exportsDir({ 'contacts/dt=2026-03-29/a.ndjson': lines })`. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeSample } from '../../functions/sample/write.js';

/** Writes each file (gzipped when its name ends in .gz) under a fresh temp folder; returns the folder. */
export async function exportsDir(files: Record<string, string | Buffer>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'vigie-exports-'));
  for (const [name, content] of Object.entries(files)) {
    const path = join(root, name);
    await mkdir(dirname(path), { recursive: true });
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    await writeFile(path, name.endsWith('.gz') ? gzipSync(bytes) : bytes);
  }
  return root;
}

/** NDJSON text from records (one JSON object per line). */
export const ndjson = (...records: object[]): string => `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;

/** CSV text with a header from the union of the records' keys; absent values are empty cells. */
export function csv(...records: Record<string, string | number | boolean>[]): string {
  const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
  const cell = (v: string | number | boolean | undefined): string => {
    if (v === undefined) return '';
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return `${[columns.join(','), ...records.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n')}\n`;
}

/**
 * The deterministic sample exports of `days` local days to `endDate`, in a fresh temp folder; returns the
 * folder. A base of 20,000 customers rather than the default 300,000: the tests that use it compare engines
 * and check deliveries, and every Athena stand-in query over customers reads the whole base.
 */
export async function sampleExportsDir(days: number, endDate: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'vigie-sample-'));
  await writeSample(root, { days, endDate, customers: 20_000 });
  return root;
}
