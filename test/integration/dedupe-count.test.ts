/**
 * The embedded engine counts merged duplicates from the staged table (`duplicatesFromStaged`) instead of
 * ranking every record a second time (`duplicatesSelect`, which Athena keeps): both give the count
 * docs/spec.md §1 defines, per partition of the merged record.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { readRows } from '../../functions/adapters/duckdb-session.js';
import { duplicatesFromStaged, duplicatesSelect, stagedSelect } from '../../functions/sql/dedupe.js';
import { checkedSelect } from '../../functions/sql/record-checks.js';
import { duckdbEmptySource } from '../../functions/sql/record-sources.js';

describe('duplicates counted from the staged table', () => {
  it('gives, per partition, the good records merged into a later version, as the ranking does', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run(
        `CREATE TABLE checked AS ${checkedSelect('contacts', 0, 'duckdb', duckdbEmptySource('contacts'))}`,
      );
      // c1: two versions on the 21st, both beaten by the 22nd's; c4: tied in one file, the digest decides;
      // c3: rejected records, never duplicates; the 23rd holds only rejects.
      await connection.run(`INSERT INTO checked (file, dt, line, reason, raw_sha, v_id, v_updated_at) VALUES
        ('a', '2026-11-21', 1, NULL, 's1', 'c1', 1),
        ('a', '2026-11-21', 2, NULL, 's2', 'c1', 2),
        ('a', '2026-11-21', 3, NULL, 's3', 'c2', 1),
        ('a', '2026-11-21', 4, 'bad_json', NULL, 'c3', NULL),
        ('a', '2026-11-21', 5, 'bad_json', NULL, 'c3', NULL),
        ('b', '2026-11-22', 1, NULL, 's4', 'c1', 3),
        ('b', '2026-11-22', 2, NULL, 'a', 'c4', 5),
        ('b', '2026-11-22', 3, NULL, 'b', 'c4', 5),
        ('c', '2026-11-23', 1, 'bad_json', NULL, 'c5', NULL)`);
      await connection.run(`CREATE TABLE contacts AS ${stagedSelect('contacts', 'checked')}`);
      const fromStaged = await readRows(connection, duplicatesFromStaged('checked', 'contacts'));
      const ranked = await readRows(connection, `${duplicatesSelect('contacts', 'checked')} ORDER BY dt`);
      expect(fromStaged).toEqual([
        { dt: '2026-11-21', n: 2 },
        { dt: '2026-11-22', n: 1 },
      ]);
      expect(ranked).toEqual(fromStaged);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
