/**
 * The record checks of docs/spec.md §1 (amended 2026-12-05) in both dialects of `checkedSelect`: the
 * DuckDB text over NDJSON lines, and the Trino text (what Athena runs) on DuckDB behind the Athena
 * stand-in's Trino functions. Each must give the reasons the contract says, and the same ones.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportKind } from '../../functions/sql/exports-schema.js';
import {
  checkedSelect,
  type Dialect,
  duckdbNdjsonSource,
  jsonRecordColumns,
  parseJson,
  recordDigest,
} from '../../functions/sql/staging.js';
import { TRINO_COMPAT_MACROS } from '../../local-aws/athena-standin.js';

const NOW = Date.parse('2026-04-01T00:00:00Z') / 1000;
const BASE = '"id":"x","channel":"voice","direction":"inbound"';

let instance: DuckDBInstance;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
});
afterAll(() => instance.closeSync());

/** The reason (or `ok`) each line gets in a dialect. */
async function reasons(kind: ExportKind, dialect: Dialect, lines: readonly string[]): Promise<string[]> {
  const db = await instance.connect();
  try {
    if (dialect === 'trino') for (const macro of TRINO_COMPAT_MACROS) await db.run(macro);
    await db.run('CREATE OR REPLACE TEMP TABLE lines (file VARCHAR, dt VARCHAR, line BIGINT, raw VARCHAR)');
    for (const [i, raw] of lines.entries())
      await db.run('INSERT INTO lines VALUES (?, ?, ?, ?)', ['f', 'd', i + 1, raw]);
    const source =
      dialect === 'duckdb'
        ? duckdbNdjsonSource(kind, 'lines')
        : `SELECT file, dt, line, raw, ${recordDigest('trino', 'raw')} AS raw_sha, 'ndjson' AS fmt, ${jsonRecordColumns(kind, 'trino', 'j', 'raw')} FROM (SELECT *, ${parseJson('trino', 'raw')} AS j FROM lines) parsed`;
    const rows = (
      await db.runAndReadAll(`SELECT line, reason FROM (${checkedSelect(kind, NOW, dialect, source)}) ORDER BY line`)
    ).getRowObjectsJS();
    return rows.map((r) => String(r.reason ?? 'ok'));
  } finally {
    db.closeSync();
  }
}

const both = async (kind: ExportKind, lines: readonly string[]) => ({
  duckdb: await reasons(kind, 'duckdb', lines),
  trino: await reasons(kind, 'trino', lines),
});

describe('record checks, DuckDB and Trino alike', () => {
  it('numbers are finite: NaN, ±Infinity and 1e309 are wrong_type; a NaN in a text field is text', async () => {
    const at = '"offered_at":"2026-03-29T08:00:00Z"';
    const lines = [
      `{${BASE},${at},"wait_s":NaN}`,
      `{${BASE},${at},"wait_s":Infinity}`,
      `{${BASE},${at},"talk_s":-Infinity}`,
      `{${BASE},${at},"wait_s":1e309}`,
      `{${BASE},${at},"wait_s":12.5}`,
      `{${BASE},${at},"queue":NaN}`,
    ];
    const expected = ['wrong_type:wait_s', 'wrong_type:wait_s', 'wrong_type:talk_s', 'wrong_type:wait_s', 'ok', 'ok'];
    expect(await both('contacts', lines)).toEqual({ duckdb: expected, trino: expected });
  });

  it('offsets are real ones: −12:00 to +14:00, minutes below 60', async () => {
    const offsets = ['+99:99', '+24:00', '+14:30', '-12:01', '+01:60', '+14:00', '-12:00', '+05:45', '+0530', 'Z'];
    const lines = offsets.map((o) => `{${BASE},"offered_at":"2026-03-29T08:00:00${o}"}`);
    const expected = offsets.map((_, i) => (i < 5 ? 'bad_timestamp:offered_at' : 'ok'));
    expect(await both('contacts', lines)).toEqual({ duckdb: expected, trino: expected });
  });

  it('a JSON null is an absent field: optional ones are fine, required ones missing_field', async () => {
    const at = '"offered_at":"2026-03-29T08:00:00Z"';
    const lines = [
      `{${BASE},${at},"wait_s":null,"converted":null,"answered_at":null,"outcome":null,"queue":null}`,
      `{"id":null,"channel":"voice","direction":"inbound",${at}}`,
      `{${BASE},"offered_at":null}`,
    ];
    const expected = ['ok', 'missing_field:id', 'missing_field:offered_at'];
    expect(await both('contacts', lines)).toEqual({ duckdb: expected, trino: expected });
  });

  it("a cost's end may lie in the future; its start may not", async () => {
    const lines = [
      '{"id":"m","start":"2026-03-01T00:00:00+01:00","end":"2026-05-01T00:00:00+02:00","amount":10}',
      '{"id":"n","start":"2026-06-01T00:00:00+02:00","end":"2026-07-01T00:00:00+02:00","amount":10}',
    ];
    const expected = ['ok', 'timestamp_out_of_range:start'];
    expect(await both('costs', lines)).toEqual({ duckdb: expected, trino: expected });
  });
});
