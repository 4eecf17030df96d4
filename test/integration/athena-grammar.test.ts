/**
 * Every statement the Athena engine sends is one Athena accepts before reading a byte: Trino's grammar
 * (dt-sql-parser's TrinoSQL; for an UNLOAD its SELECT, the wrapper against the documented syntax), `?`
 * only in WHERE, under the 262,144-byte quota. The engine is driven over a listing that takes each path:
 * NDJSON, CSV under two headers, gzip, CTRs, a history merged into its state in chunks, a snapshot night,
 * compaction, and every facts query. The Glue DDL is parsed by dt-sql-parser's HiveSQL.
 */
import { gzipSync } from 'node:zlib';
import { HiveSQL } from 'dt-sql-parser';
import { describe, expect, it } from 'vitest';
import { type AthenaEngineOptions, AthenaQueryEngine, type AthenaSql } from '../../functions/adapters/athena.js';
import { DEFAULT_CONNECT } from '../../functions/engine/config.js';
import { dayPeriod } from '../../functions/engine/periods.js';
import { factsQueries } from '../../functions/pipeline/read-facts.js';
import { glueDdl } from '../../functions/sql/glue-tables.js';
import { checkGrammar, checkPlaceholders, checkQueryStringSize } from '../../local-aws/athena-rules.js';
import { type MemoryObject, memoryS3 } from '../../local-aws/memory-s3.js';

const NOW = Date.parse('2026-11-23T02:00:00Z') / 1000;
const OPTIONS = {
  thresholds: { serviceLevelSeconds: 20, shortAbandonSeconds: 5, socialReplySeconds: 3600 },
  keywords: ["l'attente", 'panne'],
  verbatims: 5,
};

/** A recording Athena: every statement, answered with no rows. */
function recorder(): AthenaSql & { statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    run: async (sql) => {
      statements.push(sql);
      return { rows: [], stats: { bytesScanned: 0 } };
    },
  };
}

/** Exports of every shape, over a history of partitions. */
function exportsBucket(): Map<string, MemoryObject> {
  const objects = new Map<string, MemoryObject>();
  const put = (key: string, text: string) =>
    objects.set(key, { body: key.endsWith('.gz') ? gzipSync(text) : Buffer.from(text) });
  for (const dt of ['2026-11-01', '2026-11-10', '2026-11-15', '2026-11-20', '2026-11-21', '2026-11-22']) {
    put(`tickets/dt=${dt}/a.ndjson`, '{"id":"t"}\n');
    put(`tickets/dt=${dt}/b.csv`, 'id,created_at,team\nt,2026-11-01T00:00:00Z,Nord\n');
    put(`tickets/dt=${dt}/c.csv.gz`, 'created_at,id\n2026-11-01T00:00:00Z,t\n');
    put(`customers/dt=${dt}/a.ndjson.gz`, '{"id":"k"}\n');
    put(`orders/dt=${dt}/a.csv`, 'id,customer,at\no,k,2026-11-01T00:00:00Z\n');
    put(`costs/dt=${dt}/a.ndjson`, '{"id":"m"}\n');
    put(`contacts/dt=${dt}/a.ndjson`, '{"id":"c"}\n');
    put(`contacts/dt=${dt}/b.csv`, 'id,channel\nc,voice\n');
    put(`surveys/dt=${dt}/a.ndjson`, '{"id":"s"}\n');
    put(`agent_days/dt=${dt}/a.csv`, 'agent,date\na,2026-11-01\n');
  }
  return objects;
}

