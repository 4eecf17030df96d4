import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { checkedSelect, ctrRecordColumns, parseJson, recordDigest, stagedSelect } from '../../functions/sql/staging.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/ctr/2026-11-22-08.ndjson');
const NOW = Date.parse('2026-11-23T02:30:00Z') / 1000;
const at = (iso: string): number => Date.parse(iso) / 1000;

/** Runs the CTR mapping in DuckDB's dialect over the fixture's lines; returns the staged contacts and the rejects. */
async function mapFixture(): Promise<{ contacts: Record<string, unknown>[]; rejects: Record<string, unknown>[] }> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const lines = readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  await db.run('CREATE TABLE ctr_lines (file VARCHAR, dt VARCHAR, line BIGINT, raw VARCHAR, fmt VARCHAR)');
  for (const [i, raw] of lines.entries()) {
    await db.run('INSERT INTO ctr_lines VALUES (?, ?, ?, ?, ?)', ['ctr.ndjson', '2026-11-22', i + 1, raw, 'ndjson']);
  }
  const source = `SELECT file, dt, line, raw, ${recordDigest('duckdb', 'raw')} AS raw_sha, fmt, ${ctrRecordColumns('duckdb', 'j')} FROM (SELECT *, ${parseJson('duckdb', 'raw')} AS j FROM ctr_lines) parsed`;
  await db.run(`CREATE TABLE checked AS ${checkedSelect('contacts', NOW, 'duckdb', source)}`);
  const read = async (sql: string): Promise<Record<string, unknown>[]> =>
    (await db.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  const contacts = await read(`SELECT * FROM (${stagedSelect('contacts', 'checked')}) ORDER BY id`);
  const rejects = await read(
    'SELECT CAST(line AS INTEGER) AS line, reason FROM checked WHERE reason IS NOT NULL ORDER BY line',
  );
  db.closeSync();
  instance.closeSync();
  return { contacts, rejects };
}

describe('Amazon Connect CTRs as contacts (docs/spec.md §1)', () => {
  it('maps queue, agent and durations, keeps the latest update of a contact, and rejects what is not a contact', async () => {
    const { contacts, rejects } = await mapFixture();
    expect(contacts.map((c) => c.id)).toEqual(['c-1', 'c-2', 'c-3', 'c-4', 'c-5']);
    const [answered, abandoned, ivr, outbound, chat] = contacts;
    // The later record (LastUpdateTimestamp 08:05:10) wins: its reason is "livraison".
    expect(answered).toMatchObject({
      channel: 'voice',
      direction: 'inbound',
      offered_at: at('2026-11-22T08:00:30Z'),
      answered_at: at('2026-11-22T08:00:45Z'),
      ended_at: at('2026-11-22T08:04:00Z'),
      queue: 'Support FR',
      agent: 'alice',
      team: 'Sud',
      reason: 'livraison',
      wait_s: 15,
      talk_s: 184,
      hold_s: 12,
      acw_s: 35,
      outcome: 'handled',
    });
    expect(abandoned).toMatchObject({ outcome: 'abandoned', wait_s: 40, agent: null, team: 'Nord' });
    // Never queued, never answered: it ended in the IVR, offered when initiated.
    expect(ivr).toMatchObject({ outcome: 'deflected', offered_at: at('2026-11-22T10:00:00Z'), queue: null });
    expect(outbound).toMatchObject({
      direction: 'outbound',
      outcome: 'handled',
      offered_at: at('2026-11-22T11:00:00Z'),
    });
    expect(chat).toMatchObject({ channel: 'chat', direction: 'inbound', wait_s: 8 });
    expect(rejects).toEqual([
      { line: 7, reason: 'unknown_value:channel' },
      { line: 8, reason: 'bad_json' },
    ]);
  });
});