async function statementsOf(options: Partial<AthenaEngineOptions>, ctr = false): Promise<string[]> {
  const exports = exportsBucket();
  if (ctr) exports.set('connect/ctr/2026/11/22/08/ctr-1', { body: Buffer.from('{"ContactId":"x"}\n') });
  const { client } = memoryS3(new Map([['acme-exports', exports]]));
  const athena = recorder();
  const engine = new AthenaQueryEngine({
    athena,
    s3: client,
    exportsBucket: 'acme-exports',
    exportsPrefix: '',
    compacted: { bucket: 'acme-archive', prefix: 'compacted/' },
    maxObjectsPerQuery: 5,
    ...(ctr
      ? {
          ctr: {
            source: { bucket: 'acme-exports', prefix: 'connect/ctr/' },
            staging: { bucket: 'acme-archive', prefix: 'connect-ctr/' },
            mapping: DEFAULT_CONNECT,
            deliveryDays: DEFAULT_CONNECT.delivery_days,
          },
        }
      : {}),
    ...options,
  });
  const partitions = ['2026-11-20', '2026-11-21', '2026-11-22'];
  // A night without a snapshot, then one from it, then a digest's targeted stage, each with its facts queries.
  for (const request of [
    { partitions, now: NOW, snapshot: true, compact: { before: '2026-11-18' } },
    { partitions, now: NOW, snapshot: true },
    { partitions: ['2026-11-16', '2026-11-17'], now: NOW, kinds: ['orders'] },
  ]) {
    await engine.stageExports(request);
    const day = dayPeriod(request.partitions.at(-1) ?? '', 'Europe/Paris');
    for (const text of factsQueries(day, OPTIONS)) {
      if (request.kinds === undefined || text.sql.includes('FROM orders')) await engine.query(text.sql, text.params);
    }
  }
  await engine.close();
  return athena.statements;
}

describe('what the Athena engine sends', () => {
  it.each([
    ['exports in S3', false],
    ['contacts from Amazon Connect CTRs', true],
  ])(
    'passes Trino grammar, the ? rule and the size quota, every statement (%s)',
    async (_name, ctr) => {
      const statements = await statementsOf({}, ctr);

      expect(statements.length).toBeGreaterThan(40);
      // Each path was taken: a merge in chunks, a snapshot kept, a compaction, state read back, CSV headers apart.
      expect(
        statements.filter((s) => /^UNLOAD .* TO 's3:\/\/acme-archive\/compacted\/state\//s.test(s)).length,
      ).toBeGreaterThan(8);
      expect(statements.some((s) => /partitioned_by = ARRAY\['dt'\]/.test(s))).toBe(true);
      expect(statements.some((s) => /FROM tickets_state WHERE snapshot = /.test(s))).toBe(true);
      expect(statements.some((s) => /header_group/.test(s))).toBe(true);
      expect(statements.some((s) => s.includes(ctr ? 'connect_ctr_lines' : 'contacts_lines'))).toBe(true);
      const refused: string[] = [];
      for (const sql of statements) {
        for (const check of [checkQueryStringSize, checkGrammar, checkPlaceholders]) {
          try {
            check(sql);
          } catch (error) {
            refused.push(`${(error as Error).message}\n${sql.slice(0, 300)}`);
          }
        }
      }
      expect(refused).toEqual([]);
    },
    120_000,
  );

  it('catches what Athena would refuse (the checks can fail)', () => {
    expect(() => checkGrammar('SELECT sum(x FROM t')).toThrow(/SYNTAX_ERROR/);
    expect(() => checkGrammar("UNLOAD (SELECT 1) TO 's3://b/p/' WITH (partition = 'x')")).toThrow(/unknown property/);
    expect(() => checkPlaceholders('SELECT x FROM t GROUP BY x HAVING count(*) > ?')).toThrow(/WHERE clause/);
  });
});

describe('the Glue DDL', () => {
  it("parses with dt-sql-parser's HiveSQL, every table", () => {
    const ddl = glueDdl(
      {
        exportsBucket: 'acme-exports',
        exportsPrefix: 'vigie/',
        ctr: { bucket: 'acme-connect', prefix: 'ctr/' },
        compacted: { bucket: 'acme-archive', prefix: 'compacted/' },
      },
      'vigie',
    );
    const statements = ddl.split('\n\n');
    const hive = new HiveSQL();
    const errors = statements.flatMap((sql) => {
      const found: string[] = [];
      hive.parse(sql, (e) => found.push(`${e.startLine}:${e.startColumn} ${e.message}`));
      return found.map((e) => `${e}\n${sql.slice(0, 120)}`);
    });

    expect(statements).toHaveLength(26);
    expect(errors).toEqual([]);
    const broken = [] as string[];
    hive.parse('CREATE EXTERNAL TABLE t (`a` string) LOCATION', (e) => broken.push(e.message));
    expect(broken.length).toBeGreaterThan(0);
  });
});
